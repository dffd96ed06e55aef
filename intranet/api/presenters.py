"""How the API shows a document to a person: the one place that decides its title."""

from __future__ import annotations

from django.utils.translation import gettext as _

from workflows import access


def document_title(person, document, *, known_visible: bool = False) -> str:
    """The title, or a withheld placeholder for a 秘 document ``person`` may not read.

    ``known_visible``: the document was read through ``visible_documents_for(person)``.
    Until workflows.access offers title_for/withheld_title (security), visibility is
    ``can_view_document``: the same rule as every page of the document.
    """
    if (
        known_visible
        or not document.confidential
        or access.can_view_document(person, document)
    ):
        return document.title
    return _("（秘）件名は表示できません")


def document_summary(person, document) -> dict:
    return {
        "id": document.pk,
        "title": document_title(person, document),
        "state": document.state,
        "confidential": document.confidential,
        "number_label": document.number_label,
        "document_type": document.document_type.code,
        "amount": document.amount,
        "applicant": document.applicant.username,
        "url": document.get_absolute_url(),
    }
