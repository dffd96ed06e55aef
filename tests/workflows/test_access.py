"""Visibility, exactly as the issue states it, through the one pair of helpers."""

import datetime

import pytest
from django.utils import timezone

from intranet.notifications import topics
from tests.factories import MembershipFactory, PersonFactory
from workflows import services
from workflows.access import can_view_document, visible_documents_for
from workflows.models import Delegation

from .conftest import active_step

pytestmark = pytest.mark.django_db


def visible(person, document):
    return can_view_document(person, document)


def test_who_sees_an_ordinary_document(
    submitted, office, applicant, kakaricho, kacho, bucho, stranger, auditor
):
    document = submitted()
    assert visible(applicant, document)
    assert visible(kakaricho, document)  # current step
    assert visible(kacho, document)  # future step
    assert visible(auditor, document)  # named auditor
    assert not visible(bucho, document)  # not on this route
    assert not visible(stranger, document)
    services.approve(step=active_step(document), by=kakaricho)
    assert visible(kakaricho, document)  # past step


def test_filer_sees_what_they_filed(rules, applicant, kakaricho):
    colleague = PersonFactory(username="kimura", last_name="木村")
    MembershipFactory(
        person=colleague,
        unit=applicant.primary_membership().unit,
        post=applicant.primary_membership().post,
    )
    document = services.create_draft(
        applicant=applicant, filer=colleague, title="代理", document_type=rules.general
    )
    assert visible(colleague, document) and visible(applicant, document)
    assert not visible(kakaricho, document)  # a draft is only its authors'


def test_active_deputies_and_circulation(draft, applicant, kakaricho, bucho, stranger):
    document = draft()
    services.add_circulation(document=document, by=applicant, person=stranger)
    document = services.submit(document=document, by=applicant)
    assert visible(stranger, document)  # a 供覧 recipient
    today = timezone.localdate()
    delegation = services.create_delegation(
        principal=kakaricho,
        delegate=bucho,
        kind=Delegation.Kind.PROXY,
        start_date=today,
        end_date=today + datetime.timedelta(days=1),
        by=kakaricho,
    )
    assert visible(bucho, document)
    services.revoke_delegation(delegation=delegation, by=kakaricho)
    assert not visible(bucho, document)
    services.create_delegation(
        principal=kakaricho,
        delegate=bucho,
        kind=Delegation.Kind.PROXY,
        start_date=today + datetime.timedelta(days=3),
        end_date=today + datetime.timedelta(days=5),
        by=kakaricho,
    )
    assert not visible(bucho, document)  # not active yet


def test_confidential_documents_route_and_auditors_only(
    draft, applicant, kakaricho, kacho, bucho, stranger, auditor
):
    document = draft(confidential=True)
    services.add_circulation(document=document, by=applicant, person=stranger)
    document = services.submit(document=document, by=applicant)
    today = timezone.localdate()
    services.create_delegation(
        principal=kakaricho,
        delegate=bucho,
        kind=Delegation.Kind.PROXY,
        start_date=today,
        end_date=today,
        by=kakaricho,
    )
    assert visible(applicant, document)
    assert visible(kakaricho, document) and visible(kacho, document)
    assert visible(auditor, document)
    assert not visible(stranger, document)  # 供覧 recipients: not for 秘
    assert not visible(bucho, document)  # deputies: not for 秘


def test_inactive_or_anonymous_see_nothing(submitted, applicant):
    from django.contrib.auth.models import AnonymousUser

    document = submitted()
    assert not visible(AnonymousUser(), document)
    applicant.is_active = False
    applicant.save()
    assert visible_documents_for(applicant).count() == 0


def test_live_topic_follows_visibility(submitted, kakaricho, stranger):
    document = submitted()
    assert topics.can_follow(kakaricho, f"document:{document.pk}")
    assert not topics.can_follow(stranger, f"document:{document.pk}")
    assert not topics.can_follow(kakaricho, "document:abc")
