from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.account import AccountView, NameEmailSettingsPanel

from directory.forms import LoginForm

from . import demo_accounts


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    @method_decorator(login_not_required)
    def dispatch(self, request, *args, **kwargs):
        # Signed in already and sent here from a page (the CMS, the Django admin) that
        # refuses this account: redirecting back would loop. Say so instead.
        if request.user.is_authenticated and request.GET.get(self.redirect_field_name):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["demo_accounts"] = demo_accounts.listed()
        return context


class LogoutView(auth_views.LogoutView):
    pass


class CmsAccountView(AccountView):
    """Wagtail's account page without the name and e-mail panel: they come from the
    directory (directory/managed.py), not from what a CMS user types."""

    def get_panels(self):
        return [
            panel
            for panel in super().get_panels()
            if not isinstance(panel, NameEmailSettingsPanel)
        ]


cms_account = require_admin_access(CmsAccountView.as_view())


@login_not_required
def login_redirect(request):
    """One login page for everyone: the Wagtail and Django admin logins send people here."""
    target = reverse("login")
    next_url = request.GET.get("next")
    if next_url:
        target = f"{target}?{urlencode({'next': next_url})}"
    return redirect(target)


# Anyone may choose the language, the login page included.
set_language = login_not_required(require_POST(django_set_language))


@login_not_required
@never_cache
def health(request):
    """For the load balancer: 200 when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok"})
