"""Benchmark: the floor availability view and fifty people booking one desk at once.

    python -m bench.spaces [--quick] [--postgres postgres://user@127.0.0.1:5432/postgres]

Sets up a throwaway database (SQLite in a temporary folder, or a throwaway PostgreSQL
database created through the given server URL and dropped afterwards) with a building
of three floors: 50 desks; 500 desks (quick: 200) with 1,000 past bookings; and 500
desks (quick: 200) with 100,000 past bookings (quick: 10,000) — a year of history.
A third of every floor is booked on the measured day by people of every privacy
choice. Then, side by side in one run (requests to the floors interleaved, so that the
machine's load drifts alike for each):

- SQL queries of the floor view (target: <= 10, whatever the number of desks);
- its time at 500 desks / at 50 desks (target: <= 3);
- its time with 100,000 past bookings / with 1,000 (target: <= 1.5);
- 50 concurrent POSTs booking one desk against a running ASGI server (2 uvicorn
  workers): 1 success, 49 conflicts (HTTP 409), 0 server errors.
"""

from __future__ import annotations

import http.client
import os
import secrets
import shutil
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from bench._common import median, report

ROOT = Path(__file__).resolve().parent.parent
BATCH = 5_000


def _parse():
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller case (< 50 s)")
    parser.add_argument(
        "--postgres",
        help="server URL (…/postgres) to create a throwaway PostgreSQL database on",
    )
    return parser.parse_args()


def _schema_key() -> str:
    """Changes whenever a migration or an installed package changes."""
    import hashlib
    from importlib import metadata

    digest = hashlib.sha256()
    for path in sorted(ROOT.glob("*/**/migrations/*.py")):
        if ".venv" not in path.parts:
            digest.update(path.read_bytes())
    for dist in sorted(
        {f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions()}
    ):
        digest.update(dist.encode())
    return digest.hexdigest()[:16]


def _database(args, workdir: Path) -> tuple[str, callable]:
    """DATABASE_URL for a throwaway database, and how to drop it.

    SQLite: a copy of a migrated empty database kept in var/bench-cache/ (migrating
    the whole project takes longer than the benchmark itself on a busy machine).
    """
    if not args.postgres:
        target = workdir / "bench.sqlite3"
        cached = ROOT / "var" / "bench-cache" / f"schema-{_schema_key()}.sqlite3"
        if cached.exists():
            shutil.copyfile(cached, target)
        return f"sqlite:///{target}", lambda: None
    import psycopg

    name = f"bench_spaces_{os.getpid()}"
    with psycopg.connect(args.postgres, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(args.postgres, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    parts = urllib.parse.urlsplit(args.postgres)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}")), drop


def main() -> int:
    args = _parse()
    workdir = Path(tempfile.mkdtemp(prefix="bench-spaces-"))
    database_url, drop = _database(args, workdir)
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "intranet.settings.test"
    os.environ.pop("REDIS_URL", None)
    # No per-request log lines in the output or in the figures.
    os.environ["LOG_LEVEL"] = os.environ["REQUEST_LOG_LEVEL"] = "WARNING"
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    sys.path.insert(0, str(ROOT))
    try:
        return run(args, workdir)
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: S110 - best effort before dropping
            pass
        drop()
        shutil.rmtree(workdir, ignore_errors=True)


def run(args, workdir: Path) -> int:
    import django

    django.setup()
    from django.core.management import call_command

    clock = time.perf_counter()
    call_command("migrate", verbosity=0)
    _keep_schema()
    print(f"migrate: {time.perf_counter() - clock:.1f} s", flush=True)
    started = time.perf_counter()
    big_desks = 200 if args.quick else 500
    big_history = 10_000 if args.quick else 100_000
    world = build(big_desks)
    print(f"setup: {time.perf_counter() - started:.1f} s", flush=True)

    phase = time.perf_counter()
    add_history(world["large_floor"], world["people"], 1_000)
    add_history(world["history_floor"], world["people"], big_history)
    print(f"history: {time.perf_counter() - phase:.1f} s", flush=True)
    small, large, heavy = measure(
        world, world["small_floor"], world["large_floor"], world["history_floor"]
    )
    print(
        f"floor view: 50 desks {small['ms']:.1f} ms ({small['queries']} queries); "
        f"{big_desks} desks, 1,000 past bookings {large['ms']:.1f} ms "
        f"({large['queries']} queries); {big_desks} desks, {big_history:,} past "
        f"bookings {heavy['ms']:.1f} ms ({heavy['queries']} queries)",
        flush=True,
    )
    phase = time.perf_counter()
    race = http_race(world, workdir)
    print(
        f"50 concurrent bookings over HTTP: {race} "
        f"({time.perf_counter() - phase:.1f} s)",
        flush=True,
    )

    queries = max(small["queries"], large["queries"], heavy["queries"])
    desk_ratio = large["ms"] / small["ms"]
    history_ratio = heavy["ms"] / large["ms"]
    checks = {
        "queries": queries <= 10,
        "desk_ratio": desk_ratio <= 3,
        "history_ratio": history_ratio <= 1.5,
        "race": race == {"success": 1, "conflict": 49, "server_error": 0, "other": 0},
    }
    report(
        bench="spaces",
        metric=f"floor view time, {big_desks} desks / 50 desks",
        value=round(desk_ratio, 2),
        target="<= 3",
        ok=all(checks.values()),
        quick=args.quick,
        database="postgresql" if args.postgres else "sqlite",
        floor_view_queries=queries,
        floor_view_queries_target="<= 10",
        ms_50_desks=round(small["ms"], 2),
        ms_many_desks=round(large["ms"], 2),
        history_ratio=round(history_ratio, 2),
        history_ratio_target="<= 1.5",
        history_rows=f"{big_history} / 1000",
        ms_with_history=round(heavy["ms"], 2),
        http_success=race["success"],
        http_conflicts=race["conflict"],
        http_server_errors=race["server_error"],
        http_other=race["other"],
        checks=checks,
    )
    return 0


def _keep_schema() -> None:
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    cached = ROOT / "var" / "bench-cache" / f"schema-{_schema_key()}.sqlite3"
    if not cached.exists():
        cached.parent.mkdir(parents=True, exist_ok=True)
        for old in cached.parent.glob("schema-*.sqlite3"):
            old.unlink()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(cached)])


