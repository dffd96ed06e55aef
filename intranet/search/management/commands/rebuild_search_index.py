from django.core.management.base import BaseCommand

from intranet.search import index


class Command(BaseCommand):
    help = "Rebuild the site search's page index from the live pages."

    def handle(self, *args, **options):
        count = index.rebuild()
        self.stdout.write(f"Indexed {count} pages.")
