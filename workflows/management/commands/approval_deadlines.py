"""Send reminders before due dates and escalate overdue approval steps (run daily)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from workflows.services import process_absences, process_deadlines


class Command(BaseCommand):
    help = (
        "Remind approvers before the due date; escalate overdue steps to superiors; "
        "tell the deputies of deciders whose absence begins today."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", help="run as of this day (YYYY-MM-DD), for catch-up"
        )

    def handle(self, *args, **options):
        day = None
        if options["date"]:
            try:
                day = datetime.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("--date must be YYYY-MM-DD") from None
        run = process_deadlines(today=day)
        deputies = process_absences(today=day)
        self.stdout.write(
            f"reminded {run.reminded}, escalated {run.escalated}, "
            f"deputies told of {deputies} decisions"
        )
