"""Pages past their review date (見直し期日), listed for the people of their section."""

from __future__ import annotations

import datetime

from django.utils import timezone
from wagtail.models import get_page_models

from directory.models import Membership

from .models import OwnedPageMixin
from .visibility import viewable_by


def owned_page_models() -> list[type]:
    return [model for model in get_page_models() if issubclass(model, OwnedPageMixin)]


def units_of(person, day: datetime.date) -> set[int]:
    """The person's units (兼務 too) and every unit above them: what they answer for."""
    paths = (
        Membership.objects.on(day)
        .filter(person_id=person.pk)
        .values_list("unit__path", flat=True)
    )
    return {int(part) for path in paths for part in path.strip("/").split("/") if part}


def stale_pages_for(
    user, *, day: datetime.date | None = None, limit: int | None = None
):
    """Live pages owned by the user's units whose review date has passed, oldest first,
    without those the user may not view (a page's view restriction holds here too).

    One query for the units, then one per page type that records an owner.
    """
    day = day or timezone.localdate()
    units = units_of(user, day)
    if not units:
        return []
    pages = []
    for model in owned_page_models():
        query = (
            viewable_by(model.objects.live(), user)
            .filter(review_date__lt=day, owner_unit_id__in=units)
            .select_related("owner_unit")
            # What the list shows and links to: narrow rows are quicker to build.
            .only("title", "url_path", "review_date", "owner_unit__name")
            .order_by("review_date")
        )
        pages.extend(query[:limit] if limit else query)
    pages.sort(key=lambda page: (page.review_date, page.pk))
    return pages[:limit] if limit else pages
