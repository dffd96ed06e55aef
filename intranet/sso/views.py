"""Single sign-on: thin views around oidc.py, saml.py and services.py."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
)
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from intranet.core import views as core_views
from intranet.signin.session import SignInMethod

from . import oidc, saml, services

logger = logging.getLogger(__name__)


def _oidc_provider():
    provider = oidc.client()
    if provider is None:
        raise Http404
    return provider


@login_not_required
@never_cache
def oidc_login(request):
    provider = _oidc_provider()
    services.remember_next(request)
    try:
        return oidc.begin(request, provider)
    except services.SignInRefused as refusal:
        return services.refuse(
            request=request, refusal=refusal, method=SignInMethod.OIDC
        )


@login_not_required
@never_cache
def oidc_callback(request):
    provider = _oidc_provider()
    try:
        identity, id_token = oidc.complete(request, provider)
        person = services.match_person(identity=identity)
    except services.SignInRefused as refusal:
        return services.refuse(
            request=request, refusal=refusal, method=SignInMethod.OIDC
        )
    target = services.next_url(request)
    services.sign_in(request=request, identity=identity, person=person)
    request.session[oidc.ID_TOKEN] = id_token
    return HttpResponseRedirect(target)


def _saml_configured():
    if saml.configured() is None:
        raise Http404


@login_not_required
@never_cache
def saml_login(request):
    _saml_configured()
    try:
        return HttpResponseRedirect(saml.begin(request, services.asked_for(request)))
    except services.SignInRefused as refusal:
        return services.refuse(
            request=request, refusal=refusal, method=SignInMethod.SAML
        )


# The IdP's page posts here from its own site: no CSRF token, no session cookie; the
# signed assertion and the signed RelayState are what is checked (saml.py).
@csrf_exempt
@login_not_required
@require_POST
@never_cache
def saml_acs(request):
    _saml_configured()
    try:
        identity, target, names = saml.complete(request)
        person = services.match_person(identity=identity)
    except services.SignInRefused as refusal:
        return services.refuse(
            request=request, refusal=refusal, method=SignInMethod.SAML
        )
    services.sign_in(request=request, identity=identity, person=person)
    services.remember_saml_session(request=request, names=names)
    return HttpResponseRedirect(target or settings.LOGIN_REDIRECT_URL)


# Single Logout, HTTP-Redirect binding: the IdP's answer to our LogoutRequest, or its
# own LogoutRequest (a logout begun at the IdP or at another of its services). Both
# must be signed by the IdP (saml.py); the browser arrives by a plain GET.
@login_not_required
@never_cache
def saml_sls(request):
    _saml_configured()
    if "SAMLResponse" in request.GET:
        return _saml_logout_answered(request)
    if "SAMLRequest" not in request.GET:
        return HttpResponseBadRequest(_("ログアウトの要求を確認できませんでした。"))
    try:
        idp_logout = saml.logout_request(request)
    except saml.LogoutRefused as refusal:
        logger.warning("SAML LogoutRequest refused: %s", refusal)
        return HttpResponseBadRequest(
            _("組織アカウントからのログアウト要求を確認できませんでした。")
        )
    ended = services.end_saml_sessions(
        issuer=idp_logout.issuer,
        name_id=idp_logout.name_id,
        session_indexes=idp_logout.session_indexes,
    )
    if request.session.session_key in ended:
        request.session.flush()  # this browser's session was one of them
    return HttpResponseRedirect(idp_logout.answer(request))


def _saml_logout_answered(request):
    try:
        signed_out = saml.logout_response(request)
    except saml.LogoutRefused as refusal:
        logger.warning("SAML LogoutResponse refused: %s", refusal)
        signed_out = False
    if signed_out:
        messages.success(request, _("組織アカウントからもサインアウトしました。"))
    else:
        messages.warning(
            request,
            _(
                "このイントラネットからはログアウトしましたが、組織アカウントからの"
                "サインアウトを確認できませんでした。共用の端末では、ブラウザーを"
                "すべて閉じてください。"
            ),
        )
    return redirect("login")


@login_not_required
def saml_metadata(request):
    """This intranet's SP metadata, for registering it with the IdP."""
    _saml_configured()
    try:
        xml = saml.metadata_xml(request)
    except services.SignInRefused:
        return HttpResponse(status=503)
    return HttpResponse(xml, content_type="application/samlmetadata+xml")


class LogoutView(core_views.LogoutView):
    """Ends the local session, then the provider's where it offers one: OpenID
    Connect's RP-initiated logout, SAML's Single Logout (a signed LogoutRequest).

    The provider is reached from a page of its own, not by redirecting the logout form:
    the Content-Security-Policy (``form-action 'self'``) covers a form's redirects too.
    """

    def post(self, request, *args, **kwargs):
        provider_logout = oidc.end_session_url(request) or saml.logout_url(request)
        response = super().post(request, *args, **kwargs)
        if provider_logout:
            return render(
                request,
                "sso/provider_logout.html",
                {"provider_logout": provider_logout},
            )
        return response
