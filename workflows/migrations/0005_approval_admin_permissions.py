"""The approval administrators (文書管理担当) get their Django-admin permissions here,
not only from a post_migrate handler: a database set up any way (``make run``, a
restore, a flushed test database) has them, and the admin's rules and delegations
screens open for the group (issue 16)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "approval-admins"
MANAGED = {
    "documenttype": ("add", "change", "view"),
    "rulebook": ("add", "change", "view"),
    "delegationrule": ("add", "change", "delete", "view"),
    "ruleconsultation": ("add", "change", "delete", "view"),
    "rulecirculation": ("add", "change", "delete", "view"),
    "documentseries": ("add", "change", "view"),
    "delegation": ("add", "change", "view"),
}


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations ran: make them now.
    app_config = apps.get_app_config("workflows")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=GROUP)
    codenames = [f"{a}_{model}" for model, actions in MANAGED.items() for a in actions]
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="workflows", codename__in=codenames
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("directory", "0002_role_groups"),
        ("workflows", "0004_merge_20261203_1738"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
