"""A small office with one of everything, owned by 佐藤 (the applicant).

The crawl and the stored-XSS tests visit every page against this world: a draft and a
submitted document with an attachment, a desk booking and a room booking waiting for
approval, a notification, a presence period, a delegation; a 収受 with its scan, a
回覧 and a 訂正 request of 文書管理; a PT proposal sent for 公開承認 (the lead's
review, the member's editor).
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.documents.models import Document as CmsDocument

from directory import roles
from directory import services as directory_services
from directory.models import PresencePeriod
from intranet.notifications import services as notification_services
from intranet.notifications.kinds import Kind
from intranet.pages.publishing import ensure_publishing_setup
from intranet.proposals import services as proposal_services
from intranet.proposals.models import ProposalIndexPage, ProposalPage
from spaces import services as spaces_services
from spaces import slots
from spaces.models import Booking
from tests.factories import PersonFactory
from tests.spaces.conftest import business_day, facility_manager, make_campus
from tests.workflows.conftest import draft, rules, submitted, zaisei
from workflows import services as workflow_services
from workflows.models import Delegation, RouteStep
from workflows.records import services as records_services
from workflows.records.models import IncomingDocument

__all__ = ["draft", "facility_manager", "rules", "submitted", "zaisei"]

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def decide(document):
    """Approve every step of ``document`` as its assignee until it is decided."""
    while True:
        step = (
            RouteStep.objects.filter(
                document=document, round=document.round, status=RouteStep.Status.ACTIVE
            )
            .select_related("assignee")
            .first()
        )
        if step is None:
            document.refresh_from_db()
            return document
        document = workflow_services.approve(step=step, by=step.assignee)


def make_world(office, draft, *, title="庁内報の発行について", text=""):
    """Build the world; ``text`` goes into every free-text field a person can fill."""
    applicant = office.applicant
    campus = make_campus(office)
    body = f"<p>本文{text}</p>"
    document = draft(title=title + text, body=body)
    workflow_services.add_attachment(
        document=document,
        by=applicant,
        upload=SimpleUploadedFile(
            "資料.pdf", PDF_BYTES, content_type="application/pdf"
        ),
    )
    document = workflow_services.submit(document=document, by=applicant)
    step = RouteStep.objects.get(
        document=document, round=document.round, status=RouteStep.Status.ACTIVE
    )
    decided = decide(
        workflow_services.submit(
            document=draft(title="決裁済みの文書" + text, body=body), by=applicant
        )
    )
    a_draft = draft(title="下書きの文書" + text, body=body)
    day = business_day(2)
    desk_booking = spaces_services.book_desk(
        desk=campus.desk,
        person=applicant,
        by=applicant,
        day=day,
        slot=slots.DeskSlot.DAY,
    )
    room_booking = spaces_services.book(
        resource=campus.big_room,
        person=applicant,
        by=applicant,
        starts_at=slots.at(day, datetime.time(10)),
        ends_at=slots.at(day, datetime.time(11)),
        title="打合せ" + text,
    )
    assert room_booking.status == Booking.Status.PENDING
    presence = directory_services.set_presence(
        person=applicant,
        status=PresencePeriod.Status.TELEWORK,
        start_date=day,
        end_date=day,
        by=applicant,
        note="研修" + text,
    )
    [notification] = notification_services.notify(
        recipients=[applicant],
        kind=Kind.SYSTEM,
        subject="お知らせ" + text,
        body="本文" + text,
        url="/approvals/",
        email=False,
    )
    delegation = workflow_services.create_delegation(
        principal=applicant,
        delegate=office.kakaricho,
        kind=Delegation.Kind.PROXY,
        start_date=day,
        end_date=day,
        by=applicant,
        note="出張" + text,
    )
    token = spaces_services.issue_calendar_token(person=applicant)
    proposal, comment = make_proposal(office)
    in_review = make_proposal_in_review(office, text=text)
    incoming = records_services.register_incoming(
        by=applicant,
        received_on=slots.today(),
        channel=IncomingDocument.Channel.MAIL,
        sender="東京都総務局" + text,
        title="研修の開催について" + text,
        section=office.units.somu_ka,
        assignee=applicant,
        upload=SimpleUploadedFile(
            "通知.pdf", PDF_BYTES, content_type="application/pdf"
        ),
    )
    circular = records_services.start_circular(
        by=applicant,
        subject="回覧" + text,
        message="ご確認ください" + text,
        people=[office.kakaricho],
        document=decided,
    )
    correction = records_services.request_correction(
        document=decided, by=applicant, reason="誤字" + text, content="訂正" + text
    )
    cms_document = CmsDocument(title="庁内規程集")
    cms_document.file.save("kitei.pdf", SimpleUploadedFile("kitei.pdf", PDF_BYTES))
    return SimpleNamespace(
        office=office,
        campus=campus,
        document=document,
        attachment=document.attachments.get(),
        step=step,
        draft=a_draft,
        decided=decided,
        desk_booking=desk_booking,
        room_booking=room_booking,
        presence=presence,
        notification=notification,
        delegation=delegation,
        calendar_token=token,
        cms_document=cms_document,
        proposal=proposal,
        comment=comment,
        in_review=in_review,
        incoming=incoming,
        circular=circular,
        correction=correction,
    )


def make_proposal(office):
    """A published proposal of the DX PT (``office.pt_member``) with 佐藤's comment.

    Proposals are for all staff to read, so no secret text goes into them.
    """
    ensure_publishing_setup()
    office.pt_member = PersonFactory(username="ito", last_name="伊藤")
    office.pt_member.groups.add(Group.objects.get(name=roles.DX_PT))
    proposal = ProposalPage(
        title="会議資料のペーパーレス化",
        slug="paperless",
        problem="<p>会議のたびに資料を印刷しています。</p>",
    )
    ProposalIndexPage.objects.get().add_child(instance=proposal)
    # As the PT lead approves it (公開承認); the crawl needs only the live page.
    proposal.save_revision(user=office.pt_member).publish()
    comment = proposal_services.add_comment(
        proposal=proposal, author=office.applicant, body="賛成です。"
    )
    return proposal, comment


def make_proposal_in_review(office, *, text=""):
    """A proposal 伊藤 wrote and sent for 公開承認: 渡辺 (``office.pt_lead``) reviews it.

    Until it is published it is hers and the lead's: the secret text goes in.
    """
    office.pt_lead = PersonFactory(username="watanabe", last_name="渡辺")
    office.pt_lead.groups.add(
        Group.objects.get(name=roles.DX_PT), Group.objects.get(name=roles.DX_PT_LEAD)
    )
    page = ProposalPage(
        title="窓口予約のオンライン化" + text,
        slug="online-booking",
        problem=f"<p>窓口の待ち時間が長い。{text}</p>",
        live=False,
        owner=office.pt_member,
    )
    ProposalIndexPage.objects.get().add_child(instance=page)
    page.save_revision(user=office.pt_member)
    page.get_workflow().start(page, office.pt_member)
    return ProposalPage.objects.get(pk=page.pk)


@pytest.fixture
def world(office, home_page, draft, facility_manager, settings, tmp_path):
    settings.APPROVALS = {**settings.APPROVALS, "FILES_ROOT": str(tmp_path / "files")}
    return make_world(office, draft)
