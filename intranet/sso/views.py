"""Single sign-on: thin views around oidc.py, saml.py and services.py."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from intranet.core import views as core_views
from intranet.signin.session import SignInMethod

from . import oidc, saml, services


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
        identity, target = saml.complete(request)
        person = services.match_person(identity=identity)
    except services.SignInRefused as refusal:
        return services.refuse(
            request=request, refusal=refusal, method=SignInMethod.SAML
        )
    services.sign_in(request=request, identity=identity, person=person)
    return HttpResponseRedirect(target or settings.LOGIN_REDIRECT_URL)


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
    """Ends the local session, then the provider's where it offers RP-initiated logout.

    The provider is reached from a page of its own, not by redirecting the logout form:
    the Content-Security-Policy (``form-action 'self'``) covers a form's redirects too.
    """

    def post(self, request, *args, **kwargs):
        provider_logout = oidc.end_session_url(request)
        response = super().post(request, *args, **kwargs)
        if provider_logout:
            return render(
                request,
                "sso/provider_logout.html",
                {"provider_logout": provider_logout},
            )
        return response
