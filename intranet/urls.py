from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls
from wagtail.views import serve as wagtail_serve

from intranet.api.api import api as api_v1
from intranet.api.api import urlpatterns as api_v1_urlpatterns
from intranet.core import errors, pwa
from intranet.core import views as core_views
from intranet.proposals.urls import editor_urlpatterns as proposal_editor_urls
from intranet.sso import views as sso_views

handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error

urlpatterns = [
    path("accounts/login/", core_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", sso_views.LogoutView.as_view(), name="logout"),
    path("accounts/sso/", include("intranet.sso.urls")),
    path("i18n/setlang/", core_views.set_language, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("healthz", core_views.health, name="health"),
    path(
        "api/v1/",
        include((api_v1_urlpatterns(), "api-v1"), namespace=api_v1.urls_namespace),
    ),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service-worker"),
    path("offline/", pwa.offline, name="offline"),
    path("favicon.ico", pwa.favicon, name="favicon"),
    path("signin/", include("intranet.signin.urls")),
    path("notifications/", include("intranet.notifications.urls")),
    path("approvals/", include("workflows.urls")),
    path("records/", include("workflows.records.urls")),
    path("spaces/", include("spaces.urls")),
    path("people/", include("directory.urls")),
    path("search/", include("intranet.search.urls")),
    path("proposal-actions/", include("intranet.proposals.urls")),
    path("pages/", include("intranet.pages.urls")),
    path("proposals/", include(proposal_editor_urls)),
    # The DX PT's proposals index page (slug "proposals"), named for the navigation.
    path("proposals/", wagtail_serve, {"path": "proposals/"}, name="proposals"),
    path("django-admin/login/", core_views.login_redirect),
    path("cms/login/", core_views.login_redirect),
    path("cms/account/", core_views.cms_account),
    path("_util/login/", core_views.login_redirect),
    path("django-admin/", admin.site.urls),
    path("cms/", include(wagtailadmin_urls)),
    path("cms-documents/", include(wagtaildocs_urls)),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail serves the page tree (home, news, proposals …) for every other path.
urlpatterns += [path("", include(wagtail_urls))]
