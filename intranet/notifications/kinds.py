"""What a notification is about. Later features add members here."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    # Approvals (電子決裁)
    TASK_ASSIGNED = "task_assigned", _("決裁依頼")
    DOCUMENT_RETURNED = "document_returned", _("差戻し")
    DOCUMENT_DECIDED = "document_decided", _("決裁完了")
    DOCUMENT_REJECTED = "document_rejected", _("却下")
    DOCUMENT_WITHDRAWN = "document_withdrawn", _("取下げ・引戻し")
    TASK_OVERDUE = "task_overdue", _("処理期限超過")
    TASK_REMINDER = "task_reminder", _("処理期限の事前通知")
    POST_REVIEW = "post_review", _("後閲依頼")
    CIRCULATION = "circulation", _("供覧・回覧")
    ROUTE_BLOCKED = "route_blocked", _("決裁ルートの停止（在任者なし）")
    TASK_REASSIGNED = "task_reassigned", _("処理者の変更")
    # 文書管理 (workflows.records)
    INCOMING_ASSIGNED = "incoming_assigned", _("収受文書の担当")
    RECORDS_CIRCULAR = "records_circular", _("回覧")
    RECORDS_CORRECTION = "records_correction", _("決裁後の訂正")
    RECORDS_EXPIRING = "records_expiring", _("保存期間の満了")
    # Spaces (座席・会議室)
    BOOKING_CONFIRMED = "booking_confirmed", _("予約確定")
    BOOKING_CANCELLED = "booking_cancelled", _("予約取消")
    BOOKING_RELEASED = "booking_released", _("予約の自動解放")
    BOOKING_APPROVAL_REQUESTED = "booking_approval_requested", _("会議室利用の承認依頼")
    BOOKING_DECLINED = "booking_declined", _("予約の不承認")
    # Content (提案・お知らせ)
    PROPOSAL_PUBLISHED = "proposal_published", _("提案の公開")
    PROPOSAL_COMMENTED = "proposal_commented", _("提案へのコメント")
    PROPOSAL_COMMENT_REPORTED = "proposal_comment_reported", _("提案コメントの通報")
    PROPOSAL_SUPPORTED = "proposal_supported", _("提案への賛同")
    PROPOSAL_STATUS_CHANGED = "proposal_status_changed", _("提案の状態の変更")
    PAGE_REVIEW = "page_review", _("ページの公開審査")
    PAGE_CHANGES_REQUESTED = "page_changes_requested", _("公開申請への修正依頼")
    PAGE_APPROVED = "page_approved", _("公開申請の承認（公開）")
    PAGE_REVIEW_CANCELLED = "page_review_cancelled", _("公開申請の取りやめ")
    # Operations
    DIRECTORY_SYNC_FAILED = "directory_sync_failed", _("名簿同期の失敗")
    LOGIN_FAILURES = "login_failures", _("ログイン失敗の多発")
    SIGNIN_FACTORS_RESET = "signin_factors_reset", _("二段階認証の初期化")
    SYSTEM = "system", _("システムからのお知らせ")
    # Notices (所属内の連絡)
    UNIT_NOTICE = "unit_notice", _("所属からの連絡")


DOCUMENT = "workflows.Document"
PAGE = "wagtailcore.Page"

# What each kind is about, for the gate that decides who may learn of it
# (``gates``): every kind must be listed. A kind about a document is sent only through
# the document gate (``workflows.access.knowing_among``), so a 秘 title reaches only
# those who may read the document.
ABOUT: dict[Kind, str | None] = {
    Kind.TASK_ASSIGNED: DOCUMENT,
    Kind.DOCUMENT_RETURNED: DOCUMENT,
    Kind.DOCUMENT_DECIDED: DOCUMENT,
    Kind.DOCUMENT_REJECTED: DOCUMENT,
    Kind.DOCUMENT_WITHDRAWN: DOCUMENT,
    Kind.TASK_OVERDUE: DOCUMENT,
    Kind.TASK_REMINDER: DOCUMENT,
    Kind.POST_REVIEW: DOCUMENT,
    Kind.CIRCULATION: DOCUMENT,
    Kind.ROUTE_BLOCKED: DOCUMENT,
    Kind.TASK_REASSIGNED: DOCUMENT,
    # 文書管理: the services word these with the 秘 title withheld (records.access).
    Kind.INCOMING_ASSIGNED: None,
    Kind.RECORDS_CIRCULAR: None,
    Kind.RECORDS_CORRECTION: None,
    Kind.RECORDS_EXPIRING: None,
    Kind.BOOKING_CONFIRMED: None,
    Kind.BOOKING_CANCELLED: None,
    Kind.BOOKING_RELEASED: None,
    Kind.BOOKING_APPROVAL_REQUESTED: None,
    Kind.BOOKING_DECLINED: None,
    Kind.PROPOSAL_PUBLISHED: None,
    Kind.PROPOSAL_COMMENTED: None,
    Kind.PROPOSAL_COMMENT_REPORTED: None,
    Kind.PROPOSAL_SUPPORTED: None,
    Kind.PROPOSAL_STATUS_CHANGED: None,
    # A page behind a view restriction is named only to those who pass it
    # (intranet.pages.visibility.viewers_among).
    Kind.PAGE_REVIEW: PAGE,
    Kind.PAGE_CHANGES_REQUESTED: PAGE,
    Kind.PAGE_APPROVED: PAGE,
    Kind.PAGE_REVIEW_CANCELLED: PAGE,
    Kind.DIRECTORY_SYNC_FAILED: None,
    Kind.LOGIN_FAILURES: None,
    Kind.SIGNIN_FACTORS_RESET: None,
    Kind.SYSTEM: None,
    Kind.UNIT_NOTICE: None,
}
