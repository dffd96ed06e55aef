"""Signing a person in from an identity provider's answer (OpenID Connect or SAML).

The provider proves who someone is at the provider; the directory decides who they are
here. ``match_person`` finds the directory person for a verified identity and never
creates one (the directory sync is the one source of people); ``sign_in`` opens the
session and records it; ``refuse`` records why not and says it clearly on the login page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.db import transaction
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from saml2.ident import decode

from directory import throttle
from directory.forms import LOGIN_MESSAGES
from directory.ldap import auth as ldap_auth
from intranet.core import audit
from intranet.signin import services as signin_services
from intranet.signin import sessions
from intranet.signin.models import OpenSession

from .models import IdentityLink, SamlSession

# Where to go after signing in, kept in the session while the person is at the provider.
NEXT = "sso_next"
# How the SAML IdP names this session (saml.py reads it for the logout request).
SAML_SESSION_NAMES = "sso_saml_session"

UNKNOWN = "unknown"
DISABLED = "disabled"
NO_CLAIM = "no_claim"
FAILED = "failed"
UNREACHABLE = "unreachable"
CANCELLED = "cancelled"

MESSAGES = {
    UNKNOWN: _(
        "組織アカウント（%(account)s）での認証はできましたが、このアカウントに対応する"
        "職員が職員名簿に見つかりません。情報システム係にお問い合わせください。"
    ),
    DISABLED: LOGIN_MESSAGES[ldap_auth.DISABLED],
    NO_CLAIM: _(
        "組織アカウントから職員を特定する情報（%(claim)s）が届きませんでした。"
        "情報システム係にご連絡ください。"
    ),
    FAILED: _(
        "組織アカウントでのログインを確認できませんでした。もう一度お試しください。"
        "続く場合は情報システム係にご連絡ください。"
    ),
    UNREACHABLE: _(
        "組織アカウントの認証サーバーに接続できません。しばらくしてからもう一度"
        "お試しいただくか、ユーザーIDとパスワードでログインしてください。"
    ),
    CANCELLED: _(
        "組織アカウントでのログインは完了しませんでした。もう一度お試しください。"
    ),
}


@dataclass(frozen=True)
class Identity:
    """What a provider asserted, after its signature, audience and expiry were checked."""

    method: str  # SignInMethod.OIDC or .SAML
    issuer: str
    subject: str
    account: str  # the value of the configured claim (職員番号, e-mail …), maybe ""
    mfa: bool  # the provider says it checked a second factor
    details: dict = field(default_factory=dict)


class SignInRefused(Exception):
    """The provider's answer does not open a session; ``reason`` is one of the codes."""

    def __init__(
        self, reason: str, detail: str = "", *, identity: Identity | None = None
    ):
        super().__init__(reason, detail)
        self.reason = reason
        self.detail = detail
        self.identity = identity


def matching(method: str) -> tuple[str, str]:
    """(the claim or attribute that finds the person, the Person field it is compared
    with) configured for ``method``."""
    config = settings.SSO[method.upper()] or {}
    claim = config.get("MATCH_CLAIM") or config.get("MATCH_ATTRIBUTE") or ""
    return claim, config.get("MATCH_FIELD", "")


def match_person(*, identity: Identity):
    """The active directory person this identity belongs to.

    A link made at an earlier sign-in decides first (the provider's subject is stable,
    an e-mail address need not be); otherwise exactly one person must have the
    configured claim's value in the configured field (case aside). Raises
    SignInRefused otherwise.
    """
    claim, field_name = matching(identity.method)
    person_model = get_user_model()
    link = (
        IdentityLink.objects.select_related("person")
        .filter(issuer=identity.issuer, subject=identity.subject)
        .first()
    )
    if link is not None:
        person = link.person
    else:
        if not identity.account:
            raise SignInRefused(NO_CLAIM, claim, identity=identity)
        found = list(
            person_model.objects.filter(
                is_service_account=False,
                **{f"{field_name}__iexact": identity.account},
            )[:2]
        )
        if len(found) != 1:
            detail = "ambiguous" if found else "not in the directory"
            raise SignInRefused(UNKNOWN, detail, identity=identity)
        person = found[0]
    if not person.is_active:
        raise SignInRefused(DISABLED, "inactive", identity=identity)
    return person


