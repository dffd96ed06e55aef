"""Development: the web server (HTTP + WebSockets) and the task worker, together.

`make run` uses this so that a newcomer sees the e-mails the intranet sends (console
backend) without starting anything else. Ctrl-C stops both. In production run them as
separate services (docs/deployment.md).
"""

import os
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV


class Command(BaseCommand):
    help = (
        "Run the development server and the background task worker; Ctrl-C stops both."
    )

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument(
            "--noreload", action="store_true", help="no autoreloading of either"
        )

    def handle(self, *args, addrport, noreload, **options):
        # With autoreload, runserver re-executes this command in a child process
        # (RUN_MAIN=true); only the outer process owns the worker.
        if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
            call_command("runserver", addrport, use_reloader=True)
            return
        worker = self._start_worker(reload=not noreload)
        try:
            call_command("runserver", addrport, use_reloader=not noreload)
        except KeyboardInterrupt:
            pass
        finally:
            self._stop(worker)

    def _start_worker(self, *, reload: bool) -> subprocess.Popen:
        command = [
            sys.executable,
            str(settings.BASE_DIR / "manage.py"),
            "db_worker",
            "--no-startup-delay",
            "--reload" if reload else "--no-reload",
        ]
        self.stdout.write(
            self.style.SUCCESS(
                "Task worker started: e-mails and background jobs print here."
            )
        )
        return subprocess.Popen(command)  # noqa: S603 - our own manage.py

    def _stop(self, worker: subprocess.Popen) -> None:
        if worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        self.stdout.write("Task worker stopped.")
