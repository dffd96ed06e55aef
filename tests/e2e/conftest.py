"""Real Chromium (Debian's /usr/bin/chromium) driven by Python Playwright."""

import os
from pathlib import Path

import pytest

from tests.support.programs import require_program

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
# still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}


@pytest.fixture(scope="session")
def browser():
    executable = require_program("chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def live(asgi_server, home_page):
    """One ASGI server process serving the test database."""
    return asgi_server()


@pytest.fixture
def new_page(browser):
    """``new_page("phone")`` / ``new_page("desktop")``: a page in a fresh context.

    Any Content-Security-Policy violation or uncaught JavaScript error on any page fails
    the test when it ends.
    """
    contexts, problems = [], []

    def watch(page):
        page.on(
            "console",
            lambda message: (
                problems.append(f"{page.url}: {message.text}")
                if message.type == "error"
                and (
                    "Content Security Policy" in message.text
                    or "Refused to" in message.text
                )
                else None
            ),
        )
        page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))

    def make(kind="desktop", **options):
        context = browser.new_context(
            locale="ja-JP",
            timezone_id="Asia/Tokyo",
            **(PHONE if kind == "phone" else DESKTOP),
            **options,
        )
        context.set_default_timeout(15_000)
        context.on("page", watch)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
    assert problems == [], "browser reported CSP violations or script errors"


def log_in(page, base_url, username, password="pass-word-123"):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("ユーザーID").fill(username)
    page.get_by_label("パスワード").fill(password)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(f"{base_url}/")


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def assert_no_horizontal_overflow(page):
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"page is {overflow}px wider than the viewport"
