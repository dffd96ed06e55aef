"""The API for the ward's other systems: version 1 at /api/v1/ (docs/api.md)."""

from __future__ import annotations

import datetime
import functools
import logging

from django.http import HttpRequest
from django.urls import URLPattern, URLResolver, re_path
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder

from intranet.core import audit

from . import errors
from .endpoints import bookings, documents, people, records, tasks, webhooks
from .params import has_nul

logger = logging.getLogger("intranet.api")

DESCRIPTION = """
庁内ポータルの外部連携API（財務会計・人事給与・施設管理・チャットボット等から利用）。

- 認証: `Authorization: Bearer <トークン>`。トークンは情報システム担当が
  `manage.py create_api_token` で発行し、職員本人またはサービスアカウントに属します。
  トークンでできることは、その人が画面でできることを超えません。
- エラー: RFC 9457 `application/problem+json`（`code` は機械向けの固定値）。
- 一覧: `next_cursor` を `cursor` に渡して次のページ。
- Webhook: 署名は `X-Webhook-Signature: sha256=HMAC(secret, "{timestamp}.{body}")`。
"""


class LocalTimeEncoder(NinjaJSONEncoder):
    """Date-times in the ward's time zone (Asia/Tokyo, +09:00), as the pages show."""

    def default(self, o):
        if isinstance(o, datetime.datetime) and timezone.is_aware(o):
            return timezone.localtime(o).isoformat()
        return super().default(o)


class LocalTimeRenderer(JSONRenderer):
    encoder_class = LocalTimeEncoder
    json_dumps_params = {"ensure_ascii": False}


class IntranetApi(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """Error responses are documented as application/problem+json."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content")
                    if int(status) >= 400 and content and "application/json" in content:
                        response["content"] = {
                            errors.PROBLEM_TYPE: content.pop("application/json")
                        }
        return schema


api = IntranetApi(
    title="庁内ポータル API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
    renderer=LocalTimeRenderer(),
)
errors.install(api)
api.add_router("", documents.router)
api.add_router("", tasks.router)
api.add_router("", bookings.router)
api.add_router("", people.router)
api.add_router("", records.router)
api.add_router("", webhooks.router)


def _attributed(view):
    """Log every token use and record every change in the audit trail."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if has_nul(request):
            return errors.problem_response(
                request,
                422,
                "invalid_text",
                _("文字列に使えない文字（NUL）が含まれています。"),
            )
        response = view(request, *args, **kwargs)
        token = getattr(request, "api_token", None)
        if token is not None:
            route = request.resolver_match.route if request.resolver_match else ""
            logger.info(
                "api",
                extra={
                    "fields": {
                        "token": token.prefix,
                        "person": token.person_id,
                        "method": request.method,
                        "route": route,
                        "status": response.status_code,
                    }
                },
            )
            if request.method not in ("GET", "HEAD", "OPTIONS"):
                audit.record(
                    action=f"api.{request.method.lower()}",
                    target=token,
                    details={"route": route, "status": response.status_code},
                )
        return response

    # Tokens, not sessions: no login redirect, no CSRF cookie to check.
    wrapper.login_required = False
    wrapper.csrf_exempt = True
    return wrapper


def _no_such_endpoint(request, rest=""):
    return errors.problem_response(
        request, 404, "no_such_endpoint", _("このURLのAPIはありません。")
    )


_no_such_endpoint.login_required = False
_no_such_endpoint.csrf_exempt = True


def urlpatterns() -> list[URLPattern | URLResolver]:
    """The API's URLs, and a problem+json 404 for any other URL under it."""
    patterns, _app_name, _namespace = api.urls
    for pattern in patterns:
        pattern.callback = _attributed(pattern.callback)
    return [*patterns, re_path(r"^(?P<rest>.*)$", _no_such_endpoint)]
