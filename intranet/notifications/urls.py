from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("count/", views.unread_json, name="count"),
    path("read-all/", views.mark_all_read, name="read_all"),
    path("<int:pk>/open/", views.open_notification, name="open"),
    path("<int:pk>/read/", views.mark_read, name="read"),
    path("settings/", views.preferences_view, name="preferences"),
    path("settings/devices/", views.register_device, name="register_device"),
    path(
        "settings/devices/<int:pk>/remove/",
        views.remove_device,
        name="remove_device",
    ),
    path("send/", views.send_notice, name="send_notice"),
]
