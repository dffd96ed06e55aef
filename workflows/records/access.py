"""Who may see and manage records. Documents' visibility stays with
``workflows.access``; this adds the 収受 and 回覧 and the 文書管理担当.

The 文書管理担当 is the APPROVAL_ADMINS role (its label is 文書管理担当): they keep the
分類表, the 簿冊 and the register, and start 廃棄協議, 延長 and 移管. Like the approval
administrators they see records' metadata, never a 秘 record's title or content
unless they may read it otherwise.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from directory.models import Membership
from workflows import access as document_access
from workflows.models import Document
from workflows.routing import owner_section

from .models import Circular, CircularRecipient, IncomingDocument


def is_records_manager(user) -> bool:
    return document_access.is_approval_admin(user)


def shown_title(user, record: Document | IncomingDocument) -> str:
    """A record's title as ``user`` may see it in the records screens, exports and
    notices: a 起案's through the one gate (``workflows.access.title_for``), a
    収受's by the same rule over who may know of it (``knowable_incoming_q``).
    Lists of many rows use ``workflows.access.shown_title`` with ``known`` read in
    the same query (``knowable_documents_for`` / ``knowable_incoming_q``)."""
    if isinstance(record, Document):
        return document_access.title_for(user, record)
    known = (
        getattr(user, "is_authenticated", False)
        and user.is_active
        and IncomingDocument.objects.filter(pk=record.pk)
        .filter(knowable_incoming_q(user))
        .exists()
    )
    return document_access.shown_title(
        record.title, confidential=record.confidential, known=known
    )


def section_ids_of(user) -> set[int]:
    """The 課 the user belongs to today (any membership, 兼務 included)."""
    memberships = (
        Membership.objects.on().filter(person_id=user.pk).select_related("unit")
    )
    return {owner_section(m.unit).pk for m in memberships}


def visible_incoming_for(user) -> QuerySet[IncomingDocument]:
    """収受 a user may see: their own (担当・登録者), their sections' non-秘 ones,
    and every one for auditors and the 文書管理担当 (秘 ones only by title: see
    ``readable_incoming_for``)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return IncomingDocument.objects.none()
    if document_access.is_auditor(user) or is_records_manager(user):
        return IncomingDocument.objects.all()
    return IncomingDocument.objects.filter(readable_incoming_q(user))


def readable_incoming_q(user) -> Q:
    """The 収受 whose title and file ``user`` may read."""
    if document_access.is_auditor(user):
        return Q()
    own = Q(assignee_id=user.pk) | Q(registered_by_id=user.pk)
    units = section_ids_of(user)
    reply_visible = Exists(
        document_access.visible_documents_for(user).filter(pk=OuterRef("reply_id"))
    )
    circulated = Exists(
        CircularRecipient.objects.filter(
            circular__incoming_id=OuterRef("pk"), person_id=user.pk
        )
    )
    return (
        own
        | (Q(confidential=False) & (Q(section_id__in=units) | circulated))
        | (Q(reply__isnull=False) & reply_visible)
    )


def knowable_incoming_q(user) -> Q:
    """The 収受 whose existence and title ``user`` may know: those they may read,
    and every non-秘 one for auditors and the 文書管理担当 (who list them all) —
    ``workflows.access.may_know_of``'s rule for 収受."""
    readable = readable_incoming_q(user)
    if not readable:  # an auditor: every one (an empty Q would absorb the OR)
        return readable
    if is_records_manager(user):
        return readable | Q(confidential=False)
    return readable


def can_view_incoming(user, incoming: IncomingDocument) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return (
        IncomingDocument.objects.filter(pk=incoming.pk)
        .filter(readable_incoming_q(user))
        .exists()
    )


def visible_circulars_for(user) -> QuerySet[Circular]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Circular.objects.none()
    return Circular.objects.filter(
        Q(created_by_id=user.pk)
        | Exists(
            CircularRecipient.objects.filter(
                circular_id=OuterRef("pk"), person_id=user.pk
            )
        )
    )
