"""Refold documents' stored search text with 異体字 and variation selectors
(directory.text). Data only."""

from django.db import migrations

BATCH = 2000


def refold(apps, schema_editor):
    from directory.text import normalize

    Document = apps.get_model("workflows", "Document")
    batch = []
    for document in Document.objects.only("search_text").iterator(chunk_size=BATCH):
        # Text folded before is folded again: normalize is idempotent on its output.
        document.search_text = normalize(document.search_text)
        batch.append(document)
        if len(batch) >= BATCH:
            Document.objects.bulk_update(batch, ["search_text"])
            batch.clear()
    Document.objects.bulk_update(batch, ["search_text"])


class Migration(migrations.Migration):
    dependencies = [("workflows", "0005_approval_admin_permissions")]

    operations = [migrations.RunPython(refold, migrations.RunPython.noop)]
