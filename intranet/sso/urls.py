from django.urls import path

from . import views

app_name = "sso"

urlpatterns = [
    path("oidc/login/", views.oidc_login, name="oidc-login"),
    path("oidc/callback/", views.oidc_callback, name="oidc-callback"),
    path("saml/login/", views.saml_login, name="saml-login"),
    path("saml/acs/", views.saml_acs, name="saml-acs"),
    path("saml/metadata/", views.saml_metadata, name="saml-metadata"),
    path("saml/sls/", views.saml_sls, name="saml-sls"),
]
