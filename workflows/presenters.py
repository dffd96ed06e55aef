"""What the document page and the PDF show: the 決裁欄 boxes and the route rows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Document, RouteStep
from .seals import Seal

Status = RouteStep.Status


@dataclass
class Box:
    """One box of the 決裁欄: a header (起案者, 係長, 課長（決裁）…) and its seal."""

    header: str
    seal: Seal | None = None
    note: str = ""
    review_seal: Seal | None = None
    step: RouteStep | None = None
    is_current: bool = False


@dataclass
class ApprovalBoxes:
    main: list[Box] = field(default_factory=list)
    consultations: list[Box] = field(default_factory=list)
    circulation: list[Box] = field(default_factory=list)


def _local_day(moment) -> datetime.date:
    return timezone.localtime(moment).date()


def _seal(step: RouteStep, person, moment, mark: str) -> Seal:
    unit = step.acted_unit_name or (step.unit.seal_name if step.unit_id else "")
    return Seal(
        unit=unit, day=_local_day(moment), surname=person.get_short_name(), mark=mark
    )


def approval_boxes(document: Document, steps: list[RouteStep]) -> ApprovalBoxes:
    """The boxes of the current round, with seals for every action taken."""
    boxes = ApprovalBoxes()
    reviews = {
        step.reviewed_step_id: step
        for step in steps
        if step.kind == RouteStep.Kind.POST_REVIEW
        and step.status == Status.ACKNOWLEDGED
    }
    if document.submitted_at:
        applicant_seal = Seal(
            unit=document.applicant_unit.seal_name,
            day=_local_day(document.submitted_at),
            surname=document.applicant.get_short_name(),
        )
    else:
        applicant_seal = None
    boxes.main.append(
        Box(
            _("起案者"),
            applicant_seal,
            note=_("作成: %(filer)s") % {"filer": document.filer}
            if document.filed_on_behalf
            else "",
        )
    )
    for step in steps:
        if step.kind == RouteStep.Kind.POST_REVIEW:
            continue
        box = Box(step.label, step=step, is_current=step.status in RouteStep.OPEN)
        review = reviews.get(step.pk)
        if step.status in (Status.APPROVED, Status.ACKNOWLEDGED) and step.acted_by_id:
            box.seal = _seal(step, step.acted_by, step.acted_at, step.seal_mark)
            if review is not None:
                box.review_seal = _seal(
                    review, review.acted_by, review.acted_at, _("後閲")
                )
        elif step.status == Status.SKIPPED:
            if review is not None:
                box.seal = _seal(review, review.acted_by, review.acted_at, _("後閲"))
            else:
                box.note = _("不在（後閲待ち）")
        elif step.status in (
            Status.RETURNED,
            Status.REJECTED,
            Status.NOT_NEEDED,
            Status.BLOCKED,
        ):
            box.note = step.status_label
        elif step.status == Status.ACTIVE:
            box.note = _("処理中")
        if step.kind == RouteStep.Kind.CONSULTATION:
            boxes.consultations.append(box)
        elif step.kind == RouteStep.Kind.CIRCULATION:
            if step.status != Status.CANCELLED:
                boxes.circulation.append(box)
        else:
            boxes.main.append(box)
    return boxes
