"""Background tasks of the API (django-tasks; run by the db_worker)."""

from django_tasks import task

from . import webhooks


@task()
def deliver_webhook(delivery_id: int) -> str:
    return webhooks.deliver(delivery_id)


@task()
def deliver_due_webhooks() -> int:
    """Send every webhook delivery that is due (retries); safe to run any time."""
    return webhooks.deliver_due()
