"""Approval fixtures: document types, a published rule book, and a 財政課 to consult.

一般文書 (general)            課長専決: 係長 → 課長
支出伺い (expense) < 100万円   課長専決: 係長 → 課長
支出伺い (expense) ≥ 100万円   部長専決: 係長 → 課長 → 合議 財政課 → 部長
定型報告 (routine)            課長専決: 係長 → 課長 (bulk approval allowed)
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest

from tests.factories import MembershipFactory, OrgUnitFactory, PersonFactory
from tests.support.pki import local_tsa, make_pki
from workflows import services
from workflows.models import (
    DelegationRule,
    Document,
    DocumentType,
    RouteStep,
    RuleBook,
    RuleConsultation,
)


@pytest.fixture
def zaisei(office):
    """財政課 (政策経営部) with its 課長 山口, and 企画課 with its 課長 松本."""
    seisaku = OrgUnitFactory(
        code="seisaku-bu",
        name="政策経営部",
        kind="department",
        parent=office.units.ward,
    )
    zaisei_ka = OrgUnitFactory(
        code="zaisei-ka",
        name="財政課",
        short_name="財政課",
        kind="section",
        parent=seisaku,
    )
    kikaku_ka = OrgUnitFactory(
        code="kikaku-ka",
        name="企画課",
        short_name="企画課",
        kind="section",
        parent=seisaku,
    )
    yamaguchi = PersonFactory(username="yamaguchi", last_name="山口", first_name="修")
    MembershipFactory(person=yamaguchi, unit=zaisei_ka, post=office.posts.kacho)
    matsumoto = PersonFactory(username="matsumoto", last_name="松本", first_name="恵")
    MembershipFactory(person=matsumoto, unit=kikaku_ka, post=office.posts.kacho)
    return SimpleNamespace(
        unit=zaisei_ka, kacho=yamaguchi, kikaku=kikaku_ka, kikaku_kacho=matsumoto
    )


@pytest.fixture
def rules(office, zaisei):
    posts = office.posts
    general = DocumentType.objects.create(code="general", name="一般文書", sort_order=1)
    expense = DocumentType.objects.create(
        code="expense", name="支出伺い", requires_amount=True, sort_order=2
    )
    routine = DocumentType.objects.create(
        code="routine", name="定型報告", is_routine=True, sort_order=3
    )
    book = RuleBook.objects.create(
        number=1,
        valid_from=datetime.date(2020, 4, 1),
        published_at=datetime.datetime(2020, 3, 1, tzinfo=datetime.UTC),
    )

    def rule(document_type, decider, approvers, **kwargs):
        made = DelegationRule.objects.create(
            rulebook=book, document_type=document_type, decider_post=decider, **kwargs
        )
        made.approver_posts.set(approvers)
        return made

    general_rule = rule(general, posts.kacho, [posts.kakaricho])
    small = rule(expense, posts.kacho, [posts.kakaricho], amount_below=1_000_000)
    large = rule(
        expense,
        posts.bucho,
        [posts.kakaricho, posts.kacho],
        amount_from=1_000_000,
    )
    RuleConsultation.objects.create(rule=large, unit=zaisei.unit, post=posts.kacho)
    routine_rule = rule(routine, posts.kacho, [posts.kakaricho])
    return SimpleNamespace(
        book=book,
        general=general,
        expense=expense,
        routine=routine,
        general_rule=general_rule,
        small=small,
        large=large,
        routine_rule=routine_rule,
    )


@pytest.fixture
def draft(rules, applicant):
    def make(**kwargs):
        fields = {
            "title": "庁内報の発行について",
            "body": "<p>本文</p>",
            "document_type": rules.general,
        }
        fields.update(kwargs)
        return services.create_draft(
            applicant=kwargs.pop("applicant", applicant),
            **{k: v for k, v in fields.items() if k != "applicant"},
        )

    return make


@pytest.fixture
def submitted(draft, applicant):
    def make(**kwargs):
        document = draft(**kwargs)
        return services.submit(document=document, by=document.filer)

    return make


@pytest.fixture
def decided(submitted, kakaricho, kacho):
    """A 課長専決 document decided: 係長 approves, 課長 decides."""

    def make(**kwargs):
        document = submitted(**kwargs)
        services.approve(step=active_step(document), by=kakaricho)
        services.approve(step=active_step(document), by=kacho, comment="了")
        document.refresh_from_db()
        assert document.state == Document.State.DECIDED
        return document

    return make


@pytest.fixture
def pki(tmp_path):
    """A CA and the ward's signing certificate of the test's own."""
    return make_pki(tmp_path / "pki")


@pytest.fixture
def tsa(pki):
    with local_tsa(pki) as endpoint:
        yield endpoint


@pytest.fixture
def signed_with_tsa(settings, pki, tsa):
    """Decided PDFs are signed with ``pki`` and timestamped by ``tsa`` (B-T)."""
    settings.APPROVAL_SIGNING = pki.settings(tsa_url=tsa.url)
    return pki


def active_step(document, kind=None):
    steps = RouteStep.objects.filter(
        document=document, round=document.round, status=RouteStep.Status.ACTIVE
    )
    if kind:
        steps = steps.filter(kind=kind)
    return steps.select_related("document", "assignee").get()


@pytest.fixture(autouse=True)
def _fresh_closure_days():
    """intranet.core.dates caches closure days for a minute: another test's rolled-back
    ClosureDay must not leak into due dates computed here."""
    from intranet.core import dates

    dates._closure_days.cache_clear()
    yield
    dates._closure_days.cache_clear()
