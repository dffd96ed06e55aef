"""WebSocket fan-out: one broadcast to N browsers following a topic.

N WebSocket clients (full: 1,000; quick: 200), each logged in with a real session,
connect to ONE uvicorn process of the intranet that uses the Redis channel layer, and
follow one topic ("bench:all"); the first 100 also follow "bench:first". A publisher in
this process sends events through Redis exactly as a server process does
(``services.topic_message``), and every client notes when each event arrives.

Reported: p50 / p95 / max delivery latency (publish → received by the client) for the
N followers and for 100 followers, measured side by side — broadcasts to the two topics
alternate, round after round, in the same server — and the server's memory per
connection (RSS with N connections minus RSS with one, divided by N - 1). Targets:
p95 at N = 1,000 ≤ 0.5 s, 0 lost, and the intranet's p95 ÷ the bare server's p95 at
N (``over_floor``, below) ≤ 2.0. The median of the rounds is reported. For information
it also measures 100 followers while only 100 are connected, and p95(N) ÷ p95(100).

The server runs with the options docs/deployment.md gives for production. The clients
are minimal (one small protocol object each, on uvloop): a real browser handles its
message on its own machine, so the clients must cost as little as possible here.
Everything is throwaway: a redis-server on a free port, an SQLite database in a
temporary directory (only the tables a WebSocket login needs), the server process.

The floor, side by side: a bare WebSocket server (bench/_ws_bare_server.py: no ASGI,
no Channels, no framing library) on the same Redis, with the same message format and
the same ``render``, writes one pre-built frame to each follower's transport. A second
set of N clients follows it, and its broadcasts alternate with the intranet's. Its
figures (floor_*) are what any server must pay on this machine — the Redis hop and one
write into the kernel per socket — and ``over_floor`` is the intranet's p95 at N ÷ the
floor's: the target, as it compares two servers measured in the same run on the same
machine. The scaling ratio p95(1,000) ÷ p95(100) is printed for information only:
delivery is linear in the number of followers, so it is ≤ 5 only where the fixed part
of the latency (the Redis hop, the wake-up: under 1 ms on 127.0.0.1) is ≥ ~120 times
the cost of one socket's write, which the bare server misses here too
(``floor_ratio``).
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import zlib
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

from bench._common import arguments, percentile, report
from bench._ws_frames import PING, PONG, TEXT
from bench._ws_frames import decode as frames_in
from bench._ws_frames import encode as frame

ROOT = Path(__file__).resolve().parent.parent
ALL, FIRST = "bench:all", "bench:first"
TOPICS = (FIRST, ALL)
BASELINE = 100
ROUNDS = 15
CONNECT_BATCH = 50
# As in docs/deployment.md: events are small JSON; compressing each of them once per
# socket costs the server more than it saves on an office network.
SERVER_OPTIONS = ["--ws-per-message-deflate", "false"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def raise_file_limit(needed: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        sys.exit(f"ws_fanout: needs {needed} open files, the limit is {soft}")


def wait_for(check, what: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start")
        time.sleep(0.1)


def start_redis(directory: Path) -> tuple[subprocess.Popen, str]:
    binary = shutil.which("redis-server")
    if binary is None:
        sys.exit(
            "ws_fanout: redis-server is not installed (apt-get install redis-server)"
        )
    port = free_port()
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(directory),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def answers() -> bool:
        with suppress(OSError), socket.create_connection(("127.0.0.1", port), 1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
        return False

    wait_for(answers, "redis-server", process)
    return process, f"redis://127.0.0.1:{port}/0"


def prepare_database() -> str:
    """Create the tables a WebSocket login reads and a session; its cookie value."""
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from directory.models import Person

    # core first: the audit ledger records the role grants other apps make after
    # any migrate.
    call_command("migrate", "core", verbosity=0)
    call_command("migrate", "directory", verbosity=0)
    call_command("migrate", "sessions", verbosity=0)
    person = Person.objects.create_user(
        username="bench", last_name="試験", first_name="太郎", password=None
    )
    session = SessionStore()
    session[SESSION_KEY] = str(person.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = person.get_session_auth_hash()
    session.create()
    return session.session_key


def start_server(directory: Path, name: str, command: Callable[[int], list[str]]):
    """Start a server process on a free port; (process, url) once it answers."""
    port = free_port()
    log = directory / f"{name}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", *command(port)],
            cwd=ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        health = f"{url}/healthz"
        with suppress(OSError), urllib.request.urlopen(health, timeout=2) as r:  # noqa: S310
            return r.status == 200
        return False

    try:
        wait_for(healthy, name, process)
    except RuntimeError:
        print(log.read_text(errors="replace"), file=sys.stderr)
        raise
    return process, url


def intranet_command(port: int) -> list[str]:
    return [
        "uvicorn",
        "bench._ws_fanout_asgi:application",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--lifespan",
        "off",
        "--no-access-log",
        "--log-level",
        "warning",
        *SERVER_OPTIONS,
    ]


def floor_command(port: int) -> list[str]:
    return ["bench._ws_bare_server", str(port)]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


class BrowserSocket(asyncio.Protocol):
    """A minimal WebSocket client (RFC 6455) that notes when each frame arrives.

    A real browser handles its own messages on its own machine; a thousand of them in
    one Python process must each cost as little as possible, or the clients, not the
    server, would be measured. It offers permessage-deflate as browsers do, answers
    pings, and hands text messages to ``on_text(text, arrived_at)``.
    """

    def __init__(self, request: bytes, on_text):
        self.request = request
        self.on_text = on_text
        self.ready = asyncio.get_running_loop().create_future()
        self.buffer = b""
        self.handshaken = False
        self.inflate = None
        self.transport = None

    def connection_made(self, transport):
        self.transport = transport
        transport.write(self.request)

    def connection_lost(self, exc):
        if not self.ready.done():
            self.ready.set_exception(ConnectionError("closed during the handshake"))

    def data_received(self, data):
        arrived = time.perf_counter()
        self.buffer += data
        if not self.handshaken:
            head, found, rest = self.buffer.partition(b"\r\n\r\n")
            if not found:
                return
            if b" 101 " not in head.split(b"\r\n", 1)[0]:
                self.ready.set_exception(ConnectionError(head.decode(errors="replace")))
                return
            if b"permessage-deflate" in head.lower():
                self.inflate = zlib.decompressobj(wbits=-15)
            self.handshaken = True
            self.buffer = rest
            self.ready.set_result(None)
        self._frames(arrived)

    def _frames(self, arrived):
        frames, self.buffer = frames_in(self.buffer)
        for first, payload in frames:
            opcode = first & 0x0F
            if opcode == PING:
                self.send(payload, opcode=PONG)
            elif opcode == TEXT:
                if first & 0x40 and self.inflate is not None:  # compressed (RSV1)
                    payload = self.inflate.decompress(payload + b"\x00\x00\xff\xff")
                self.on_text(payload.decode(), arrived)

    def send(self, payload: bytes, opcode: int = TEXT) -> None:
        self.transport.write(frame(payload, opcode, masked=True))


class Clients:
    """Browsers following the topic; each notes when each event arrives."""

    def __init__(self, url: str, cookie: str, group_prefix: str = ""):
        self.group_prefix = group_prefix
        self.host, port = url.removeprefix("http://").split(":")
        self.port = int(port)
        self.request = (
            "GET /ws/topics/ HTTP/1.1\r\n"
            f"Host: {self.host}:{self.port}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Version: 13\r\n"
            "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
            f"Origin: {url}\r\nCookie: sessionid={cookie}\r\n"
        )
        self.sockets: list[BrowserSocket] = []
        self.followers = {ALL: 0, FIRST: 0}
        self.arrivals: dict[int, list[float]] = {}
        self.expected: dict[int, int] = {}
        self.complete: dict[int, asyncio.Event] = {}

    async def grow_to(self, count: int) -> None:
        while len(self.sockets) < count:
            first = len(self.sockets)
            batch = range(first, min(first + CONNECT_BATCH, count))
            self.sockets += await asyncio.gather(*(self._open(i) for i in batch))

    async def _open(self, index: int) -> BrowserSocket:
        key = base64.b64encode(os.urandom(16)).decode()
        request = f"{self.request}Sec-WebSocket-Key: {key}\r\n\r\n".encode()
        loop = asyncio.get_running_loop()
        replies: dict[str, asyncio.Future] = {}

        def on_text(text: str, arrived: float) -> None:
            data = json.loads(text)
            if data.get("type") == "event":
                seq = data["event"]["seq"]
                arrivals = self.arrivals.setdefault(seq, [])
                arrivals.append(arrived)
                if len(arrivals) == self.expected[seq]:
                    self.complete[seq].set()
            elif data.get("topic") in replies:
                replies[data["topic"]].set_result(data)

        _transport, socket_ = await loop.create_connection(
            lambda: BrowserSocket(request, on_text), self.host, self.port
        )
        await asyncio.wait_for(socket_.ready, 60)
        topics = [ALL, FIRST] if index < BASELINE else [ALL]
        for topic in topics:
            replies[topic] = loop.create_future()
            socket_.send(json.dumps({"subscribe": topic}).encode())
            answer = await asyncio.wait_for(replies[topic], 60)
            if answer.get("type") != "subscribed":
                raise RuntimeError(f"subscription refused: {answer}")
            self.followers[topic] += 1
        return socket_

    async def broadcast(self, layer, topic: str, timeout: float = 30) -> list[float]:
        """Latencies (s) of one event; missing deliveries count as the timeout."""
        from intranet.notifications.services import topic_message

        seq = len(self.expected) + 1
        self.expected[seq] = self.followers[topic]
        self.complete[seq] = asyncio.Event()
        group, message = topic_message(topic, {"seq": seq})
        group = message["group"] = self.group_prefix + group
        sent = time.perf_counter()
        await layer.group_send(group, message)
        with suppress(TimeoutError):
            await asyncio.wait_for(self.complete[seq].wait(), timeout)
        latencies = [at - sent for at in self.arrivals.get(seq, [])]
        return latencies + [timeout] * (self.expected[seq] - len(latencies))

    async def close(self) -> None:
        for socket_ in self.sockets:
            socket_.transport.close()


def summary(rounds: list[list[float]]) -> dict:
    """The median round (by p95) of several broadcasts, plus the worst case."""
    stats = sorted(
        (
            {
                "p50": percentile(latencies, 0.50),
                "p95": percentile(latencies, 0.95),
                "max": max(latencies),
            }
            for latencies in rounds
        ),
        key=lambda r: r["p95"],
    )
    return {
        **stats[len(stats) // 2],
        "max": max(r["max"] for r in stats),
        "lost": sum(1 for latencies in rounds for x in latencies if x >= 30),
        "p95_rounds": [round(r["p95"], 4) for r in stats],
    }


def show(label: str, result: dict) -> None:
    print(
        f"{label:<40} p50 {result['p50'] * 1000:7.1f} ms  "
        f"p95 {result['p95'] * 1000:7.1f} ms  max {result['max'] * 1000:7.1f} ms",
        flush=True,
    )


async def measure(urls: dict[str, str], cookie: str, pid: int, size: int) -> dict:
    """Both servers, side by side: the intranet's and the bare floor."""
    from channels.layers import get_channel_layer

    from bench._ws_bare_server import GROUP_PREFIX

    layer = get_channel_layer()
    intranet = Clients(urls["intranet"], cookie)
    floor = Clients(urls["floor"], cookie, group_prefix=GROUP_PREFIX)
    try:
        for clients in (intranet, floor):
            await clients.grow_to(1)
            await clients.broadcast(layer, ALL)  # warm-up: every lazy import done
        rss_before = rss_kib(pid)

        await intranet.grow_to(BASELINE)
        only = [await intranet.broadcast(layer, ALL) for _ in range(ROUNDS)]
        alone = summary(only)
        show(f"{BASELINE} connected, {BASELINE} followers", alone)

        started = time.perf_counter()
        await intranet.grow_to(size)
        connect_s = time.perf_counter() - started
        rss_after = rss_kib(pid)
        await floor.grow_to(size)
        rounds = {(who, topic): [] for who in ("intranet", "floor") for topic in TOPICS}
        for _ in range(ROUNDS):  # side by side: the four alternate
            for who, clients in (("intranet", intranet), ("floor", floor)):
                for topic in TOPICS:
                    rounds[who, topic].append(await clients.broadcast(layer, topic))
        results = {key: summary(latencies) for key, latencies in rounds.items()}
        for who in ("intranet", "floor"):
            for topic, followers in ((FIRST, BASELINE), (ALL, size)):
                label = f"{who}: {size} connected, {followers} followers"
                show(label, results[who, topic])
    finally:
        await intranet.close()
        await floor.close()
    return {
        "alone": alone,
        "small": results["intranet", FIRST],
        "large": results["intranet", ALL],
        "floor_small": results["floor", FIRST],
        "floor_large": results["floor", ALL],
        "connect_s": connect_s,
        "rss": (rss_before, rss_after, size - 1),
    }


