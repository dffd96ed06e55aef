"""The 文書管理簿 (records register) of a 年度, as the register page shows it:
``workflows.records.register.register_rows``, for the 文書管理担当 and auditors, with
each 秘 title as the one gate allows."""

from __future__ import annotations

from enum import IntEnum

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from directory.models import OrgUnit
from intranet.core.dates import fiscal_year
from workflows.access import is_auditor
from workflows.models import Retention
from workflows.records.access import is_records_manager
from workflows.records.register import FIELDS, register_rows

from ..auth import scoped
from ..errors import PROBLEM_RESPONSES, ApiProblem
from ..pagination import DEFAULT_LIMIT, MAX_LIMIT, page_of_window
from ..params import MAX_ID
from ..scopes import Scope

router = Router(tags=["records"])


class RetentionYears(IntEnum):
    """保存期間 in years (``workflows.models.Retention``; 0 is 常用)."""

    PERMANENT = Retention.PERMANENT
    ONE = Retention.ONE
    THREE = Retention.THREE
    FIVE = Retention.FIVE
    TEN = Retention.TEN
    THIRTY = Retention.THIRTY


RETENTION_QUERY = Query(None, description="保存期間（年。0は常用）")
DATE_FIELDS = ("decided_or_received_on", "completed_on", "expires_on", "disposed_on")


class RegisterRow(Schema):
    category: str
    number: str
    title: str
    classification: str
    binder: str
    section: str
    person: str
    decided_or_received_on: str | None
    completed_on: str | None
    retention: str
    expires_on: str | None
    storage: str
    disposition: str
    disposed_on: str | None
    disposal_reference: str


class RegisterPage(Schema):
    fiscal_year: int
    items: list[RegisterRow]
    next_cursor: str | None


def register_row_out(row: list) -> dict:
    out = {name: value or "" for name, value in zip(FIELDS, row, strict=True)}
    for name in DATE_FIELDS:
        out[name] = out[name] or None
    return out


@router.get(
    "/records/register",
    auth=scoped(Scope.RECORDS_READ),
    response={200: RegisterPage, **PROBLEM_RESPONSES},
    summary="文書管理簿（年度・担当課・保存期間で絞り込み。文書管理担当と監査担当）",
)
def records_register(
    request,
    fiscal_year_: int | None = Query(
        None, alias="fiscal_year", ge=1900, le=2999, description="年度（西暦）"
    ),
    section: int | None = Query(None, ge=1, le=MAX_ID, description="担当課のID"),
    retention_years: RetentionYears | None = RETENTION_QUERY,
    cursor: str | None = Query(None, max_length=100),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
):
    user = request.user
    if not (is_records_manager(user) or is_auditor(user)):
        raise ApiProblem(
            403,
            "not_records_manager",
            _("文書管理簿を見られるのは文書管理担当と監査担当です。"),
        )
    unit = None
    if section is not None:
        unit = OrgUnit.objects.filter(pk=section).first()
        if unit is None:
            raise ApiProblem(404, "not_found", _("担当課が見つかりません。"))
    year = fiscal_year_ or fiscal_year()
    page = page_of_window(
        lambda offset, count: register_rows(
            fiscal_year=year,
            user=user,
            section=unit,
            retention_years=None if retention_years is None else int(retention_years),
            offset=offset,
            limit=count,
        ),
        cursor,
        limit,
    )
    page["items"] = [register_row_out(row) for row in page["items"]]
    return {"fiscal_year": year, **page}
