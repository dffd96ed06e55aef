"""Background tasks of the directory (django-tasks; run by the db_worker)."""

from django_tasks import task

from .ldap.sync import SyncAlreadyRunning, run_sync


@task()
def sync_directory_task(full: bool = False, force: bool = False) -> dict:
    """One directory sync. Skips (returns status "skipped") while another run holds the
    lock, so a schedule that fires too often never overlaps runs."""
    try:
        result = run_sync(full=full, force=force, trigger="task")
    except SyncAlreadyRunning:
        return {"status": "skipped"}
    return {
        "status": result.run.status if result.run else "failed",
        "message": str(result.message),
        "run": result.run.pk if result.run else None,
    }
