"""Refold stored search text with 異体字 and variation selectors (directory.text), and
re-key people in JIS X 4061 order (directory.collation). Data only."""

from django.db import migrations

BATCH = 2000


def refold(apps, schema_editor):
    from directory.collation import person_sort_key
    from directory.text import normalize

    Person = apps.get_model("directory", "Person")
    OrgUnit = apps.get_model("directory", "OrgUnit")
    batch = []
    for person in Person.objects.only(
        "search_text", "last_name_kana", "first_name_kana", "last_name", "first_name"
    ).iterator(chunk_size=BATCH):
        # Text folded before is folded again: normalize is idempotent on its output.
        person.search_text = normalize(person.search_text)
        person.sort_key = person_sort_key(
            person.last_name_kana,
            person.first_name_kana,
            person.last_name,
            person.first_name,
        )
        batch.append(person)
        if len(batch) >= BATCH:
            Person.objects.bulk_update(batch, ["search_text", "sort_key"])
            batch.clear()
    Person.objects.bulk_update(batch, ["search_text", "sort_key"])
    units = list(OrgUnit.objects.only("search_text"))
    for unit in units:
        unit.search_text = normalize(unit.search_text)
    OrgUnit.objects.bulk_update(units, ["search_text"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [("directory", "0008_person_is_service_account")]

    operations = [migrations.RunPython(refold, migrations.RunPython.noop)]
