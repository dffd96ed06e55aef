"""The installable app in real Chromium: the service worker registers for the whole
site, keeps nothing but static files and the offline page, shows the offline page
without a network, and shows a pushed notification (DevTools'
ServiceWorker.deliverPushMessage fires the worker's push event)."""

import json

import pytest

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e

READY = "navigator.serviceWorker.ready.then(r => r.scope)"
SHOWN = """async () => {
    const registration = await navigator.serviceWorker.ready;
    const shown = await registration.getNotifications();
    return shown.map(n => ({title: n.title, body: n.body, url: n.data.url, tag: n.tag}));
}"""


def _registration_id(cdp, page, scope):
    registrations = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(event["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    for _attempt in range(200):  # events arrive while Playwright talks to the page
        found = [
            r for r in registrations if r["scopeURL"] == scope and not r["isDeleted"]
        ]
        if found:
            return found[-1]["registrationId"]
        page.evaluate("1")
    raise AssertionError(f"no service worker registration for {scope}")


def test_the_worker_registers_and_shows_a_pushed_notification(
    live, new_page, applicant
):
    page = new_page("phone")
    page.context.grant_permissions(["notifications"], origin=live.url)
    log_in(page, live.url, "sato")
    assert page.evaluate(READY) == f"{live.url}/"

    cdp = page.context.new_cdp_session(page)
    registration = _registration_id(cdp, page, f"{live.url}/")
    data = {
        "title": "決裁依頼",
        "body": "物品購入について",
        "url": "/approvals/42/",
        "tag": "document:42",
    }
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": live.url, "registrationId": registration, "data": json.dumps(data)},
    )
    shown = None
    for _attempt in range(100):  # the worker shows it when its push event has run
        shown = page.evaluate(SHOWN)
        if shown:
            break
        page.wait_for_timeout(100)
    assert shown == [data]


def test_no_page_is_kept_and_the_offline_page_shows_without_network(
    live, new_page, applicant
):
    page = new_page("phone")
    log_in(page, live.url, "sato")
    page.evaluate(READY)
    for path in ("/approvals/", "/notifications/", "/people/"):
        page.goto(f"{live.url}{path}")
    page.reload()  # the worker now controls the page and its static files

    cached = page.evaluate(
        """async () => {
            const urls = [];
            for (const name of await caches.keys()) {
                const cache = await caches.open(name);
                for (const request of await cache.keys()) urls.push(request.url);
            }
            return urls;
        }"""
    )
    paths = {url.removeprefix(live.url) for url in cached}
    assert "/offline/" in paths
    assert "/static/intranet/css/intranet.css" in paths
    assert {path for path in paths if not path.startswith("/static/")} == {"/offline/"}

    page.context.set_offline(True)
    page.goto(f"{live.url}/approvals/")
    assert page.get_by_test_id("offline-page").is_visible()
    assert "佐藤" not in page.content()
