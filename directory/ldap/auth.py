"""Log in with the directory password: find the DN with the service account, bind as it.

The backend returns the matching *active* person, or None. Why it said no is left on
the request (``request.login_problem``) so the login form can say it clearly: the
server could not be reached, the account is disabled, or the person has not been synced
yet. A wrong password says nothing more than Django's usual message: whether an account
is disabled is told only after a successful bind, to someone who knows its password.
"""

from __future__ import annotations

from contextlib import suppress

from django.contrib.auth.backends import BaseBackend
from ldap3.core.exceptions import LDAPException

from ..models import Person
from .config import LdapConfig
from .mapping import identity
from .source import DirectoryUnavailable, bind_service, connect, find_person_dn

UNREACHABLE = "unreachable"
DISABLED = "disabled"
NOT_SYNCED = "not_synced"


def _note(request, problem: str) -> None:
    if request is not None:
        request.login_problem = problem


class LdapBackend(BaseBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        config = LdapConfig.from_settings()
        if not config.enabled or not username or not password:
            # An empty password would be an anonymous bind, which always "succeeds".
            return None
        attrs = config.attributes
        try:
            service = bind_service(config)
        except DirectoryUnavailable:
            _note(request, UNREACHABLE)
            return None
        try:
            entry = find_person_dn(service, config, username)
        except DirectoryUnavailable:
            _note(request, UNREACHABLE)
            return None
        finally:
            with suppress(LDAPException, OSError):
                service.unbind()
        if entry is None:
            return None
        try:
            personal = connect(config, entry.dn, password)
            bound = personal.bind()
            with suppress(LDAPException, OSError):
                personal.unbind()
        except (DirectoryUnavailable, LDAPException):
            _note(request, UNREACHABLE)
            return None
        if not bound:
            return None
        # Only someone who knows the password learns that the account is disabled.
        flags = (
            entry.first((attrs.disabled_flags.lower(),)) if attrs.disabled_flags else ""
        )
        if flags and int(flags) & 2:
            _note(request, DISABLED)
            return None
        person = Person.objects.filter(external_id=identity(entry, attrs)).first()
        if person is None:
            _note(request, NOT_SYNCED)
            return None
        if not person.is_active:
            _note(request, DISABLED)
            return None
        return person

    def get_user(self, user_id):
        person = Person.objects.filter(pk=user_id).first()
        return person if person is not None and person.is_active else None
