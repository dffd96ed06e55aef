"""Issue an API token: ``create_api_token NAME --user USERNAME --scopes all|a,b
[--expires DAYS] [--service-account]``. The token is the last line printed."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from intranet.api.scopes import Scope
from intranet.api.services import issue_token


class Command(BaseCommand):
    help = "Issue an API token for a person or service account (printed once)."

    def add_arguments(self, parser):
        parser.add_argument("name", help="what the token is for, e.g. zaimu")
        parser.add_argument("--user", required=True, help="the token's person")
        parser.add_argument(
            "--scopes",
            required=True,
            help="all, or a comma-separated list of: " + ", ".join(Scope.values),
        )
        parser.add_argument(
            "--expires", type=int, default=None, help="days (default API_TOKEN_DAYS)"
        )
        parser.add_argument(
            "--service-account",
            action="store_true",
            help="create USERNAME as a service account if it does not exist",
        )

    def handle(self, *args, name, user, scopes, expires, service_account, **options):
        people = get_user_model().objects
        person = people.filter(username=user).first()
        if person is None and service_account:
            person = people.create(username=user, is_service_account=True)
            person.set_unusable_password()
            person.save()
            self.stdout.write(f"Created service account {user}.")
        if person is None:
            raise CommandError(f"No user named {user!r}.")
        try:
            issued = issue_token(name=name, person=person, scopes=scopes, days=expires)
        except (ValueError, ValidationError) as error:
            message = "; ".join(getattr(error, "messages", [str(error)]))
            raise CommandError(message) from None
        token = issued.token
        self.stdout.write(
            f"Token {token.prefix} for {person.username}: scopes {', '.join(token.scopes)},"
            f" expires {token.expires_at:%Y-%m-%d}. Shown once; store it now."
        )
        self.stdout.write(issued.secret)
