from django.shortcuts import render

from .stale import stale_pages_for


def stale_pages(request):
    """見直し期日を過ぎたページ: the pages the user's sections should review."""
    return render(
        request, "pages/stale_pages.html", {"pages": stale_pages_for(request.user)}
    )
