"""A document in progress with a person on its route, for tests of the notification
machinery that need a notification of a document kind (they pass through the document
gate, so they must name a document the recipient may know of)."""

from __future__ import annotations

from workflows.models import Document, DocumentType, Participant


def waiting_for(person, *, title: str = "物品購入について") -> Document:
    """An in-progress document with ``person`` on its route (the gate admits her)."""
    unit = person.memberships.select_related("unit").first().unit
    document_type, _created = DocumentType.objects.get_or_create(
        code="general", defaults={"name": "一般文書"}
    )
    document = Document.objects.create(
        title=title,
        document_type=document_type,
        applicant=person,
        filer=person,
        applicant_unit=unit,
        owner_section=unit,
        state=Document.State.IN_PROGRESS,
    )
    Participant.objects.create(
        document=document, person=person, role=Participant.Role.ROUTE
    )
    return document
