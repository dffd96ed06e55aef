from django.urls import path

from . import views

app_name = "proposals"
urlpatterns = [
    path("<int:pk>/support/", views.support, name="support"),
    path("<int:pk>/comments/", views.comment, name="comment"),
    path("<int:pk>/status/", views.change_status, name="status"),
    path("<int:pk>/draft/", views.draft_document, name="draft"),
    path("comments/reports/", views.comment_reports, name="comment_reports"),
    path("comments/<int:pk>/edit/", views.edit_comment, name="comment_edit"),
    path("comments/<int:pk>/report/", views.report_comment, name="comment_report"),
    path("comments/<int:pk>/hide/", views.hide_comment, name="comment_hide"),
    path("comments/<int:pk>/restore/", views.restore_comment, name="comment_restore"),
]

# The editor lives under /proposals/ (intranet/urls.py), beside the published pages.
editor_urlpatterns = (
    [
        path("write/", views.write, name="write"),
        path("<int:pk>/edit/", views.edit, name="edit"),
    ],
    "proposal_editor",
)
