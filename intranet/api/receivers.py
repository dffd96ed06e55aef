"""Turn the approvals' and spaces' signals into webhook deliveries.

A subscription hears of a document only when its token's person may see the
document, of a task only when it is theirs (or they are its 代理承認 delegate), of a
booking only when they could manage it — never more than the person could in the pages.
"""

from __future__ import annotations

from spaces import services as spaces_services
from spaces import signals as spaces_signals
from workflows import access
from workflows import signals as workflow_signals
from workflows.messages import proxies_of

from . import webhooks
from .events import BOOKING_ACTIONS, EVENTS
from .presenters import document_summary
from .scopes import Scope


def _document_event(event: str, document, extra: dict | None = None) -> None:
    for subscription in webhooks.active_subscriptions(event):
        person = subscription.token.person
        if not subscription.token.allows(EVENTS[event][0]):
            continue
        if not access.can_view_document(person, document):
            continue
        data = {"document": document_summary(person, document), **(extra or {})}
        webhooks.record(subscription, event, data)


def on_submitted(sender, document, resubmission, **kwargs):
    _document_event(
        "document.submitted", document, {"resubmission": bool(resubmission)}
    )


def on_returned(sender, document, comment, **kwargs):
    _document_event("document.returned", document, {"comment": comment})


def on_decided(sender, document, **kwargs):
    _document_event("document.decided", document)


def on_rejected(sender, document, comment, **kwargs):
    _document_event("document.rejected", document, {"comment": comment})


def on_withdrawn(sender, document, pulled_back, **kwargs):
    _document_event("document.withdrawn", document, {"pulled_back": bool(pulled_back)})


def on_step_assigned(sender, document, step, **kwargs):
    subscriptions = webhooks.active_subscriptions("task.assigned")
    if not subscriptions:
        return
    holders = {step.assignee_id}
    if step.kind in step.MAIN_KINDS and not document.confidential:
        holders |= {person.pk for person in proxies_of([step.assignee_id])}
    for subscription in subscriptions:
        person = subscription.token.person
        if person.pk not in holders or not subscription.token.allows(Scope.TASKS_READ):
            continue
        data = {
            "task": {
                "step": step.pk,
                "kind": step.kind,
                "label": step.label,
                "due_date": step.due_date.isoformat() if step.due_date else None,
            },
            "document": document_summary(person, document),
        }
        webhooks.record(subscription, "task.assigned", data)


def on_bookings_changed(sender, bookings, action, **kwargs):
    event = BOOKING_ACTIONS.get(action)
    if event is None or not bookings:
        return
    for subscription in webhooks.active_subscriptions(event):
        person = subscription.token.person
        if not subscription.token.allows(Scope.BOOKINGS_READ):
            continue
        mine = [b for b in bookings if spaces_services.can_manage_booking(person, b)]
        if mine:
            data = {"bookings": [booking_data(b) for b in mine]}
            webhooks.record(subscription, event, data)


def booking_data(booking) -> dict:
    return {
        "id": booking.pk,
        "resource": booking.resource_id,
        "person": booking.person.username,
        "starts_at": booking.starts_at.isoformat(),
        "ends_at": booking.ends_at.isoformat(),
        "status": booking.status,
    }


def connect() -> None:
    workflow_signals.document_submitted.connect(on_submitted)
    workflow_signals.document_returned.connect(on_returned)
    workflow_signals.document_decided.connect(on_decided)
    workflow_signals.document_rejected.connect(on_rejected)
    workflow_signals.document_withdrawn.connect(on_withdrawn)
    workflow_signals.step_assigned.connect(on_step_assigned)
    spaces_signals.bookings_changed.connect(on_bookings_changed)
