"""Operational alerts the directory raises, told to the administrators."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from directory import roles
from directory.models import Person

from .kinds import Kind
from .services import notify


def administrators():
    """Superusers and the directory administrators (情報システム係), active."""
    return Person.objects.filter(
        Q(is_superuser=True) | Q(groups__name=roles.DIRECTORY_ADMINS), is_active=True
    ).distinct()


def login_failures(sender, *, username: str, address: str, count: int, window, **kw):
    """Failed logins go on (against one account, or from one address)."""
    minutes = int(window.total_seconds() // 60)
    if username:
        subject = _("ユーザーID「%(who)s」へのログイン失敗が続いています") % {
            "who": username
        }
    else:
        subject = _("端末 %(who)s からのログイン失敗が続いています") % {"who": address}
    body = _(
        "%(minutes)d 分間に %(count)d 回失敗しました。パスワードの推測の可能性が"
        "あります。ログの確認と、必要であれば該当端末の遮断をご検討ください。"
    ) % {"minutes": minutes, "count": count}
    notify(
        recipients=administrators(),
        kind=Kind.LOGIN_FAILURES,
        subject=subject,
        body=body,
        url="/django-admin/directory/loginfailure/",
    )
