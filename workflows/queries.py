"""Read functions: the inbox, my documents, and what the home dashboard shows.

Each is a bounded number of queries whatever the counts (see the tests' query bounds
and bench/approvals.py). Other features (the dashboard) may call:

- ``waiting_tasks_for(user, limit=None) -> list[WorkItem]``
- ``waiting_count_for(user) -> int``
- ``my_documents_summary(user) -> dict[str, int]``
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.models import PresencePeriod

from . import access
from .models import Delegation, Document, RouteStep


@dataclass
class WorkItem:
    """One thing waiting for a person: a step to act on, or a returned document."""

    document: Document
    step: RouteStep | None
    capacity: str  # RouteStep.Capacity, or "" for a returned document
    due_date: datetime.date | None

    @property
    def is_overdue(self) -> bool:
        return self.due_date is not None and self.due_date < timezone.localdate()

    @property
    def kind_label(self) -> str:
        if self.step is None:
            return str(Document.State.RETURNED.label)
        return self.step.get_kind_display()

    @property
    def is_actionable(self) -> bool:
        """Approve / return / reject apply (a main-line step)."""
        return self.step is not None and self.step.kind in RouteStep.MAIN_KINDS

    @property
    def approve_label(self) -> str:
        if self.step is None:
            return ""
        if self.step.kind == RouteStep.Kind.DECISION:
            if self.capacity == RouteStep.Capacity.DEPUTY:
                return str(_("代決"))
            return str(_("決裁"))
        if self.step.kind == RouteStep.Kind.CONSULTATION:
            return str(_("同意"))
        return str(_("承認"))

    @property
    def can_bulk_approve(self) -> bool:
        return (
            self.step is not None
            and self.step.kind in (RouteStep.Kind.APPROVAL, RouteStep.Kind.DECISION)
            and self.capacity in (RouteStep.Capacity.SELF, RouteStep.Capacity.PROXY)
            and self.document.document_type.is_routine
        )


def _delegations(user, day):
    return list(Delegation.objects.active(day).filter(delegate_id=user.pk))


# What a brief list of waiting items (the home dashboard) shows and judges: the title,
# the applicant's name, the step's kind and due date. Narrow rows are quicker to build
# than the inbox's full ones (five joined tables of every column).
BRIEF_STEP_FIELDS = (
    "status",
    "kind",
    "assignee_id",
    "due_date",
    "document__title",
    "document__confidential",
    "document__applicant__last_name",
    "document__applicant__first_name",
    "document__applicant__username",
)
BRIEF_DOCUMENT_FIELDS = (
    "title",
    "applicant__last_name",
    "applicant__first_name",
    "applicant__username",
)


def waiting_steps(
    user,
    *,
    day: datetime.date | None = None,
    limit: int | None = None,
    brief: bool = False,
):
    """Open steps ``user`` may act on now (own, 代理, 代決), earliest due first.

    ``brief``: only what a short list shows (title, applicant, kind, due date)."""
    day = day or timezone.localdate()
    delegations = _delegations(user, day)
    principal_ids = {d.principal_id for d in delegations}
    steps = (
        RouteStep.objects.filter(status=RouteStep.Status.ACTIVE)
        .filter(
            Q(assignee_id=user.pk)
            | Q(
                assignee_id__in=principal_ids,
                kind__in=RouteStep.MAIN_KINDS,
                document__confidential=False,
            )
        )
        .order_by("due_date", "reached_at", "pk")
    )
    if brief:
        steps = steps.select_related("document__applicant").only(*BRIEF_STEP_FIELDS)
    else:
        steps = steps.select_related(
            "document",
            "document__document_type",
            "document__applicant",
            "document__applicant_unit",
            "assignee",
        )
    deputies_for = {
        d.principal_id for d in delegations if d.kind == Delegation.Kind.DEPUTY
    }
    absent = (
        set(
            PresencePeriod.objects.absent_on(day)
            .filter(person_id__in=deputies_for)
            .values_list("person_id", flat=True)
        )
        if deputies_for
        else set()
    )
    items = []
    for step in steps:
        capacity = access.capacity_for(
            user, step, day=day, delegations=delegations, absent=absent
        )
        if capacity is None:
            continue
        items.append(WorkItem(step.document, step, capacity, step.due_date))
        if limit is not None and len(items) >= limit:
            break
    return items


def returned_documents(user, *, brief: bool = False):
    documents = (
        Document.objects.filter(state=Document.State.RETURNED)
        .filter(Q(applicant_id=user.pk) | Q(filer_id=user.pk))
        .order_by("-updated_at")
    )
    if brief:
        return documents.select_related("applicant").only(*BRIEF_DOCUMENT_FIELDS)
    return documents.select_related("document_type", "applicant", "applicant_unit")


def waiting_tasks_for(
    user, limit: int | None = None, *, brief: bool = False
) -> list[WorkItem]:
    """Everything waiting for ``user``: returned documents first, then steps.

    ``brief``: rows for a short list (title, applicant, kind, due date) only."""
    items = [
        WorkItem(document, None, "", None)
        for document in returned_documents(user, brief=brief)[: limit or None]
    ]
    remaining = None if limit is None else max(limit - len(items), 0)
    if remaining != 0:
        items += waiting_steps(user, limit=remaining, brief=brief)
    return items


def waiting_count_for(user) -> int:
    return len(waiting_tasks_for(user))


def my_documents(user):
    return (
        Document.objects.filter(Q(applicant_id=user.pk) | Q(filer_id=user.pk))
        .select_related("document_type", "applicant", "filer")
        .order_by("-updated_at", "-pk")
    )


def my_documents_summary(user) -> dict[str, int]:
    """Counts of the user's own documents by state: {"draft": 2, "in_progress": 1, …}."""
    counts = dict(
        my_documents(user).order_by().values_list("state").annotate(n=Count("pk"))
    )
    return {state.value: counts.get(state.value, 0) for state in Document.State}


def next_waiting_document(user, *, after: int | None = None) -> Document | None:
    """連続処理: the next document waiting for ``user`` (other than ``after``)."""
    for item in waiting_tasks_for(user, limit=5):
        if item.document.pk != after:
            return item.document
    return None


def stuck_steps(*, day: datetime.date | None = None):
    """For administrators: blocked (vacant) steps and overdue steps, oldest first."""
    day = day or timezone.localdate()
    return (
        RouteStep.objects.stuck(day)
        .select_related("document", "document__applicant", "assignee", "unit", "post")
        .order_by("status", "due_date", "reached_at")
    )
