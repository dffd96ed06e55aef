"""Every URL pattern, crawled as an anonymous visitor, a stranger and the owner.

The patterns come from Django's URL resolver, so a view added without an entry in
``ROUTES`` fails ``test_every_url_pattern_is_registered`` with a message saying where
to register it. Each entry says how to fill the URL's parameters from the world (see
conftest.py), who owns what the URL shows, and what a stranger — 小林 of 戸籍住民課,
another 部, no role — gets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from operator import attrgetter

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.views.static import serve as static_serve

# Covered by their own permission checks (Wagtail's and Django's admin): only the
# entrance is crawled here, by the tests at the end of this module.
ADMIN_PREFIXES = ("cms/", "django-admin/")

LOGIN_PATHS = ("/accounts/login/", "/django-admin/login/", "/cms/login/")


@dataclass(frozen=True)
class Route:
    """How to visit one URL pattern.

    ``owner`` names the world's person for whom the URL is theirs (an attribute of the
    office personas); ``get``/``stranger`` are the expected status codes of a GET by
    the owner and by the stranger. ``post`` marks state-changing views: the stranger's
    POST must be refused (403/404/405, or 400 for their own invalid form) and must
    change nothing. ``anonymous`` is the expected anonymous status: None means
    "redirected to the login page". ``own`` marks POSTs that act on the requester's
    own things (mark all read, bulk-approve what is mine): the stranger's is accepted
    but must still change nothing of the owner's.
    """

    kwargs: Callable = field(default=lambda world: {})
    owner: str = "applicant"
    get: int = 200
    stranger: int = 404
    post: bool = False
    post_data: Callable = field(default=lambda world: {})
    anonymous: int | None = None
    query: Callable = field(default=lambda world: "")
    own: bool = False
    may_change: frozenset = frozenset()
    path: str = ""


def pk_of(name: str) -> Callable:
    """URL kwargs ``{"pk": …}`` of the world's object at the dotted ``name``."""
    return lambda world: {"pk": attrgetter(name)(world).pk}


doc = pk_of("document")
draft = pk_of("draft")
booking = pk_of("desk_booking")
floor = pk_of("campus.floor")
person = pk_of("office.applicant")
incoming = pk_of("incoming")
circular = pk_of("circular")
decided = pk_of("decided")
in_review = pk_of("in_review")


# The API takes a token, never a session: every session — the stranger's, the
# owner's, none — gets 401 problem+json, so only the anonymous crawl applies here.
# Every operation is crawled with a stranger's and the owner's token in
# tests/api/test_token_crawl.py, generated from the OpenAPI schema.
API = Route(get=401, stranger=401, anonymous=401)


def api(status=401, **ids):
    """An API route with its path parameters taken from the world; ``status`` 405
    for an operation that is not a GET (refused before the token is looked at)."""
    return Route(
        kwargs=lambda w: {name: pick(w).pk for name, pick in ids.items()},
        get=status,
        stranger=status,
        anonymous=status,
    )


# Pages every member of staff may see (their own inbox, the people finder, the
# floor plans): the stranger sees their own or the office-wide version.
STAFF = 200

