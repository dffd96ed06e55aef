"""Django-admin permissions for the approval administrators (文書管理担当).

They maintain document types, delegation rules (専決規程), number series and
delegations in the Django admin; the group gets exactly those model permissions.
"""

from django.contrib.auth.models import Group, Permission

from directory import roles

MANAGED = {
    "documenttype": ("add", "change", "view"),
    "rulebook": ("add", "change", "view"),
    "delegationrule": ("add", "change", "delete", "view"),
    "ruleconsultation": ("add", "change", "delete", "view"),
    "rulecirculation": ("add", "change", "delete", "view"),
    "documentseries": ("add", "change", "view"),
    "delegation": ("add", "change", "view"),
}
# 文書管理 (workflows.records): the 分類表, 簿冊 and the 公印使用簿 (read only).
RECORDS_MANAGED = {
    "classificationtable": ("add", "change", "view"),
    "classification": ("add", "change", "delete", "view"),
    "binder": ("add", "change", "view"),
    "sealuse": ("view",),
}


def grant_admin_permissions(**kwargs) -> None:
    group = Group.objects.filter(name=roles.APPROVAL_ADMINS).first()
    if group is None:
        return
    for app_label, managed in (("workflows", MANAGED), ("records", RECORDS_MANAGED)):
        codenames = [
            f"{action}_{model}"
            for model, actions in managed.items()
            for action in actions
        ]
        permissions = Permission.objects.filter(
            content_type__app_label=app_label, codename__in=codenames
        )
        group.permissions.add(*permissions)
