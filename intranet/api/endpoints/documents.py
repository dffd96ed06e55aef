"""Documents: read (with ETag), draft, attach, submit; route, history and the PDF.

Every read goes through ``workflows.access.visible_documents_for`` (404 otherwise) and
every change through ``workflows.services``: the same rules as the pages.
"""

from __future__ import annotations

import hashlib
from urllib.parse import quote

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from workflows import access, pdf, services
from workflows.models import Document, DocumentType
from workflows.offers import route_steps

from ..auth import scoped
from ..errors import PROBLEM_RESPONSES, WRITE_PROBLEM_RESPONSES, ApiProblem
from ..pagination import DEFAULT_LIMIT, MAX_LIMIT, page_of_queryset
from ..params import Id
from ..presenters import document_title
from ..schemas import (
    AttachmentOut,
    DocumentDetail,
    DocumentIn,
    DocumentPage,
    HistoryOut,
    StepOut,
    SubmitIn,
)
from ..scopes import Scope

router = Router(tags=["documents"])
READ = scoped(Scope.DOCUMENTS_READ)
WRITE = scoped(Scope.DOCUMENTS_WRITE)
RELATED = (
    "document_type",
    "applicant",
    "filer",
)


def person_ref(person) -> dict | None:
    if person is None:
        return None
    return {"username": person.username, "name": str(person)}


def document_summary(viewer, document: Document) -> dict:
    """What a list of work shows (no filer: the inbox does not read it)."""
    return {
        "id": document.pk,
        # Every document here was read through visible_documents_for(viewer) or is
        # the viewer's own work (waiting_tasks_for).
        "title": document_title(viewer, document, known_visible=True),
        "state": document.state,
        "state_label": str(document.get_state_display()),
        "document_type": document.document_type.code,
        "amount": document.amount,
        "confidential": document.confidential,
        "applicant": person_ref(document.applicant),
        "number_label": document.number_label,
        "url": document.get_absolute_url(),
    }


def document_out(viewer, document: Document) -> dict:
    return {
        **document_summary(viewer, document),
        "document_type_name": document.document_type.name,
        "retention_years": document.retention_years,
        "filer": person_ref(document.filer),
        "filed_on_behalf": document.filed_on_behalf,
        "version": document.version,
        "round": document.round,
        "created_at": document.created_at,
        "updated_at": document.updated_at,
        "submitted_at": document.submitted_at,
        "decided_at": document.decided_at,
    }


def visible_document(user, pk: int) -> Document:
    """The document if ``user`` may see it; 404 otherwise (whether or not it exists)."""
    document = (
        access.visible_documents_for(user)
        .select_related(*RELATED)
        .filter(pk=pk)
        .first()
    )
    if document is None:
        raise ApiProblem(404, "not_found", _("文書が見つかりません。"))
    return document


def _etag(document: Document) -> str:
    stamp = f"{document.pk}:{document.version}:{document.updated_at.isoformat()}"
    return '"' + hashlib.sha256(stamp.encode()).hexdigest()[:32] + '"'


@router.get(
    "/documents",
    auth=READ,
    response={200: DocumentPage, **PROBLEM_RESPONSES},
    summary="文書の一覧（閲覧できるもの、新しい順）",
)
def list_documents(
    request,
    state: Document.State | None = None,
    cursor: str | None = Query(None, max_length=100),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
):
    documents = access.visible_documents_for(request.user).select_related(*RELATED)
    if state:
        documents = documents.filter(state=state)
    page = page_of_queryset(documents, cursor, limit)
    page["items"] = [document_out(request.user, d) for d in page["items"]]
    return page


@router.post(
    "/documents",
    auth=WRITE,
    response={201: DocumentDetail, **WRITE_PROBLEM_RESPONSES},
    summary="下書きの作成（代理起案も可）",
)
def create_document(request, payload: DocumentIn):
    applicant = request.user
    if payload.applicant and payload.applicant != request.user.username:
        applicant = (
            get_user_model()
            .objects.filter(username=payload.applicant, is_active=True)
            .first()
        )
        if applicant is None:
            raise ApiProblem(
                422, "unknown_applicant", _("指定された起案者が見つかりません。")
            )
    document_type = None
    if payload.document_type:
        document_type = DocumentType.objects.filter(
            code=payload.document_type, is_active=True
        ).first()
        if document_type is None:
            raise ApiProblem(
                422, "unknown_document_type", _("指定された文書分類がありません。")
            )
    document = services.create_draft(
        applicant=applicant,
        filer=request.user,
        title=payload.title,
        body=payload.body,
        document_type=document_type,
        retention_years=payload.retention_years,
        amount=payload.amount,
        confidential=payload.confidential,
    )
    return Status(
        201, detail_out(request.user, visible_document(request.user, document.pk))
    )