ROUTES: dict[str, Route] = {
    # --- accounts and the framework ---------------------------------------------------
    "login": Route(get=302, stranger=302, anonymous=200),
    "logout": Route(get=405, stranger=405, post=True),
    # Single sign-on: not configured in the crawl's world, so nothing there for anyone
    # (tests/sso/ signs in through the tests' own providers).
    "sso:oidc-login": Route(get=404, stranger=404, anonymous=404),
    "sso:oidc-callback": Route(get=404, stranger=404, anonymous=404),
    "sso:saml-login": Route(get=404, stranger=404, anonymous=404),
    "sso:saml-metadata": Route(get=404, stranger=404, anonymous=404),
    "sso:saml-sls": Route(get=404, stranger=404, anonymous=404),
    # The IdP posts here (no CSRF token): GET is not allowed, configured or not.
    "sso:saml-acs": Route(get=405, stranger=405, anonymous=405, post=True),
    "set_language": Route(get=405, stranger=405, anonymous=405, post=True),
    "javascript-catalog": Route(stranger=STAFF),
    "health": Route(stranger=STAFF, anonymous=200),
    # The installable app: public by design, and naming no one.
    "manifest": Route(stranger=STAFF, anonymous=200),
    "service-worker": Route(stranger=STAFF, anonymous=200),
    "offline": Route(stranger=STAFF, anonymous=200),
    "favicon": Route(stranger=STAFF, anonymous=200),
    # --- sign-in: second factors and sessions (intranet/signin) ----------------------
    "signin:settings": Route(stranger=STAFF),
    "signin:enrol": Route(stranger=STAFF),
    # Without a factor the verification step leads to enrolment.
    "signin:verify": Route(get=302, stranger=302, post=True, own=True),
    "signin:totp": Route(stranger=STAFF, post=True),
    "signin:totp_remove": Route(get=405, stranger=405, post=True, own=True),
    "signin:recovery_codes": Route(
        get=405,
        stranger=405,
        post=True,
        own=True,
        may_change=frozenset({"otp_static.staticdevice", "otp_static.statictoken"}),
    ),
    "signin:passkey_new_options": Route(get=405, stranger=405, post=True, own=True),
    "signin:passkey_add": Route(get=405, stranger=405, post=True, own=True),
    "signin:passkey_remove": Route(
        kwargs=lambda w: {"pk": 1}, get=405, stranger=405, post=True
    ),
    # The login page's passkey: anyone may ask for a challenge and answer it.
    "signin:passkey_options": Route(
        get=405, stranger=405, anonymous=405, post=True, own=True
    ),
    "signin:passkey_verify": Route(
        get=405, stranger=405, anonymous=405, post=True, own=True
    ),
    "signin:sign_out_everywhere": Route(get=405, stranger=405, post=True, own=True),
    "signin:reset": Route(
        owner="admin",
        stranger=403,
        post=True,
        post_data=lambda w: {"username": w.office.applicant.username},
    ),
    # --- notifications --------------------------------------------------------------
    "notifications:list": Route(stranger=STAFF),
    "notifications:count": Route(stranger=STAFF),
    "notifications:read_all": Route(get=405, stranger=405, post=True, own=True),
    "notifications:open": Route(
        kwargs=lambda w: {"pk": w.notification.pk}, get=405, stranger=405, post=True
    ),
    "notifications:read": Route(
        kwargs=lambda w: {"pk": w.notification.pk}, get=405, stranger=405, post=True
    ),
    "notifications:preferences": Route(stranger=STAFF, post=True),
    "notifications:register_device": Route(get=405, stranger=405, post=True),
    "notifications:remove_device": Route(
        kwargs=lambda w: {"pk": 1}, get=405, stranger=405, post=True
    ),
    # Only people who head a unit may send a notice to it.
    "notifications:send_notice": Route(
        owner="kacho",
        stranger=403,
        post=True,
        post_data=lambda w: {"unit": w.office.units.somu_ka.pk, "subject": "x"},
    ),
    # --- approvals ------------------------------------------------------------------
    "workflows:inbox": Route(stranger=STAFF),
    "workflows:mine": Route(stranger=STAFF),
    "workflows:list": Route(stranger=STAFF),
    "workflows:export": Route(kwargs=lambda w: {"fmt": "csv"}, stranger=STAFF),
    "workflows:new": Route(
        stranger=STAFF,
        post=True,
        post_data=lambda w: {"copy": str(w.document.pk)},
    ),
    "workflows:next": Route(get=302, stranger=302),
    "workflows:bulk": Route(
        get=405,
        stranger=405,
        post=True,
        own=True,
        post_data=lambda w: {"steps": [w.step.pk]},
    ),
    "workflows:delegations": Route(stranger=STAFF, post=True),
    "workflows:revoke_delegation": Route(
        kwargs=lambda w: {"delegation_pk": w.delegation.pk},
        get=405,
        stranger=405,
        post=True,
    ),
    "workflows:admin": Route(owner="admin"),
    "workflows:admin_step": Route(
        kwargs=lambda w: {"step_pk": w.step.pk, "action": "retry"},
        owner="admin",
        get=405,
        stranger=405,
        post=True,
    ),
    "workflows:document": Route(kwargs=doc),
    "workflows:edit": Route(
        kwargs=draft,
        post=True,
        post_data=lambda w: {"title": "書き換え", "body": "x"},
    ),
    "workflows:delete": Route(kwargs=draft, get=405, stranger=405, post=True),
    "workflows:submit": Route(kwargs=draft, post=True),
    "workflows:add_route": Route(
        kwargs=lambda w: {"pk": w.draft.pk, "kind": "circulation"},
        get=405,
        stranger=405,
        post=True,
        post_data=lambda w: {"person": w.office.stranger.pk},
    ),
    # No addition exists in the world: the owner gets 404 too, the stranger no more.
    "workflows:remove_route": Route(
        kwargs=lambda w: {"pk": w.draft.pk, "addition_pk": 999999},
        get=405,
        stranger=405,
        post=True,
    ),
    "workflows:act": Route(
        kwargs=lambda w: {"pk": w.document.pk, "action": "approve"},
        owner="kakaricho",
        query=lambda w: f"step={w.step.pk}",
        post=True,
        post_data=lambda w: {"comment": "承認", "step": w.step.pk},
    ),
    "workflows:pdf": Route(kwargs=decided),
    # 真正性の確認: any member of staff may check a PDF they hold (an empty form: 400).
    "workflows:verify": Route(stranger=STAFF, post=True),
    "workflows:upload": Route(kwargs=doc, get=405, stranger=405, post=True),
    "workflows:attachment": Route(
        kwargs=lambda w: {"pk": w.document.pk, "attachment_pk": w.attachment.pk}
    ),
    "workflows:delete_attachment": Route(
        kwargs=lambda w: {"pk": w.document.pk, "attachment_pk": w.attachment.pk},
        get=405,
        stranger=405,
        post=True,
    ),
    # --- 文書管理 (records) ----------------------------------------------------------
    "records:index": Route(stranger=STAFF),
    # Anyone may register a 収受 for their 課; an empty form is refused, nothing kept.
    "records:incoming_new": Route(stranger=STAFF, post=True),
    "records:incoming": Route(kwargs=incoming),
    "records:incoming_file": Route(kwargs=incoming),
    "records:incoming_reply": Route(kwargs=incoming, get=405, stranger=405, post=True),
    "records:incoming_close": Route(kwargs=incoming, get=405, stranger=405, post=True),
    # The 文書管理簿 and the 満了 list: the 文書管理担当's (here the administrator).
    "records:register": Route(owner="admin", stranger=403),
    # 紙決裁の登録: the 文書管理担当's too; the stranger's POST is refused before its form.
    "records:paper_new": Route(
        owner="admin",
        stranger=403,
        post=True,
        post_data=lambda w: {"title": "紙決裁", "decided_on": "2020-07-01"},
    ),
    "records:expiring": Route(
        owner="admin",
        stranger=403,
        post=True,
        post_data=lambda w: {"record": f"d{w.decided.pk}", "action": "transfer"},
    ),
    "records:issue": Route(
        kwargs=decided,
        get=405,
        stranger=405,
        post=True,
        post_data=lambda w: {
            "issued_on": w.decided.decided_at.date().isoformat(),
            "destination": "東京都",
            "method": "mail",
        },
    ),
    "records:correction_request": Route(
        kwargs=decided,
        get=405,
        stranger=405,
        post=True,
        post_data=lambda w: {"reason": "誤字", "content": "訂正"},
    ),
    "records:correction_decide": Route(
        kwargs=pk_of("correction"),
        owner="kacho",
        get=405,
        stranger=405,
        post=True,
        post_data=lambda w: {"approve": "1"},
    ),
    # Anyone may start a 回覧 of what they may read; an empty form is refused.
    "records:circular_new": Route(stranger=STAFF, post=True),
    "records:circular": Route(kwargs=circular),
    "records:circular_action": Route(
        kwargs=lambda w: {"pk": w.circular.pk, "action": "close"},
        get=405,
        stranger=405,
        post=True,
    ),
    # --- the API (token only) ---------------------------------------------------------
    # The schema and its documentation are public by design: they name no one.
    "api-v1:openapi-json": Route(stranger=STAFF, anonymous=200),
    "api-v1:openapi-view": Route(stranger=STAFF, anonymous=200),
    # /api/v1/ itself is no operation: the problem+json 404.
    "api-v1:api-root": Route(get=404, stranger=404, anonymous=404),
    "api-v1:list_documents": API,
    "api-v1:create_document": API,
    "api-v1:get_document": api(document_id=lambda w: w.document),
    "api-v1:add_attachment": api(405, document_id=lambda w: w.draft),
    "api-v1:submit_document": api(405, document_id=lambda w: w.draft),
    "api-v1:document_route": api(document_id=lambda w: w.document),
    "api-v1:document_history": api(document_id=lambda w: w.document),
    "api-v1:document_pdf": api(document_id=lambda w: w.decided),
    "api-v1:my_tasks": API,
    "api-v1:document_actions": api(document_id=lambda w: w.document),
    "api-v1:act": api(document_id=lambda w: w.document),
    "api-v1:floor_availability": api(floor_id=lambda w: w.campus.floor),
    "api-v1:resource_busy": api(resource_id=lambda w: w.campus.room),
    "api-v1:my_bookings": API,
    "api-v1:create_booking": API,
    "api-v1:cancel_booking": api(405, booking_id=lambda w: w.desk_booking),
    "api-v1:find_people": API,
    "api-v1:get_person": api(person_id=lambda w: w.office.applicant),
    "api-v1:records_register": API,
    "api-v1:list_webhooks": API,
    "api-v1:add_webhook": API,
    # Webhooks belong to a token, and the world issues none (see the token crawl).
    "api-v1:remove_webhook": Route(
        kwargs=lambda w: {"subscription_id": 1}, get=405, stranger=405, anonymous=405
    ),
    # Any other path under /api/v1/: a problem+json 404, for anyone.
    "api/v1/^(?P<rest>.*)$": Route(
        path="/api/v1/no-such-endpoint",
        get=404,
        stranger=404,
        anonymous=404,
    ),
    # --- spaces -------------------------------------------------------------------
    "spaces:home": Route(stranger=STAFF),
    "spaces:floor": Route(kwargs=floor, stranger=STAFF),
    "spaces:floor_state": Route(kwargs=floor, stranger=STAFF),
    # No plan image uploaded in the world.
    "spaces:plan_image": Route(kwargs=floor, get=404, stranger=404),
    "spaces:qr_sheet": Route(kwargs=floor, owner="kakaricho", stranger=403),
    "spaces:book": Route(
        kwargs=lambda w: {"pk": w.campus.desks[1].pk}, stranger=STAFF, post=True
    ),
    "spaces:resource_qr": Route(
        kwargs=lambda w: {"pk": w.campus.desk.pk}, owner="kakaricho", stranger=403
    ),
    "spaces:room": Route(kwargs=lambda w: {"pk": w.campus.room.pk}, stranger=STAFF),
    "spaces:room_timeline": Route(
        kwargs=lambda w: {"pk": w.campus.room.pk}, stranger=STAFF
    ),
    "spaces:my_bookings": Route(stranger=STAFF),
    "spaces:booking": Route(kwargs=booking),
    "spaces:cancel": Route(kwargs=booking, get=405, stranger=405, post=True),
    "spaces:check_in": Route(kwargs=booking, get=405, stranger=405, post=True),
    "spaces:check_out": Route(kwargs=booking, get=405, stranger=405, post=True),
    "spaces:booking_ics": Route(kwargs=booking),
    # The QR code on the desk: anyone may scan it, and checks in only to their own.
    "spaces:scan": Route(
        kwargs=lambda w: {"token": w.campus.desk.checkin_token},
        stranger=STAFF,
        post=True,
    ),
    "spaces:approvals": Route(stranger=STAFF),
    "spaces:approval": Route(
        kwargs=lambda w: {"pk": w.room_booking.pk},
        owner="kacho",
        post=True,
        post_data=lambda w: {"decision": "accept"},
    ),
    "spaces:colleagues": Route(stranger=STAFF),
    "spaces:settings": Route(stranger=STAFF, post=True),
    "spaces:reports": Route(owner="kakaricho", stranger=403),
    "spaces:report_export": Route(
        kwargs=lambda w: {"fmt": "csv"}, owner="kakaricho", stranger=403
    ),
    # Calendar apps and the kiosk by a room's door have no session: a secret token
    # in the URL is the credential (a wrong token: 404, see the test below).
    "spaces:calendar_feed": Route(
        kwargs=lambda w: {"token": w.calendar_token}, stranger=200, anonymous=200
    ),
    "spaces:display": Route(
        kwargs=lambda w: {"token": w.campus.room.display_token},
        stranger=200,
        anonymous=200,
    ),
    # --- directory ----------------------------------------------------------------
    "directory:people": Route(stranger=STAFF),
    "directory:profile": Route(kwargs=person, stranger=STAFF),
    "directory:set_presence": Route(
        kwargs=person,
        get=405,
        stranger=405,
        post=True,
        post_data=lambda w: {
            "status": "leave",
            "start_date": w.presence.start_date.isoformat(),
            "end_date": w.presence.end_date.isoformat(),
        },
    ),
    "directory:cancel_presence": Route(
        kwargs=lambda w: {"pk": w.office.applicant.pk, "period_pk": w.presence.pk},
        get=405,
        stranger=405,
        post=True,
    ),
    # No photo in the world; a stranger may not replace someone's photo.
    "directory:photo": Route(kwargs=person, get=404, stranger=404, post=True),
    "directory:units": Route(stranger=STAFF),
    "directory:unit": Route(
        kwargs=lambda w: {"pk": w.office.units.shomu.pk}, stranger=STAFF
    ),
    "directory:sync_runs": Route(owner="admin", stranger=403),
    # Everyone's own display settings; an empty form is refused (400), nothing saved.
    "directory:display_settings": Route(stranger=STAFF, post=True),
    # --- proposals, pages and search (intranet/) --------------------------------------
    "proposals": Route(stranger=STAFF),
    "proposals:support": Route(
        kwargs=lambda w: {"pk": w.proposal.pk},
        get=405,
        stranger=405,
        post=True,
        own=True,
        may_change=frozenset({"proposals.support"}),
    ),
    # An empty comment is refused with a message: nothing is stored.
    "proposals:comment": Route(
        kwargs=lambda w: {"pk": w.proposal.pk},
        get=405,
        stranger=405,
        post=True,
        own=True,
    ),
    "proposals:comment_edit": Route(
        kwargs=lambda w: {"pk": w.comment.pk},
        stranger=403,
        post=True,
        post_data=lambda w: {"body": "書き換え"},
    ),
    # Anyone may report a comment once; the PT hears of it.
    "proposals:comment_report": Route(
        kwargs=lambda w: {"pk": w.comment.pk},
        get=405,
        stranger=405,
        post=True,
        own=True,
        may_change=frozenset(
            {
                "proposals.commentreport",
                "notifications.notification",
                "notifications.emaildelivery",
            }
        ),
    ),
    # The PT's list of reports still open: no one else's business.
    "proposals:comment_reports": Route(owner="pt_member", stranger=403),
    # The PT's own: moderation, status, and 起案にする.
    "proposals:comment_hide": Route(
        kwargs=lambda w: {"pk": w.comment.pk},
        owner="pt_member",
        get=405,
        stranger=405,
        post=True,
    ),
    "proposals:comment_restore": Route(
        kwargs=lambda w: {"pk": w.comment.pk},
        owner="pt_member",
        get=405,
        stranger=405,
        post=True,
    ),
    "proposals:status": Route(
        kwargs=lambda w: {"pk": w.proposal.pk},
        owner="pt_member",
        get=405,
        stranger=405,
        post=True,
        post_data=lambda w: {"status": "trial"},
    ),
    "proposals:draft": Route(
        kwargs=lambda w: {"pk": w.proposal.pk},
        owner="pt_member",
        get=405,
        stranger=405,
        post=True,
    ),
    "pages:stale": Route(stranger=STAFF),
    # 公開承認: the PT lead reviews 伊藤's proposal; no one else learns it exists.
    "pages:review": Route(
        kwargs=in_review,
        owner="pt_lead",
        post=True,
        post_data=lambda w: {"action": "publish"},
    ),
    # The PT's own editor: a stranger may neither write nor open 伊藤's draft.
    "proposal_editor:write": Route(
        owner="pt_member",
        stranger=403,
        post=True,
        post_data=lambda w: {"title": "提案", "problem": "x", "action": "submit"},
    ),
    "proposal_editor:edit": Route(
        kwargs=in_review,
        owner="pt_member",
        stranger=403,
        post=True,
        post_data=lambda w: {"title": "書き換え", "problem": "x"},
    ),
    "search:results": Route(stranger=STAFF, query=lambda w: "q=会議"),
    "search:suggest": Route(stranger=STAFF, query=lambda w: "q=会議"),
    # --- Wagtail pages and documents ------------------------------------------------
    "wagtail_serve": Route(stranger=STAFF, kwargs=lambda w: ("",)),
    # CMS documents are for all staff (Wagtail's collection privacy aside).
    "wagtaildocs_serve": Route(
        kwargs=lambda w: (str(w.cms_document.pk), w.cms_document.filename),
        stranger=STAFF,
    ),
    "wagtaildocs_authenticate_with_password": Route(
        kwargs=lambda w: {"restriction_id": 999999}, get=404, stranger=404, post=True
    ),
    "wagtailcore_authenticate_with_password": Route(
        kwargs=lambda w: {"page_view_restriction_id": 999999, "page_id": 999999},
        get=404,
        stranger=404,
        post=True,
    ),
    "wagtailcore_login": Route(get=302, stranger=302, anonymous=302),
    # Unnamed: Wagtail's login page sends everyone to ours.
    "_util/login/": Route(get=302, stranger=302, anonymous=302),
}


