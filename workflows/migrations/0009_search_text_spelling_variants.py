"""Decided and other documents' search text gains the standard spelling of words
written another way (表記ゆれ: 申込み → 申し込み; directory.text.spelling_variants).
Data only. Read from the stored folded text: 送り仮名 survive folding (katakana words,
read as hiragana, analyse less well; they are refreshed whenever a document changes)."""

from django.db import migrations

BATCH = 2000


def add_variants(apps, schema_editor):
    from directory.text import spelling_variants

    Document = apps.get_model("workflows", "Document")
    changed = []
    for document in Document.objects.only("search_text").iterator(chunk_size=BATCH):
        variants = spelling_variants(document.search_text)
        if variants and not document.search_text.endswith(variants):
            document.search_text = f"{document.search_text} {variants}"
            changed.append(document)
    Document.objects.bulk_update(changed, ["search_text"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [("workflows", "0008_records_fields")]

    operations = [migrations.RunPython(add_variants, migrations.RunPython.noop)]