def attachment_out(item) -> dict:
    return {
        "id": item.pk,
        "name": item.original_name,
        "content_type": item.content_type,
        "size": item.size,
        "sha256": item.sha256,
        "uploaded_at": item.uploaded_at,
    }


def detail_out(viewer, document: Document) -> dict:
    return {
        **document_out(viewer, document),
        "body": document.body,
        "attachments": [
            attachment_out(item)
            for item in document.attachments.current().order_by("pk")
        ],
    }


@router.get(
    "/documents/{document_id}",
    auth=READ,
    response={200: DocumentDetail, 304: None, **PROBLEM_RESPONSES},
    summary="文書の内容と状態（ETag / If-None-Match 対応）",
)
def get_document(request, document_id: Id, response: HttpResponse):
    document = visible_document(request.user, document_id)
    etag = _etag(document)
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    if etag in _if_none_match(request):
        return Status(304, None)
    return detail_out(request.user, document)


def _if_none_match(request) -> set[str]:
    header = request.headers.get("If-None-Match", "")
    return {part.strip().removeprefix("W/") for part in header.split(",")}


@router.post(
    "/documents/{document_id}/attachments",
    auth=WRITE,
    response={201: AttachmentOut, **WRITE_PROBLEM_RESPONSES},
    summary="ファイルの添付（下書き・差戻し中の文書）",
)
def add_attachment(request, document_id: Id, file: File[UploadedFile]):
    document = visible_document(request.user, document_id)
    item = services.add_attachment(document=document, by=request.user, upload=file)
    return Status(201, attachment_out(item))


@router.post(
    "/documents/{document_id}/submit",
    auth=WRITE,
    response={200: DocumentDetail, **WRITE_PROBLEM_RESPONSES},
    summary="起案（提出）・再提出",
)
def submit_document(request, document_id: Id, payload: SubmitIn | None = None):
    # Only its author (applicant or filer) may submit it, and an author always sees
    # it: found as such, it needs no visibility rule; anyone else gets what the rule
    # says (404, or the service's refusal).
    own = Document.objects.select_related(*RELATED).filter(
        Q(applicant=request.user) | Q(filer=request.user)
    )
    document = own.filter(pk=document_id).first() or visible_document(
        request.user, document_id
    )
    services.submit(
        document=document,
        by=request.user,
        expected_version=payload.version if payload else None,
    )
    return detail_out(request.user, own.get(pk=document.pk))


@router.get(
    "/documents/{document_id}/route",
    auth=READ,
    response={200: list[StepOut], **PROBLEM_RESPONSES},
    summary="回議ルート（現在の回）",
)
def document_route(request, document_id: Id):
    document = visible_document(request.user, document_id)
    return [
        {
            "id": step.pk,
            "position": step.position,
            "kind": step.kind,
            "kind_label": str(step.get_kind_display()),
            "label": step.label,
            "status": step.status,
            "status_label": str(step.get_status_display()),
            "assignee": person_ref(step.assignee),
            "acted_by": person_ref(step.acted_by),
            "capacity": step.capacity or "",
            "acted_at": step.acted_at,
            "due_date": step.due_date,
            "comment": step.comment,
        }
        for step in route_steps(document)
    ]


@router.get(
    "/documents/{document_id}/history",
    auth=READ,
    response={200: list[HistoryOut], **PROBLEM_RESPONSES},
    summary="処理の履歴（台帳）",
)
def document_history(request, document_id: Id):
    document = visible_document(request.user, document_id)
    entries = document.ledger_entries.select_related("actor", "on_behalf_of").order_by(
        "sequence"
    )
    return [
        {
            "sequence": entry.sequence,
            "action": entry.action,
            "action_label": str(entry.get_action_display()),
            "actor": person_ref(entry.actor),
            "on_behalf_of": person_ref(entry.on_behalf_of),
            "at": entry.at,
            "from_step": entry.from_step,
            "to_step": entry.to_step,
            "comment": entry.comment,
        }
        for entry in entries
    ]


@router.get(
    "/documents/{document_id}/pdf",
    auth=READ,
    response={200: None, **PROBLEM_RESPONSES},
    openapi_extra={
        "responses": {
            "200": {
                "description": "決裁済み文書のPDF",
                "content": {
                    "application/pdf": {
                        "schema": {"type": "string", "format": "binary"}
                    }
                },
            }
        }
    },
    summary="決裁済み文書のPDF",
)
def document_pdf(request, document_id: Id):
    document = visible_document(request.user, document_id)
    if document.state != Document.State.DECIDED:
        raise ApiProblem(404, "not_decided", _("決裁済みの文書ではありません。"))
    response = HttpResponse(pdf.render(document), content_type="application/pdf")
    filename = f"{document.number_label or document.pk}.pdf"
    response["Content-Disposition"] = (
        f"attachment; filename=\"document-{document.pk}.pdf\"; filename*=UTF-8''{quote(filename)}"
    )
    response["Cache-Control"] = "private, no-store"
    return response
