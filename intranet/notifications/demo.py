"""Demo notifications: a welcome in everyone's bell and a notice from 鈴木係長 to 庶務係.

The notice goes through the same service a 係長 uses, so with `make run` its e-mails
appear on the console from the task worker a few seconds after start-up.
"""

from directory.models import OrgUnit, Person

from . import services
from .kinds import Kind
from .models import Notification

WELCOME = "庁内ポータルの試行運用を始めました"
WELCOME_BODY = (
    "電子決裁・座席予約・職員名簿をここから利用できます。"
    "お気づきの点は、DX推進PTまでお寄せください。"
)
NOTICE = "今週金曜日の係会は10時からです"
NOTICE_BODY = "会議室Bで行います。資料は前日までに共有フォルダに置きます。"


def load(*, stdout) -> None:
    if not Notification.objects.filter(kind=Kind.SYSTEM, subject=WELCOME).exists():
        services.notify(
            recipients=Person.objects.filter(is_active=True),
            kind=Kind.SYSTEM,
            subject=WELCOME,
            body=WELCOME_BODY,
            url="/",
            email=False,
        )
    sender = Person.objects.filter(username="suzuki").first()
    unit = OrgUnit.objects.on().filter(code="shomu-kakari").first()
    if (
        sender is not None
        and unit is not None
        and not Notification.objects.filter(
            kind=Kind.UNIT_NOTICE, subject=NOTICE
        ).exists()
    ):
        services.send_unit_notice(
            sender=sender, unit=unit, subject=NOTICE, body=NOTICE_BODY
        )
    stdout.write("  notifications: a welcome for everyone, a notice to 庶務係")