def sign_in(*, request, identity: Identity, person) -> None:
    """Open the session for ``person``, link the identity on first use, audit it."""
    with transaction.atomic():
        link, created = IdentityLink.objects.get_or_create(
            issuer=identity.issuer,
            subject=identity.subject,
            defaults={"method": identity.method, "person": person},
        )
        link.last_used_at = timezone.now()
        link.save(update_fields=["last_used_at"])
        if created:
            audit.record(
                action="sso.linked",
                target=person,
                details={"method": identity.method, "issuer": identity.issuer},
            )
        mfa = identity.mfa or settings.SSO["COUNTS_AS_MFA"]
        login(request, person, backend="django.contrib.auth.backends.ModelBackend")
        sessions.mark_method(request, identity.method, verified=mfa)
        audit.record(
            action="signin.succeeded",
            target=person,
            details={"method": identity.method, "mfa": mfa, **identity.details},
        )


def remember_saml_session(*, request, names: dict) -> None:
    """After a SAML sign-in: keep the names the IdP gives this session (NameID,
    SessionIndex), in the session for our logout request and beside its listing for
    the IdP's."""
    request.session[SAML_SESSION_NAMES] = names
    open_session = OpenSession.objects.get(session_key=request.session.session_key)
    SamlSession.objects.update_or_create(
        open_session=open_session,
        defaults={
            "issuer": names["issuer"],
            "name_id": decode(names["name_id"]).text or "",
            "session_index": names["session_index"],
        },
    )


@transaction.atomic
def end_saml_sessions(
    *, issuer: str, name_id: str, session_indexes: list[str]
) -> list[str]:
    """The IdP ended these sessions (its LogoutRequest, signature checked): end ours
    that it opened with this NameID — only those of the SessionIndexes it names, if it
    names any. Audited. Returns the session keys ended."""
    found = SamlSession.objects.select_related("open_session__person").filter(
        issuer=issuer, name_id=name_id
    )
    if session_indexes:
        found = found.filter(session_index__in=session_indexes)
    by_person: dict = {}
    for saml_session in found:
        open_session = saml_session.open_session
        by_person.setdefault(open_session.person, []).append(open_session.session_key)
    for person, keys in by_person.items():
        signin_services.end_sessions(person=person, session_keys=keys)
        audit.record(
            action="signin.ended_by_idp",
            target=person,
            details={"method": "saml", "issuer": issuer, "sessions": len(keys)},
        )
    return [key for keys in by_person.values() for key in keys]


def refuse(*, request, refusal: SignInRefused, method: str):
    """Record the refusal and send the person back to the login page, told why."""
    identity = refusal.identity
    account = (identity.account if identity else "") or "?"
    audit.record(
        action="signin.refused",
        about=(f"sso.{method}", identity.subject if identity else "-", account),
        details={
            "method": method,
            "reason": refusal.reason,
            "detail": refusal.detail[:200],
            "issuer": identity.issuer if identity else "",
        },
    )
    # Counted like failed passwords, so sustained failures from one address reach
    # the administrators (directory/throttle.py); nobody is slowed down by them.
    throttle.record_failure(f"{method}:{account}", throttle.client_address(request))
    claim, _field = matching(method)
    messages.error(
        request, MESSAGES[refusal.reason] % {"account": account, "claim": claim}
    )
    return redirect("login")


def asked_for(request) -> str:
    """The page asked for (``?next=``) if it is a safe, local one; else ""."""
    target = request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else ""


def remember_next(request) -> None:
    """Keep the page asked for in the session for after the provider's answer."""
    request.session[NEXT] = asked_for(request)


def next_url(request) -> str:
    return request.session.pop(NEXT, "") or settings.LOGIN_REDIRECT_URL
