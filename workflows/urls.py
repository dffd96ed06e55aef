from django.urls import path

from . import views

app_name = "workflows"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("mine/", views.my_documents, name="mine"),
    path("documents/", views.document_list, name="list"),
    path("documents/export.<str:fmt>", views.export, name="export"),
    path("new/", views.new_document, name="new"),
    path("next/", views.next_document, name="next"),
    path("bulk/", views.bulk_approve, name="bulk"),
    path("verify/", views.verify_pdf, name="verify"),
    path("delegations/", views.delegations, name="delegations"),
    path(
        "delegations/<int:delegation_pk>/revoke/",
        views.revoke_delegation,
        name="revoke_delegation",
    ),
    path("admin/", views.admin_overview, name="admin"),
    path(
        "admin/steps/<int:step_pk>/<str:action>/",
        views.admin_step_action,
        name="admin_step",
    ),
    path("<int:pk>/", views.document_page, name="document"),
    path("<int:pk>/edit/", views.edit_document, name="edit"),
    path("<int:pk>/delete/", views.delete_document, name="delete"),
    path("<int:pk>/submit/", views.submit_document, name="submit"),
    path("<int:pk>/route/<str:kind>/", views.add_route, name="add_route"),
    path(
        "<int:pk>/route/additions/<int:addition_pk>/delete/",
        views.remove_route,
        name="remove_route",
    ),
    path("<int:pk>/act/<str:action>/", views.act, name="act"),
    path("<int:pk>/pdf/", views.document_pdf, name="pdf"),
    path("<int:pk>/attachments/", views.upload_attachment, name="upload"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment,
        name="attachment",
    ),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/delete/",
        views.delete_attachment,
        name="delete_attachment",
    ),
]