def url_patterns(resolver=None, prefix="", namespace=None):
    """(key, route pattern) for every pattern outside the admin sites."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        pattern = prefix + str(entry.pattern)
        if pattern.startswith(ADMIN_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            inner = entry.namespace
            if namespace and inner:
                inner = f"{namespace}:{inner}"
            yield from url_patterns(entry, pattern, inner or namespace)
        elif isinstance(entry, URLPattern):
            if entry.callback is static_serve:
                # MEDIA_URL, served only under DEBUG (intranet/urls.py): present or not
                # depending on whether a test with DEBUG on loaded the URLconf first.
                continue
            if entry.name:
                yield (
                    (f"{namespace}:{entry.name}" if namespace else entry.name),
                    pattern,
                )
            else:
                yield pattern, pattern


def test_every_url_pattern_is_registered():
    missing = sorted({key for key, _pattern in url_patterns()} - set(ROUTES))
    assert not missing, (
        "URL patterns without a crawl entry: "
        + ", ".join(missing)
        + ". Register each in ROUTES in tests/hardening/test_crawl.py: how to fill "
        "its parameters, who owns it and what a stranger gets."
    )


def test_registry_has_no_stale_entries():
    stale = sorted(set(ROUTES) - {key for key, _pattern in url_patterns()})
    assert not stale, f"ROUTES entries for URL patterns that no longer exist: {stale}"


def path_for(key: str, route: Route, world) -> str:
    if route.path:
        return route.path
    kwargs = route.kwargs(world)
    if key.startswith("_util/"):
        return "/" + key
    if isinstance(kwargs, tuple):
        path = reverse(key, args=kwargs)
    else:
        path = reverse(key, kwargs=kwargs)
    query = route.query(world)
    return path + (f"?{query}" if query else "")


# Rows that change on every request or login, whoever makes it.
NOT_STATE = {"sessions.session", "directory.loginfailure"}


def snapshot() -> dict:
    """Every row of every table the intranet owns, to compare before and after."""
    rows = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in NOT_STATE or model._meta.proxy:
            continue
        rows[label] = list(model._base_manager.order_by("pk").values_list())
    return rows


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(label for label in before if before[label] != after[label])


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(LOGIN_PATHS)


def client_for(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


@pytest.fixture
def crawl(world):
    """The world, its paths, and logged-in clients per persona."""
    office = world.office
    clients = {}

    def client(name: str) -> Client:
        if name not in clients:
            person = office.admin if name == "admin" else getattr(office, name)
            clients[name] = client_for(person)
        return clients[name]

    paths = {key: path_for(key, route, world) for key, route in ROUTES.items()}
    return world, paths, client


def test_anonymous_gets_a_login_redirect_never_content(crawl):
    world, paths, _client = crawl
    anonymous = Client()
    wrong = []
    for key, route in ROUTES.items():
        path = paths[key]
        response = anonymous.get(path)
        if route.anonymous is None:
            if not is_login_redirect(response):
                wrong.append((key, path, response.status_code))
        elif response.status_code != route.anonymous:
            wrong.append((key, path, response.status_code, route.anonymous))
        if route.post and route.anonymous is None:
            before = snapshot()
            response = anonymous.post(path, route.post_data(world))
            if not is_login_redirect(response) and response.status_code != 403:
                wrong.append((key, "POST", path, response.status_code))
            assert changed_tables(before, snapshot()) == [], key
    assert wrong == [], "\n".join(map(str, wrong))


def test_stranger_sees_no_one_elses_objects(crawl):
    _world, paths, client = crawl
    stranger = client("stranger")
    wrong = []
    for key, route in ROUTES.items():
        if route.anonymous is not None and route.anonymous != 302:
            continue  # public, or reached by a secret token
        response = stranger.get(paths[key])
        if response.status_code != route.stranger:
            wrong.append((key, paths[key], response.status_code, route.stranger))
    assert wrong == [], "\n".join(map(str, wrong))


def test_strangers_post_changes_nothing(crawl):
    world, paths, client = crawl
    stranger = client("stranger")
    wrong = []
    for key, route in ROUTES.items():
        if not route.post or key in {"logout", "set_language"}:
            continue
        before = snapshot()
        response = stranger.post(paths[key], route.post_data(world))
        changed = [
            table
            for table in changed_tables(before, snapshot())
            if table not in route.may_change
        ]
        refused = response.status_code in {400, 403, 404, 405} or (
            response.status_code in {200, 302}
            and (route.stranger == STAFF or route.own)
        )
        if changed or not refused:
            wrong.append((key, paths[key], response.status_code, changed))
    assert wrong == [], "\n".join(map(str, wrong))


def test_owner_reaches_every_page(crawl):
    _world, paths, client = crawl
    wrong = []
    for key, route in ROUTES.items():
        if route.anonymous is not None and route.anonymous != 302:
            continue
        response = client(route.owner).get(paths[key])
        if response.status_code != route.get:
            wrong.append((key, paths[key], response.status_code, route.get))
    assert wrong == [], "\n".join(map(str, wrong))


def test_a_wrong_token_finds_nothing(world):
    anonymous = Client()
    for name in ("spaces:calendar_feed", "spaces:display"):
        path = reverse(name, kwargs={"token": "not-the-token"})
        assert anonymous.get(path).status_code == 404, name
    path = reverse("spaces:scan", kwargs={"token": "not-the-token"})
    assert client_for(world.office.stranger).get(path).status_code == 404


# --- the admin sites ------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/django-admin/",
        "/django-admin/directory/person/",
        "/django-admin/auth/group/",
        "/cms/",
        "/cms/pages/",
        "/cms/users/",
    ],
)
def test_anonymous_is_sent_to_login_from_the_admin_sites(client, home_page, path):
    response = client.get(path)
    assert is_login_redirect(response), (path, response.status_code)


def test_plain_staff_member_gets_no_django_admin(client, office, home_page):
    staff = office.stranger
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    for path in (
        "/django-admin/directory/person/",
        "/django-admin/auth/group/",
        f"/django-admin/directory/person/{office.applicant.pk}/change/",
    ):
        response = client.get(path)
        assert response.status_code in {302, 403}, path
        if response.status_code == 302:
            assert not response["Location"].startswith("/django-admin/"), path


def test_staff_without_role_gets_no_wagtail_admin(client, office, home_page):
    client.force_login(office.stranger)
    response = client.get("/cms/")
    assert response.status_code in {302, 403}
    if response.status_code == 302:
        assert not response["Location"].startswith("/cms/")


def test_the_snapshot_sees_a_real_change(crawl):
    """The owner's own POST does change something: the comparison is not blind."""
    _world, paths, client = crawl
    before = snapshot()
    response = client("applicant").post(paths["spaces:cancel"])
    assert response.status_code == 302
    assert "spaces.booking" in changed_tables(before, snapshot())


