"""Which identity-provider account belongs to which directory person.

A link is made at a person's first single sign-on, when the configured claim (職員番号,
e-mail address …) matched them in the directory; from then on the provider's stable
subject (OIDC ``sub``, SAML ``NameID``) finds them, whatever the claim says later.
People themselves come only from the directory sync (directory/), never from here.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from intranet.signin.session import SignInMethod

SSO_METHODS = [(SignInMethod.OIDC, "OpenID Connect"), (SignInMethod.SAML, "SAML 2.0")]


class IdentityLink(models.Model):
    """An identity provider's account (issuer + subject) linked to one person."""

    method = models.CharField(_("方式"), max_length=8, choices=SSO_METHODS)
    issuer = models.CharField(_("認証基盤"), max_length=255)
    subject = models.CharField(_("認証基盤のアカウントID"), max_length=255)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("職員"),
        on_delete=models.CASCADE,
        related_name="identity_links",
    )
    linked_at = models.DateTimeField(_("連携日時"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最終ログイン"), null=True, blank=True)

    class Meta:
        verbose_name = _("外部認証の連携")
        verbose_name_plural = _("外部認証の連携")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "subject"], name="sso_link_one_person_per_subject"
            )
        ]

    def __str__(self):
        return f"{self.person} ← {self.subject} ({self.issuer})"


class SamlSession(models.Model):
    """A session opened by a SAML assertion, by the names the IdP gives it (NameID,
    SessionIndex): an IdP's LogoutRequest finds the sessions to end by them."""

    open_session = models.OneToOneField(
        "signin.OpenSession",
        verbose_name=_("セッション"),
        on_delete=models.CASCADE,
        related_name="saml",
    )
    issuer = models.CharField(_("認証基盤"), max_length=255)
    name_id = models.CharField(_("NameID"), max_length=255)
    session_index = models.CharField(_("SessionIndex"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("SAMLのセッション")
        verbose_name_plural = _("SAMLのセッション")
        indexes = [
            models.Index(fields=["issuer", "name_id"], name="sso_saml_session_name_id")
        ]

    def __str__(self):
        return f"{self.name_id} ({self.session_index})"
