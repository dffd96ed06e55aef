from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from . import site


def _page_number(raw: str | None) -> int:
    return int(raw) if raw and raw.isdigit() and 0 < int(raw) <= 500 else 1


@require_GET
def results(request):
    """/search/?q=…: every kind grouped; with &kind=pages|spaces, the full list."""
    query = site.clean_query(request.GET.get("q"))
    kind = request.GET.get("kind", "")
    context = {"query": query, "search_query": query, "kinds": site.LABELS}
    if kind in (site.Kind.PAGES, site.Kind.SPACES):
        page = _page_number(request.GET.get("page"))
        context.update(
            kind=kind,
            group=site.search_one_kind(request.user, query, kind, page=page),
            page_number=page,
            page_size=site.PAGE_SIZE,
        )
        return render(request, "search/kind.html", context)
    context["results"] = site.search_site(request.user, query)
    return render(request, "search/results.html", context)


@require_GET
def suggestions(request):
    """The search box's suggestions (an htmx fragment: options of a listbox)."""
    query = site.clean_query(request.GET.get("q"))
    # No context processors: the fragment needs none of the page's furniture.
    html = render_to_string(
        "search/_suggestions.html",
        {"query": query, "suggestions": site.suggest(request.user, query)},
    )
    return HttpResponse(html)
