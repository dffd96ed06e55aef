"""Load: the Monday-morning mix against 2 uvicorn workers on PostgreSQL and Redis.

    python -m bench.load [--quick]

A throwaway PostgreSQL database (BENCH_POSTGRES_URL, default
postgres://postgres@127.0.0.1:5432/postgres names the server) holds a ward of 1,500
staff in a 部/課/係 tree with Japanese names, 20,000 documents (decided history plus 432
submitted through the services and waiting at the 係長 of each 係), and 300 desks on
three floors with a year of past bookings and a third booked for the coming days. It is
cloned (CREATE DATABASE … TEMPLATE) from cached template databases: load_schema_<key>
(migrated, keyed by the migrations and installed packages) and load_data_<key> (the
data set, keyed by that, the builders' source and today's date). The first run of a day
builds them (a few minutes); later runs clone in seconds.

The intranet then runs as in production (intranet.settings.production, the uvicorn
command of docs/deployment.md with --workers 2, Redis at BENCH_REDIS_URL, default
redis://127.0.0.1:6379/8, under a key prefix of its own) on a free port of 127.0.0.1.
Requests carry X-Forwarded-Proto: https as nginx sends them, so the HTTPS-only settings
(secure cookies, SSL redirect, HSTS) stay as they are in production.

Locust (bench/_load_locust.py, in a subprocess) logs every simulated user in as a
different member of staff (the real login form and password hasher), then drives the
mix — 80 % page views (home, inbox, a floor plan, people search), 15 % actions
(approve a waiting document, book a desk, cancel one's booking), 5 % WebSocket
connects — each user pausing 3–12 s between steps, as a person reading a page does.
Figures are taken once every user has logged in. A 409 from a desk race is a correct
answer, not an error.

Full: 50 users, then 200 users, 3 minutes each, each run on a fresh clone. Quick: 50
users for 30 s. Targets: 0 errors, p95 ≤ 300 ms for pages, ≤ 500 ms for actions, and
p95(200 users) ÷ p95(50 users) ≤ 3 (pages). Printed besides: requests/s, p50/p95 per
kind and per request, the first distinct errors (and ERROR lines of the server log),
the logins' times, and each worker's peak RSS and CPU time. Everything is removed at
the end, on Ctrl-C and on SIGTERM too (the template databases are kept as a cache;
--drop-cache removes them; var/bench-cache/load-last-*.log keeps the last server log).

The quick run takes 75–110 s here, not 50: most of it is the 50 logins (the password
hasher is slow on purpose, ~0.35 s of CPU each; 40 s paced) and the server's start
(10–20 s on the busy machine); the first run of a day adds 3–4 minutes of building.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import io
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from contextlib import suppress
from pathlib import Path

from bench._common import percentile, report
from tests.support.servers import free_port

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "var" / "bench-cache"
BENCH = "load"
ADMIN_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")
PASSWORD = "Load-bench-2026!"  # noqa: S105 - throwaway accounts in a throwaway database

STAFF = 1_500
DOCUMENTS = 20_000
SHAPE = (8, 6, 3)  # 8 部 × 6 課 × 3 係: 144 係 of about nine people each
WAITING_PER_APPROVER = 3
FLOORS, DESKS_PER_FLOOR = 3, 100
PAST_BOOKING_DAYS = 60
UPCOMING_DAYS = 10
# Users start at 5 a second; at most 4 logins are in flight at once (each costs the
# server ~0.35 s of CPU: PBKDF2, 1,000,000 rounds), as staff arriving over a morning
# would log in. Unpaced, 200 logins queued long enough on 2 busy cores for requests to
# wait 30 s for a database connection.
SPAWN_RATE = 5
LOGINS_IN_FLIGHT = 4
APPROVER_SHARE = 0.4  # of the simulated users, the share who are 係長 with work waiting

PAGE_P95_MS, ACTION_P95_MS, RATIO_TARGET = 300, 500, 3.0


# --- databases -------------------------------------------------------------------------


def _databases(prefix: str) -> list[str]:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
        rows = connection.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{prefix}%"]
        ).fetchall()
    return [row[0] for row in rows]


def _execute(sql: str) -> None:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
        connection.execute(sql)


def _url(name: str) -> str:
    parts = urllib.parse.urlsplit(ADMIN_URL)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def _drop(name: str) -> None:
    _execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _clone(template: str, name: str) -> None:
    _drop(name)
    _execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')


def _digest(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part)
    return digest.hexdigest()[:12]


def _schema_key() -> str:
    from bench.spaces import _schema_key as migrations_and_packages

    return migrations_and_packages()[:12]


def _data_key(schema_key: str) -> str:
    """Changes with the schema, the builders' code, the sizes and the day."""
    import inspect

    sources = [
        (ROOT / "bench" / name).read_bytes()
        for name in ("approvals.py", "spaces.py", "directory_sync.py")
    ]
    sources += [
        inspect.getsource(function).encode()
        for function in (build_data, _names, _spaces, _queries)
    ]
    sizes = (STAFF, DOCUMENTS, SHAPE, WAITING_PER_APPROVER, FLOORS, DESKS_PER_FLOOR)
    sources += [repr((sizes, PAST_BOOKING_DAYS, UPCOMING_DAYS, PASSWORD)).encode()]
    today = datetime.date.today().isoformat()  # noqa: DTZ011 - bookings are relative to it
    return _digest(schema_key.encode(), today.encode(), *sources)