def build(big_desks: int) -> dict:
    from django.contrib.auth import get_user_model

    from directory.models import Membership, OrgUnit, Post
    from intranet.core.dates import add_business_days
    from spaces import services, slots
    from spaces.models import Building, SpacesProfile

    Person = get_user_model()
    post = Post.objects.create(code="shuji", name="主事", rank=70)
    ward = OrgUnit.objects.create(code="ward", name="区", kind=OrgUnit.Kind.WARD)
    sections = [
        OrgUnit.objects.create(
            code=f"ka{n}", name=f"課{n}", kind=OrgUnit.Kind.SECTION, parent=ward
        )
        for n in range(6)
    ]
    people = Person.objects.bulk_create(
        Person(
            username=f"p{n:04d}",
            last_name="職員",
            first_name=str(n),
            password="!",  # noqa: S106 - unusable password
        )
        for n in range(600)
    )
    people = list(Person.objects.order_by("pk"))
    Membership.objects.bulk_create(
        Membership(person=person, unit=sections[n % 6], post=post)
        for n, person in enumerate(people)
    )
    choices = ["everyone", "section", "nobody"]
    SpacesProfile.objects.bulk_create(
        SpacesProfile(person=person, location_visibility=choices[n % 3])
        for n, person in enumerate(people)
    )
    building = Building.objects.create(
        code="bench", name="ベンチ庁舎", max_active_bookings=1000, max_days_ahead=60
    )

    small_floor = make_floor(building, 1, 50)
    large_floor = make_floor(building, 2, big_desks)
    history_floor = make_floor(building, 3, big_desks)
    day = add_business_days(slots.today(), 2)
    # A third of each floor is booked on the measured day, by people of every choice.
    for offset, plan in ((0, small_floor), (50, large_floor), (250, history_floor)):
        desks = list(plan.resources.order_by("code"))
        for index, desk in enumerate(desks[::3]):
            person = people[offset + index]
            services.book_desk(desk=desk, person=person, by=person, day=day, slot="am")
    viewer = people[0]
    return {
        "people": people,
        "viewer": viewer,
        "small_floor": small_floor,
        "large_floor": large_floor,
        "history_floor": history_floor,
        "day": day,
        "history": 0,
    }


