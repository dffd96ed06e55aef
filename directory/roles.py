"""Names of the organisation-wide groups. Groups are created by migration 0002."""

from django.utils.translation import gettext_lazy as _

DX_PT = "dx-pt"
DX_PT_LEAD = "dx-pt-lead"
APPROVAL_ADMINS = "approval-admins"
AUDITORS = "auditors"
FACILITY_MANAGERS = "facility-managers"
DIRECTORY_ADMINS = "directory-admins"

LABELS = {
    DX_PT: _("DX推進PT"),
    DX_PT_LEAD: _("DX推進PTリーダー"),
    APPROVAL_ADMINS: _("文書管理担当"),
    AUDITORS: _("監査担当"),
    FACILITY_MANAGERS: _("施設管理担当"),
    DIRECTORY_ADMINS: _("情報システム担当"),
}


def has_role(user, role: str) -> bool:
    """True for an active user in the named group (superusers hold every role)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._role_names = cached
    return role in cached


def ensure_role_groups() -> None:
    """Create the role groups and their default LDAP group mappings if missing (the
    migrations do this; a flushed test database or a hand-made one may lack them)."""
    from django.contrib.auth.models import Group

    from .models import GroupMapping

    for name in LABELS:
        group, _created = Group.objects.get_or_create(name=name)
        GroupMapping.objects.get_or_create(ldap_group=name, defaults={"group": group})
