from django.urls import path

from . import views

app_name = "workflows"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.document_page, name="document"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/", views.attachment, name="attachment"
    ),
]
