"""Delegations: 代理承認 periods and registered 代決者."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.models import Person

from .. import access
from ..errors import ApprovalError, NotAllowed
from ..models import Delegation


@transaction.atomic
def create_delegation(
    *,
    principal: Person,
    delegate: Person,
    kind: Delegation.Kind,
    start_date: datetime.date,
    end_date: datetime.date | None,
    by: Person,
    note: str = "",
) -> Delegation:
    """Register a proxy (with a date range) or a deputy for ``principal``.

    People register their own; approval administrators may register anyone's.
    """
    if by.pk != principal.pk and not access.is_approval_admin(by):
        raise NotAllowed()
    if delegate.pk == principal.pk:
        raise ApprovalError(_("本人以外の職員を選んでください。"))
    if not delegate.is_active:
        raise ApprovalError(_("在職中の職員を選んでください。"))
    kind = Delegation.Kind(kind)
    if kind == Delegation.Kind.PROXY and end_date is None:
        raise ApprovalError(_("代理承認には終了日を入力してください。"))
    if end_date is not None and end_date < start_date:
        raise ApprovalError(_("終了日は開始日以降にしてください。"))
    if end_date is not None and end_date < timezone.localdate():
        raise ApprovalError(_("終了日が過去の日付です。"))
    return Delegation.objects.create(
        principal=principal,
        delegate=delegate,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        note=note.strip()[:200],
        created_by=by,
    )


@transaction.atomic
def revoke_delegation(*, delegation: Delegation, by: Person) -> Delegation:
    if by.pk != delegation.principal_id and not access.is_approval_admin(by):
        raise NotAllowed()
    delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
    if delegation.revoked_at is None:
        delegation.revoked_at = timezone.now()
        delegation.save(update_fields=["revoked_at"])
    return delegation
