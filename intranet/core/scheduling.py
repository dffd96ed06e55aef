"""Running a periodic sweep task at the times its work falls due.

A sweep (the notification e-mails, the webhook retries) takes no arguments and does
whatever is due when it runs; :func:`run_at` makes sure it runs at each due time.
With the database task backend the task row is written in the current transaction,
so it exists exactly when the data does. Other backends are asked after the commit;
the immediate backend (tests) runs the sweep at once, which does only what is already
due. A management command beside each sweep picks up whatever a lost task missed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction


def stores_tasks_in_database(backend) -> bool:
    try:
        from django_tasks_db.backend import DatabaseBackend
    except ImportError:  # pragma: no cover - the package is a dependency
        return False
    return isinstance(backend, DatabaseBackend)


def run_at(task, due_times: Iterable[datetime.datetime]) -> None:
    """Make sure ``task`` (a sweep without arguments) runs at each of ``due_times``."""
    due_times = sorted(set(due_times))
    if not due_times:
        return
    backend = task.get_backend()
    if stores_tasks_in_database(backend):
        for due in due_times:
            task.using(run_after=due).enqueue()
    elif backend.supports_defer:
        transaction.on_commit(
            lambda: [task.using(run_after=due).enqueue() for due in due_times]
        )
    else:
        transaction.on_commit(task.enqueue)
