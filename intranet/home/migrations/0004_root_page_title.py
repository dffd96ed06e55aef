from django.db import migrations

ROOT_TITLE = "すべてのページ"


def root_in_japanese(apps, schema_editor):
    """The tree's root is shown in the CMS's page choosers: Wagtail names it "Root"."""
    apps.get_model("wagtailcore", "Page").objects.filter(depth=1, title="Root").update(
        title=ROOT_TITLE, draft_title=ROOT_TITLE
    )


class Migration(migrations.Migration):
    dependencies = [("home", "0003_site_follows_base_url"), ("wagtailcore", "0001_initial")]

    operations = [migrations.RunPython(root_in_japanese, migrations.RunPython.noop)]
