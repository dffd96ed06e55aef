"""Who may see a document, and in what capacity someone may act on a step.

Every URL that shows anything of a document (page, attachment, PDF, export, live
topic) goes through ``visible_documents_for`` / ``can_view_document``; nothing else
decides visibility. A document is visible to:

- its applicant and its filer (代理起案),
- the people on its route: past, current and future steps, and whoever acted,
- the active delegates (代理承認・代決者) of route people — not for 秘 documents,
- its 供覧 recipients — not for 秘 documents,
- auditors (the AUDITORS role).

Drafts are visible to the applicant and filer only. Administrators of the approval
system (APPROVAL_ADMINS) manage stuck steps from a list of metadata; they do not read
documents they are not otherwise entitled to.

The one gate for *knowing of* a document — that it exists and its title — is
``may_know_of`` / ``knowing_among`` / ``title_for``: every notification, e-mail,
reminder, escalation, socket push, search hit, admin screen and export asks it. Where
someone must be told about a document she may not know of (an administrator about a
blocked 秘 step), the text names it ``withheld_title()`` 「（秘）文書」 and no more.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from directory import roles

from .models import Delegation, Document, Participant, RouteStep

AUTHOR_ROLES = (Participant.Role.APPLICANT, Participant.Role.FILER)
CONFIDENTIAL_ROLES = (*AUTHOR_ROLES, Participant.Role.ROUTE)


def is_auditor(user) -> bool:
    return roles.has_role(user, roles.AUDITORS)


def is_approval_admin(user) -> bool:
    return roles.has_role(user, roles.APPROVAL_ADMINS)


def visible_documents_for(user, day: datetime.date | None = None) -> QuerySet[Document]:
    """Every document ``user`` may see (a queryset: filter and slice it further)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Document.objects.none()
    submitted = ~Q(state=Document.State.DRAFT)
    authors = Q(applicant_id=user.pk) | Q(filer_id=user.pk)
    if is_auditor(user):
        return Document.objects.filter(submitted | authors)
    day = day or timezone.localdate()
    own = Participant.objects.filter(document_id=OuterRef("pk"), person_id=user.pk)
    principals = Delegation.objects.active(day).filter(delegate_id=user.pk)
    through_principal = Participant.objects.filter(
        document_id=OuterRef("pk"),
        role=Participant.Role.ROUTE,
        person_id__in=principals.values("principal_id"),
    )
    return Document.objects.filter(
        authors
        | (
            submitted
            & (
                Exists(own.filter(role__in=CONFIDENTIAL_ROLES))
                | Q(confidential=False)
                & (
                    Exists(own.filter(role=Participant.Role.CIRCULATION))
                    | Exists(through_principal)
                )
            )
        )
    )


def can_view_document(user, document: Document | int) -> bool:
    pk = document if isinstance(document, int) else document.pk
    return visible_documents_for(user).filter(pk=pk).exists()


def may_know_of(user, document: Document) -> bool:
    """May ``user`` learn that ``document`` exists, and its title?

    Those who may see it; and the approval administrators for a submitted document
    that is not 秘 (their stuck-steps list names it). A 秘 document's existence and
    title are as confidential as its body.
    """
    answers = getattr(user, "_knows_of", {})
    if document.pk in answers:
        return answers[document.pk]
    return knowable_documents_for(user).filter(pk=document.pk).exists()


def answer_for_many(user, documents: Iterable[Document]) -> None:
    """Decide ``may_know_of`` for many documents in one query, ahead of a list that
    asks it row by row (a template's ``title_for``). The answers stay on this
    ``user`` object (the request's), so the list asks the gate without a query per
    row; a row not answered here is still asked one by one."""
    pks = {document.pk for document in documents}
    known = set(
        knowable_documents_for(user).filter(pk__in=pks).values_list("pk", flat=True)
    )
    user._knows_of = {
        **getattr(user, "_knows_of", {}),
        **{pk: pk in known for pk in pks},
    }


def knowable_documents_for(user) -> QuerySet[Document]:
    """The documents ``user`` may know of: ``may_know_of`` for many at once (a
    register, an export), as a queryset to filter or to test with ``Exists``."""
    visible = visible_documents_for(user)
    if not (getattr(user, "is_active", False) and is_approval_admin(user)):
        return visible
    return Document.objects.filter(
        Q(pk__in=visible.values("pk"))
        | Q(confidential=False) & ~Q(state=Document.State.DRAFT)
    )


def knowing_among(users: Iterable, document: Document) -> list:
    """Those of ``users`` who may know of ``document`` (order kept, None skipped)."""
    people = [user for user in users if user is not None]
    if not people:
        return []
    allowed = {
        person.pk
        for person in {person.pk: person for person in people}.values()
        if may_know_of(person, document)
    }
    return [person for person in people if person.pk in allowed]


def withheld_title() -> str:
    """What a document is called to someone who may not know of it."""
    return _("（秘）文書")


def document_title(document: Document) -> str:
    """The title as shown to those who may know of it (marked when 秘)."""
    return shown_title(document.title, confidential=document.confidential, known=True)


def shown_title(title: str, *, confidential: bool, known: bool) -> str:
    """A title as shown to someone who may (``known``) or may not know of the
    document: marked （秘） when 秘, or ``withheld_title()``. ``title_for`` for one
    document; for many, ``known`` comes from ``knowable_documents_for``."""
    if not known:
        return withheld_title()
    if confidential:
        return _("（秘）%(title)s") % {"title": title}
    return title


def title_for(user, document: Document) -> str:
    """The title ``user`` may be shown: the real one, or ``withheld_title()``."""
    return shown_title(
        document.title,
        confidential=document.confidential,
        known=may_know_of(user, document),
    )


def can_edit_document(user, document: Document) -> bool:
    return document.is_editable and user.pk in (
        document.applicant_id,
        document.filer_id,
    )


def is_author(user, document: Document) -> bool:
    return user.pk in (document.applicant_id, document.filer_id)


def active_delegations(user, day: datetime.date | None = None):
    return list(
        Delegation.objects.active(day or timezone.localdate()).filter(
            delegate_id=user.pk
        )
    )


def capacity_for(
    user,
    step: RouteStep,
    *,
    day: datetime.date | None = None,
    delegations: list[Delegation] | None = None,
    absent: set[int] | None = None,
) -> RouteStep.Capacity | None:
    """In what capacity ``user`` may act on the open ``step`` today, or None.

    SELF for the assignee; PROXY for an active 代理承認 delegate of the assignee;
    DEPUTY for a registered 代決者 of the decider when the decider is absent today
    (only on the decision step; a 後閲 task follows). Delegates never act on 秘
    documents (they may not see them).
    """
    if step.status != RouteStep.Status.ACTIVE or step.assignee_id is None:
        return None
    if step.assignee_id == user.pk:
        return RouteStep.Capacity.SELF
    if step.kind not in RouteStep.MAIN_KINDS or step.document.confidential:
        return None
    day = day or timezone.localdate()
    if delegations is None:
        delegations = active_delegations(user, day)
    kinds = {d.kind for d in delegations if d.principal_id == step.assignee_id}
    if Delegation.Kind.PROXY in kinds:
        return RouteStep.Capacity.PROXY
    if Delegation.Kind.DEPUTY in kinds and step.kind == RouteStep.Kind.DECISION:
        if absent is None:
            is_absent = step.assignee.is_absent_on(day)
        else:
            is_absent = step.assignee_id in absent
        if is_absent:
            return RouteStep.Capacity.DEPUTY
    return None
