from django.urls import path

from . import views

app_name = "records"
urlpatterns = [
    path("", views.index, name="index"),
    path("incoming/new/", views.incoming_new, name="incoming_new"),
    path("incoming/<int:pk>/", views.incoming, name="incoming"),
    path("incoming/<int:pk>/file/", views.incoming_file, name="incoming_file"),
    path("incoming/<int:pk>/reply/", views.incoming_reply, name="incoming_reply"),
    path("incoming/<int:pk>/close/", views.incoming_close, name="incoming_close"),
    path("register/", views.register, name="register"),
    path("paper/new/", views.paper_new, name="paper_new"),
    path("expiring/", views.expiring, name="expiring"),
    path("documents/<int:pk>/issue/", views.issue, name="issue"),
    path(
        "documents/<int:pk>/corrections/",
        views.correction_request,
        name="correction_request",
    ),
    path(
        "corrections/<int:pk>/decide/",
        views.correction_decide,
        name="correction_decide",
    ),
    path("circulars/new/", views.circular_new, name="circular_new"),
    path("circulars/<int:pk>/", views.circular, name="circular"),
    path(
        "circulars/<int:pk>/<str:action>/",
        views.circular_action,
        name="circular_action",
    ),
]
