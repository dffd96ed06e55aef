"""Drafting: create, edit, copy and discard drafts, attachments, route additions, submit."""

from __future__ import annotations

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.models import Membership, OrgUnit, Person
from intranet.core.text import single_line

from .. import access, engine, flows, ledger, messages
from ..attachments import check_upload, copy_bytes
from ..errors import ApprovalError, NotAllowed, RouteError
from ..models import (
    Attachment,
    Document,
    DocumentType,
    LedgerEntry,
    Participant,
    Retention,
    RouteAddition,
    RouteStep,
)
from ..routing import find_rule, owner_section, plan_route
from ..sanitize import clean_html
from .common import check_version, lock_document, refresh_search_text, touch

MAX_ATTACHMENTS = 20


def _primary_membership(person: Person) -> Membership:
    membership = person.primary_membership()
    if membership is None:
        raise RouteError(
            _("%(name)s さんの所属が職員名簿にないため、起案できません。")
            % {"name": person}
        )
    return membership


def can_file_for(filer: Person, applicant: Person) -> bool:
    """代理起案: a colleague of the same section (課) whose post is not above the
    filer's, an approval administrator, or a service account (another ward system
    filing through the API for a member of staff)."""
    if filer.pk == applicant.pk:
        return not applicant.is_service_account
    if access.is_approval_admin(filer):
        return True
    if filer.is_service_account:
        return applicant.is_active and not applicant.is_service_account
    filer_membership = filer.primary_membership()
    applicant_membership = applicant.primary_membership()
    if filer_membership is None or applicant_membership is None:
        return False
    # Never for someone above one's own post: filing as the 課長 would skip the
    # 係長 on the route (a smaller rank is a higher post).
    if applicant_membership.post.rank < filer_membership.post.rank:
        return False
    return (
        owner_section(filer_membership.unit).pk
        == owner_section(applicant_membership.unit).pk
    )


def _default_type() -> DocumentType:
    document_type = DocumentType.objects.filter(is_active=True).first()
    if document_type is None:
        raise RouteError(
            _("文書分類が登録されていません。文書管理担当者に連絡してください。")
        )
    return document_type


def _clean_fields(*, title, body, document_type, retention_years, amount):
    title = single_line(title)
    if not title:
        raise ApprovalError(_("件名を入力してください。"))
    if len(title) > 200:
        raise ApprovalError(_("件名は200文字以内で入力してください。"))
    if retention_years is None:
        retention_years = document_type.default_retention_years
    if retention_years not in Retention.values:
        raise ApprovalError(_("保存年限を選んでください。"))
    if amount is not None and amount < 0:
        raise ApprovalError(_("金額は0円以上で入力してください。"))
    return title, clean_html(body), retention_years, amount


@transaction.atomic
def create_draft(
    *,
    applicant: Person,
    title: str,
    body: str = "",
    document_type: DocumentType | None = None,
    filer: Person | None = None,
    retention_years: int | None = None,
    amount: int | None = None,
    confidential: bool = False,
    source_url: str = "",
    source_title: str = "",
    copied_from: Document | None = None,
) -> Document:
    """A new draft (下書き). ``filer`` files it on behalf of ``applicant`` (代理起案).

    Also the entry point for other features: an adopted proposal becomes a draft
    with ``create_draft(applicant=…, title=…, body=…, source_url=…,
    source_title=…)``: the document shows the title as the link to its 関連ページ.
    """
    filer = filer or applicant
    if not can_file_for(filer, applicant):
        raise NotAllowed(
            _(
                "代理で起案できるのは、同じ課の職員で、ご自身と同じかそれより下の"
                "職位の方の分だけです。"
            )
        )
    document_type = document_type or _default_type()
    title, body, retention_years, amount = _clean_fields(
        title=title,
        body=body,
        document_type=document_type,
        retention_years=retention_years,
        amount=amount,
    )
    unit = _primary_membership(applicant).unit
    document = Document(
        title=title,
        body=body,
        document_type=document_type,
        retention_years=retention_years,
        amount=amount,
        confidential=confidential,
        applicant=applicant,
        filer=filer,
        applicant_unit=unit,
        owner_section=owner_section(unit),
        source_url=(source_url or "")[:500],
        source_title=(source_title or "").strip()[:255],
        copied_from=copied_from,
    )
    refresh_search_text(document)
    document.save()
    engine.add_participants(
        document,
        [
            (applicant.pk, Participant.Role.APPLICANT),
            (filer.pk, Participant.Role.FILER),
        ],
    )
    return document


def _editable(document: Document, by: Person) -> None:
    if not access.is_author(by, document):
        raise NotAllowed()
    if not document.is_editable:
        raise NotAllowed(_("下書きか差戻し中の文書だけを編集できます。"))


