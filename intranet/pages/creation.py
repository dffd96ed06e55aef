"""Creating a page in the CMS is idempotent per editor form.

Wagtail's add view serves both 保存 and autosave; on a new page the two can race
(autosave's request creates the page while the submit creates it again), and the
loser failed on the duplicate slug — a 500. The add form carries a token
(``panels.CreationTokenPanel``); the first request to claim it (a ``PageCreation`` row, a
unique key the database holds) creates the page, and a later one with the same
token is sent on to that page's edit view with its form (307 keeps the POST), so
it saves or submits the page that exists.
"""

from __future__ import annotations

import uuid

from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from wagtail.admin.views.pages.create import CreateView
from wagtail.admin.viewsets.pages import PageViewSet

from .models import PageCreation
from .panels import TOKEN_FIELD


def claimed_page(token: uuid.UUID, user):
    """The page already created under ``token`` by ``user``, if any."""
    claim = PageCreation.objects.filter(token=token).first()
    if claim is None or claim.page_id is None or claim.created_by_id != user.pk:
        return None
    return claim.page


class IdempotentCreateView(CreateView):
    def post(self, request):
        try:
            token = uuid.UUID(request.POST.get(TOKEN_FIELD, ""))
        except ValueError:
            return super().post(request)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    claim = PageCreation.objects.create(
                        token=token, created_by=request.user
                    )
            except IntegrityError:
                # Another request with this form got here first (on PostgreSQL
                # the insert waited for it to commit): edit what it made.
                page = claimed_page(token, request.user)
                if page is None:
                    return super().post(request)
                edit = reverse("wagtailadmin_pages:edit", args=[page.pk])
                query = request.META.get("QUERY_STRING", "")
                return HttpResponseRedirect(
                    f"{edit}?{query}" if query else edit, status=307
                )
            response = super().post(request)
            if self.page.pk is None:
                claim.delete()  # the form was refused: the token may be used again
            else:
                claim.page = self.page
                claim.save(update_fields=["page"])
            return response


class IntranetPageViewSet(PageViewSet):
    """Every page type's CMS views, with the idempotent add view."""

    add_view_class = IdempotentCreateView
