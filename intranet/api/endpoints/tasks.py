"""The token person's waiting work, and acting on it under the document page's rules
(``workflows.offers``: the same buttons, the same services)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Query, Router

from workflows import offers, queries

from ..auth import scoped
from ..errors import PROBLEM_RESPONSES, WRITE_PROBLEM_RESPONSES, ApiProblem
from ..pagination import DEFAULT_LIMIT, MAX_LIMIT, page_of_list
from ..params import Id
from ..schemas import ActIn, ActionOut, DocumentDetail, TaskPage
from ..scopes import Scope
from .documents import detail_out, document_summary, visible_document

router = Router(tags=["tasks"])


@router.get(
    "/tasks",
    auth=scoped(Scope.TASKS_READ),
    response={200: TaskPage, **PROBLEM_RESPONSES},
    summary="処理待ちの案件（差戻し文書と、承認・決裁・供覧などの段階）",
)
def my_tasks(
    request,
    cursor: str | None = Query(None, max_length=100),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
):
    page = page_of_list(queries.waiting_tasks_for(request.user), cursor, limit)
    page["items"] = [
        {
            "document": document_summary(request.user, item.document),
            "step": item.step.pk if item.step else None,
            "kind": item.step.kind if item.step else "returned",
            "kind_label": item.kind_label,
            "capacity": item.capacity,
            "due_date": item.due_date,
            "overdue": item.is_overdue,
        }
        for item in page["items"]
    ]
    return page


def _offered(user, document):
    steps = offers.route_steps(document)
    return steps, offers.available_actions(user, document, steps)


@router.get(
    "/documents/{document_id}/actions",
    auth=scoped(Scope.TASKS_READ),
    response={200: list[ActionOut], **PROBLEM_RESPONSES},
    summary="この文書で今できる操作（文書ページのボタンと同じ）",
)
def document_actions(request, document_id: Id):
    document = visible_document(request.user, document_id)
    _steps, actions = _offered(request.user, document)
    return [
        {
            "name": action["name"],
            "label": str(action["label"]),
            "step": action["step"].pk if action["step"] else None,
        }
        for action in actions
    ]


@router.post(
    "/documents/{document_id}/actions",
    auth=scoped(Scope.TASKS_ACT),
    response={200: DocumentDetail, **WRITE_PROBLEM_RESPONSES},
    summary="承認・決裁・差戻し・却下などの操作",
)
def act(request, document_id: Id, payload: ActIn):
    document = visible_document(request.user, document_id)
    steps, actions = _offered(request.user, document)
    chosen = next(
        (
            action
            for action in actions
            if action["name"] == payload.action
            and (
                action["step"] is None
                or payload.step is None
                or action["step"].pk == payload.step
            )
        ),
        None,
    )
    if chosen is None:
        raise ApiProblem(
            409,
            "action_not_available",
            _("この操作は現在できません。最新の状態を確認してください。"),
        )
    to_step = None
    if payload.to_step is not None and chosen["name"] == "return":
        targets = offers.return_targets(steps, chosen["step"])
        to_step = next((s for s in targets if s.pk == payload.to_step), None)
        if to_step is None:
            raise ApiProblem(
                422, "invalid_return_target", _("差戻し先の段階を選び直してください。")
            )
    offers.carry_out(
        request.user,
        document,
        chosen,
        {"comment": payload.comment, "version": payload.version, "to_step": to_step},
    )
    return detail_out(request.user, visible_document(request.user, document_id))
