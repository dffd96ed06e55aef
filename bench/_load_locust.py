"""The simulated staff of bench/load.py, driven by Locust as a library (headless).

    python -m bench._load_locust CONFIG.json

Run in its own process by bench/load.py (Locust patches the standard library for
gevent). CONFIG names the server, the accounts (one per simulated user), what each
approver has waiting, the desks each floor plan shows free, the days and the people
search queries; the samples go to the file it names: every request after the last
user has logged in (name, milliseconds, error or null), and the logins.

Each user: logs in through the login form, then, pausing 3–12 s between steps, picks
a page view (80 %: home, inbox, a floor plan, people search), an action (15 %:
approve, book, cancel) or a WebSocket connect (5 %). Requests carry
X-Forwarded-Proto: https, and POSTs the Origin, as behind nginx.
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import urllib.parse  # noqa: E402
from contextlib import suppress  # noqa: E402
from http.cookies import SimpleCookie  # noqa: E402

import gevent  # noqa: E402
import websocket  # noqa: E402
from gevent.lock import BoundedSemaphore  # noqa: E402
from locust import between, events, task  # noqa: E402
from locust.contrib.fasthttp import FastHttpUser  # noqa: E402
from locust.env import Environment  # noqa: E402
from locust.exception import StopUser  # noqa: E402
from locust.log import setup_logging  # noqa: E402

CONFIG = json.loads(open(sys.argv[1], encoding="utf-8").read())  # noqa: SIM115
HOST = CONFIG["host"]
ORIGIN = "https://" + HOST.split("://", 1)[1]
# As nginx (docs/deployment.md) passes requests on: a new upstream connection for each
# (no upstream keepalive), so each request goes to whichever worker accepts it.
PROXY = {"X-Forwarded-Proto": "https", "Connection": "close"}
MAX_ACTIVE_BOOKINGS = 8  # the building allows 10

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
UPCOMING = re.compile(r'data-testid="upcoming-bookings">(.*?)</ul>', re.S)
BOOKING = re.compile(r'data-booking="(\d+)"')

accounts = iter(CONFIG["users"])
# Staff arrive over a morning, not all in the same second: at most this many logins
# at once (each costs the server ~0.35 s of CPU; see bench/load.py).
LOGINS_IN_FLIGHT = BoundedSemaphore(CONFIG.get("logins_in_flight", 4))
state = {
    "logged_in": 0,
    "attempted": 0,
    "window_start": None,
    "spawn_started": time.time(),
    "spawn_s": 0.0,
}
samples = {"measured": [], "logins": [], "login_errors": [], "conflicts": 0}


def _record(request_type, name, response_time, response_length, exception, **kw):
    start = kw.get("start_time") or time.time()
    if name.startswith("login"):
        if exception:
            samples["login_errors"].append(f"{name}: {exception}"[:200])
        elif name == "login":
            samples["logins"].append(response_time)
        return
    window = state["window_start"]
    if window is None or start < window:
        return
    samples["measured"].append(
        [name, response_time, str(exception)[:160] if exception else None]
    )


class Staff(FastHttpUser):
    host = HOST
    wait_time = between(3, 12)
    network_timeout = 60.0
    connection_timeout = 60.0

    def on_start(self):
        # Cookies by hand: the session and CSRF cookies are Secure (production
        # settings), which the client's cookie jar does not send to http://.
        self.client.client.cookiejar = None
        self.cookies: dict[str, str] = {}
        self.account = next(accounts)
        self.waiting = list(self.account["waiting"])
        self.booked = {tuple(item) for item in self.account["booked"]}
        self.active = len(self.booked)
        self.login()

    # --- helpers ------------------------------------------------------------------

    def csrf(self) -> str:
        return self.cookies.get("csrftoken", "")

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def request(self, method: str, url: str, name: str, headers: dict, **kwargs):
        """A request with the cookies; the cookies it sets are kept."""
        if self.cookies:
            headers = {**headers, "Cookie": self.cookie_header()}
        response = self.client.request(
            method,
            url,
            name=name,
            headers={**PROXY, **headers},
            allow_redirects=False,
            catch_response=True,
            **kwargs,
        )
        for key, value in (response.headers or {}).items():
            if key.lower() == "set-cookie":
                jar = SimpleCookie()
                jar.load(value)
                for morsel in jar.values():
                    self.cookies[morsel.key] = morsel.value
        return response

    def page(self, url: str, name: str) -> str | None:
        with self.request("GET", url, name, {}) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return None
            return response.text

    def post(self, url: str, name: str, data: dict, token: str | None = None):
        headers = {
            "Origin": ORIGIN,
            "Referer": ORIGIN + url,
            "Content-Type": "application/x-www-form-urlencoded",
        }
        body = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token or self.csrf(), **data}
        )
        return self.request("POST", url, name, headers, data=body)

    def login(self):
        """Log in; a person whose login fails tries again twice, then gives up."""
        try:
            for _attempt in range(3):
                with LOGINS_IN_FLIGHT:
                    if self._login():
                        return
                gevent.sleep(random.uniform(2, 5))
        finally:
            state["attempted"] += 1
            if state["attempted"] == len(CONFIG["users"]):
                state["window_start"] = time.time()
                state["spawn_s"] = state["window_start"] - state["spawn_started"]
        raise StopUser()

    def _login(self) -> bool:
        with self.request("GET", "/accounts/login/", "login:form", {}) as response:
            match = CSRF_INPUT.search(response.text or "")
            if response.status_code != 200 or not match:
                response.failure(f"login form: HTTP {response.status_code}")
                return False
        with self.post(
            "/accounts/login/",
            "login",
            {
                "username": self.account["username"],
                "password": CONFIG["password"],
                "next": "/",
            },
            token=match.group(1),
        ) as response:
            if response.status_code != 302:
                response.failure(f"login refused: HTTP {response.status_code}")
                return False
        state["logged_in"] += 1
        return True

    # --- page views (80 %) --------------------------------------------------------

    @task(20)
    def home(self):
        self.page("/", "page:home")

    @task(20)
    def inbox(self):
        self.page("/approvals/", "page:inbox")

    @task(20)
    def floor(self):
        floor = random.choice(CONFIG["floors"])
        day = random.choice(CONFIG["days"])
        slot = random.choice(["am", "pm"])
        self.page(f"/spaces/floors/{floor['id']}/?date={day}&slot={slot}", "page:floor")

    @task(20)
    def people(self):
        query = urllib.parse.quote(random.choice(CONFIG["queries"]))
        self.page(f"/people/?q={query}", "page:people")

    # --- actions (15 %) -----------------------------------------------------------

    @task(5)
    def approve(self):
        if not self.waiting:
            self.book()
            return
        item = self.waiting.pop(0)
        with self.post(
            f"/approvals/{item['document']}/act/approve/",
            "action:approve",
            {
                "step": item["step"],
                "version": item["version"],
                "comment": "",
                "return_to": "inbox",
            },
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code != 302 or not location.endswith("/approvals/"):
                response.failure(
                    f"approve not done: HTTP {response.status_code} → {location}"
                )

    @task(5)
    def book(self):
        free_slots = [
            (day, slot)
            for day in CONFIG["days"]
            for slot in ("am", "pm")
            if (day, slot) not in self.booked
        ]
        if self.active >= MAX_ACTIVE_BOOKINGS or not free_slots:
            self.cancel()
            return
        day, slot = random.choice(free_slots)
        floor = random.choice(CONFIG["floors"])
        desk = random.choice(floor["free"][f"{day} {slot}"])
        with self.post(
            f"/spaces/resources/{desk}/book/",
            "action:book",
            {"day": day, "slot": slot},
        ) as response:
            if response.status_code == 302:
                self.booked.add((day, slot))
                self.active += 1
            elif response.status_code == 409:
                # Someone else took the desk since the plan was drawn: correct answer.
                samples["conflicts"] += 1
                response.success()
            else:
                text = re.sub(r"\s+", " ", response.text or "")[:120]
                response.failure(f"book: HTTP {response.status_code} {text}")

    @task(5)
    def cancel(self):
        listing = self.page("/spaces/bookings/", "page:my_bookings")
        if listing is None:
            return
        upcoming = UPCOMING.search(listing)
        bookings = BOOKING.findall(upcoming.group(1)) if upcoming else []
        if not bookings:
            return
        with self.post(
            f"/spaces/bookings/{random.choice(bookings)}/cancel/",
            "action:cancel",
            {"scope": "one", "next": "/spaces/bookings/"},
        ) as response:
            if response.status_code != 302:
                response.failure(f"cancel: HTTP {response.status_code}")
            else:
                self.active -= 1

    # --- live notifications (5 %) -------------------------------------------------

    @task(5)
    def socket(self):
        url = HOST.replace("http://", "ws://", 1) + "/ws/notifications/"
        started = time.perf_counter()
        start_time = time.time()
        exception, length, connection = None, 0, None
        try:
            connection = websocket.create_connection(
                url,
                timeout=30,
                origin=ORIGIN,
                cookie=self.cookie_header(),
                header=["X-Forwarded-Proto: https"],
            )
            message = json.loads(connection.recv())
            length = len(json.dumps(message))
            if message.get("type") != "count":
                exception = ValueError(f"unexpected first message {message}")
        except Exception as error:
            exception = error
        elapsed = (time.perf_counter() - started) * 1000
        events.request.fire(
            request_type="WS",
            name="ws:notifications",
            response_time=elapsed,
            response_length=length,
            exception=exception,
            context={},
            start_time=start_time,
        )
        if connection is not None:
            gevent.sleep(random.uniform(1, 3))  # a short stay on the page
            with suppress(Exception):  # the server may have closed it
                connection.close()


def main() -> int:
    setup_logging("WARNING")
    environment = Environment(user_classes=[Staff], events=events)
    environment.events.request.add_listener(_record)
    runner = environment.create_local_runner()
    users = len(CONFIG["users"])
    runner.start(users, spawn_rate=CONFIG["spawn_rate"])
    deadline = time.time() + 600
    while state["window_start"] is None:
        if time.time() > deadline:
            print("load: the logins did not finish", file=sys.stderr)
            break
        gevent.sleep(0.2)
    if state["window_start"] is not None:
        print(
            f"load: {state['logged_in']} of {users} users logged in after "
            f"{state['spawn_s']:.1f} s; "
            f"measuring {CONFIG['seconds']} s",
            flush=True,
        )
        gevent.sleep(CONFIG["seconds"])
    window_end = time.time()
    samples["measured"] = [
        sample for sample in samples["measured"] if sample[1] is not None
    ]
    samples["window_s"] = window_end - (state["window_start"] or window_end)
    samples["spawn_s"] = state["spawn_s"]
    with open(CONFIG["samples"], "w", encoding="utf-8") as output:
        json.dump(samples, output, ensure_ascii=False)
    # Stopping 200 users can hang on a request in flight: give it 10 s, then go.
    with suppress(gevent.Timeout), gevent.Timeout(10):
        runner.quit()
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
