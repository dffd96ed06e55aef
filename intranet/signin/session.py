"""The session keys that say how a person signed in (issue 21).

Both sign-in halves write these keys and the second-factor middleware reads
only them, so a new way of signing in needs nothing but to set them:

- ``SIGNIN_METHOD``: how the session was opened, one of ``SignInMethod``
  ("password", "passkey", "oidc", "saml").
- ``MFA_VERIFIED``: ``True`` once a second factor was verified in this session
  (a TOTP or recovery code, a passkey with user verification, or an identity
  provider that asserted multi-factor authentication).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

SIGNIN_METHOD = "signin_method"
MFA_VERIFIED = "mfa_verified"


class SignInMethod(models.TextChoices):
    PASSWORD = "password", _("パスワード")
    PASSKEY = "passkey", _("パスキー")
    OIDC = "oidc", _("シングルサインオン（OpenID Connect）")
    SAML = "saml", _("シングルサインオン（SAML）")
