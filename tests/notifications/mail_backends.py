"""An e-mail backend that stands in for an SMTP server that is down (then back)."""

from django.core.mail.backends.locmem import EmailBackend


class FlakySMTPBackend(EmailBackend):
    """Raises like an unreachable SMTP server ``failures`` times, then delivers."""

    failures = 0

    def send_messages(self, messages):
        if FlakySMTPBackend.failures > 0:
            FlakySMTPBackend.failures -= 1
            raise ConnectionRefusedError(111, "Connection refused")
        return super().send_messages(messages)
