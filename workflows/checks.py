"""System checks of the signing configuration (run by `check --deploy`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def signature_level(app_configs, **kwargs):
    signing = settings.APPROVAL_SIGNING
    if not signing["PKCS12"]:
        return [
            Warning(
                "APPROVAL_SIGNING_PKCS12 is not set: decided PDFs are not signed.",
                id="workflows.W001",
            )
        ]
    if not signing["TSA_URL"]:
        return [
            Warning(
                "TSA_URL is not set: decided PDFs are signed PAdES B-B, without a "
                "trusted timestamp; set TSA_URL for B-T (docs/deployment.md).",
                id="workflows.W002",
            )
        ]
    return []