@transaction.atomic
def update_draft(
    *,
    document: Document,
    by: Person,
    title: str,
    body: str,
    document_type: DocumentType,
    retention_years: int | None,
    amount: int | None,
    confidential: bool,
    expected_version: int | None = None,
) -> Document:
    """Edit a draft, or a returned document before resubmitting it."""
    document = lock_document(document)
    _editable(document, by)
    check_version(document, expected_version)
    title, body, retention_years, amount = _clean_fields(
        title=title,
        body=body,
        document_type=document_type,
        retention_years=retention_years,
        amount=amount,
    )
    document.title, document.body = title, body
    document.document_type = document_type
    document.retention_years, document.amount = retention_years, amount
    document.confidential = confidential
    refresh_search_text(document)
    touch(
        document,
        "title",
        "body",
        "document_type",
        "retention_years",
        "amount",
        "confidential",
        "search_text",
    )
    messages.status_changed(document)
    return document


@transaction.atomic
def copy_document(*, source: Document, by: Person) -> Document:
    """A new draft by ``by`` with the content and attachments of an earlier document."""
    if not access.can_view_document(by, source):
        raise NotAllowed()
    document = create_draft(
        applicant=by,
        title=source.title,
        body=source.body,
        document_type=source.document_type if source.document_type.is_active else None,
        retention_years=source.retention_years,
        amount=source.amount,
        confidential=source.confidential,
        copied_from=source,
    )
    for attachment in source.attachments.current():
        _store_attachment(
            document=document,
            by=by,
            name=attachment.original_name,
            content=copy_bytes(attachment),
            content_type=attachment.content_type,
            size=attachment.size,
            sha256=attachment.sha256,
        )
    return document


@transaction.atomic
def delete_draft(*, document: Document, by: Person) -> None:
    """Discard a draft that was never submitted (submitted documents are kept)."""
    document = lock_document(document)
    if not access.is_author(by, document):
        raise NotAllowed()
    if document.state != Document.State.DRAFT or document.round:
        raise NotAllowed(
            _("提出したことのある文書は削除できません。取下げてください。")
        )
    files = [attachment.file.name for attachment in document.attachments.all()]
    document.attachments.all().delete()
    document.route_additions.all().delete()
    document.participants.all().delete()
    document.delete()
    storage = Attachment._meta.get_field("file").storage

    def remove_files():
        for name in files:
            storage.delete(name)

    transaction.on_commit(remove_files)


def _store_attachment(*, document, by, name, content, content_type, size, sha256):
    attachment = Attachment(
        document=document,
        original_name=name,
        content_type=content_type,
        size=size,
        sha256=sha256,
        uploaded_by=by,
    )
    # The file is written first: a rollback can leave an orphan file, never a row
    # pointing at nothing.
    attachment.file.save(name, File(content, name=name), save=False)
    attachment.save()
    return attachment


@transaction.atomic
def add_attachment(*, document: Document, by: Person, upload) -> Attachment:
    """Validate (size, sniffed type) and store a file outside MEDIA_ROOT."""
    document = lock_document(document)
    _editable(document, by)
    if document.attachments.current().count() >= MAX_ATTACHMENTS:
        raise ApprovalError(
            _("添付ファイルは%(count)s件までです。") % {"count": MAX_ATTACHMENTS}
        )
    checked = check_upload(upload)
    attachment = _store_attachment(
        document=document,
        by=by,
        name=checked.name,
        content=upload,
        content_type=checked.kind.content_type,
        size=checked.size,
        sha256=checked.sha256,
    )
    touch(document)
    return attachment


@transaction.atomic
def remove_attachment(*, attachment: Attachment, by: Person) -> None:
    """Drafts lose the file; a submitted document keeps it as history (removed_at)."""
    document = lock_document(attachment.document_id)
    _editable(document, by)
    attachment = Attachment.objects.get(pk=attachment.pk, document=document)
    if document.round == 0:
        name = attachment.file.name
        storage = attachment.file.storage
        attachment.delete()
        transaction.on_commit(lambda: storage.delete(name))
    else:
        attachment.removed_at = timezone.now()
        attachment.save(update_fields=["removed_at"])
    touch(document)


def _addition_rule(document: Document):
    try:
        return find_rule(document_type=document.document_type, amount=document.amount)
    except RouteError:
        return None


@transaction.atomic
def add_consultation(*, document: Document, by: Person, unit: OrgUnit) -> RouteAddition:
    """Add a section to consult (合議), when the rule allows the applicant to."""
    document = lock_document(document)
    _editable(document, by)
    rule = _addition_rule(document)
    if rule is None or not rule.allow_extra_consultations:
        raise NotAllowed(_("この文書の専決区分では合議先を追加できません。"))
    if (
        unit.kind not in (OrgUnit.Kind.SECTION, OrgUnit.Kind.OFFICE)
        or not unit.in_effect()
    ):
        raise ApprovalError(_("合議先には現在の課・室を選んでください。"))
    addition, _created = RouteAddition.objects.get_or_create(
        document=document, kind=RouteAddition.Kind.CONSULTATION, unit=unit
    )
    touch(document)
    return addition


