"""System programs some tests need (slapd, chromium …).

Missing one skips only the tests that need it, naming it — except under CI=true, where a
missing program fails the run: CI must have installed everything.
"""

import os
import shutil
from pathlib import Path

import pytest

KNOWN_PATHS = {
    "slapd": ["/usr/sbin/slapd"],
    "slapadd": ["/usr/sbin/slapadd"],
    "chromium": ["/usr/bin/chromium"],
}


def find_program(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for candidate in KNOWN_PATHS.get(name, []):
        if Path(candidate).exists():
            return candidate
    return None


def require_program(name: str) -> str:
    """The path of ``name``; skips the test (fails it on CI) when it is not installed."""
    path = find_program(name)
    if path is None:
        message = f"{name} is not installed (make test installs it as root on Debian)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path
