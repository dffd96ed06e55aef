"""Daphne's runserver (HTTP + WebSockets), printing the demo accounts when it starts."""

from daphne.management.commands.runserver import Command as DaphneRunserver

from intranet.core import demo_accounts


class Command(DaphneRunserver):
    def inner_run(self, *args, **options):
        accounts = demo_accounts.listed()
        if accounts:
            self.stdout.write(self.style.SUCCESS("Demo accounts (password: demo):"))
            for account in accounts:
                self.stdout.write(
                    f"  {account['username']:<10} {account['name']}  {account['role']}"
                )
        super().inner_run(*args, **options)
