"""Loads the demo ward: organisation, people, documents, floors and pages.

Idempotent: running it again changes nothing that is already there. Each app's
``demo.load(stdout)`` goes through the same services real data goes through.
"""

from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

# In dependency order: each loader may use what the earlier ones created.
LOADERS = [
    "directory.demo",
    "intranet.home.demo",
    "intranet.notifications.demo",
    "spaces.demo",
    "workflows.demo",
    "workflows.records.demo",
    "intranet.pages.demo",
    "intranet.search.demo",  # last: indexes the pages the others created
]


class Command(BaseCommand):
    help = (
        "Load the demo ward's data (idempotent). Demo passwords only when DEBUG is on."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "load_demo_data sets well-known passwords and runs only with DEBUG on."
            )
        for dotted in LOADERS:
            module = import_module(dotted)
            with transaction.atomic():
                module.load(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