@transaction.atomic
def add_circulation(*, document: Document, by: Person, person: Person) -> RouteAddition:
    """Add a person to acknowledge (供覧) after the decision, when the rule allows."""
    document = lock_document(document)
    _editable(document, by)
    rule = _addition_rule(document)
    if rule is None or not rule.allow_extra_circulation:
        raise NotAllowed(_("この文書の専決区分では供覧先を追加できません。"))
    if not person.is_active:
        raise ApprovalError(_("在職中の職員を選んでください。"))
    addition, _created = RouteAddition.objects.get_or_create(
        document=document, kind=RouteAddition.Kind.CIRCULATION, person=person
    )
    touch(document)
    return addition


@transaction.atomic
def remove_route_addition(*, addition: RouteAddition, by: Person) -> None:
    document = lock_document(addition.document_id)
    _editable(document, by)
    RouteAddition.objects.filter(pk=addition.pk, document=document).delete()
    touch(document)


def _create_round(document: Document, plan) -> list[RouteStep]:
    steps = [
        RouteStep(
            document=document,
            round=document.round,
            kind=planned.kind,
            position=planned.position,
            label=planned.label,
            post=planned.post,
            unit=planned.unit,
            planned_assignee=planned.person,
            added_by_applicant=planned.added,
        )
        for planned in plan.steps
    ]
    already_circulated = (
        set(
            RouteStep.objects.filter(
                document=document, kind=RouteStep.Kind.CIRCULATION
            ).values_list("planned_assignee_id", flat=True)
        )
        if plan.circulation and document.round > 1
        else set()
    )
    for planned in plan.circulation:
        if planned.person.pk in already_circulated:
            continue
        steps.append(
            RouteStep(
                document=document,
                round=document.round,
                kind=RouteStep.Kind.CIRCULATION,
                position=0 if planned.timing == "before" else 999,
                label=planned.label,
                post=planned.post,
                unit=planned.unit,
                planned_assignee=planned.person,
                # 供覧 before the decision goes to today's holder; after the decision
                # the post is resolved again then (added people are named).
                assignee=planned.person
                if planned.added or planned.timing == "before"
                else None,
                added_by_applicant=planned.added,
                timing=planned.timing,
            )
        )
    created = RouteStep.objects.bulk_create(steps)
    if any(step.pk is None for step in created):
        created = list(
            RouteStep.objects.filter(document=document, round=document.round)
        )
    return created


@transaction.atomic
def submit(
    *, document: Document, by: Person, expected_version: int | None = None
) -> Document:
    """起案 (or 再提出 of a returned document): compute the route from the rules in
    force (a resubmission keeps the rule version it was first submitted under),
    store it, and start the flow. The first step's holder gets a task."""
    document = lock_document(document)
    if not access.is_author(by, document):
        raise NotAllowed()
    check_version(document, expected_version)
    if document.state not in Document.EDITABLE_STATES:
        raise NotAllowed(_("この文書はすでに提出されています。"))
    resubmission = document.state == Document.State.RETURNED
    membership = _primary_membership(document.applicant)
    document.applicant_unit = membership.unit
    document.owner_section = owner_section(membership.unit)
    plan = plan_route(
        document=document,
        rulebook=document.rule.rulebook if resubmission and document.rule_id else None,
        membership=membership,
    )
    document.rule = plan.rule
    document.consultation_policy = plan.consultation_policy
    document.consultation_quorum = plan.consultation_quorum
    document.round += 1
    document.state = Document.State.IN_PROGRESS
    document.submitted_at = document.submitted_at or timezone.now()
    refresh_search_text(document)
    steps = _create_round(document, plan)
    engine.add_participants(
        document,
        [
            (step.planned_assignee_id, Participant.Role.ROUTE)
            for step in steps
            if step.is_main
        ]
        + [
            (step.planned_assignee_id, Participant.Role.CIRCULATION)
            for step in steps
            if step.kind == RouteStep.Kind.CIRCULATION
        ],
    )
    # Before the flow starts, so that a vacant first post is recorded after it.
    ledger.append(
        document=document,
        action=LedgerEntry.Action.RESUBMIT
        if resubmission
        else LedgerEntry.Action.SUBMIT,
        actor=by,
        on_behalf_of=document.applicant if by.pk != document.applicant_id else None,
        to_step=steps[0].label if steps else "",
        data={
            "round": document.round,
            "content": document.content_digest(),
            "rule": plan.rule.pk,
            "rulebook": plan.rule.rulebook.number,
        },
    )
    # Stored before the flow starts: the first step's holder is told of the document
    # through the document gate, which reads the stored state (a draft is nobody's).
    document.save(update_fields=["state", "round", "submitted_at"])
    state = engine.RouteState(
        document,
        steps,
        planned={
            step.pk: (planned.person, planned.seal_unit)
            for step, planned in zip(steps, plan.steps, strict=False)
            if planned.person is not None
        },
    )
    if resubmission:
        task = flows.revision_task(document)
        if task is None:
            raise RouteError()
        flows.complete_task(state, task)
    else:
        document.process = flows.start_process(state)
    touch(
        document,
        "applicant_unit",
        "owner_section",
        "rule",
        "consultation_policy",
        "consultation_quorum",
        "round",
        "state",
        "submitted_at",
        "search_text",
        "process",
    )
    messages.submitted(document, resubmission=resubmission)
    messages.status_changed(document)
    return document