# Text only 佐藤 and the people on her document's route may read: it is put into every
# free-text field of the world (titles, bodies, booking titles, notes, notifications).
SECRET = "機密マーカー7Q"

# Pages that show the marker to everyone on purpose: a presence note is on the profile
# and in the people finder for all staff (directory's privacy rule), and the stranger's
# own pages can't hold it.
SHOWN_TO_STAFF = {"directory:profile"}


@pytest.fixture
def secret_world(office, home_page, draft, facility_manager, settings, tmp_path):
    from tests.hardening.conftest import make_world

    settings.APPROVALS = {**settings.APPROVALS, "FILES_ROOT": str(tmp_path / "files")}
    return make_world(office, draft, text=SECRET)


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def test_a_stranger_never_reads_the_owners_text(secret_world):
    """Office-wide pages (the floor plan, the people finder, lists and exports) must
    not carry what only the owner and her approvers may read."""
    stranger = client_for(secret_world.office.stranger)
    leaks = []
    for key, route in ROUTES.items():
        if key in SHOWN_TO_STAFF or route.anonymous == 200:
            continue  # by design, or reached with the owner's secret token
        path = path_for(key, route, secret_world)
        response = stranger.get(path)
        if SECRET in body_of(response):
            leaks.append((key, path, response.status_code))
    assert leaks == [], "\n".join(map(str, leaks))
