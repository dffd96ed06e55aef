"""Backup and restore, as docs/operations.md describes them: the database dumped and
restored into a fresh one where ``verify_ledger`` passes, the files archived with tar.
"""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import tarfile
import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from tests.core.test_settings import run_manage
from tests.hardening.conftest import PDF_BYTES, decide
from tests.support.programs import require_program
from tests.workflows.conftest import draft, rules, submitted, zaisei
from workflows import services
from workflows.models import Attachment, Document, LedgerEntry

__all__ = ["draft", "rules", "submitted", "zaisei"]


@pytest.fixture
def decided_documents(draft, applicant):
    """Three decided documents with an attachment each, and one still on its way."""
    for number in range(3):
        document = draft(title=f"決裁文書{number}")
        services.add_attachment(
            document=document,
            by=applicant,
            upload=SimpleUploadedFile(
                f"資料{number}.pdf", PDF_BYTES + str(number).encode()
            ),
        )
        decide(services.submit(document=document, by=applicant))
    services.submit(document=draft(title="回議中の文書"), by=applicant)
    assert Document.objects.filter(state=Document.State.DECIDED).count() == 3
    return LedgerEntry.objects.count()


def verify_ledger_in(database_url: str) -> str:
    result = run_manage(
        "verify_ledger",
        env={
            "DJANGO_SETTINGS_MODULE": "intranet.settings.test",
            "DATABASE_URL": database_url,
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def back_up_and_restore_files(tmp_path: Path) -> Path:
    """tar the attachments' directory, unpack it elsewhere; return the new root."""
    files_root = Path(Attachment.file.field.storage.location)
    archive = tmp_path / "files.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(files_root, arcname="approvals")
    restored = tmp_path / "restored-files"
    with tarfile.open(archive) as tar:
        tar.extractall(restored, filter="data")
    return restored / "approvals"


def assert_files_intact(root: Path) -> None:
    attachments = list(Attachment.objects.all())
    assert attachments
    for attachment in attachments:
        content = (root / attachment.file.name).read_bytes()
        assert hashlib.sha256(content).hexdigest() == attachment.sha256


def postgres_url(name: str) -> str:
    settings = connection.settings_dict
    user, host, port = settings["USER"], settings["HOST"], settings["PORT"]
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host or '127.0.0.1'}:{port or 5432}/{name}"


@pytest.mark.django_db(transaction=True)
def test_postgresql_dump_restores_into_a_fresh_database(decided_documents, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump/pg_restore need PostgreSQL (the SQLite test is below)")
    pg_dump, pg_restore = require_program("pg_dump"), require_program("pg_restore")
    source = postgres_url(connection.settings_dict["NAME"])
    dump = tmp_path / "intranet.dump"
    subprocess.run(
        [pg_dump, "--format=custom", f"--file={dump}", source],
        check=True,
        timeout=300,
    )
    fresh = f"restore_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{fresh}"')
    try:
        subprocess.run(
            [
                pg_restore,
                "--no-owner",
                "--exit-on-error",
                f"--dbname={postgres_url(fresh)}",
                str(dump),
            ],
            check=True,
            timeout=300,
        )
        output = verify_ledger_in(postgres_url(fresh))
        assert f"Ledger OK: {decided_documents} entries" in output
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
    assert_files_intact(back_up_and_restore_files(tmp_path))


@pytest.mark.django_db(transaction=True)
def test_sqlite_online_backup_restores(decided_documents, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite backup API (the PostgreSQL test is above)")
    copy = tmp_path / "backup.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(copy)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    output = verify_ledger_in(f"sqlite:///{copy}")
    assert f"Ledger OK: {decided_documents} entries" in output
    assert_files_intact(back_up_and_restore_files(tmp_path))
