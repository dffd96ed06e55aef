"""Errors the approval services raise. Each carries a translated message for the user."""

from django.utils.translation import gettext_lazy as _


class ApprovalError(Exception):
    """Base class: ``str(error)`` is a message fit to show the user."""

    default_message = _("この操作はできません。")

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(str(self.message))

    def __str__(self):
        return str(self.message)


class NotAllowed(ApprovalError):
    """The user may not take this action on this document (now)."""

    default_message = _("この操作を行う権限がありません。")


class Conflict(ApprovalError):
    """Someone else acted first, or the page was stale: nothing was changed."""

    default_message = _(
        "この案件は他の操作によってすでに処理されています。最新の状態を確認してください。"
    )


class RouteError(ApprovalError):
    """The route cannot be computed (no rule, applicant without a post …)."""

    default_message = _("回議ルートを決められません。")


class InvalidAttachment(ApprovalError):
    default_message = _("このファイルは添付できません。")
