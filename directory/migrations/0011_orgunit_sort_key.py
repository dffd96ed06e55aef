"""Units get a 五十音順 key (directory.collation), filled for the units there are."""

from django.db import migrations, models


def fill(apps, schema_editor):
    from directory.collation import text_sort_key

    OrgUnit = apps.get_model("directory", "OrgUnit")
    units = list(OrgUnit.objects.only("name", "name_kana"))
    for unit in units:
        unit.sort_key = text_sort_key(unit.name_kana, unit.name)
    OrgUnit.objects.bulk_update(units, ["sort_key"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("directory", "0010_sync_identity_and_lock")]

    operations = [
        migrations.AddField(
            model_name="orgunit",
            name="sort_key",
            field=models.CharField(default="", editable=False, max_length=200),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
