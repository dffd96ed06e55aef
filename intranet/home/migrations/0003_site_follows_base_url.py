from django.db import migrations


def site_follows_base_url(apps, schema_editor):
    """The default Site's host and port from BASE_URL (it was localhost:80)."""
    from intranet.home.site import sync_site_with_base_url

    sync_site_with_base_url(apps.get_model("wagtailcore", "Site"))


class Migration(migrations.Migration):
    dependencies = [("home", "0002_create_homepage"), ("wagtailcore", "0001_initial")]

    operations = [migrations.RunPython(site_follows_base_url, migrations.RunPython.noop)]
