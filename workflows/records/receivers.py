"""What 文書管理 does when the approval engine decides a document."""

from __future__ import annotations

from django.utils import timezone


def on_document_decided(sender, *, document, by, **kwargs) -> None:
    """A 決裁 with nothing to issue completes the document; a decided 廃棄協議
    destroys what it lists; a decided 公印使用の伺い seals and issues its document.
    Runs inside the deciding transaction."""
    from .models import DisposalRequest, Issuance
    from .services import complete
    from .services.issuance import apply_seal_approval
    from .services.retention import apply_disposal

    day = timezone.localtime(document.decided_at).date()
    if not document.requires_issuance:
        complete(record=document, day=day, by=by, ledger_entry=False)
    request = DisposalRequest.objects.filter(approval=document).first()
    if request is not None:
        apply_disposal(request=request, by=by)
    issuance = Issuance.objects.filter(seal_approval=document).first()
    if issuance is not None:
        apply_seal_approval(issuance=issuance, by=by)
