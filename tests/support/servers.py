"""Real ASGI server processes (uvicorn) on 127.0.0.1 serving the test database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_database_url() -> str:
    """A DATABASE_URL naming the database the tests are using right now."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(settings['NAME']).resolve()}"
    user = settings.get("USER") or ""
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = f":{settings['PORT']}" if settings.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{settings['NAME']}"


def stop_process(process: subprocess.Popen | None) -> None:
    """Terminate a server the tests started (killed if it does not end within 10 s)."""
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class ServerProcess:
    url: str
    port: int
    process: subprocess.Popen
    log_path: Path

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://", 1)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        stop_process(self.process)


def start_server(
    *, log_dir: Path, env: dict[str, str] | None = None, workers: int = 1
) -> ServerProcess:
    """Start uvicorn with the intranet on a free port and wait until /healthz answers."""
    port = free_port()
    log_path = log_dir / f"asgi-{port}.log"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "intranet.settings.test",
        "DATABASE_URL": test_database_url(),
        "SERVE_STATIC": "true",
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "intranet.asgi:application",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-access-log",
        "--lifespan",
        "off",
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT
        )
    server = ServerProcess(f"http://127.0.0.1:{port}", port, process, log_path)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"ASGI server exited early:\n{server.log()}")
        health = f"{server.url}/healthz"
        with suppress(OSError), urllib.request.urlopen(health, timeout=2) as response:  # noqa: S310
            if response.status == 200:
                return server
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"ASGI server did not answer within 60 s:\n{server.log()}")