def run(coroutine):
    """The clients on uvloop when it is there (as uvicorn's server is), so that the
    clients' own handling weighs as little as possible in what is measured."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


def main() -> None:
    args = arguments(__doc__.splitlines()[0])
    size = 200 if args.quick else 1000
    raise_file_limit(3 * size + 256)  # the clients of both servers, and spare
    redis_process = server = floor_server = None
    with tempfile.TemporaryDirectory(prefix="ws-fanout-") as temp:
        directory = Path(temp)
        try:
            redis_process, redis_url = start_redis(directory)
            os.environ.update(
                DJANGO_SETTINGS_MODULE="intranet.settings.test",
                DATABASE_URL=f"sqlite:///{directory / 'bench.sqlite3'}",
                REDIS_URL=redis_url,
                REDIS_PREFIX="bench-ws-fanout",
            )
            cookie = prepare_database()
            server, url = start_server(directory, "the ASGI server", intranet_command)
            floor_server, floor_url = start_server(
                directory, "the bare floor server", floor_command
            )
            print(
                f"ws_fanout: {size} clients, one uvicorn process, Redis layer; "
                f"beside it the bare floor server (bench/_ws_bare_server.py)",
                flush=True,
            )
            urls = {"intranet": url, "floor": floor_url}
            results = run(measure(urls, cookie, server.pid, size))
        finally:
            for process in (server, floor_server, redis_process):
                if process is not None and process.poll() is None:
                    process.terminate()
                    with suppress(subprocess.TimeoutExpired):
                        process.wait(timeout=10)
                    if process.poll() is None:
                        process.kill()
    small, large, alone = results["small"], results["large"], results["alone"]
    ratio = large["p95"] / small["p95"] if small["p95"] > 0 else float("inf")
    floor_small, floor_large = results["floor_small"], results["floor_large"]
    floor_ratio = floor_large["p95"] / floor_small["p95"]
    rss_before, rss_after, connections = results["rss"]
    lost = small["lost"] + large["lost"] + alone["lost"]
    over_floor = (
        large["p95"] / floor_large["p95"] if floor_large["p95"] > 0 else float("inf")
    )
    ok = over_floor <= 2.0 and large["p95"] <= 0.5 and lost == 0
    report(
        bench="ws_fanout",
        metric=f"p95 delivery latency, intranet ÷ bare server, {size} clients",
        value=round(over_floor, 2),
        target="<= 2.0",
        ok=ok,
        clients=size,
        p95_s=round(large["p95"], 4),
        p95_target="<= 0.5",
        lost=lost,
        lost_target="== 0",
        p50_s=round(large["p50"], 4),
        max_s=round(large["max"], 4),
        floor_p95_s=round(floor_large["p95"], 4),
        p95_100_s=round(small["p95"], 4),
        ratio_1000_100=round(ratio, 2),
        p95_100_alone_s=round(alone["p95"], 4),
        floor_p95_100_s=round(floor_small["p95"], 4),
        floor_ratio=round(floor_ratio, 2),
        rss_per_connection_kib=round((rss_after - rss_before) / connections, 1),
        rss_before_mib=round(rss_before / 1024, 1),
        rss_after_mib=round(rss_after / 1024, 1),
        connect_s=round(results["connect_s"], 2),
        rounds=ROUNDS,
        p95_rounds_s=large["p95_rounds"],
        quick=args.quick,
    )


if __name__ == "__main__":
    main()
