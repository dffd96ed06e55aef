"""The bell in real Chromium: the 係長 sends a notice, the applicant's bell changes
without a reload; she reads it on her phone and the bell clears.

Run twice: one server with the in-memory channel layer, and two server processes
sharing Redis (the applicant on one, her 係長 on the other).
"""

import pytest

from tests.e2e.conftest import assert_no_horizontal_overflow, log_in, screenshot
from tests.support.redis import require_redis, unique_prefix

pytestmark = pytest.mark.e2e


@pytest.fixture(params=["in-memory", "redis"])
def servers(request, asgi_server, home_page):
    """(the applicant's server, her 係長's server)."""
    if request.param == "in-memory":
        server = asgi_server(env={"REDIS_URL": ""})
        return server, server
    env = {"REDIS_URL": require_redis(), "REDIS_PREFIX": unique_prefix("e2e")}
    return asgi_server(env=env), asgi_server(env=env)


def test_a_notice_from_the_kakaricho_rings_the_applicants_bell(
    servers, new_page, applicant, kakaricho, office
):
    sato_server, suzuki_server = servers
    sato = new_page("phone")
    log_in(sato, sato_server.url, "sato")
    bell = sato.get_by_test_id("bell-count")
    assert bell.is_hidden()
    sato.locator("html[data-live='connected']").wait_for()
    sato.evaluate("window.__notReloaded = true")

    suzuki = new_page("desktop")
    log_in(suzuki, suzuki_server.url, "suzuki")
    suzuki.goto(f"{suzuki_server.url}/notifications/")
    suzuki.get_by_test_id("send-notice-link").click()
    suzuki.get_by_label("宛先の所属").select_option(label="庶務係（1人）")
    suzuki.get_by_label("件名").fill("明日の係会は10時からです")
    suzuki.get_by_label("本文").fill("会議室Bで行います。資料は各自印刷してください。")
    suzuki.get_by_test_id("send-notice").click()
    assert "庶務係の1人に連絡を送りました" in suzuki.get_by_role("status").inner_text()

    # Her bell changes while she looks at the home page: no reload.
    bell.wait_for(state="visible")
    assert bell.inner_text() == "1"
    assert sato.evaluate("window.__notReloaded") is True
    assert "お知らせ（未読 1 件）" in sato.locator("[data-bell-label]").inner_text()
    assert (
        "明日の係会は10時からです" in sato.locator("[data-live-announcer]").inner_text()
    )
    # The sender is not notified of his own notice.
    assert suzuki.get_by_test_id("bell-count").is_hidden()

    sato.get_by_test_id("bell").click()
    item = sato.get_by_test_id("notification").first
    assert item.get_attribute("data-unread") is not None
    assert "所属からの連絡" in item.inner_text()
    assert "鈴木 一郎" in item.inner_text()
    assert "会議室Bで行います" in item.inner_text()
    assert_no_horizontal_overflow(sato)
    screenshot(
        sato,
        f"notifications-phone-{'two' if sato_server is not suzuki_server else 'one'}",
    )

    sato.evaluate("window.__onTheList = true")
    item.get_by_test_id("notification-mark-read").click()
    sato.locator("[data-testid='notification'][data-unread]").wait_for(state="detached")
    bell.wait_for(state="hidden")
    assert sato.evaluate("window.__onTheList") is True  # swapped in place (htmx)


def test_preferences_on_a_phone(live, new_page, applicant):
    page = new_page("phone")
    log_in(page, live.url, "sato")
    page.goto(f"{live.url}/notifications/settings/")
    assert_no_horizontal_overflow(page)
    approvals = page.get_by_role("radiogroup", name="決裁依頼")
    assert approvals.get_by_role("radio", name="すぐに").is_checked()
    approvals.get_by_text("毎日まとめて").click()
    page.get_by_label("夜間・早朝などにメールを送らない").check()
    screenshot(page, "notification-preferences-phone")
    page.get_by_test_id("save-preferences").click()
    assert "保存しました" in page.get_by_role("status").inner_text()
    approvals = page.get_by_role("radiogroup", name="決裁依頼")
    assert approvals.get_by_role("radio", name="毎日まとめて").is_checked()
    assert page.get_by_label("夜間・早朝などにメールを送らない").is_checked()
