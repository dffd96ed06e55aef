"""/cms/ as a DX PT member sees it, in real Chromium: every screen 伊藤 uses (the
dashboard, the page explorer, the page editor with its menus and panels, a page in
moderation, its history, the link and file choosers, the sidebar and account
menus) shows no English word in its visible text. Wagtail's Japanese is completed and
reworded in intranet/locale/ja (LOCALE_PATHS come first)."""

import re

import pytest
from django.urls import reverse

from tests.content.conftest import pt, site  # noqa: F401 - fixtures
from tests.content.test_cms_japanese import in_moderation  # noqa: F401 - fixture
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Proper nouns and abbreviations a Japanese office writes in Latin letters.
ALLOWED = {"URL", "PDF", "DX", "KPI", "CMS", "ID", "CSV", "HTML", "Wagtail"}
WORD = re.compile(r"[A-Za-z]{3,}")


def english_on(page) -> list[str]:
    """The lines of visible text holding an English word."""
    text = page.evaluate("() => document.body.innerText")
    return [
        line.strip()
        for line in text.splitlines()
        if any(word not in ALLOWED for word in WORD.findall(line))
    ]


def test_the_cms_shows_ito_no_english(live, new_page, pt, site, in_moderation):  # noqa: F811
    base = live.url
    page = new_page("desktop")
    log_in(page, base, "ito")
    found: dict[str, list[str]] = {}

    def look(name):
        page.wait_for_load_state()
        lines = english_on(page)
        if lines:
            found[name] = lines

    screens = {
        "dashboard": "/cms/",
        "explorer": f"/cms/pages/{site.proposals.pk}/",
        "add": reverse(
            "wagtailadmin_pages:add",
            args=("proposals", "proposalpage", site.proposals.pk),
        ),
        "edit (in moderation)": reverse(
            "wagtailadmin_pages:edit", args=[in_moderation.pk]
        ),
        "history": reverse("wagtailadmin_pages:history", args=[in_moderation.pk]),
        "workflow history": reverse(
            "wagtailadmin_pages:workflow_history", args=[in_moderation.pk]
        ),
        "images": "/cms/images/",
        "documents": "/cms/documents/",
        "search": "/cms/pages/search/?q=会議",
    }
    for name, url in screens.items():
        page.goto(base + url)
        look(name)

    # The editor's menus and panels: the action menu, the status side panel, the
    # image and document choosers (opened from the rich text's toolbar).
    page.goto(base + screens["add"])
    page.locator("footer [data-w-dropdown-target='toggle']").first.click()
    look("add: action menu")
    page.keyboard.press("Escape")
    page.goto(base + screens["edit (in moderation)"])
    for toggle in page.locator("[data-side-panel-toggle]").all():
        name = toggle.get_attribute("data-side-panel-toggle")
        toggle.click()
        panel = page.locator(f"[data-side-panel='{name}']")
        panel.wait_for()
        look(f"edit: side panel {name}")
        toggle.click()

    # The sidebar's menus (the page explorer, the account menu).
    page.goto(base + "/cms/")
    for toggle in page.locator("[data-wagtail-sidebar] button[aria-haspopup]").all():
        label = toggle.inner_text()
        toggle.click()
        look(f"sidebar menu {label}")
        page.keyboard.press("Escape")

    # The rich text's block menu and the link and document choosers it opens.
    page.goto(base + screens["add"])
    editors = page.locator(".public-DraftEditor-content")
    editors.first.click()
    page.keyboard.type("/")
    look("add: block menu")
    for editor, option in ((editors.nth(0), "リンク"), (editors.nth(1), "ファイル")):
        editor.click()
        page.keyboard.type("/")
        page.get_by_role("option", name=option).first.click()
        modal = page.locator(".modal-content").first
        modal.wait_for()
        modal.locator("input, a, button").first.wait_for()
        look(f"add: {option} chooser")
        modal.locator("button.close").first.click()
        modal.wait_for(state="hidden")

    assert found == {}
