"""The demo building: 本庁舎 3階 and 4階, 80 desks, 6 rooms, bookings for the coming weeks.

Idempotent, and every booking goes through the services real bookings go through.
"""

from __future__ import annotations

import datetime
import random

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

from intranet.core.dates import add_business_days, is_business_day

from . import services, slots
from .errors import BookingError
from .models import Area, Booking, Building, Equipment, Floor, Resource

WIDTH, HEIGHT = 1200, 700
DESK_W, DESK_H = 46, 30

EQUIPMENT = [
    ("projector", "プロジェクター"),
    ("video", "Web会議システム"),
    ("whiteboard", "ホワイトボード"),
    ("display", "大型ディスプレイ"),
]

# level, floor name, areas (code, name, x, y), rooms
FLOORS = [
    (
        3,
        "3階",
        [("A", "総務エリア", 40, 60), ("B", "情報政策エリア", 640, 60)],
        [
            ("301", "第1会議室", 40, 470, 220, 190, 8, ["whiteboard", "display"], None),
            ("302", "第2会議室", 280, 470, 200, 190, 6, ["video", "whiteboard"], None),
            ("303", "Web会議ブース", 760, 470, 140, 190, 2, ["video"], None),
        ],
    ),
    (
        4,
        "4階",
        [("C", "政策経営エリア", 40, 60), ("D", "区民部エリア", 640, 60)],
        [
            (
                "401",
                "大会議室",
                40,
                470,
                440,
                190,
                30,
                ["projector", "video", "whiteboard"],
                "takahashi",
            ),
            (
                "402",
                "第3会議室",
                760,
                470,
                200,
                190,
                10,
                ["projector", "whiteboard"],
                None,
            ),
            ("403", "打合せコーナー", 980, 470, 180, 190, 4, ["whiteboard"], None),
        ],
    ),
]

FIXED = {"A-01": "takahashi", "C-01": "matsumoto"}
UNAVAILABLE = {"B-20", "D-10"}


