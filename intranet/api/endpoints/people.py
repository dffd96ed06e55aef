"""The staff directory: what the people finder and a profile page show, no more.

Search is ``directory.search.search_people`` (service accounts never match); where a
person sits today only when their location choice lets the token's person see it
(``spaces.queries.where_is``).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from directory.search import search_people
from spaces import queries as spaces_queries

from ..auth import scoped
from ..errors import PROBLEM_RESPONSES, ApiProblem
from ..pagination import MAX_LIMIT, page_of_list
from ..params import Id
from ..scopes import Scope

router = Router(tags=["people"])
READ = scoped(Scope.PEOPLE_READ)
SEARCH_CAP = 500


class MembershipOut(Schema):
    unit: str
    post: str
    primary: bool


class PersonOut(Schema):
    id: int
    username: str
    name: str
    kana: str
    email: str
    extension: str
    presence: str
    memberships: list[MembershipOut]


class PersonDetail(PersonOut):
    location_visible: bool
    desks: list[str]


class PersonPage(Schema):
    items: list[PersonOut]
    next_cursor: str | None


def person_out(person, memberships, presence: str) -> dict:
    return {
        "id": person.pk,
        "username": person.username,
        "name": person.full_name or person.username,
        "kana": person.full_name_kana,
        "email": person.email,
        "extension": person.extension,
        "presence": presence,
        "memberships": [
            {"unit": m.unit.name, "post": m.post.name, "primary": m.is_primary}
            for m in memberships
        ],
    }


@router.get(
    "/people",
    auth=READ,
    response={200: PersonPage, **PROBLEM_RESPONSES},
    summary="職員の検索（名前・よみ・ローマ字・所属・職位・内線）",
)
def find_people(
    request,
    q: str = Query(..., min_length=1, max_length=100),
    cursor: str | None = Query(None, max_length=100),
    limit: int = Query(20, ge=1, le=MAX_LIMIT),
):
    found = search_people(q, limit=SEARCH_CAP)
    page = page_of_list(found, cursor, limit)
    page["items"] = [
        person_out(
            person,
            person.current_memberships,
            person.current_presence.status if person.current_presence else "in_office",
        )
        for person in page["items"]
    ]
    return page


@router.get(
    "/people/{person_id}",
    auth=READ,
    response={200: PersonDetail, **PROBLEM_RESPONSES},
    summary="職員の詳細（所属・在席・今日の席は本人の公開設定に従う）",
)
def get_person(request, person_id: Id):
    person = (
        get_user_model()
        .objects.filter(pk=person_id, is_active=True, is_service_account=False)
        .first()
    )
    if person is None:
        raise ApiProblem(404, "not_found", _("職員が見つかりません。"))
    memberships = (
        person.memberships.on()
        .select_related("unit", "post")
        .order_by("-is_primary", "post__rank", "id")
    )
    location = spaces_queries.where_is(request.user, person)
    desks = [b.resource.label for b in location.bookings] + [
        d.label for d in location.fixed_desks
    ]
    return {
        **person_out(person, memberships, person.presence_on()),
        "location_visible": location.visible,
        "desks": desks if location.visible else [],
    }
