from django.db import migrations

# Each role group is fed by the LDAP/AD group of the same cn (docs/operations.md).
ROLE_GROUPS = [
    "dx-pt",
    "dx-pt-lead",
    "approval-admins",
    "auditors",
    "facility-managers",
    "directory-admins",
]


def create_mappings(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    GroupMapping = apps.get_model("directory", "GroupMapping")
    for name in ROLE_GROUPS:
        group, _created = Group.objects.get_or_create(name=name)
        GroupMapping.objects.get_or_create(ldap_group=name, defaults={"group": group})


class Migration(migrations.Migration):
    dependencies = [("directory", "0003_sync_runs_groups_login")]

    operations = [migrations.RunPython(create_mappings, migrations.RunPython.noop)]
