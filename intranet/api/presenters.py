"""How the API shows a document to a person: the one place that decides its title."""

from __future__ import annotations

from workflows import access


def document_title(person, document, *, known_visible: bool = False) -> str:
    """The title ``person`` may be shown: ``workflows.access.title_for`` (the pages'
    rule: the title marked （秘）, or withheld from someone who may not know of it).

    ``known_visible``: read through ``visible_documents_for(person)``; the API's
    ``confidential`` field says 秘, so the title is given as it is.
    """
    if known_visible:
        return document.title
    return access.title_for(person, document)


def document_summary(person, document, *, known_visible: bool = False) -> dict:
    return {
        "id": document.pk,
        "title": document_title(person, document, known_visible=known_visible),
        "state": document.state,
        "confidential": document.confidential,
        "number_label": document.number_label,
        "document_type": document.document_type.code,
        "amount": document.amount,
        "applicant": document.applicant.username,
        "url": document.get_absolute_url(),
    }
