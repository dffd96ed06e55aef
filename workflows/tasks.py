"""Background tasks (django-tasks). Schedule ``check_approval_deadlines`` daily, or run
``manage.py approval_deadlines`` from cron / a systemd timer (docs/operations.md)."""

from django_tasks import task

from .services import process_deadlines


@task()
def check_approval_deadlines() -> dict:
    run = process_deadlines()
    return {"reminded": run.reminded, "escalated": run.escalated}