def plan_svg(level: int, rooms) -> str:
    """A clean architectural plan: walls, windows, the core, corridors, room walls."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" font-family="sans-serif">',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#fbfbf8"/>',
        # Outer walls and the window band along the north side.
        f'<rect x="20" y="20" width="{WIDTH - 40}" height="{HEIGHT - 40}" fill="none" '
        'stroke="#3d444d" stroke-width="8"/>',
        f'<line x1="60" y1="20" x2="{WIDTH - 60}" y2="20" stroke="#9cc7ef" stroke-width="4" '
        'stroke-dasharray="80 12"/>',
        '<text x="600" y="48" font-size="13" fill="#6b7785" text-anchor="middle">窓側</text>',
        # The corridor between the open office and the rooms.
        '<rect x="24" y="400" width="1152" height="60" fill="#eef1f4"/>',
        '<text x="600" y="436" font-size="14" fill="#6b7785" text-anchor="middle">'
        "通路</text>",
        # The core: lifts, stairs, toilets.
        '<rect x="500" y="470" width="240" height="206" fill="#dfe3e8" stroke="#3d444d" '
        'stroke-width="3"/>',
        '<rect x="515" y="490" width="60" height="70" fill="#fff" stroke="#57606a"/>',
        '<rect x="585" y="490" width="60" height="70" fill="#fff" stroke="#57606a"/>',
        '<text x="580" y="585" font-size="13" fill="#3d444d" text-anchor="middle">'
        "EV</text>",
        '<path d="M660 490h60v160h-60z M660 510h60 M660 530h60 M660 550h60 M660 570h60 '
        'M660 590h60 M660 610h60 M660 630h60" fill="none" stroke="#57606a"/>',
        '<text x="690" y="668" font-size="12" fill="#3d444d" text-anchor="middle">'
        "階段</text>",
        '<text x="560" y="640" font-size="12" fill="#3d444d" text-anchor="middle">'
        "WC</text>",
        f'<text x="1160" y="690" font-size="13" fill="#6b7785" text-anchor="end">'
        f"本庁舎 {level}階</text>",
    ]
    # Column grid, as on a real plan.
    for x in range(220, WIDTH - 100, 320):
        parts.append(f'<rect x="{x}" y="200" width="14" height="14" fill="#8c959f"/>')
    # Room walls with a door gap on the corridor side.
    for _code, _name, x, y, width, height, *_rest in rooms:
        parts.append(
            f'<path d="M{x + 40} {y}H{x}V{y + height}H{x + width}V{y}H{x + 80}" '
            'fill="none" stroke="#3d444d" stroke-width="4"/>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


def _desk_positions(area_x: int, area_y: int):
    """Two islands of ten desks (five facing five) per area."""
    positions = []
    for island in range(2):
        top = area_y + 40 + island * 160
        for row in range(2):
            for column in range(5):
                positions.append(
                    (area_x + 40 + column * (DESK_W + 8), top + row * DESK_H)
                )
    return positions


def load(*, stdout) -> None:
    people = {person.username: person for person in get_user_model().objects.all()}
    equipment = {
        code: Equipment.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in EQUIPMENT
    }
    building, _created = Building.objects.get_or_create(
        code="honcho",
        defaults={"name": "本庁舎", "address": "東京都千代田区九段南1-2-1"},
    )
    resources = 0
    for level, floor_name, areas, rooms in FLOORS:
        floor, _created = Floor.objects.get_or_create(
            building=building,
            level=level,
            defaults={"name": floor_name, "plan_width": WIDTH, "plan_height": HEIGHT},
        )
        if not floor.plan:
            floor.plan.save(
                f"honcho-{level}f.svg", ContentFile(plan_svg(level, rooms).encode())
            )
        for code, name, x, y in areas:
            area, _created = Area.objects.get_or_create(
                floor=floor,
                name=f"{code} {name}",
                defaults={"x": x, "y": y, "width": 520, "height": 320},
            )
            for number, (desk_x, desk_y) in enumerate(_desk_positions(x, y), start=1):
                desk_code = f"{code}-{number:02d}"
                assignee = people.get(FIXED.get(desk_code, ""))
                mode = (
                    Resource.Mode.UNAVAILABLE
                    if desk_code in UNAVAILABLE
                    else Resource.Mode.FIXED
                    if assignee
                    else Resource.Mode.HOT
                )
                Resource.objects.get_or_create(
                    floor=floor,
                    code=desk_code,
                    defaults={
                        "kind": Resource.Kind.DESK,
                        "area": area,
                        "x": desk_x,
                        "y": desk_y,
                        "width": DESK_W,
                        "height": DESK_H,
                        "mode": mode,
                        "assigned_to": assignee,
                    },
                )
                resources += 1
        for code, name, x, y, width, height, capacity, kit, approver in rooms:
            room, created = Resource.objects.get_or_create(
                floor=floor,
                code=code,
                defaults={
                    "kind": Resource.Kind.ROOM,
                    "name": name,
                    "x": x + 10,
                    "y": y + 10,
                    "width": width - 20,
                    "height": height - 20,
                    "capacity": capacity,
                    "needs_approval": approver is not None,
                    "approver": people.get(approver or ""),
                },
            )
            if created:
                room.equipment.set([equipment[item] for item in kit])
            resources += 1
    booked = 0
    if not Booking.objects.filter(resource__floor__building=building).exists():
        booked = _book_coming_weeks(building, people)
    for username, visibility in (("watanabe", "everyone"), ("kobayashi", "nobody")):
        if username in people:
            services.set_location_visibility(
                person=people[username], visibility=visibility
            )
    stdout.write(
        f"  spaces: {building.name}, {resources} desks and rooms, {booked} bookings"
    )


def _book_coming_weeks(building, people) -> int:
    chooser = random.Random(6)  # noqa: S311 - demo data, not security
    desks = list(
        Resource.objects.desks()
        .filter(floor__building=building, mode=Resource.Mode.HOT)
        .order_by("floor__level", "code")
    )
    rooms = {room.code: room for room in Resource.objects.rooms()}
    staff = [
        person
        for username, person in sorted(people.items())
        if username not in {"admin", "sato"} and person.is_active
    ]
    count = 0

    def attempt(**kwargs):
        nonlocal count
        try:
            result = kwargs.pop("action")(**kwargs)
        except BookingError:
            return None
        count += len(result.bookings.all()) if hasattr(result, "bookings") else 1
        return result

    today = slots.today()
    # 佐藤 has a desk on the next two business days (today is hers to book).
    sato = people.get("sato")
    if sato is not None:
        for offset in (1, 2):
            for desk in desks[5:]:
                if attempt(
                    action=services.book_desk,
                    desk=desk,
                    person=sato,
                    by=sato,
                    day=add_business_days(today, offset),
                    slot="day",
                ):
                    break
    # A weekly DX PT meeting and a pending request for the 大会議室.
    watanabe, ito = people.get("watanabe"), people.get("ito")
    first = add_business_days(today, 1)
    while first.weekday() != 2:  # Wednesday
        first = add_business_days(first, 1)
    if watanabe is not None and "302" in rooms:
        attempt(
            action=services.book_series,
            resource=rooms["302"],
            person=watanabe,
            by=watanabe,
            starts_at=slots.at(first, datetime.time(15)),
            ends_at=slots.at(first, datetime.time(16)),
            rrule="FREQ=WEEKLY;BYDAY=WE",
            until=first + datetime.timedelta(weeks=12),
            title="DX推進PT 定例",
            skip_conflicts=True,
        )
    if ito is not None and "401" in rooms:
        day = add_business_days(today, 3)
        attempt(
            action=services.book,
            resource=rooms["401"],
            person=ito,
            by=ito,
            starts_at=slots.at(day, datetime.time(14)),
            ends_at=slots.at(day, datetime.time(16)),
            title="DX提案 庁内説明会",
        )
    for code, title in (("301", "係会議"), ("402", "予算ヒアリング")):
        organiser = chooser.choice(staff)
        day = add_business_days(today, chooser.randint(1, 6))
        attempt(
            action=services.book,
            resource=rooms[code],
            person=organiser,
            by=organiser,
            starts_at=slots.at(day, datetime.time(10)),
            ends_at=slots.at(day, datetime.time(11, 30)),
            title=title,
        )
    days = [add_business_days(today, offset) for offset in range(0, 15)]
    if is_business_day(today):
        days.insert(0, today)
    for day in sorted(set(days)):
        for person in staff:
            if chooser.random() < 0.35:
                continue
            slot = chooser.choice(["day", "day", "am", "pm"])
            attempt(
                action=services.book_desk,
                desk=chooser.choice(desks),
                person=person,
                by=person,
                day=day,
                slot=slot,
            )
    return count
