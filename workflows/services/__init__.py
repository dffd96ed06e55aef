"""Every state change of the electronic approvals, as keyword-only functions.

Views, management commands, tasks, the demo loader and other features call these.
"""

from .absences import process_absences, tell_deputies_of_waiting_decisions
from .actions import (
    BulkResult,
    acknowledge,
    approve,
    bulk_approve,
    decide_on_behalf,
    pull_back,
    reassign_step,
    reject,
    retry_step,
    return_document,
    skip_absent_step,
    skip_vacant_step,
    withdraw,
)
from .deadlines import DeadlineRun, process_deadlines
from .delegations import create_delegation, revoke_delegation
from .documents import (
    add_attachment,
    add_circulation,
    add_consultation,
    can_file_for,
    copy_document,
    create_draft,
    delete_draft,
    remove_attachment,
    remove_route_addition,
    submit,
    update_draft,
)

__all__ = [
    "BulkResult",
    "DeadlineRun",
    "acknowledge",
    "add_attachment",
    "add_circulation",
    "add_consultation",
    "approve",
    "bulk_approve",
    "can_file_for",
    "copy_document",
    "create_delegation",
    "create_draft",
    "decide_on_behalf",
    "delete_draft",
    "process_absences",
    "process_deadlines",
    "pull_back",
    "reassign_step",
    "reject",
    "remove_attachment",
    "remove_route_addition",
    "retry_step",
    "return_document",
    "revoke_delegation",
    "skip_absent_step",
    "skip_vacant_step",
    "submit",
    "tell_deputies_of_waiting_decisions",
    "update_draft",
    "withdraw",
]
