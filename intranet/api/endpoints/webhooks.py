"""The token's own webhook subscriptions: list, add (the signing secret is shown once),
remove. Deliveries are in the Django admin's delivery log."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from ..auth import scoped
from ..errors import PROBLEM_RESPONSES, ApiProblem
from ..events import EVENTS
from ..models import WebhookSubscription
from ..params import Id
from ..services import subscribe, unsubscribe

router = Router(tags=["webhooks"])
ANY = scoped(None)


class SubscriptionOut(Schema):
    id: int
    url: str
    events: list[str]
    is_active: bool
    consecutive_failures: int
    created_at: datetime.datetime


class NewSubscriptionOut(SubscriptionOut):
    secret: str = Field(description="署名鍵（この応答でのみ表示されます）")


class SubscriptionIn(Schema):
    url: str = Field(max_length=500)
    events: list[str] = Field(min_length=1, max_length=len(EVENTS))


def subscription_out(subscription: WebhookSubscription) -> dict:
    return {
        "id": subscription.pk,
        "url": subscription.url,
        "events": subscription.events,
        "is_active": subscription.is_active,
        "consecutive_failures": subscription.consecutive_failures,
        "created_at": subscription.created_at,
    }


@router.get(
    "/webhooks",
    auth=ANY,
    response={200: list[SubscriptionOut], **PROBLEM_RESPONSES},
    summary="このトークンのWebhook送信先",
)
def list_webhooks(request):
    return [
        subscription_out(s)
        for s in WebhookSubscription.objects.filter(token=request.api_token)
    ]


@router.post(
    "/webhooks",
    auth=ANY,
    response={201: NewSubscriptionOut, **PROBLEM_RESPONSES},
    summary="Webhook送信先の登録",
)
def add_webhook(request, payload: SubscriptionIn):
    token = request.api_token
    unknown = [event for event in payload.events if event not in EVENTS]
    if unknown:
        raise ApiProblem(
            422,
            "unknown_event",
            _("イベント名が正しくありません: %(events)s")
            % {"events": ", ".join(unknown)},
        )
    missing = sorted(
        {str(EVENTS[e][0]) for e in payload.events if not token.allows(EVENTS[e][0])}
    )
    if missing:
        raise ApiProblem(
            403,
            "insufficient_scope",
            _("このトークンには「%(scope)s」の権限がありません。")
            % {"scope": ", ".join(missing)},
        )
    created = subscribe(token=token, url=payload.url, events=payload.events)
    return Status(
        201, {**subscription_out(created.subscription), "secret": created.secret}
    )


@router.delete(
    "/webhooks/{subscription_id}",
    auth=ANY,
    response={204: None, **PROBLEM_RESPONSES},
    summary="Webhook送信先の削除（停止）",
)
def remove_webhook(request, subscription_id: Id):
    subscription = WebhookSubscription.objects.filter(
        pk=subscription_id, token=request.api_token
    ).first()
    if subscription is None:
        raise ApiProblem(404, "not_found", _("送信先が見つかりません。"))
    unsubscribe(subscription=subscription)
    return Status(204, None)
