from django.urls import path

from . import views

app_name = "signin"
urlpatterns = [
    path("", views.settings_page, name="settings"),
    path("enrol/", views.enrol, name="enrol"),
    path("verify/", views.verify, name="verify"),
    path("totp/", views.totp, name="totp"),
    path("totp/remove/", views.totp_remove, name="totp_remove"),
    path("recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path(
        "passkeys/new/options/", views.passkey_new_options, name="passkey_new_options"
    ),
    path("passkeys/new/", views.passkey_add, name="passkey_add"),
    path("passkeys/<int:pk>/remove/", views.passkey_remove, name="passkey_remove"),
    path("passkey/options/", views.passkey_options, name="passkey_options"),
    path("passkey/", views.passkey_verify, name="passkey_verify"),
    path("sign-out-everywhere/", views.sign_out_everywhere, name="sign_out_everywhere"),
    path("reset/", views.reset, name="reset"),
]
