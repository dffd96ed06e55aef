"""`make run` (manage.py devserver): the server and the task worker start together, the
worker prints the e-mails on the console, and Ctrl-C stops both."""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from contextlib import suppress

import pytest
from django.test import override_settings

from intranet.notifications import services
from intranet.notifications.kinds import Kind
from tests.support import servers
from tests.support.servers import ROOT, free_port

pytestmark = pytest.mark.server


def wait_until(condition, what: str, process, log, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while not condition():
        if process.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"{what}; output so far:\n{log.read_text()}")
        time.sleep(0.2)


def answers(url: str) -> bool:
    with suppress(OSError), urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
        return response.status == 200
    return False


def group_alive(group: int) -> bool:
    found = subprocess.run(["pgrep", "-g", str(group)], capture_output=True, text=True)
    return bool(found.stdout.strip())


@pytest.mark.django_db(transaction=True)
def test_devserver_runs_the_worker_and_ctrl_c_stops_both(kakaricho, tmp_path):
    port = free_port()
    log = tmp_path / "devserver.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "intranet.settings.dev",
        "DATABASE_URL": servers.test_database_url(),
        "REDIS_URL": "",
        "NOTIFICATION_EMAIL_DELAY": "0",
        "PYTHONUNBUFFERED": "1",
    }
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "devserver", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, like a terminal's
        )
    try:
        wait_until(
            lambda: answers(f"http://127.0.0.1:{port}/healthz"),
            "the server did not answer",
            process,
            log,
        )
        database_tasks = {
            "default": {
                "BACKEND": "django_tasks_db.DatabaseBackend",
                "QUEUES": ["default"],
            }
        }
        with override_settings(TASKS=database_tasks, NOTIFICATION_EMAIL_DELAY=0):
            services.notify(
                recipients=[kakaricho],
                kind=Kind.SYSTEM,
                subject="決裁依頼: 開発サーバーで届くか",
            )
        wait_until(
            lambda: "To: suzuki@ward.example.jp" in log.read_text(),
            "the worker printed no e-mail",
            process,
            log,
        )
        assert "Task worker started" in log.read_text()

        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C
        process.wait(timeout=30)
        assert "Task worker stopped." in log.read_text()
        # Every process of the group (server, reloader, worker) goes away.
        deadline = time.monotonic() + 30
        while group_alive(process.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not group_alive(process.pid)
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
