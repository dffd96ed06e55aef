"""Shared fixtures: the office's personas, and real servers for the tests that need them.

The personas sit in a small ward:

    千代田区 ─ 総務部 (部長 tanaka) ─ 総務課 (課長 takahashi) ─ 庶務係 (係長 suzuki; 主事 sato)
             └ 区民部 ─ 戸籍住民課 (主事 kobayashi: the stranger)
             └ 監査事務局 (kato: an auditor)
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group

from directory import roles
from intranet.home.site import ensure_home_page
from tests.factories import (
    MembershipFactory,
    OrgUnitFactory,
    PersonFactory,
    PostFactory,
)
from tests.support.programs import require_program
from tests.support.servers import start_server

PASSWORD = "pass-word-123"


@pytest.fixture
def office(db):
    """The personas' ward, with posts, units, people and role groups."""
    posts = SimpleNamespace(
        kucho=PostFactory(code="kucho", name="区長", rank=10, heads_unit=True),
        bucho=PostFactory(code="bucho", name="部長", rank=30, heads_unit=True),
        kacho=PostFactory(code="kacho", name="課長", rank=40, heads_unit=True),
        kakaricho=PostFactory(code="kakaricho", name="係長", rank=50, heads_unit=True),
        shuji=PostFactory(code="shuji", name="主事", rank=70),
    )
    ward = OrgUnitFactory(code="ward", name="千代田区", kind="ward")
    somu_bu = OrgUnitFactory(
        code="somu-bu", name="総務部", kind="department", parent=ward
    )
    somu_ka = OrgUnitFactory(
        code="somu-ka",
        name="総務課",
        short_name="総務課",
        kind="section",
        parent=somu_bu,
    )
    shomu = OrgUnitFactory(
        code="shomu", name="庶務係", short_name="総務課", kind="unit", parent=somu_ka
    )
    kumin_bu = OrgUnitFactory(
        code="kumin-bu", name="区民部", kind="department", parent=ward
    )
    koseki = OrgUnitFactory(
        code="koseki", name="戸籍住民課", kind="section", parent=kumin_bu
    )
    kansa = OrgUnitFactory(code="kansa", name="監査事務局", kind="office", parent=ward)

    def person(username, surname, given, kana, unit, post):
        someone = PersonFactory(
            username=username,
            last_name=surname,
            first_name=given,
            last_name_kana=kana[0],
            first_name_kana=kana[1],
        )
        MembershipFactory(person=someone, unit=unit, post=post)
        return someone

    people = SimpleNamespace(
        kucho=person("kucho", "山田", "太郎", ("ヤマダ", "タロウ"), ward, posts.kucho),
        bucho=person(
            "tanaka", "田中", "誠", ("タナカ", "マコト"), somu_bu, posts.bucho
        ),
        kacho=person(
            "takahashi", "高橋", "健二", ("タカハシ", "ケンジ"), somu_ka, posts.kacho
        ),
        kakaricho=person(
            "suzuki", "鈴木", "一郎", ("スズキ", "イチロウ"), shomu, posts.kakaricho
        ),
        applicant=person(
            "sato", "佐藤", "花子", ("サトウ", "ハナコ"), shomu, posts.shuji
        ),
        stranger=person(
            "kobayashi", "小林", "拓也", ("コバヤシ", "タクヤ"), koseki, posts.shuji
        ),
        auditor=person(
            "kato", "加藤", "明美", ("カトウ", "アケミ"), kansa, posts.kacho
        ),
    )
    roles.ensure_role_groups()  # a transactional test before may have flushed them
    Group.objects.get(name=roles.AUDITORS).user_set.add(people.auditor)
    admin = PersonFactory(
        username="admin",
        last_name="山本",
        first_name="直樹",
        is_staff=True,
        is_superuser=True,
    )
    return SimpleNamespace(
        posts=posts,
        units=SimpleNamespace(
            ward=ward,
            somu_bu=somu_bu,
            somu_ka=somu_ka,
            shomu=shomu,
            kumin_bu=kumin_bu,
            koseki=koseki,
            kansa=kansa,
        ),
        admin=admin,
        **vars(people),
    )


@pytest.fixture
def home_page(db):
    """The Wagtail home page (recreated after a transactional test flushed it)."""
    return ensure_home_page()


@pytest.fixture
def applicant(office):
    return office.applicant


@pytest.fixture
def kakaricho(office):
    return office.kakaricho


@pytest.fixture
def kacho(office):
    return office.kacho


@pytest.fixture
def bucho(office):
    return office.bucho


@pytest.fixture
def stranger(office):
    return office.stranger


@pytest.fixture
def auditor(office):
    return office.auditor


@pytest.fixture
def administrator(office):
    return office.admin


@pytest.fixture
def applicant_client(client, applicant):
    client.force_login(applicant)
    return client


@pytest.fixture
def asgi_server(transactional_db, tmp_path):
    """Start ASGI server processes on 127.0.0.1 against the test database.

    ``server = asgi_server()``; pass ``env={"REDIS_URL": …}`` or ``workers=2``.
    """
    started = []

    def start(**kwargs):
        server = start_server(log_dir=tmp_path, **kwargs)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def chromium_path():
    return require_program("chromium")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Browser tests last: Playwright's sync API holds an event loop for the session."""
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)


@pytest.fixture(scope="session", autouse=True)
def _close_stray_connections(django_db_setup, django_db_blocker):
    """Let the test database be dropped: end connections left by worker threads."""
    yield
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


@pytest.fixture(scope="session", autouse=True)
def _flush_lifts_the_ledger_trigger():
    """SQLite empties tables with DELETE, which the ledger's trigger refuses (migration
    0003): a transactional test's flush drops the trigger first and restores it after.
    PostgreSQL flushes with TRUNCATE, which its row trigger does not see."""
    from importlib import import_module

    from django.db import connection

    if connection.vendor != "sqlite":
        yield
        return
    trigger = import_module("workflows.migrations.0003_ledger_refuse_delete_on_sqlite")
    DatabaseOperations = type(connection.ops)
    sql_flush = DatabaseOperations.sql_flush

    def flush(self, style, tables, **kwargs):
        statements = sql_flush(self, style, tables, **kwargs)
        if "workflows_ledgerentry" not in tables:
            return statements
        return [trigger.SQLITE_DOWN, *statements, trigger.SQLITE_UP]

    DatabaseOperations.sql_flush = flush
    yield
    DatabaseOperations.sql_flush = sql_flush


def pytest_configure(config):
    """Tests see the English catalogue even when run without `make`."""
    from intranet.core.translations import compile_all

    compile_all()


@pytest.fixture(autouse=True)
def _fresh_closure_days():
    """intranet.core.dates caches closure days per process; rows a rolled-back test
    created must not leak into the next test."""
    from intranet.core import dates

    dates._closure_days.cache_clear()
    yield
    dates._closure_days.cache_clear()


@pytest.fixture(autouse=True)
def _fresh_cms_access():
    """The CMS link's cached answers are keyed by person id: a rolled-back test's
    groups (no signal on rollback) must not answer for the next test's people."""
    from intranet.core import cms_access

    cms_access.forget()
