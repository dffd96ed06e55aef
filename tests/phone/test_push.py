"""Web Push: devices, preferences, quiet hours and delivery to a push service of our
own on 127.0.0.1 that checks the VAPID token and decrypts the payload."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from intranet.notifications import push, services
from intranet.notifications.kinds import ABOUT, DOCUMENT, Kind
from intranet.notifications.models import PushDevice
from tests.support.documents import waiting_for
from tests.support.push_service import PushService, verify_vapid


@pytest.fixture
def push_service():
    with PushService() as service:
        yield service


def register(person, subscription, name="業務用スマートフォン"):
    return services.register_push_device(
        person=person,
        endpoint=subscription.endpoint,
        p256dh=subscription.p256dh,
        auth=subscription.auth,
        name=name,
    )


def notify(recipient, **fields):
    defaults = {
        "kind": Kind.TASK_ASSIGNED,
        "subject": "物品購入について",
        "url": "/approvals/42/",
        "group_key": "document:42",
    }
    fields = {**defaults, **fields}
    if ABOUT[Kind(fields["kind"])] == DOCUMENT and "about" not in fields:
        # A document kind names its document (the gate: tests/workflows/test_gate.py).
        fields["about"] = waiting_for(recipient)
    return services.notify(recipients=[recipient], **fields)


@pytest.mark.django_db(transaction=True)
def test_a_waiting_approval_is_pushed_signed_and_encrypted(push_service, kacho):
    subscription = push_service.subscription()
    register(kacho, subscription)

    notify(kacho)

    assert len(push_service.received) == 1
    message = push_service.received[0]
    vapid = verify_vapid(message, audience=push_service.origin)
    assert vapid["key"] == push.application_server_key()
    assert int(message.headers["ttl"]) > 0
    assert subscription.decrypt(message) == {
        "title": "決裁依頼",
        "body": "物品購入について",
        "url": "/approvals/42/",
        "tag": "document:42",
    }
    assert PushDevice.objects.get().last_used_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_confidential_subject_never_leaves_the_intranet(push_service, kacho):
    subscription = push_service.subscription()
    register(kacho, subscription)

    notify(kacho, subject="秘 人事異動の内示について", confidential=True)

    payload = subscription.decrypt(push_service.received[0])
    assert "人事" not in str(payload)
    assert payload["body"] == "秘扱いの文書についてのお知らせがあります。"
    assert "人事".encode() not in push_service.received[0].body


@pytest.mark.django_db(transaction=True)
def test_every_device_of_the_recipient_and_no_one_elses(push_service, kacho, applicant):
    phone, desktop, other = (push_service.subscription() for _ in range(3))
    register(kacho, phone, "スマートフォン")
    register(kacho, desktop, "庁内PC")
    register(applicant, other)

    notify(kacho)

    tokens = {message.path.rsplit("/", 1)[-1] for message in push_service.received}
    assert tokens == {push_service.token(phone), push_service.token(desktop)}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("status", [404, 410])
def test_an_expired_subscription_is_removed(push_service, kacho, status):
    gone, alive = push_service.subscription(), push_service.subscription()
    register(kacho, gone)
    register(kacho, alive)
    push_service.status[push_service.token(gone)] = status

    notify(kacho)

    assert list(PushDevice.objects.values_list("endpoint", flat=True)) == [
        alive.endpoint
    ]


@pytest.mark.django_db(transaction=True)
def test_a_push_service_error_keeps_the_device_and_the_notification(
    push_service, kacho
):
    subscription = push_service.subscription()
    register(kacho, subscription)
    push_service.status[push_service.token(subscription)] = 500

    created = notify(kacho)

    assert len(created) == 1
    assert PushDevice.objects.filter(person=kacho).exists()


@pytest.mark.django_db(transaction=True)
def test_a_kind_turned_off_is_not_pushed(push_service, kacho):
    register(kacho, push_service.subscription())
    services.update_preferences(
        person=kacho, email_modes={}, push_kinds={Kind.TASK_ASSIGNED: False}
    )

    notify(kacho)
    notify(kacho, kind=Kind.DOCUMENT_RETURNED, subject="差し戻されました")

    assert len(push_service.received) == 1


@pytest.mark.django_db(transaction=True)
def test_news_does_not_push_unless_chosen(push_service, kacho):
    subscription = push_service.subscription()
    register(kacho, subscription)
    notify(kacho, kind=Kind.PROPOSAL_PUBLISHED, subject="新しい提案")
    assert push_service.received == []

    services.update_preferences(
        person=kacho, email_modes={}, push_kinds={Kind.PROPOSAL_PUBLISHED: True}
    )
    notify(kacho, kind=Kind.PROPOSAL_PUBLISHED, subject="新しい提案")
    assert subscription.decrypt(push_service.received[0])["title"] == "提案の公開"


@pytest.mark.django_db(transaction=True)
def test_quiet_hours_hold_pushes(push_service, kacho):
    register(kacho, push_service.subscription())
    now = timezone.localtime()
    services.update_preferences(
        person=kacho,
        email_modes={},
        quiet_from=(now - datetime.timedelta(hours=1)).time(),
        quiet_until=(now + datetime.timedelta(hours=1)).time(),
    )

    notify(kacho)

    assert push_service.received == []


@pytest.mark.django_db(transaction=True)
def test_a_notification_read_before_the_worker_ran_is_not_pushed(push_service, kacho):
    register(kacho, push_service.subscription())
    note = notify(kacho)[0]
    push_service.received.clear()
    services.mark_read(user=kacho)

    assert push.deliver(note.pk) == {"skipped": "read"}
    assert push_service.received == []


@pytest.mark.django_db(transaction=True)
def test_nothing_is_pushed_to_people_without_devices(
    push_service, kacho, django_assert_max_num_queries
):
    created = notify(kacho)
    with django_assert_max_num_queries(1):
        assert push.schedule(created) == 0
    assert push_service.received == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "endpoint",
    [
        "http://10.0.0.5/internal",
        "https://intranet.example.local/push/1",
        "https://fcm.googleapis.com.evil.example/push",
        "http://fcm.googleapis.com/fcm/send/abc",
        "javascript:alert(1)",
        "",
    ],
)
def test_only_known_push_services_are_accepted(kacho, endpoint):
    with pytest.raises(ValidationError):
        services.register_push_device(
            person=kacho, endpoint=endpoint, p256dh="x", auth="y", name="端末"
        )
    assert not PushDevice.objects.exists()


@pytest.mark.django_db
def test_a_phone_handed_over_moves_to_its_new_holder(kacho, applicant):
    with PushService() as service:
        subscription = service.subscription()
        register(kacho, subscription)
        register(applicant, subscription, "引き継いだ端末")
    device = PushDevice.objects.get()
    assert device.person == applicant
    assert device.name == "引き継いだ端末"


@pytest.mark.django_db
def test_devices_are_listed_named_and_removed_from_the_settings_page(
    client, kacho, applicant
):
    client.force_login(kacho)
    with PushService() as service:
        subscription = service.subscription()
        response = client.post(
            "/notifications/settings/devices/",
            {
                "name": "業務用スマートフォン",
                "endpoint": subscription.endpoint,
                "p256dh": subscription.p256dh,
                "auth": subscription.auth,
            },
        )
    assert response.status_code == 302
    page = client.get("/notifications/settings/").content.decode()
    assert "業務用スマートフォン" in page
    assert 'data-testid="push-device"' in page
    assert f'data-key="{push.application_server_key()}"' in page

    device = PushDevice.objects.get()
    other = client_for(applicant)
    assert (
        other.post(f"/notifications/settings/devices/{device.pk}/remove/").status_code
        == 404
    )
    assert PushDevice.objects.exists()
    client.post(f"/notifications/settings/devices/{device.pk}/remove/")
    assert not PushDevice.objects.exists()


@pytest.mark.django_db
def test_a_bad_registration_says_why_in_japanese_and_keeps_nothing(client, kacho):
    client.force_login(kacho)
    response = client.post(
        "/notifications/settings/devices/",
        {"name": "端末", "endpoint": "http://10.0.0.5/x", "p256dh": "a", "auth": "b"},
    )
    assert response.status_code == 400
    assert "プッシュ通知サービスには対応していません" in response.content.decode()
    assert not PushDevice.objects.exists()


@pytest.mark.django_db
def test_push_choices_are_saved_from_the_settings_page(client, kacho):
    client.force_login(kacho)
    page = client.get("/notifications/settings/")
    form = page.context["form"]
    data = {
        name: value
        for name, value in form.initial.items()
        if not (name.startswith("push_") and not value)
    }
    data["digest_time"] = "08:30"
    data.pop("push_task_assigned")
    data["push_proposal_published"] = "on"
    assert client.post("/notifications/settings/", data).status_code == 302
    from intranet.notifications import preferences

    prefs = preferences.for_person(kacho, push=True)
    assert not prefs.push_for(Kind.TASK_ASSIGNED)
    assert prefs.push_for(Kind.PROPOSAL_PUBLISHED)
    assert prefs.push_for(Kind.DOCUMENT_RETURNED)


def client_for(person):
    from django.test import Client

    client = Client()
    client.force_login(person)
    return client
