from django.core.management.base import BaseCommand

from intranet.core.translations import compile_all


class Command(BaseCommand):
    help = "Compile the project's translation catalogues (.po → .mo) when they changed."

    def handle(self, *args, **options):
        for mo in compile_all():
            self.stdout.write(f"compiled {mo}")
