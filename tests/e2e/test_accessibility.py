"""WCAG 2.2 AA with axe-core in real Chromium: every page kind at 390 and 1280 px, no
serious or critical violation; tap targets of primary controls at least 44×44 CSS px.

axe's JavaScript comes with axe-playwright-python (no download).
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from wagtail.models import Collection

from tests.e2e.conftest import log_in
from tests.hardening.conftest import make_world
from tests.spaces.conftest import facility_manager
from tests.workflows.conftest import draft, rules, zaisei

__all__ = ["draft", "facility_manager", "rules", "zaisei"]

pytestmark = pytest.mark.e2e

WCAG = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
    }
}
BLOCKING = {"serious", "critical"}
WIDTHS = {"phone": 390, "desktop": 1280}


@pytest.fixture
def world(live, office, draft, facility_manager):
    # A transactional test before this one flushed Wagtail's root collection.
    if not Collection.objects.exists():
        Collection.add_root(name="Root")
    return make_world(office, draft)


def page_kinds(world) -> dict[str, str]:
    """Every page kind the issue names, as paths in the world."""
    return {
        "dashboard": "/",
        "inbox": reverse("workflows:inbox"),
        "document": reverse("workflows:document", args=[world.document.pk]),
        "route preview": reverse("workflows:submit", args=[world.draft.pk]),
        "floor plan": reverse("spaces:floor", args=[world.campus.floor.pk]),
        "check-in (QR)": reverse("spaces:scan", args=[world.campus.desk.checkin_token]),
        "room": reverse("spaces:room", args=[world.campus.big_room.pk]),
        "bookings": reverse("spaces:my_bookings"),
        "spaces": reverse("spaces:home"),
        "people": reverse("directory:people"),
        # Marks on a name, a unit and (muted) a reading: their contrast is checked.
        "people found": reverse("directory:people") + "?q=髙橋 総務",
        "profile": reverse("directory:profile", args=[world.office.kacho.pk]),
        "proposals": "/proposals/",
        "notifications": reverse("notifications:list"),
        "settings": reverse("notifications:preferences"),
        "search": reverse("search:results") + "?q=会議",
        "search (people)": reverse("search:results") + "?q=たかはし",
    }


def violations(page) -> list[str]:
    results = Axe().run(page, options=WCAG)
    found = results.response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(
            node["target"][0] if node["target"] else "?" for node in v["nodes"][:3]
        )
        for v in found
        if v["impact"] in BLOCKING
    ]


# The error pages a browser can reach, with the status each must answer.
ERROR_PAGES = {
    "not found": (404, "/approvals/987654/"),
    "forbidden": (403, "/spaces/reports/"),  # facility managers only
}
CSRF_FAILURE = """() => {
    const form = document.createElement('form');
    form.method = 'post';
    form.action = '/notifications/settings/';
    document.body.append(form);
    form.submit();
}"""


def error_page(handler: str) -> str:
    """The 400 or 500 page as the server sends it: no page of the intranet can be asked
    to crash or to find a request suspicious over HTTP."""
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import SuspiciousOperation
    from django.test import RequestFactory

    from intranet.core import errors

    request = RequestFactory().get("/")
    request.user, request.session = AnonymousUser(), {}
    if handler == "bad_request":
        response = errors.bad_request(request, SuspiciousOperation())
    else:
        response = errors.server_error(request)
    return response.content.decode()


@pytest.mark.parametrize("kind", ["phone", "desktop"])
def test_no_serious_violation_on_any_page_kind(live, world, new_page, kind):
    page = new_page(kind)
    page.set_viewport_size({"width": WIDTHS[kind], "height": 844})
    found = {}
    page.goto(f"{live.url}/accounts/login/")
    found["login"] = violations(page)
    log_in(page, live.url, "sato")
    for name, path in page_kinds(world).items():
        page.goto(f"{live.url}{path}")
        found[name] = violations(page)
    for name, (status, path) in ERROR_PAGES.items():
        response = page.goto(f"{live.url}{path}")
        assert response.status == status, name
        assert page.locator(".site-header").count() == 1, name  # our layout
        found[name] = violations(page)
    page.goto(f"{live.url}/")
    with page.expect_navigation() as navigation:
        page.evaluate(CSRF_FAILURE)
    assert navigation.value.status == 403
    assert "ページを読み込み直してから" in page.content()
    found["CSRF failure"] = violations(page)
    for name, handler in (("bad request", "bad_request"), ("server error", "server")):
        page.set_content(error_page(handler))  # at the intranet's address: CSS loads
        assert page.locator(".site-header").count() == 1, name
        found[name] = violations(page)
    # axe is really looking: a picture without a text alternative is critical.
    page.set_content('<main><img src="/static/intranet/icons/icon-192.png"></main>')
    assert any(problem.startswith("image-alt") for problem in violations(page))
    for name, problems in found.items():  # per page, for the closing note (-s)
        print(f"axe {WIDTHS[kind]}px {name}: {len(problems)} serious/critical")
    failing = {name: problems for name, problems in found.items() if problems}
    assert failing == {}, "\n".join(
        f"{name}: {problem}"
        for name, problems in failing.items()
        for problem in problems
    )


# Primary controls a thumb must hit on a phone (WCAG 2.5.5 AAA's 44 px, which the
# office adopts for these).
PRIMARY_CONTROLS = (
    ".primary-nav a",
    "[data-testid=bell]",
    ".user-menu > summary",
    "[data-testid=quick-actions] a",
    "[data-testid=actions] a",
    "[data-testid=bulk-pick]",
    "[data-testid=bulk-approve]",
    "input[type=file]",
    ".inline-form .link-button",
    "[data-testid=upload-form] button",
)


def small_controls(page) -> list[str]:
    return page.evaluate(
        """selectors => {
            const small = [];
            for (const selector of selectors) {
                for (const element of document.querySelectorAll(selector)) {
                    const box = element.getBoundingClientRect();
                    if (box.width === 0 && box.height === 0) continue;  // not shown
                    if (box.width < 44 || box.height < 44) {
                        small.push(`${selector} "${element.textContent.trim().slice(0, 20)}" ` +
                                   `${Math.round(box.width)}×${Math.round(box.height)}`);
                    }
                }
            }
            return small;
        }""",
        list(PRIMARY_CONTROLS),
    )


def test_primary_controls_are_at_least_44_px_on_a_phone(live, world, new_page):
    page = new_page("phone")
    approver = world.step.assignee
    log_in(page, live.url, approver.username)
    found = {}
    for path in (
        "/",
        reverse("workflows:inbox"),
        reverse("workflows:document", args=[world.document.pk]),
    ):
        page.goto(f"{live.url}{path}")
        found[path] = small_controls(page)
    applicant = new_page("phone")
    log_in(applicant, live.url, "sato")
    draft_path = reverse("workflows:document", args=[world.draft.pk])
    applicant.goto(f"{live.url}{draft_path}")
    found[draft_path] = small_controls(applicant)
    assert {path: small for path, small in found.items() if small} == {}


def tab_to(page, selector, limit=120):
    """Press Tab until the focused element matches ``selector``."""
    for _press in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            "s => !!document.activeElement && document.activeElement.matches(s)",
            selector,
        ):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_a_keyboard_alone_approves_a_document(live, world, new_page):
    """Log in, open the waiting 稟議 from the inbox, approve it: keys only."""
    from workflows.models import RouteStep

    page = new_page("desktop")
    approver = world.step.assignee
    page.goto(f"{live.url}/accounts/login/")
    page.keyboard.type(approver.username)  # the user ID field has autofocus
    tab_to(page, "#id_password")
    page.keyboard.type("pass-word-123")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live.url}/")

    tab_to(page, f".primary-nav a[href='{reverse('workflows:inbox')}']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live.url}{reverse('workflows:inbox')}")
    document_path = reverse("workflows:document", args=[world.document.pk])
    tab_to(page, f"[data-testid=inbox-link][href='{document_path}']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live.url}{document_path}")

    tab_to(page, "[data-testid=action-approve]")
    page.keyboard.press("Enter")
    dialog = page.get_by_test_id("confirm-dialog")
    dialog.wait_for()
    # The dialog takes the focus; Enter on its focused 確定する button posts.
    assert page.evaluate("document.activeElement.dataset.testid") == "confirm-action"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    world.step.refresh_from_db()
    assert world.step.status == RouteStep.Status.APPROVED
