"""Which pages a person may view, as a database condition (no query of its own).

Wagtail's ``PageQuerySet.public()`` first reads every view restriction (one query
each time it is called) and excludes all restricted pages, even those a signed-in
member of staff may read. Here the restrictions are a subquery instead, judged by
Wagtail's own rules for ``user``: a login restriction passes any signed-in user, a
group restriction its groups and the superusers; a password restriction is never
passed in a listing.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Length, Substr
from wagtail.models import Page, PageViewRestriction


def restricted_for(user) -> QuerySet[PageViewRestriction]:
    """The view restrictions ``user`` does not pass."""
    restrictions = PageViewRestriction.objects.all()
    if not getattr(user, "is_authenticated", False):
        return restrictions
    passed = Q(restriction_type=PageViewRestriction.LOGIN)
    if user.is_superuser:
        passed |= Q(restriction_type=PageViewRestriction.GROUPS)
    else:
        member = PageViewRestriction.groups.through.objects.filter(
            pageviewrestriction_id=OuterRef("pk"),
            group_id__in=user.groups.values("pk"),
        )
        passed |= Q(restriction_type=PageViewRestriction.GROUPS) & Exists(member)
    return restrictions.exclude(passed)


def blocked_for(user, path: str = "path") -> Exists:
    """True where a restriction ``user`` does not pass covers the page whose tree
    path is the outer query's ``path``: a restriction applies to its page and every
    page below it, i.e. to the paths that start with the restricted page's path."""
    restrictions = restricted_for(user)
    if connection.vendor == "sqlite":
        # The restricted page's path is read per restriction (a primary-key lookup), not
        # by joining the page table: with statistics, SQLite drove that join from the
        # page table and scanned every page for every row searched (3.3 s at 10,000
        # pages). PostgreSQL plans the join well and the lookup worse (a search for a
        # common word read every row instead of the index: 43 ms against 16).
        restricted_path = Subquery(
            Page.objects.filter(pk=OuterRef("page_id")).order_by().values("path")[:1]
        )
        return Exists(
            restrictions.annotate(restricted_path=restricted_path).filter(
                restricted_path=Substr(OuterRef(path), 1, Length("restricted_path"))
            )
        )
    return Exists(
        restrictions.filter(page__path=Substr(OuterRef(path), 1, Length("page__path")))
    )


def viewable_by(pages: QuerySet, user) -> QuerySet:
    """``pages`` without those ``user`` may not view (the queryset's pages)."""
    return pages.exclude(blocked_for(user))


def viewers_among(people: Iterable, page: Page) -> list:
    """Those of ``people`` who may view ``page`` (order kept, None skipped): the
    gate for notifications about a page (``intranet.notifications.gates``)."""
    return [
        person
        for person in people
        if person is not None
        and viewable_by(Page.objects.filter(pk=page.pk), person).exists()
    ]
