"""The intranet's own error pages: 400, 403, 404, 500 and a failed CSRF check.

Every one is rendered from intranet/templates (project templates come before any app's,
so viewflow's and Django's own 4xx/5xx pages never show). The 500 page is rendered
without the request's context processors: whatever broke (the database, Redis) must
not break the page that says so.
"""

from django.conf import settings
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import requires_csrf_token


@requires_csrf_token
def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


@requires_csrf_token
def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


@requires_csrf_token
def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    template = loader.get_template("500.html")
    context = {
        "intranet_name": settings.INTRANET_SITE_NAME,
        "organisation_name": settings.INTRANET_ORGANISATION,
    }
    return HttpResponseServerError(template.render(context))


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: say what to do, never Django's page with DEBUG advice.

    "Reload" goes back to the page the form was on (the Referer, when it is ours):
    the URL that was posted to may not answer a GET.
    """
    referer = request.headers.get("referer", "")
    safe = url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    context = {"reload_url": referer if safe else "/"}
    return render(request, "403_csrf.html", context, status=403)
