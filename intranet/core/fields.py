"""Model field shapes the apps share."""

from __future__ import annotations

from django.db import models


def protected_link(to, label, *, related_name: str = "+", **options):
    """A ForeignKey whose target can never be deleted while something points at it
    (``on_delete=PROTECT``: people, decisions and the records that name them)."""
    return models.ForeignKey(
        to,
        verbose_name=label,
        on_delete=models.PROTECT,
        related_name=related_name,
        **options,
    )
