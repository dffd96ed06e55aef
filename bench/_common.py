"""Helpers shared by the benchmarks (see ../shared/BENCHMARKS.md for the contract)."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import uuid
from urllib.parse import urlsplit


def arguments(description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="smaller case (< 50 s)")
    return parser.parse_args()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def report(
    *, bench: str, metric: str, value: float, target: str, ok: bool, **extra
) -> None:
    """Print the one-line JSON result the contract asks for, as the last line."""
    print(
        json.dumps(
            {
                "bench": bench,
                "metric": metric,
                "value": value,
                "target": target,
                "ok": ok,
                **extra,
            },
            ensure_ascii=False,
        ),
        flush=True,
    )


def throwaway_database(url: str | None, bench: str):
    """Point DATABASE_URL at a throwaway database; return a cleanup callable.

    SQLite in a temporary directory; with a postgres://…/NAME URL, a new database
    NAME_bench_… on that server, dropped by the cleanup."""
    if url and urlsplit(url).scheme.startswith("postgres"):
        import psycopg

        # Named after the given database, so it is plainly that user's throwaway copy.
        base = urlsplit(url).path.lstrip("/") or "postgres"
        name = f"{base}_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        admin = url
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        parts = urlsplit(url)
        os.environ["DATABASE_URL"] = parts._replace(path=f"/{name}").geturl()

        def cleanup():
            from django.db import connections

            connections.close_all()
            with psycopg.connect(admin, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        return cleanup
    directory = tempfile.mkdtemp(prefix=f"bench-{bench}-")
    os.environ["DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
    return lambda: shutil.rmtree(directory, ignore_errors=True)


def setup_django():
    """Django on the throwaway database, tables straight from the models (much faster
    than replaying every migration)."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "intranet.settings.test"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("REQUEST_LOG_LEVEL", "WARNING")  # no request log lines
    import django
    from django.conf import settings

    django.setup()
    settings.MIGRATION_MODULES = {
        config.label: None for config in django.apps.apps.get_app_configs()
    }
    from django.core.management import call_command

    call_command("migrate", run_syncdb=True, verbosity=0)
