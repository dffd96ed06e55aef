from django.urls import path

from . import views

app_name = "directory"
urlpatterns = [
    path("", views.people, name="people"),
    path("<int:pk>/", views.profile, name="profile"),
    path("<int:pk>/presence/", views.set_presence, name="set_presence"),
    path(
        "<int:pk>/presence/<int:period_pk>/cancel/",
        views.cancel_presence,
        name="cancel_presence",
    ),
    path("<int:pk>/photo/", views.photo, name="photo"),
    path("settings/", views.display_settings, name="display_settings"),
    path("units/", views.units, name="units"),
    path("units/<int:pk>/", views.unit, name="unit"),
    path("sync/", views.sync_runs, name="sync_runs"),
]