def _build(*, template: str | None, final: str, args: list[str], env: dict) -> float:
    """Build ``final`` in a child process (from ``template``, or empty); the database is
    renamed to ``final`` only when the build succeeds, replacing older ones."""
    building = f"load_building_{os.getpid()}"
    if template:
        _clone(template, building)
    else:
        _drop(building)
        _execute(f'CREATE DATABASE "{building}"')
    started = time.perf_counter()
    try:
        subprocess.run(
            [sys.executable, "-m", "bench.load", *args],
            cwd=ROOT,
            env={**env, "DATABASE_URL": _url(building)},
            check=True,
        )
    except BaseException:
        _drop(building)
        raise
    for old in _databases(final.rsplit("_", 1)[0] + "_"):
        _drop(old)
    _execute(f'ALTER DATABASE "{building}" RENAME TO "{final}"')
    return round(time.perf_counter() - started, 1)


def template_database(env: dict, plan_path: Path, timings: dict) -> str:
    """The name of a template database holding the data set (built when missing)."""
    schema_key = _schema_key()
    data_key = _data_key(schema_key)
    data = f"load_data_{data_key}"
    plan_file = CACHE / f"load-{data_key}.json"
    existing = _databases("load_")
    if data in existing and plan_file.exists():
        shutil.copyfile(plan_file, plan_path)
        timings["cached"] = True
        return data
    timings["cached"] = False
    schema = f"load_schema_{schema_key}"
    if schema not in existing:
        timings["migrate_s"] = _build(
            template=None, final=schema, args=["--build-schema"], env=env
        )
        print(f"migrated the schema template in {timings['migrate_s']} s", flush=True)
    timings["data_s"] = _build(
        template=schema,
        final=data,
        args=["--build-data", str(plan_path)],
        env=env,
    )
    CACHE.mkdir(parents=True, exist_ok=True)
    for old in CACHE.glob("load-*.json"):
        old.unlink()
    shutil.copyfile(plan_path, plan_file)
    print(f"built the data template in {timings['data_s']} s", flush=True)
    return data


# --- the data set (run in a child process: python -m bench.load --build-…) -------------


