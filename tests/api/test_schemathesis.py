"""schemathesis against the real ASGI server with a token of suzuki's (scopes all):
no server error, every response as the schema says, no undocumented status.
suzuki is also 文書管理担当 here, so the 文書管理簿 answers with rows (a 収受)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from directory import roles
from intranet.api.services import issue_token
from tests.support.servers import start_server
from workflows import services
from workflows.records import services as records_services

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]

CHECKS = "not_a_server_error,response_schema_conformance,status_code_conformance"


def test_schemathesis_finds_nothing(office, rules, tmp_path):
    document = services.create_draft(
        applicant=office.applicant,
        title="庁内報の発行について",
        document_type=rules.general,
    )
    services.submit(document=document, by=office.applicant)
    roles.ensure_role_groups()
    Group.objects.get(name=roles.APPROVAL_ADMINS).user_set.add(office.kakaricho)
    records_services.register_incoming(
        by=office.kakaricho,
        received_on=timezone.localdate(),
        channel="mail",
        sender="東京都総務局",
        title="統計調査の依頼について",
        section=office.units.somu_ka,
    )
    token = issue_token(name="schemathesis", person=office.kakaricho, scopes="all")
    server = start_server(log_dir=tmp_path, env={"API_RATE_LIMIT": "1000000"})
    try:
        result = subprocess.run(
            [
                str(Path(sys.executable).with_name("schemathesis")),
                "run",
                f"{server.url}/api/v1/openapi.json",
                "--header",
                f"Authorization: Bearer {token.secret}",
                "--checks",
                CHECKS,
                "--max-examples",
                os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "20"),
                "--seed",
                "20",
                "--workers",
                "2",
                "--phases",
                "examples,coverage,fuzzing",
                "--generation-database",
                "none",
                "--no-color",
            ],
            cwd=tmp_path,  # its working files stay out of the tree
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    finally:
        server.stop()
    print(result.stdout[-3000:])
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-2000:]
    assert "Traceback" not in server.log()
