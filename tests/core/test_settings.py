"""Settings load in every mode, and bad configuration stops start-up with one line."""

import os
import subprocess
import sys

import pytest

from tests.support.pki import production_signing_env
from tests.support.servers import ROOT


def run_manage(*args, env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DJANGO_"))
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("mode", ["dev", "test"])
def test_settings_load(mode):
    result = run_manage(
        "check", env={"DJANGO_SETTINGS_MODULE": f"intranet.settings.{mode}"}
    )
    assert result.returncode == 0, result.stderr


def test_production_settings_load_with_secret_key(tmp_path):
    result = run_manage(
        "check",
        env={
            "DJANGO_SETTINGS_MODULE": "intranet.settings.production",
            "SECRET_KEY": "x" * 50,
            "ALLOWED_HOSTS": "intranet.ward.example.jp",
            **production_signing_env(tmp_path),
        },
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"APPROVAL_SIGNING_PKCS12": ""}, "APPROVAL_SIGNING_PKCS12"),
        ({"APPROVAL_SIGNING_PASSWORD_FILE": "/dev/null"}, "cannot be opened"),
        ({"APPROVAL_SIGNING_PKCS12": "/nonexistent.p12"}, "no such file"),
        ({"APPROVAL_SIGNING_TRUST_ROOTS": ""}, "APPROVAL_SIGNING_TRUST_ROOTS must"),
    ],
)
def test_production_refuses_a_missing_or_demo_signing_certificate(
    tmp_path, change, message
):
    """Unset, the demo certificate under var/ would be used: `make run` creates it."""
    env = {
        "DJANGO_SETTINGS_MODULE": "intranet.settings.production",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "intranet.ward.example.jp",
        **production_signing_env(tmp_path),
        **change,
    }
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {
                "DJANGO_SETTINGS_MODULE": "intranet.settings.production",
                "ALLOWED_HOSTS": "intranet.ward.example.jp",
            },
            "SECRET_KEY must be set in production",
        ),
        (
            {
                "DJANGO_SETTINGS_MODULE": "intranet.settings.dev",
                "DATABASE_URL": "mysql://nobody@localhost/intranet",
            },
            "DATABASE_URL='mysql://nobody@localhost/intranet' is not understood",
        ),
        (
            {
                "DJANGO_SETTINGS_MODULE": "intranet.settings.dev",
                "DATABASE_URL": "postgres://postgres@127.0.0.1:port/x",
            },
            "has a bad port",
        ),
        (
            {
                "DJANGO_SETTINGS_MODULE": "intranet.settings.dev",
                "REDIS_URL": "localhost:6379",
            },
            "REDIS_URL='localhost:6379' is not a redis://",
        ),
        (
            {"DJANGO_SETTINGS_MODULE": "intranet.settings.dev", "DEBUG": "maybe"},
            "DEBUG='maybe' is not a boolean",
        ),
    ],
)
def test_bad_configuration_stops_with_one_line(env, message):
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Configuration error:")
    assert message in lines[0]


def test_database_url_postgres_is_parsed(monkeypatch):
    from intranet.settings import environment

    monkeypatch.setenv(
        "DATABASE_URL", "postgres://ward:s%40cret@db.example:5433/intranet"
    )
    database = environment.database()
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["USER"], database["PASSWORD"]) == ("ward", "s@cret")
    assert (database["HOST"], database["PORT"], database["NAME"]) == (
        "db.example",
        "5433",
        "intranet",
    )


def test_postgres_planner_prices_random_reads_as_ssd(monkeypatch):
    from intranet.settings import environment

    monkeypatch.setenv("DATABASE_URL", "postgres://ward@db.example/intranet")
    monkeypatch.delenv("DATABASE_RANDOM_PAGE_COST", raising=False)
    assert environment.database()["OPTIONS"]["options"] == "-c random_page_cost=1.1"
    monkeypatch.setenv("DATABASE_RANDOM_PAGE_COST", "2")
    assert environment.database()["OPTIONS"]["options"] == "-c random_page_cost=2"
    monkeypatch.setenv("DATABASE_RANDOM_PAGE_COST", "")
    assert "options" not in environment.database()["OPTIONS"]
    # Options given in the URL win.
    monkeypatch.setenv(
        "DATABASE_URL", "postgres://ward@db.example/intranet?options=-c%20x%3D1"
    )
    assert environment.database()["OPTIONS"]["options"] == "-c x=1"
    for bad in ("fast", "0", "-1"):
        monkeypatch.setenv("DATABASE_RANDOM_PAGE_COST", bad)
        with pytest.raises(environment.ConfigurationError):
            environment.database()


def test_sqlite_writers_queue_instead_of_failing(settings):
    from intranet.settings import environment

    options = environment._sqlite(ROOT / "var" / "x.sqlite3")["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5


def test_redis_url_selects_redis_channel_layer_and_cache():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings;"
        "print(settings.CHANNEL_LAYERS['default']['BACKEND']);"
        "print(settings.CACHES['default']['BACKEND'])",
        env={
            "DJANGO_SETTINGS_MODULE": "intranet.settings.dev",
            "REDIS_URL": "redis://127.0.0.1:6379/3",
        },
    )
    assert result.returncode == 0, result.stderr
    assert "channels_redis" in result.stdout
    assert "RedisCache" in result.stdout


def test_postgres_connections_come_from_a_bounded_pool(monkeypatch):
    """Under ASGI a persistent connection stays behind with every request's thread;
    a pool per process bounds them (bench/load.py ran out of connections without)."""
    from intranet.settings import environment

    monkeypatch.setenv("DATABASE_URL", "postgres://ward@db.example/intranet")
    monkeypatch.setenv("DATABASE_POOL_MAX_SIZE", "6")
    database = environment.database()
    assert database["CONN_MAX_AGE"] == 0
    assert database["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 6, "timeout": 30}

    monkeypatch.setenv("DATABASE_POOL", "false")
    monkeypatch.setenv("DATABASE_CONN_MAX_AGE", "30")
    database = environment.database()
    assert "pool" not in database["OPTIONS"]
    assert database["CONN_MAX_AGE"] == 30


def test_a_pool_smaller_than_its_minimum_is_refused(monkeypatch):
    from intranet.settings import environment

    monkeypatch.setenv("DATABASE_URL", "postgres://ward@db.example/intranet")
    monkeypatch.setenv("DATABASE_POOL_MIN_SIZE", "5")
    monkeypatch.setenv("DATABASE_POOL_MAX_SIZE", "2")
    with pytest.raises(environment.ConfigurationError, match="DATABASE_POOL_MAX_SIZE"):
        environment.database()
