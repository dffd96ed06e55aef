"""The API beside the pages: my tasks and submitting, and webhook latency after 決裁.

    python -m bench.api [--quick]

A throwaway database (SQLite in a temporary directory; with BENCH_DATABASE_URL set to
postgres://…/NAME, a throwaway NAME_bench_… database there) holds a synthetic ward
(bench.approvals.Org: 2,000 staff, quick 500). A 係長 has 30 documents waiting. In one
run, alternating request by request through Django's test client in this process:

- GET /api/v1/tasks (a token of the 係長) and GET /approvals/ (the inbox page, logged in);
- submitting drafts through POST /api/v1/documents/{id}/submit and through the page's
  POST /approvals/{id}/submit/.

Target (issue 20): p95(API) ÷ p95(page) ≤ 1.0 for both. Also printed: the latency from
a 決裁 (services.approve of the decision step) to a signed webhook arriving at a
receiver on 127.0.0.1, delivered through the task backend at commit (the immediate
backend here; a db_worker adds its polling interval).
"""

from __future__ import annotations

import http.server
import os
import signal
import sys
import threading
import time

from bench._common import (
    arguments,
    median,
    percentile,
    report,
    setup_django,
    throwaway_database,
)

BENCH = "api"


class Receiver:
    def __init__(self):
        self.arrivals: list[float] = []
        arrivals = self.arrivals

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                arrivals.append(time.perf_counter())
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def timed(call) -> float:
    started = time.perf_counter()
    response = call()
    elapsed = time.perf_counter() - started
    assert response.status_code in (200, 201, 302), response.status_code
    return elapsed


def main() -> int:
    args = arguments(__doc__.splitlines()[0])
    staff = 500 if args.quick else 2_000
    rounds = 30 if args.quick else 100
    submissions = 20 if args.quick else 60
    cleanup = throwaway_database(os.environ.get("BENCH_DATABASE_URL"), BENCH)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(2))
    try:
        setup_django()
        from django.conf import settings
        from django.db import connection, transaction
        from django.test import Client

        from bench.approvals import Org, _rules
        from intranet.api.services import issue_token, subscribe
        from workflows import services
        from workflows.models import RouteStep

        settings.API = {**settings.API, "RATE_LIMIT": 10**9}
        org = Org(staff, shape=(3, 4, 4))
        general, _rule = _rules(org)
        unit = org.units[0]
        manager = org.heads[unit.pk]
        members = org.members[unit.pk]
        for n in range(30):
            applicant = members[n % len(members)]
            services.submit(
                document=services.create_draft(
                    applicant=applicant, title=f"処理待ち {n}", document_type=general
                ),
                by=applicant,
            )
        token = issue_token(name="bench", person=manager, scopes="all").secret
        api = Client(headers={"Authorization": f"Bearer {token}"})
        page = Client()
        page.force_login(manager)
        for _ in range(3):  # warm caches, sessions, the URL resolver
            api.get("/api/v1/tasks")
            page.get("/approvals/")

        tasks_api, tasks_page = [], []
        for n in range(rounds):
            first, second = (api, page) if n % 2 else (page, api)
            for client in (first, second):
                if client is api:
                    tasks_api.append(timed(lambda: api.get("/api/v1/tasks")))
                else:
                    tasks_page.append(timed(lambda: page.get("/approvals/")))

        applicant = members[1]
        author_token = issue_token(name="bench", person=applicant, scopes="all").secret
        author_api = Client(headers={"Authorization": f"Bearer {author_token}"})
        author_page = Client()
        author_page.force_login(applicant)
        drafts = [
            services.create_draft(
                applicant=applicant, title=f"起案 {n}", document_type=general
            )
            for n in range(2 * submissions + 2)
        ]
        author_api.post(
            f"/api/v1/documents/{drafts[0].pk}/submit",
            {},
            content_type="application/json",
        )
        author_page.post(f"/approvals/{drafts[1].pk}/submit/", {})
        submit_api, submit_page = [], []
        for n, draft in enumerate(drafts[2:]):
            if n % 2:
                submit_api.append(
                    timed(
                        lambda d=draft: author_api.post(
                            f"/api/v1/documents/{d.pk}/submit",
                            {},
                            content_type="application/json",
                        )
                    )
                )
            else:
                submit_page.append(
                    timed(
                        lambda d=draft: author_page.post(f"/approvals/{d.pk}/submit/")
                    )
                )

        # Webhook latency: the applicant's system hears of each 決裁.
        receiver = Receiver()
        settings.API = {**settings.API, "WEBHOOK_HOSTS": ["127.0.0.1"]}
        from intranet.api.models import ApiToken

        subscribe(
            token=ApiToken.objects.filter(person=applicant).first(),
            url=receiver.url,
            events=["document.decided"],
        )
        latencies = []
        decisions = 10 if args.quick else 30
        for document in drafts[2 : 2 + decisions]:
            for _ in range(2):  # 係長 approves, then the 課長 decides
                step = RouteStep.objects.select_related("document", "assignee").get(
                    document=document, status="active"
                )
                before = len(receiver.arrivals)
                started = time.perf_counter()
                with transaction.atomic():
                    services.approve(step=step, by=step.assignee)
            if len(receiver.arrivals) > before:
                latencies.append(receiver.arrivals[-1] - started)
        receiver.server.shutdown()

        def ms(value):
            return round(value * 1000, 2)

        tasks_ratio = percentile(tasks_api, 0.95) / percentile(tasks_page, 0.95)
        submit_ratio = percentile(submit_api, 0.95) / percentile(submit_page, 0.95)
        results = {
            "tasks_api_p95_ms": ms(percentile(tasks_api, 0.95)),
            "tasks_page_p95_ms": ms(percentile(tasks_page, 0.95)),
            "tasks_ratio": round(tasks_ratio, 3),
            "submit_api_p95_ms": ms(percentile(submit_api, 0.95)),
            "submit_page_p95_ms": ms(percentile(submit_page, 0.95)),
            "submit_ratio": round(submit_ratio, 3),
            "webhook_after_decision_p95_ms": ms(percentile(latencies, 0.95)),
            "webhook_after_decision_median_ms": ms(median(latencies)),
            "webhooks_received": len(latencies),
            "decisions": decisions,
            "staff": org.staff,
            "database": connection.vendor,
        }
        for key, value in results.items():
            print(f"{key}: {value}")
        worst = max(tasks_ratio, submit_ratio)
        report(
            bench=BENCH,
            metric="p95 API ÷ p95 page (worse of my tasks and submit)",
            value=round(worst, 3),
            target="<= 1.0",
            ok=worst <= 1.0 and len(latencies) == decisions,
            quick=args.quick,
            **results,
        )
        return 0
    finally:
        cleanup()


if __name__ == "__main__":
    sys.exit(main())
