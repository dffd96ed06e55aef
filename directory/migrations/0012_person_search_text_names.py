"""Fold people's stored search text for names too (斉藤 stored as 斎藤:
directory.text.normalize_name, directory/kanji/name_variants.tsv). Data only."""

from django.db import migrations

BATCH = 2000


def fold_for_names(apps, schema_editor):
    from directory.text import fold_name

    Person = apps.get_model("directory", "Person")
    batch = []
    for person in Person.objects.only("search_text").iterator(chunk_size=BATCH):
        # The stored text is already normalised: the names layer is one more fold.
        folded = fold_name(person.search_text)
        if folded != person.search_text:
            person.search_text = folded
            batch.append(person)
        if len(batch) >= BATCH:
            Person.objects.bulk_update(batch, ["search_text"])
            batch.clear()
    Person.objects.bulk_update(batch, ["search_text"])


class Migration(migrations.Migration):
    dependencies = [("directory", "0011_orgunit_sort_key")]

    operations = [migrations.RunPython(fold_for_names, migrations.RunPython.noop)]
