"""Release bookings nobody checked in to (run every 5 minutes: see docs/operations.md)."""

from django.core.management.base import BaseCommand

from spaces.services import release_no_shows


class Command(BaseCommand):
    help = "Release desk and room bookings not checked in within the grace period."

    def handle(self, *args, **options):
        released = release_no_shows()
        self.stdout.write(f"Released {len(released)} booking(s).")