def make_floor(building, level: int, desks: int, *, columns: int = 25):
    """A floor of ``building`` with ``desks`` desks in rows, over four areas."""
    from spaces.models import Area, Floor, Resource

    rows = -(-desks // columns)
    plan = Floor.objects.create(
        building=building,
        name=f"{level}階",
        level=level,
        plan_width=columns * 50 + 40,
        plan_height=rows * 40 + 40,
    )
    areas = [
        Area.objects.create(
            floor=plan, name=f"エリア{n}", x=0, y=0, width=10, height=10
        )
        for n in range(4)
    ]
    Resource.objects.bulk_create(
        Resource(
            kind=Resource.Kind.DESK,
            floor=plan,
            area=areas[n % 4],
            code=f"{level}-{n:04d}",
            x=20 + (n % columns) * 50,
            y=20 + (n // columns) * 40,
            checkin_token=secrets.token_urlsafe(16),
            display_token=secrets.token_urlsafe(16),
        )
        for n in range(desks)
    )
    return plan


def add_history(floor, people, total: int) -> None:
    """``total`` past bookings on ``floor``: one per desk and business day, going back
    from yesterday, inserted oldest first (as history accumulates)."""
    from django.db import connection

    from intranet.core.dates import add_business_days
    from spaces import slots
    from spaces.models import Booking

    desks = list(floor.resources.order_by("code"))
    building = floor.building
    yesterday = add_business_days(slots.today(), -1)
    statuses = [Booking.Status.CHECKED_OUT] * 6 + [
        Booking.Status.RELEASED,
        Booking.Status.CANCELLED,
    ]
    days_back = -(-total // len(desks))
    rows = []
    made = 0
    for back in range(days_back - 1, -1, -1):
        day = add_business_days(yesterday, -back)
        start = slots.at(day, building.morning_starts)
        end = slots.at(day, building.afternoon_ends)
        for desk in desks:
            if made >= total:
                break
            person = people[made % len(people)]
            rows.append(
                Booking(
                    resource=desk,
                    person=person,
                    booked_by=person,
                    starts_at=start,
                    ends_at=end,
                    status=statuses[made % len(statuses)],
                )
            )
            made += 1
            if len(rows) >= BATCH:
                Booking.objects.bulk_create(rows)
                rows = []
    if rows:
        Booking.objects.bulk_create(rows)
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE spaces_booking" if connection.vendor == "postgresql" else "ANALYZE"
        )


def measure(world: dict, *floors, repeat: int = 25) -> list[dict]:
    """Median time and query count of the floor view; floors are timed interleaved so
    that the machine's load drifts the same way for each."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(world["viewer"])
    day = world["day"].isoformat()
    urls = [f"/spaces/floors/{floor.pk}/?date={day}&slot=am" for floor in floors]
    queries = []
    for url in urls:
        for _ in range(3):
            assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        queries.append(len(captured.captured_queries))
    times: list[list[float]] = [[] for _ in urls]
    for _ in range(repeat):
        for index, url in enumerate(urls):
            started = time.perf_counter()
            response = client.get(url)
            times[index].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
    return [
        {"ms": median(spent), "queries": count}
        for spent, count in zip(times, queries, strict=True)
    ]


def http_race(world: dict, workdir: Path) -> dict:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from directory.models import Membership
    from spaces.models import Resource
    from tests.support.servers import start_server

    viewer = world["viewer"]
    section = Membership.objects.filter(person=viewer).values_list("unit", flat=True)
    racers = list(
        get_user_model()
        .objects.filter(memberships__unit__in=section)
        .order_by("pk")[:50]
    )
    desk = Resource.objects.filter(floor=world["large_floor"]).order_by("-code").first()
    cookies = []
    for person in racers:
        client = Client()
        client.force_login(person)
        cookies.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    server = start_server(log_dir=workdir, workers=2)
    outcome = {"success": 0, "conflict": 0, "server_error": 0, "other": 0}
    lock = threading.Lock()
    barrier = threading.Barrier(len(cookies))
    body = urllib.parse.urlencode({"day": world["day"].isoformat(), "slot": "pm"})
    path = f"/spaces/resources/{desk.pk}/book/"

    def post(session: str) -> None:
        token = secrets.token_hex(16)
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"{settings.SESSION_COOKIE_NAME}={session}; csrftoken={token}",
            "X-CSRFToken": token,
        }
        barrier.wait(timeout=60)
        try:
            connection.request("POST", path, body=body, headers=headers)
            status = connection.getresponse().status
        except OSError:
            status = 0
        finally:
            connection.close()
        key = (
            "success"
            if status == 302
            else "conflict"
            if status == 409
            else "server_error"
            if status >= 500 or status == 0
            else "other"
        )
        with lock:
            outcome[key] += 1

    threads = [threading.Thread(target=post, args=(cookie,)) for cookie in cookies]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=180)
    finally:
        server.stop()
    return outcome


if __name__ == "__main__":
    sys.exit(main())
