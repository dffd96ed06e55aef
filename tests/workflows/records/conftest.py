"""Records fixtures: the approval rules of tests/workflows, a 文書分類表 for
令和8年度 and a 文書管理担当 (林, in 総務課).

    1    総務       (大分類)
    1-1  文書       (中分類)
    1-1-1 文書事務   (小分類, 5年, 一般文書を勧める)
    1-1-2 庁内報     (小分類, 1年)
    2    財務
    2-1  契約
    2-1-1 物品購入   (小分類, 5年, 支出伺いを勧める)
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group

from directory import roles
from tests.factories import MembershipFactory, PersonFactory
from tests.workflows.conftest import active_step
from workflows.records.models import Classification, ClassificationTable

MAJOR, MIDDLE, MINOR = Classification.Level


@pytest.fixture
def records_manager(office):
    """林: 総務課 文書管理担当."""
    hayashi = PersonFactory(username="hayashi", last_name="林", first_name="由美")
    MembershipFactory(person=hayashi, unit=office.units.shomu, post=office.posts.shuji)
    roles.ensure_role_groups()
    Group.objects.get(name=roles.APPROVAL_ADMINS).user_set.add(hayashi)
    return hayashi


@pytest.fixture
def table(rules):
    made = ClassificationTable.objects.create(
        fiscal_year=2020,
        published_at=datetime.datetime(2020, 3, 1, tzinfo=datetime.UTC),
    )

    def node(code, name, level, parent=None, years=None, types=()):
        created = Classification.objects.create(
            table=made,
            code=code,
            name=name,
            level=level,
            parent=parent,
            retention_years=years,
        )
        created.document_types.set(types)
        return created

    somu = node("1", "総務", MAJOR)
    bunsho = node("1-1", "文書", MIDDLE, somu)
    jimu = node("1-1-1", "文書事務", MINOR, bunsho, 5, [rules.general])
    koho = node("1-1-2", "庁内報", MINOR, bunsho, 1)
    zaimu = node("2", "財務", MAJOR)
    keiyaku = node("2-1", "契約", MIDDLE, zaimu)
    buppin = node("2-1-1", "物品購入", MINOR, keiyaku, 5, [rules.expense])
    return SimpleNamespace(
        table=made, somu=somu, bunsho=bunsho, jimu=jimu, koho=koho, buppin=buppin
    )


@pytest.fixture
def received(office, records_manager):
    """``received(title, …)``: a 収受 of today by post for 総務課, registered by 林."""
    from django.utils import timezone

    from workflows.records import services

    def make(title="統計調査の依頼について", **kwargs):
        fields = {
            "by": records_manager,
            "received_on": timezone.localdate(),
            "channel": "mail",
            "sender": "東京都総務局",
            "section": office.units.somu_ka,
            **kwargs,
        }
        return services.register_incoming(title=title, **fields)

    return make


@pytest.fixture
def decided(submitted):
    """Submit and walk a document to its 決裁 (係長 → 課長)."""

    def make(**kwargs):
        return walk(submitted(**kwargs))

    return make


@pytest.fixture
def disposal_rule(rules, office):
    """廃棄協議 (records-disposal): 係長 → 課長決裁, as in the demo ward."""
    from workflows.models import DelegationRule, DocumentType

    kind = DocumentType.objects.create(
        code="records-disposal", name="廃棄協議", is_active=False
    )
    rule = DelegationRule.objects.create(
        rulebook=rules.book, document_type=kind, decider_post=office.posts.kacho
    )
    rule.approver_posts.set([office.posts.kakaricho])
    return rule


@pytest.fixture
def paper_document(rules, table, records_manager, applicant):
    """A 紙決裁 of 2019 kept 1年: past its 満了日 (2021-03-31)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from workflows.records import services

    def make(title="平成31年度 庁内報の発行について", years=1):
        return services.register_paper_decision(
            by=records_manager,
            applicant=applicant,
            title=title,
            document_type=rules.general,
            decided_on=datetime.date(2019, 6, 14),
            classification=table.koho,
            retention_years=years,
            scan=SimpleUploadedFile(
                "scan.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
            ),
        )

    return make


@pytest.fixture
def seal_rule(rules, office):
    """公印使用の伺い (seal-use): 課長 (the 公印管理者 of the section) decides."""
    from workflows.models import DelegationRule, DocumentType

    kind = DocumentType.objects.create(
        code="seal-use", name="公印使用伺い", is_active=False
    )
    return DelegationRule.objects.create(
        rulebook=rules.book, document_type=kind, decider_post=office.posts.kacho
    )


def walk(document):
    """Approve every step of a submitted document until it is closed."""
    from workflows import services

    while True:
        document.refresh_from_db()
        if document.state != document.State.IN_PROGRESS:
            return document
        step = active_step(document)
        services.approve(step=step, by=step.assignee)
