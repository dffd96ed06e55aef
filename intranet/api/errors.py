"""Errors as RFC 9457 problem details: ``application/problem+json`` with a stable
machine ``code`` and a Japanese ``title``/``detail`` (English with Accept-Language: en).

Every operation documents the same set of error statuses (``PROBLEM_RESPONSES``), so a
client (and schemathesis) meets no undocumented status.
"""

from __future__ import annotations

import json
import logging

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from spaces.errors import AlreadyBooked, BookingError, NotPermitted
from workflows.errors import ApprovalError, Conflict, NotAllowed

logger = logging.getLogger("intranet.api")

PROBLEM_TYPE = "application/problem+json"

TITLES = {
    400: gettext_lazy("リクエストの形式が正しくありません"),
    401: gettext_lazy("認証が必要です"),
    403: gettext_lazy("権限がありません"),
    404: gettext_lazy("見つかりません"),
    409: gettext_lazy("競合しています"),
    412: gettext_lazy("前提条件を満たしていません"),
    422: gettext_lazy("処理できない内容です"),
    429: gettext_lazy("リクエストが多すぎます"),
}


class Problem(Schema):
    type: str
    title: str
    status: int
    code: str
    detail: str
    errors: list[dict] | None = None


ERROR_STATUSES = (400, 401, 403, 404, 422, 429)
PROBLEM_RESPONSES = dict.fromkeys(ERROR_STATUSES, Problem)
WRITE_PROBLEM_RESPONSES = {**PROBLEM_RESPONSES, 409: Problem}


class ApiProblem(Exception):
    """Raise anywhere in an endpoint: becomes a problem response."""

    def __init__(self, status: int, code: str, detail, *, headers=None, errors=None):
        self.status = status
        self.code = code
        self.detail = detail
        self.headers = headers or {}
        self.errors = errors
        super().__init__(code)


def problem_response(
    request, status: int, code: str, detail, *, headers=None, errors=None
) -> HttpResponse:
    body = {
        "type": f"/api/v1/problems/{code}",
        "title": str(TITLES.get(status, _("エラー"))),
        "status": status,
        "code": code,
        "detail": str(detail),
    }
    if errors:
        body["errors"] = errors
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False),
        status=status,
        content_type=f"{PROBLEM_TYPE}; charset=utf-8",
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _validation_errors(errors) -> list[dict]:
    cleaned = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ())]
        cleaned.append({"loc": location, "msg": str(error.get("msg", ""))})
    return cleaned


def install(api) -> None:
    """Route every error an endpoint can meet to a problem response."""

    def on_problem(request, exc: ApiProblem):
        return problem_response(
            request,
            exc.status,
            exc.code,
            exc.detail,
            headers=exc.headers,
            errors=exc.errors,
        )

    def on_validation(request, exc: ValidationError):
        return problem_response(
            request,
            422,
            "invalid_request",
            _("入力内容に誤りがあります。"),
            errors=_validation_errors(exc.errors),
        )

    def on_http_error(request, exc: HttpError):
        if isinstance(exc, AuthenticationError):
            return problem_response(
                request,
                401,
                "unauthenticated",
                _(
                    "有効なAPIトークンを Authorization: Bearer ヘッダーで送ってください。"
                ),
                headers={"WWW-Authenticate": 'Bearer realm="api"'},
            )
        status = exc.status_code if exc.status_code in TITLES else 400
        return problem_response(
            request, status, "bad_request", _("リクエストを読み取れません。")
        )

    def on_not_found(request, exc):
        return problem_response(
            request, 404, "not_found", _("指定されたものは見つかりません。")
        )

    def on_denied(request, exc):
        return problem_response(
            request, 403, "forbidden", _("この操作を行う権限がありません。")
        )

    def on_approval_error(request, exc: ApprovalError):
        if isinstance(exc, NotAllowed):
            return problem_response(request, 403, "not_allowed", str(exc))
        if isinstance(exc, Conflict):
            return problem_response(request, 409, "conflict", str(exc))
        return problem_response(request, 422, "approval_error", str(exc))

    def on_booking_error(request, exc: BookingError):
        if isinstance(exc, NotPermitted):
            return problem_response(request, 403, "not_allowed", str(exc))
        if isinstance(exc, AlreadyBooked):
            return problem_response(request, 409, "already_booked", str(exc))
        return problem_response(request, 422, "booking_rule", str(exc))

    def on_django_validation(request, exc: DjangoValidationError):
        return problem_response(request, 422, "invalid_request", " ".join(exc.messages))

    api.add_exception_handler(ApiProblem, on_problem)
    api.add_exception_handler(ValidationError, on_validation)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(PermissionDenied, on_denied)
    api.add_exception_handler(ApprovalError, on_approval_error)
    api.add_exception_handler(BookingError, on_booking_error)
    api.add_exception_handler(DjangoValidationError, on_django_validation)
