"""The 文書管理 panel on a decided document's page (分類, 完結, 施行, 訂正, 回覧)."""

from django import template

from ..forms import CorrectionForm, IssuanceForm
from ..models import Correction
from ..services.issuance import can_issue

register = template.Library()


@register.simple_tag
def records_panel(document, user):
    corrections = list(
        Correction.objects.filter(document=document)
        .select_related("approver", "requested_by")
        .order_by("revision")
    )
    is_author = user.pk in (document.applicant_id, document.filer_id)
    pending = next(
        (c for c in corrections if c.state == Correction.State.PENDING), None
    )
    return {
        "issuances": list(document.issuances.select_related("seal_use")),
        "can_issue": can_issue(user, document),
        "issuance_form": IssuanceForm(),
        "corrections": corrections,
        "pending_correction": pending,
        "may_decide_correction": pending is not None and pending.approver_id == user.pk,
        "may_request_correction": is_author
        and pending is None
        and not document.is_destroyed,
        "correction_form": CorrectionForm(),
    }
