from django.urls import path

from . import views

app_name = "pages"
urlpatterns = [
    path("stale/", views.stale_pages, name="stale"),
    path("<int:pk>/review/", views.review, name="review"),
]
