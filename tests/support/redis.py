"""Redis for the tests that need the real channel layer across processes.

``require_redis()`` answers the URL of a Redis that is up: $REDIS_URL, or the local one
at 127.0.0.1:6379. It skips the test, naming the reason, when none answers — except
under CI=true, where that fails the run. ``unique_prefix()`` keeps one test run's
channel-layer traffic apart from every other run's (pub/sub ignores the db number).
``RedisServer`` is a throwaway redis-server the test may stop and start again.
"""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from tests.support.programs import require_program
from tests.support.servers import free_port

LOCAL_REDIS = "redis://127.0.0.1:6379/0"


def _answers(url: str) -> bool:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


def require_redis() -> str:
    url = os.environ.get("REDIS_URL") or LOCAL_REDIS
    if not _answers(url):
        message = (
            f"Redis does not answer at {url} (set REDIS_URL or start redis-server)"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return url


def unique_prefix(name: str = "test") -> str:
    base = os.environ.get("REDIS_PREFIX", "intranet")
    return f"{base}-{name}-{uuid.uuid4().hex[:10]}"


class RedisServer:
    """A redis-server of our own on a free port, without persistence."""

    def __init__(self, directory: Path):
        self.binary = require_program("redis-server")
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        log = (self.directory / f"redis-{self.port}.log").open("ab")
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 10
        while not _answers(self.url):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server on port {self.port} did not start")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None
