"""Background tasks (django-tasks). Tasks take ids or nothing, never objects."""

from django_tasks import task

from . import emails


@task()
def send_due_emails() -> dict:
    """Send every notification e-mail that is due; safe to run any number of times."""
    return emails.send_due_emails().as_dict()


@task()
def send_push(notification_id: int) -> dict:
    """Push one notification to its recipient's devices (Web Push)."""
    from . import push

    return push.deliver(notification_id)
