"""The demo accounts shown on the login page and by runserver, only when DEBUG is on."""

from django.conf import settings
from django.db.utils import DatabaseError
from django.utils.translation import gettext_lazy as _

from directory.demo import DEMO_PASSWORD  # noqa: F401 - shown with the accounts

# username → role, in the order a newcomer would try them.
ACCOUNTS = [
    ("sato", _("起案者（庶務係 主事）")),
    ("suzuki", _("係長（庶務係長）")),
    ("takahashi", _("課長（総務課長）")),
    ("tanaka", _("部長（総務部長）")),
    ("ito", _("DX推進PT メンバー")),
    ("watanabe", _("DX推進PT リーダー")),
    ("admin", _("システム管理者")),
]


def listed() -> list[dict]:
    """The demo accounts that exist, with their roles; empty unless DEBUG."""
    if not settings.DEBUG:
        return []
    from directory.models import Person

    try:
        people = {
            person.username: person
            for person in Person.objects.filter(
                username__in=[name for name, _role in ACCOUNTS], is_active=True
            )
        }
    except DatabaseError:
        return []
    return [
        {"username": name, "role": role, "name": people[name].full_name}
        for name, role in ACCOUNTS
        if name in people
    ]
