"""Helpers shared by the approval services: locking, version checks, bookkeeping."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.text import normalize, spelling_variants

from ..engine import RouteState
from ..errors import Conflict
from ..models import Document, RouteStep
from ..sanitize import plain_text


def lock_document(document: Document | int) -> Document:
    """Lock the document row for the rest of the transaction and return it fresh.

    Every action takes this lock first, so two people acting on one document are
    serialised: the second one then sees the first one's result (on PostgreSQL by
    SELECT … FOR UPDATE; on SQLite the IMMEDIATE transaction already holds the lock).
    """
    pk = document if isinstance(document, int) else document.pk
    locked = (
        Document.objects.select_for_update(of=("self",))
        .select_related("rule", "applicant", "filer", "document_type", "process")
        .filter(pk=pk)
        .first()
    )
    if locked is None:
        raise Conflict()
    return locked


def check_version(document: Document, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != document.version:
        raise Conflict(
            _(
                "この文書は画面を開いた後に更新されています。最新の内容を確認してから、"
                "もう一度操作してください。"
            )
        )


def touch(document: Document, *fields: str) -> None:
    """Save the given fields and bump the version (what stale forms are checked against)."""
    document.version += 1
    document.updated_at = timezone.now()
    document.save(update_fields=[*fields, "version", "updated_at"])


def refresh_search_text(document: Document) -> None:
    """Title, text, number and applicant folded (``directory.text``), then the
    title and text in their standard spelling where written otherwise (表記ゆれ)."""
    title_and_body = f"{document.title}\n{plain_text(document.body)}"
    document.search_text = " ".join(
        part
        for part in (
            normalize(
                " ".join(
                    part
                    for part in (
                        title_and_body,
                        document.number_label,
                        document.applicant.full_name if document.applicant_id else "",
                    )
                    if part
                )
            ),
            spelling_variants(title_and_body),
        )
        if part
    )


def load_state(document: Document) -> RouteState:
    return RouteState(document)


def locked_step(state: RouteState, step: RouteStep | int) -> RouteStep:
    pk = step if isinstance(step, int) else step.pk
    found = state.step(pk)
    if found is None:
        # A step of an earlier round, or of another document: nothing to act on.
        raise Conflict()
    return found
