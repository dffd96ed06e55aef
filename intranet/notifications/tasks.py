"""Background tasks (django-tasks). Tasks take ids or nothing, never objects."""

from django_tasks import task

from . import emails


@task()
def send_due_emails() -> dict:
    """Send every notification e-mail that is due; safe to run any number of times."""
    return emails.send_due_emails().as_dict()
