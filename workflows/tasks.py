"""Background tasks (django-tasks). Schedule ``check_approval_deadlines`` daily, or run
``manage.py approval_deadlines`` from cron / a systemd timer (docs/operations.md)."""

from django_tasks import task

from .services import process_absences, process_deadlines


@task()
def check_approval_deadlines() -> dict:
    run = process_deadlines()
    return {
        "reminded": run.reminded,
        "escalated": run.escalated,
        "deputies_told": process_absences(),
    }


@task()
def sign_decided_document(document_id: int) -> str:
    """Sign a decided document (PAdES) once; a later run finds it signed."""
    from .models import Document
    from .signing import signed_pdf_for

    signed = signed_pdf_for(Document.objects.get(pk=document_id))
    return signed.level if signed else ""


@task()
def sign_document_revision(document_id: int, reason: str) -> int:
    """Sign a new revision of a decided document (an approved 訂正) once."""
    from .models import Document
    from .signing import sign_revision_once

    signed = sign_revision_once(
        document=Document.objects.get(pk=document_id), reason=reason
    )
    return signed.revision
