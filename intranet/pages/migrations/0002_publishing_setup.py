from django.db import migrations


def setup(apps, schema_editor):
    from intranet.pages.publishing import ensure_publishing_setup

    ensure_publishing_setup(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0001_initial"),
        ("news", "0001_initial"),
        ("proposals", "0001_initial"),
        ("surveys", "0001_initial"),
        ("home", "0002_create_homepage"),
        ("directory", "0002_role_groups"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(setup, migrations.RunPython.noop)]
