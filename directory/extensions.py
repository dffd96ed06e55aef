"""Ways for higher apps to add to directory pages without directory importing them.

``register_profile_panel(panel)``: ``panel(request, person)`` returns HTML (or "") shown on
a person's profile page, e.g. where they sit today (spaces/). Apps register in ready().
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.safestring import SafeString

ProfilePanel = Callable[[object, object], str]
_profile_panels: list[ProfilePanel] = []


def register_profile_panel(panel: ProfilePanel) -> None:
    if panel not in _profile_panels:
        _profile_panels.append(panel)


def profile_panels(request, person) -> list[SafeString]:
    """The rendered panels for ``person``'s profile, in registration order."""
    rendered = []
    for panel in _profile_panels:
        html = panel(request, person)
        if html:
            rendered.append(html)
    return rendered
