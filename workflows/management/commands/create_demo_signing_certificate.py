"""Create the demo ward's CA and signing certificate under var/signing/ (idempotent).

`make demo` and `make run` call it, so a new user's decided documents are signed out of
the box. Both subjects say デモ用; production settings refuse this certificate.
"""

import secrets

from django.core.management.base import BaseCommand

from intranet.settings import environment
from workflows import pki


class Command(BaseCommand):
    help = "Create a demo CA and signing certificate under var/signing/ (デモ用)."

    def handle(self, *args, **options):
        folder, mark = environment.DEMO_SIGNING_DIR, environment.DEMO_MARK
        bundle = folder / "demo-signing.p12"
        if bundle.exists():
            self.stdout.write(f"Demo signing certificate already in {folder}.")
            return
        folder.mkdir(parents=True, exist_ok=True)
        organisation = f"千代田区（{mark}）"
        ca = pki.authority(organisation, f"千代田区 電子決裁 認証局（{mark}）")
        holder = pki.issue(ca, organisation, f"千代田区長 電子決裁（{mark}）")
        password = secrets.token_urlsafe(24)
        password_file = folder / "demo-signing.password"
        password_file.write_text(password, encoding="utf-8")
        password_file.chmod(0o600)
        (folder / "demo-ca.pem").write_bytes(ca.pem)
        bundle.write_bytes(pki.pkcs12_bytes(holder, ca, password))
        bundle.chmod(0o600)
        self.stdout.write(
            self.style.SUCCESS(f"Demo signing certificate created in {folder}.")
        )
