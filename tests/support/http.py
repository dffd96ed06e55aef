"""A small HTTP client for tests against real server processes: logs in through the
login form like a browser, keeps the cookies, and posts forms with the CSRF token."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request

from tests.conftest import PASSWORD


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class WebClient:
    def __init__(self, base_url: str, timeout: float = 15):
        self.base_url = base_url
        self.timeout = timeout
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect()
        )

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        """(status, body, Location) without following redirects."""
        body = None
        headers = {}
        if data is not None:
            body = urllib.parse.urlencode(
                {"csrfmiddlewaretoken": self.cookie("csrftoken"), **data}
            ).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(  # noqa: S310 - http://127.0.0.1 only
            self.base_url + path, data=body, headers=headers
        )
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return response.status, response.read().decode(), ""
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), error.headers.get("Location", "")

    def get(self, path: str) -> tuple[int, str, str]:
        return self.request(path)

    def post(self, path: str, data: dict) -> tuple[int, str, str]:
        if not self.cookie("csrftoken"):
            self.get(path)
        return self.request(path, data)

    def log_in(self, username: str, password: str = PASSWORD) -> WebClient:
        status, page, _ = self.get("/accounts/login/")
        assert status == 200, page
        status, page, location = self.post(
            "/accounts/login/",
            {"username": username, "password": password, "next": "/"},
        )
        assert status == 302 and location == "/", (status, page[:500])
        return self

    def cookie(self, name: str) -> str:
        return next((c.value for c in self.cookies if c.name == name), "")

    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.cookies)


def bell_count(page: str) -> int:
    """The unread count the server rendered into the bell."""
    match = re.search(r'data-testid="bell-count" data-unread="(\d+)"', page)
    assert match, "no bell on the page"
    return int(match.group(1))
