"""Who must show a second factor, and how long a session may last.

``MFA_REQUIRED`` is ``off`` (nobody by default), ``outside`` (whoever calls from an
address outside ``INTERNAL_NETWORKS``, the client address counted with the login
throttle's trusted-proxy rule) or ``always``. Whatever the policy:

- members of a group in ``MFA_REQUIRED_GROUPS`` always need one;
- the break-glass local account always needs one (a person with a usable local
  password and no directory entry, while the directory is in use: the account that
  still opens when LDAP and the identity provider are down).

As soon as the policy is not ``off``, administrators (superusers, 文書管理担当,
情報システム担当) need one wherever they call from.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from directory import roles
from intranet.core.clients import client_address

OFF, OUTSIDE, ALWAYS = "off", "outside", "always"
ADMIN_ROLES = (roles.APPROVAL_ADMINS, roles.DIRECTORY_ADMINS)


@lru_cache(maxsize=8)
def _networks(cidrs: tuple[str, ...]):
    return tuple(ipaddress.ip_network(cidr, strict=False) for cidr in cidrs)


def is_internal(address: str) -> bool:
    """Is this client address inside the office networks (``INTERNAL_NETWORKS``)?"""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(
        ip in network for network in _networks(tuple(settings.INTERNAL_NETWORKS))
    )


def request_is_internal(request) -> bool:
    return is_internal(client_address(request))


def is_administrator(person) -> bool:
    return person.is_superuser or any(roles.has_role(person, r) for r in ADMIN_ROLES)


def may_reset_factors(user) -> bool:
    """May ``user`` reset another person's second factors (the reset page and its
    link in the user menu)? 情報システム担当; superusers hold every role."""
    return roles.has_role(user, roles.DIRECTORY_ADMINS)


def is_break_glass(person) -> bool:
    """A local account that opens without the directory (usable password, no LDAP)."""
    return (
        bool((getattr(settings, "LDAP", None) or {}).get("URIS"))
        and not person.ldap_dn
        and person.has_usable_password()
    )


def _in_required_group(person) -> bool:
    names = settings.MFA_REQUIRED_GROUPS
    return bool(names) and person.groups.filter(name__in=names).exists()


def second_factor_required(person, request) -> bool:
    """Must ``person``, calling through ``request``, show a second factor?"""
    return why_required(person, request) is not None


# Why a second factor is asked for (the enrolment page tells the person which).
BREAK_GLASS, GROUP, EVERYONE, ADMINISTRATOR, FROM_OUTSIDE = (
    "break_glass",
    "group",
    "always",
    "administrator",
    "outside",
)


def why_required(person, request) -> str | None:
    """The rule that asks ``person`` (through ``request``) for a second factor, or
    ``None`` when none does."""
    if is_break_glass(person):
        return BREAK_GLASS
    if _in_required_group(person):
        return GROUP
    policy = settings.MFA_REQUIRED
    if policy == OFF:
        return None
    if policy == ALWAYS:
        return EVERYONE
    if is_administrator(person):
        return ADMINISTRATOR
    return None if request_is_internal(request) else FROM_OUTSIDE


def has_second_factor(person) -> bool:
    """Has the person a confirmed TOTP device or a passkey? (Recovery codes alone are
    no factor: they come with one.)"""
    return (
        person.passkeys.exists()
        or TOTPDevice.objects.filter(user=person, confirmed=True).exists()
    )


def recovery_codes_left(person) -> int:
    device = StaticDevice.objects.filter(user=person, name=RECOVERY).first()
    return device.token_set.count() if device else 0


RECOVERY = "recovery"


@dataclass(frozen=True)
class Lifetime:
    idle: int
    absolute: int


def session_lifetime(request) -> Lifetime:
    """Idle timeout and absolute lifetime (seconds), shorter outside the office (when
    ``INTERNAL_NETWORKS`` names the office; without it every caller gets the longer)."""
    if not settings.INTERNAL_NETWORKS or request_is_internal(request):
        return Lifetime(settings.SESSION_IDLE_SECONDS, settings.SESSION_MAX_SECONDS)
    return Lifetime(
        settings.SESSION_IDLE_SECONDS_OUTSIDE, settings.SESSION_MAX_SECONDS_OUTSIDE
    )
