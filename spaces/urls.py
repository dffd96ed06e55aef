from django.urls import path

from . import views

app_name = "spaces"
urlpatterns = [
    path("", views.home, name="home"),
    path("floors/<int:pk>/", views.floor, name="floor"),
    path("floors/<int:pk>/state.json", views.floor_state, name="floor_state"),
    path("floors/<int:pk>/plan", views.plan_image, name="plan_image"),
    path("floors/<int:pk>/qr-sheet/", views.qr_sheet, name="qr_sheet"),
    path("resources/<int:pk>/book/", views.book_resource, name="book"),
    path("resources/<int:pk>/qr.svg", views.resource_qr, name="resource_qr"),
    path("rooms/<int:pk>/", views.room, name="room"),
    path("rooms/<int:pk>/timeline/", views.room_timeline, name="room_timeline"),
    path("bookings/", views.my_bookings, name="my_bookings"),
    path("bookings/<int:pk>/", views.booking_detail, name="booking"),
    path("bookings/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("bookings/<int:pk>/check-in/", views.check_in, name="check_in"),
    path("bookings/<int:pk>/check-out/", views.check_out, name="check_out"),
    path("bookings/<int:pk>/calendar.ics", views.booking_ics, name="booking_ics"),
    path("check-in/<str:token>/", views.scan, name="scan"),
    path("approvals/", views.approvals, name="approvals"),
    path("approvals/<int:pk>/", views.approval, name="approval"),
    path("colleagues/", views.colleagues, name="colleagues"),
    path("settings/", views.personal_settings, name="settings"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("display/<str:token>/", views.room_display, name="display"),
    path("reports/", views.reports, name="reports"),
    path("reports/utilisation.<str:fmt>", views.report_export, name="report_export"),
]