def build_schema() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def _names():
    from bench.directory_sync import GIVEN, SURNAMES
    from directory.text import kana_to_romaji

    def name(n: int) -> dict:
        # Deterministic and spread: every surname with every given name.
        last, last_kana = SURNAMES[(n * 7) % len(SURNAMES)]
        first, first_kana = GIVEN[(n * 11 + n // len(SURNAMES)) % len(GIVEN)]
        romaji = (
            f"{kana_to_romaji(first_kana).capitalize()} "
            f"{kana_to_romaji(last_kana).capitalize()}"
        )
        return {
            "last_name": last,
            "first_name": first,
            "last_name_kana": last_kana,
            "first_name_kana": first_kana,
            "romaji_name": romaji,
        }

    return name


def build_data(plan_path: Path) -> None:
    """The ward, its documents and desks, and the plan the simulated users follow."""
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction

    from bench.approvals import Org, _rules, add_history
    from directory.models import Person
    from intranet.home import demo as home_demo
    from intranet.home.site import ensure_home_page
    from workflows import services
    from workflows.models import RouteStep

    clock = time.perf_counter()
    with transaction.atomic():
        ensure_home_page()
        home_demo.load(stdout=io.StringIO())
        org = Org(STAFF, shape=SHAPE, names=_names())
        general, rule = _rules(org)
    print(f"  organisation: {org.staff} staff ({time.perf_counter() - clock:.1f} s)")
    waiting_count = len(org.units) * WAITING_PER_APPROVER
    clock = time.perf_counter()
    add_history(org, rule, general, start=0, count=DOCUMENTS - waiting_count)
    print(f"  history: {DOCUMENTS - waiting_count:,} documents", end="")
    print(f" ({time.perf_counter() - clock:.1f} s)")
    clock = time.perf_counter()
    approvers = []
    for unit in org.units:
        members = org.members[unit.pk]
        for n in range(WAITING_PER_APPROVER):
            applicant = members[n % len(members)]
            draft = services.create_draft(
                applicant=applicant,
                title=f"{unit.name}の起案 {n + 1}（決裁をお願いします）",
                body="<p>標記について、別紙のとおり実施してよろしいか伺います。</p>",
                document_type=general,
            )
            services.submit(document=draft, by=applicant)
        head = org.heads[unit.pk]
        steps = RouteStep.objects.filter(
            assignee=head, status=RouteStep.Status.ACTIVE
        ).select_related("document")
        approvers.append(
            {
                "username": head.username,
                "waiting": [
                    {
                        "document": step.document_id,
                        "step": step.pk,
                        "version": step.document.version,
                    }
                    for step in steps.order_by("pk")
                ],
            }
        )
    print(
        f"  submitted: {waiting_count} documents ({time.perf_counter() - clock:.1f} s)"
    )
    clock = time.perf_counter()
    floors, days, booked = _spaces(org)
    print(f"  spaces: {len(floors)} floors ({time.perf_counter() - clock:.1f} s)")
    Person.objects.update(password=make_password(PASSWORD))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    members = [person.username for unit in org.units for person in org.members[unit.pk]]
    plan = {
        "password": PASSWORD,
        "approvers": approvers,
        "members": members[::2] + members[1::2],  # every 係 early in the list
        "floors": floors,
        "days": days,
        "booked": booked,
        "queries": _queries(),
    }
    plan_path.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")


def _spaces(org) -> tuple[list[dict], list[str], dict]:
    from bench.spaces import add_history as add_booking_history
    from bench.spaces import make_floor
    from intranet.core.dates import add_business_days
    from spaces import slots
    from spaces.models import Booking, Building

    building = Building.objects.create(
        code="honcho", name="本庁舎", address="東京都千代田区九段南1-2-1"
    )
    people = [person for unit in org.units for person in org.members[unit.pk]]
    today = slots.today()
    days = [add_business_days(today, n) for n in range(1, UPCOMING_DAYS + 1)]
    floors, upcoming, cursor = [], [], 0
    booked: dict[str, list[tuple[str, str]]] = {}
    for level in range(3, 3 + FLOORS):
        floor = make_floor(building, level, DESKS_PER_FLOOR, columns=20)
        add_booking_history(floor, people, DESKS_PER_FLOOR * PAST_BOOKING_DAYS)
        desks = list(floor.resources.order_by("code").values_list("pk", flat=True))
        free: dict[str, list[int]] = {}
        # A third of the desks taken on each coming day, by different people.
        for day in days:
            for slot in ("am", "pm"):
                starts_at, ends_at = slots.desk_slot_bounds(building, day, slot)
                taken = desks[(cursor % 3) :: 3]
                free[f"{day.isoformat()} {slot}"] = [d for d in desks if d not in taken]
                for desk in taken:
                    person = people[cursor % len(people)]
                    cursor += 1
                    booked.setdefault(person.username, []).append(
                        (day.isoformat(), slot)
                    )
                    upcoming.append(
                        Booking(
                            resource_id=desk,
                            person=person,
                            booked_by=person,
                            starts_at=starts_at,
                            ends_at=ends_at,
                            status=Booking.Status.CONFIRMED,
                        )
                    )
        # What the floor plan shows free, before the simulated users book.
        floors.append({"id": floor.pk, "free": free})
    Booking.objects.bulk_create(upcoming, batch_size=5_000)
    return floors, [day.isoformat() for day in days], booked


def _queries() -> list[str]:
    """What people type into the people finder: surnames in kanji, kana, romaji."""
    from bench.directory_sync import GIVEN, SURNAMES
    from directory.text import kana_to_romaji, katakana_to_hiragana

    queries = []
    for n, (last, last_kana) in enumerate(SURNAMES):
        first = GIVEN[n % len(GIVEN)][0]
        queries += [
            last,
            katakana_to_hiragana(last_kana),
            kana_to_romaji(last_kana),
            f"{last} {first}",
        ]
    return [*queries, "2104", "staff0012", "第3課", "さ"]


# --- the server ------------------------------------------------------------------------


class Server:
    """uvicorn as docs/deployment.md runs it, with 2 workers, in its own process group."""

    def __init__(self, env: dict, log_path: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "intranet.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--workers",
            "2",
            "--proxy-headers",
            "--forwarded-allow-ips",
            "127.0.0.1",
            "--ws-per-message-deflate",
            "false",
            # A worker busy with a burst of logins answers the supervisor's ping
            # late; the default 5 s had it killed mid-request (docs/deployment.md).
            "--timeout-worker-healthcheck",
            "30",
            "--no-access-log",
        ]
        self.log_path = log_path
        with log_path.open("wb") as log:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.peak_rss: dict[int, int] = {}
        self.cpu: dict[int, float] = {}
        self._sampling = threading.Event()

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        request = urllib.request.Request(  # noqa: S310 - our own server on 127.0.0.1
            f"{self.url}/healthz", headers={"X-Forwarded-Proto": "https"}
        )
        answered = 0
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"uvicorn exited:\n{self.log_path.read_text()}")
            with (
                suppress(OSError),
                urllib.request.urlopen(request, timeout=5) as response,  # noqa: S310
            ):
                if response.status == 200:
                    answered += 1
                    # Both workers must be up: ask a few times.
                    if answered >= 4 and len(self.workers()) == 2:
                        return
                    continue
            time.sleep(0.2)
        raise RuntimeError(f"uvicorn did not answer:\n{self.log_path.read_text()}")

    def workers(self):
        import psutil

        try:
            children = psutil.Process(self.process.pid).children()
        except psutil.Error:
            return []
        return [
            child
            for child in children
            if any("spawn_main" in part for part in _cmdline(child))
        ]

    def sample(self) -> None:
        """Note each worker's peak RSS and CPU time, every half second, in a thread."""

        def loop():
            import psutil

            while not self._sampling.wait(0.5):
                for worker in self.workers():
                    with suppress(psutil.Error):
                        rss = worker.memory_info().rss
                        times = worker.cpu_times()
                        self.peak_rss[worker.pid] = max(
                            rss, self.peak_rss.get(worker.pid, 0)
                        )
                        self.cpu[worker.pid] = times.user + times.system

        self._sampling.clear()
        threading.Thread(target=loop, daemon=True).start()

    def stop(self) -> None:
        self._sampling.set()
        if self.process.poll() is None:
            with suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def _cmdline(process) -> list[str]:
    import psutil

    try:
        return process.cmdline()
    except psutil.Error:
        return []


# --- one run ---------------------------------------------------------------------------


def simulated_users(plan: dict, count: int) -> list[dict]:
    approvers = round(count * APPROVER_SHARE)
    users = [
        {"username": a["username"], "waiting": a["waiting"]}
        for a in plan["approvers"][:approvers]
    ]
    users += [
        {"username": name, "waiting": []}
        for name in plan["members"][: count - len(users)]
    ]
    for user in users:
        user["booked"] = plan["booked"].get(user["username"], [])
    return users


def run_once(
    *,
    users: int,
    seconds: int,
    template: str,
    database: str,
    env: dict,
    plan: dict,
    workdir: Path,
    label: str,
) -> dict:
    """A fresh clone, a fresh server, one Locust run; the samples, summarised."""
    clock = time.perf_counter()
    _clone(template, database)
    clone_s = time.perf_counter() - clock
    server = Server(env, workdir / f"uvicorn-{label}.log")
    locust = None
    try:
        clock = time.perf_counter()
        server.wait_ready()
        start_s = time.perf_counter() - clock
        print(
            f"[{label}] database cloned in {clone_s:.1f} s, server up in "
            f"{start_s:.1f} s on {server.url}",
            flush=True,
        )
        config = {
            "host": server.url,
            "users": simulated_users(plan, users),
            "password": plan["password"],
            "floors": plan["floors"],
            "days": plan["days"],
            "queries": plan["queries"],
            "spawn_rate": SPAWN_RATE,
            "logins_in_flight": LOGINS_IN_FLIGHT,
            "seconds": seconds,
            "samples": str(workdir / f"samples-{label}.json"),
        }
        config_path = workdir / f"locust-{label}.json"
        config_path.write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")
        server.sample()
        locust = subprocess.Popen(
            [sys.executable, "-m", "bench._load_locust", str(config_path)],
            cwd=ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            start_new_session=True,
        )
        locust.wait(timeout=seconds + 600)
        if locust.returncode != 0:
            raise RuntimeError(f"the Locust process failed ({locust.returncode})")
        samples = json.loads(Path(config["samples"]).read_text(encoding="utf-8"))
    finally:
        if locust is not None and locust.poll() is None:
            with suppress(ProcessLookupError):
                os.killpg(locust.pid, signal.SIGTERM)
            with suppress(subprocess.TimeoutExpired):
                locust.wait(timeout=10)
            if locust.poll() is None:
                os.killpg(locust.pid, signal.SIGKILL)
        server.stop()
    summary = summarise(samples)
    summary["worker_peak_rss_mib"] = sorted(
        round(rss / 2**20, 1) for rss in server.peak_rss.values()
    )
    summary["worker_cpu_s"] = sorted(round(cpu, 1) for cpu in server.cpu.values())
    summary["server_errors_logged"] = _logged_errors(server.log_path)
    # The last run's server log stays for a look (the work directory is removed).
    CACHE.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(server.log_path, CACHE / f"load-last-{users}-users.log")
    return summary


def _logged_errors(log_path: Path) -> list[str]:
    """Distinct ERROR lines in the server's log (tracebacks of 500s and socket faults)."""
    found = []
    for line in log_path.read_text(errors="replace").splitlines():
        with suppress(ValueError):
            record = json.loads(line)
            if record.get("level") in {"ERROR", "CRITICAL"}:
                exception = (record.get("exception") or "").strip().splitlines()
                message = str(record.get("message"))
                if exception:
                    message += f" ({exception[-1]})"
                message = message[:300]
                if message not in found:
                    found.append(message)
            continue
        if ("Traceback" in line or line.startswith("ERROR")) and (
            line[:200] not in found
        ):
            found.append(line[:200])
    return found[:5]


def summarise(samples: dict) -> dict:
    measured = samples["measured"]
    elapsed = samples["window_s"]
    by_kind: dict[str, list[float]] = {}
    by_name: dict[str, list[float]] = {}
    errors: dict[str, int] = {}
    for name, milliseconds, error in measured:
        kind = name.split(":", 1)[0]
        by_kind.setdefault(kind, []).append(milliseconds)
        by_name.setdefault(name, []).append(milliseconds)
        if error:
            key = f"{name}: {error}"[:200]
            errors[key] = errors.get(key, 0) + 1

    def figures(values):
        return {
            "count": len(values),
            "p50_ms": round(percentile(values, 0.5), 1),
            "p95_ms": round(percentile(values, 0.95), 1),
        }

    return {
        "requests": len(measured),
        "window_s": round(elapsed, 1),
        "requests_per_s": round(len(measured) / elapsed, 1) if elapsed else 0.0,
        "kinds": {kind: figures(values) for kind, values in sorted(by_kind.items())},
        "names": {name: figures(values) for name, values in sorted(by_name.items())},
        "errors": sum(errors.values()),
        "distinct_errors": sorted(errors.items(), key=lambda item: -item[1])[:5],
        "logins": figures(samples["logins"]),
        "login_errors": samples["login_errors"][:5],
        "conflicts_409": samples["conflicts"],
        "spawn_s": round(samples["spawn_s"], 1),
    }


def _print_summary(label: str, summary: dict) -> None:
    print(
        f"[{label}] {summary['requests']} requests in {summary['window_s']} s = "
        f"{summary['requests_per_s']}/s; errors {summary['errors']}; desk races "
        f"answered 409: {summary['conflicts_409']}; logins p50/p95 "
        f"{summary['logins']['p50_ms']}/{summary['logins']['p95_ms']} ms "
        f"(all users in after {summary['spawn_s']} s)",
        flush=True,
    )
    for kind, figures in summary["kinds"].items():
        print(
            f"[{label}]   {kind:7} n={figures['count']:5}  p50 {figures['p50_ms']:7.1f} ms"
            f"  p95 {figures['p95_ms']:7.1f} ms",
            flush=True,
        )
    for name, figures in summary["names"].items():
        print(
            f"[{label}]     {name:22} n={figures['count']:5}  p50 "
            f"{figures['p50_ms']:7.1f}  p95 {figures['p95_ms']:7.1f}",
            flush=True,
        )
    for error, count in summary["distinct_errors"]:
        print(f"[{label}]   error ×{count}: {error}", flush=True)
    for line in summary["server_errors_logged"]:
        print(f"[{label}]   server log: {line}", flush=True)
    print(
        f"[{label}]   worker peak RSS {summary['worker_peak_rss_mib']} MiB, "
        f"CPU {summary['worker_cpu_s']} s",
        flush=True,
    )


# --- main ------------------------------------------------------------------------------


def _redis_cleanup(prefix: str) -> int:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    removed = 0
    try:
        for key in client.scan_iter(match=f"{prefix}*", count=1000):
            removed += client.delete(key)
    finally:
        client.close()
    return removed


def _environment(workdir: Path, prefix: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "intranet.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "REDIS_URL": REDIS_URL,
        "REDIS_PREFIX": prefix,
        "SERVE_STATIC": "true",
        "MEDIA_ROOT": str(workdir / "media"),
        "APPROVAL_FILES_ROOT": str(workdir / "private"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
        "PYTHONPATH": str(ROOT),
    }


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="50 users for 30 s")
    parser.add_argument(
        "--drop-cache", action="store_true", help="drop the cached template databases"
    )
    parser.add_argument("--build-schema", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--build-data", help=argparse.SUPPRESS)
    return parser.parse_args()


def main() -> int:
    args = _parse()
    if args.build_schema:
        build_schema()
        return 0
    if args.build_data:
        build_data(Path(args.build_data))
        return 0
    if args.drop_cache:
        for name in _databases("load_schema_") + _databases("load_data_"):
            _drop(name)
        return 0

    started = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    prefix = f"load{os.getpid()}"
    database = f"load_run_{os.getpid()}"
    env = _environment(workdir, prefix)
    env["DATABASE_URL"] = _url(database)

    def stop(signum, _frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    try:
        timings: dict = {}
        clock = time.perf_counter()
        template = template_database(env, workdir / "plan.json", timings)
        timings["template_s"] = round(time.perf_counter() - clock, 1)
        plan = json.loads((workdir / "plan.json").read_text(encoding="utf-8"))
        cases = [(50, 30)] if args.quick else [(50, 180), (200, 180)]
        results = {}
        for users, seconds in cases:
            label = f"{users} users"
            results[users] = run_once(
                users=users,
                seconds=seconds,
                template=template,
                database=database,
                env=env,
                plan=plan,
                workdir=workdir,
                label=label,
            )
            _print_summary(label, results[users])
            _drop(database)
        return _verdict(args, results, timings, started)
    finally:
        with suppress(Exception):
            _drop(database)
        with suppress(Exception):
            _redis_cleanup(prefix)
        shutil.rmtree(workdir, ignore_errors=True)


def _verdict(args, results: dict, timings: dict, started: float) -> int:
    top = max(results)
    summary = results[top]
    kinds = summary["kinds"]
    page_p95 = kinds.get("page", {}).get("p95_ms", float("nan"))
    action_p95 = kinds.get("action", {}).get("p95_ms", float("nan"))
    errors = sum(
        result["errors"] + len(result["login_errors"]) for result in results.values()
    )
    ratio = None
    if 50 in results and 200 in results:
        ratio = round(
            results[200]["kinds"]["page"]["p95_ms"]
            / results[50]["kinds"]["page"]["p95_ms"],
            2,
        )
    checks = {
        "errors": errors == 0,
        "page_p95": page_p95 <= PAGE_P95_MS,
        "action_p95": action_p95 <= ACTION_P95_MS,
    }
    if ratio is not None:
        checks["ratio"] = ratio <= RATIO_TARGET
    extra = {}
    for users, result in results.items():
        extra[f"u{users}"] = {
            "rps": result["requests_per_s"],
            "requests": result["requests"],
            "errors": result["errors"],
            **{
                f"{kind}_p50_ms": figures["p50_ms"]
                for kind, figures in result["kinds"].items()
            },
            **{
                f"{kind}_p95_ms": figures["p95_ms"]
                for kind, figures in result["kinds"].items()
            },
            "conflicts_409": result["conflicts_409"],
            "worker_peak_rss_mib": result["worker_peak_rss_mib"],
            "login_p95_ms": result["logins"]["p95_ms"],
        }
    report(
        bench=BENCH,
        metric=f"p95 of page views at {top} users (ms)",
        value=page_p95,
        target=(
            f"<= {PAGE_P95_MS} (actions <= {ACTION_P95_MS}, 0 errors"
            + (
                f", p95(200) / p95(50) <= {RATIO_TARGET:g})"
                if ratio is not None
                else ")"
            )
        ),
        ok=all(checks.values()),
        quick=args.quick,
        action_p95_ms=action_p95,
        errors=errors,
        ratio_p95_200_over_50=ratio,
        checks=checks,
        **extra,
        setup=timings,
        seconds=round(time.perf_counter() - started, 1),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
