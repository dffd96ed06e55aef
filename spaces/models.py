"""Buildings, floors, areas, desks and rooms, and the bookings made on them.

A desk and a meeting room are both a :class:`Resource` (one table, so that one database
constraint keeps every resource from being booked twice); ``Desk`` and ``Room`` are
proxies for the admin and for readable code. Times are aware datetimes; the ward's
time zone is Asia/Tokyo.

No double booking is held by the database: on PostgreSQL an exclusion constraint over
``(resource, tstzrange(starts_at, ends_at, '[)'))`` for the statuses in
``Booking.HOLDING``, on SQLite triggers that abort an overlapping insert or update
(migration 0002). ``services`` turns the violation into "already booked".
"""

from __future__ import annotations

import datetime
import functools
import math
import secrets

from django.conf import settings
from django.core.validators import FileExtensionValidator, MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import recurrence
from .uploads import validate_plan_file


def new_token() -> str:
    return secrets.token_urlsafe(24)


# Time defaults are partials, not fixed times: Django warns (fields.W161) about a fixed
# time default whenever its checks run within 10 seconds of that time of day, which made
# `check --deploy --fail-level WARNING` fail at 17:15.
def _at(hour: int, minute: int = 0):
    return functools.partial(datetime.time, hour, minute)


class Building(models.Model):
    """A building (庁舎) and the booking rules that apply in it unless a resource overrides them."""

    code = models.SlugField(_("コード"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    address = models.CharField(_("所在地"), max_length=200, blank=True)
    sort_order = models.PositiveIntegerField(_("表示順"), default=0)

    # Booking rules (overridable per resource).
    max_days_ahead = models.PositiveSmallIntegerField(
        _("何日先まで予約できるか"), default=30
    )
    max_active_bookings = models.PositiveSmallIntegerField(
        _("1人が同時に持てる予約数"),
        default=10,
        help_text=_("これから利用する予約の数。繰り返し予約は1件と数えます。"),
    )
    min_duration_minutes = models.PositiveSmallIntegerField(
        _("最短利用時間（分）"), default=30
    )
    max_duration_minutes = models.PositiveSmallIntegerField(
        _("最長利用時間（分）"), default=600
    )
    opens_at = models.TimeField(_("会議室の予約開始時刻"), default=_at(8))
    closes_at = models.TimeField(_("会議室の予約終了時刻"), default=_at(21))
    cancel_deadline_minutes = models.PositiveIntegerField(
        _("取消期限（開始の何分前まで）"), default=0
    )
    requires_checkin = models.BooleanField(_("チェックインが必要"), default=True)
    checkin_grace_minutes = models.PositiveSmallIntegerField(
        _("チェックイン猶予（分）"),
        default=30,
        help_text=_("開始からこの時間内にチェックインがない予約は自動で解放します。"),
    )
    max_recurrence_days = models.PositiveSmallIntegerField(
        _("繰り返し予約の最長期間（日）"),
        default=183,
        validators=[MaxValueValidator(366)],
    )
    bookable_on_closure_days = models.BooleanField(
        _("閉庁日も予約できる"), default=False
    )
    # The half-days a desk is booked by (勤務時間 8:30–17:15, 昼休み 12:00–13:00).
    morning_starts = models.TimeField(_("午前の開始"), default=_at(8, 30))
    morning_ends = models.TimeField(_("午前の終了"), default=_at(12))
    afternoon_starts = models.TimeField(_("午後の開始"), default=_at(13))
    afternoon_ends = models.TimeField(_("午後の終了"), default=_at(17, 15))

    class Meta:
        verbose_name = _("建物")
        verbose_name_plural = _("建物")
        ordering = ["sort_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="building_opening_hours",
            ),
            models.CheckConstraint(
                condition=Q(morning_ends__gt=models.F("morning_starts"))
                & Q(afternoon_starts__gte=models.F("morning_ends"))
                & Q(afternoon_ends__gt=models.F("afternoon_starts")),
                name="building_half_days",
            ),
        ]

    def __str__(self):
        return self.name


class Floor(models.Model):
    """A floor of a building with its plan: an uploaded image or SVG, in plan units."""

    building = models.ForeignKey(
        Building,
        verbose_name=_("建物"),
        on_delete=models.PROTECT,
        related_name="floors",
    )
    name = models.CharField(_("名称"), max_length=50, help_text=_("例: 3階"))
    level = models.SmallIntegerField(_("階"), default=1)
    plan = models.FileField(
        _("平面図"),
        upload_to="spaces/plans/",
        blank=True,
        validators=[
            FileExtensionValidator(["svg", "png", "jpg", "jpeg", "webp"]),
            validate_plan_file,
        ],
        help_text=_(
            "SVG または画像。座席の位置は下の座標（平面図の単位）で指定します。"
        ),
    )
    plan_width = models.PositiveIntegerField(_("平面図の幅"), default=1000)
    plan_height = models.PositiveIntegerField(_("平面図の高さ"), default=600)

    class Meta:
        verbose_name = _("フロア")
        verbose_name_plural = _("フロア")
        ordering = ["building__sort_order", "building_id", "level", "id"]

    def __str__(self):
        return f"{self.building.name} {self.name}"

    def get_absolute_url(self):
        return reverse("spaces:floor", args=[self.pk])


class Area(models.Model):
    """A zone of a floor (島・エリア), drawn as a labelled rectangle on the plan."""

    floor = models.ForeignKey(
        Floor, verbose_name=_("フロア"), on_delete=models.PROTECT, related_name="areas"
    )
    name = models.CharField(_("名称"), max_length=50)
    x = models.FloatField(_("X"), default=0)
    y = models.FloatField(_("Y"), default=0)
    width = models.FloatField(_("幅"), default=0)
    height = models.FloatField(_("高さ"), default=0)

    class Meta:
        verbose_name = _("エリア")
        verbose_name_plural = _("エリア")
        ordering = ["floor_id", "name"]

    def __str__(self):
        return f"{self.floor} {self.name}"

    @property
    def label_x(self) -> float:
        return self.x + 8

    @property
    def label_y(self) -> float:
        return self.y + 20


class Equipment(models.Model):
    """Something a room has: projector, video conferencing, whiteboard …"""

    code = models.SlugField(_("コード"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50)

    class Meta:
        verbose_name = _("設備")
        verbose_name_plural = _("設備")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ResourceQuerySet(models.QuerySet):
    def desks(self):
        return self.filter(kind=Resource.Kind.DESK)

    def rooms(self):
        return self.filter(kind=Resource.Kind.ROOM)

    def bookable(self):
        return self.exclude(mode=Resource.Mode.UNAVAILABLE)


class Placement:
    """What a desk or room is on the plan; shared by :class:`Resource` and the light
    rows the floor plan reads (``availability.PlacedResource``)."""

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}".strip()

    @property
    def is_room(self) -> bool:
        return self.kind == "room"

    @property
    def is_desk(self) -> bool:
        return self.kind == "desk"

    @property
    def cx(self) -> float:
        return self.x + self.width / 2

    @property
    def cy(self) -> float:
        return self.y + self.height / 2

    @property
    def mark_x(self) -> float:
        return self.x + self.width - 3

    @property
    def mark_y(self) -> float:
        return self.y + 11

    def distance_to(self, other) -> float:
        return math.hypot(self.x - other.x, self.y - other.y)


class Resource(Placement, models.Model):
    """A desk or a meeting room: what a booking reserves."""

    class Kind(models.TextChoices):
        DESK = "desk", _("座席")
        ROOM = "room", _("会議室")

    class Mode(models.TextChoices):
        HOT = "hot", _("フリーアドレス")
        FIXED = "fixed", _("固定席")
        UNAVAILABLE = "unavailable", _("利用停止")

    kind = models.CharField(_("種別"), max_length=10, choices=Kind.choices)
    floor = models.ForeignKey(
        Floor,
        verbose_name=_("フロア"),
        on_delete=models.PROTECT,
        related_name="resources",
    )
    area = models.ForeignKey(
        Area,
        verbose_name=_("エリア"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resources",
    )
    code = models.CharField(_("番号"), max_length=30, help_text=_("例: A-12"))
    name = models.CharField(_("名称"), max_length=100, blank=True)
    mode = models.CharField(
        _("利用区分"), max_length=12, choices=Mode.choices, default=Mode.HOT
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("固定席の使用者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_desks",
    )
    # Position on the floor plan, in plan units (the plan's viewBox).
    x = models.FloatField(_("X"), default=0)
    y = models.FloatField(_("Y"), default=0)
    width = models.FloatField(_("幅"), default=40)
    height = models.FloatField(_("高さ"), default=28)

    # Rooms.
    capacity = models.PositiveSmallIntegerField(_("定員"), null=True, blank=True)
    equipment = models.ManyToManyField(
        Equipment, verbose_name=_("設備"), blank=True, related_name="rooms"
    )
    needs_approval = models.BooleanField(_("利用に承認が必要"), default=False)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承認者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approved_rooms",
    )

    # Rule overrides; empty means the building's rule.
    max_days_ahead = models.PositiveSmallIntegerField(
        _("何日先まで予約できるか"), null=True, blank=True
    )
    max_active_bookings = models.PositiveSmallIntegerField(
        _("1人が同時に持てる予約数"), null=True, blank=True
    )
    min_duration_minutes = models.PositiveSmallIntegerField(
        _("最短利用時間（分）"), null=True, blank=True
    )
    max_duration_minutes = models.PositiveSmallIntegerField(
        _("最長利用時間（分）"), null=True, blank=True
    )
    opens_at = models.TimeField(_("予約開始時刻"), null=True, blank=True)
    closes_at = models.TimeField(_("予約終了時刻"), null=True, blank=True)
    cancel_deadline_minutes = models.PositiveIntegerField(
        _("取消期限（開始の何分前まで）"), null=True, blank=True
    )
    requires_checkin = models.BooleanField(
        _("チェックインが必要"), null=True, blank=True
    )
    checkin_grace_minutes = models.PositiveSmallIntegerField(
        _("チェックイン猶予（分）"), null=True, blank=True
    )

    checkin_token = models.CharField(
        _("チェックイン用トークン"),
        max_length=64,
        unique=True,
        default=new_token,
        editable=False,
    )
    display_token = models.CharField(
        _("表示端末用トークン"),
        max_length=64,
        unique=True,
        default=new_token,
        editable=False,
    )

    objects = ResourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("座席・会議室")
        verbose_name_plural = _("座席・会議室")
        ordering = ["floor_id", "kind", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["floor", "code"], name="resource_code_unique_on_floor"
            ),
            models.CheckConstraint(
                condition=Q(needs_approval=False) | Q(approver__isnull=False),
                name="resource_approval_needs_approver",
            ),
            models.CheckConstraint(
                condition=~Q(mode="fixed") | Q(assigned_to__isnull=False),
                name="resource_fixed_desk_has_user",
            ),
        ]

    def __str__(self):
        return self.label

    def get_absolute_url(self):
        if self.is_room:
            return reverse("spaces:room", args=[self.pk])
        return f"{self.floor.get_absolute_url()}#resource-{self.pk}"


class DeskManager(models.Manager.from_queryset(ResourceQuerySet)):
    def get_queryset(self):
        return super().get_queryset().filter(kind=Resource.Kind.DESK)


class RoomManager(models.Manager.from_queryset(ResourceQuerySet)):
    def get_queryset(self):
        return super().get_queryset().filter(kind=Resource.Kind.ROOM)


class Desk(Resource):
    objects = DeskManager()

    class Meta:
        proxy = True
        verbose_name = _("座席")
        verbose_name_plural = _("座席")

    def save(self, *args, **kwargs):
        self.kind = Resource.Kind.DESK
        super().save(*args, **kwargs)


class Room(Resource):
    objects = RoomManager()

    class Meta:
        proxy = True
        verbose_name = _("会議室")
        verbose_name_plural = _("会議室")

    def save(self, *args, **kwargs):
        self.kind = Resource.Kind.ROOM
        super().save(*args, **kwargs)


class BookingSeries(models.Model):
    """A recurring booking: an RFC 5545 RRULE expanded into :class:`Booking` rows.

    ``rrule`` holds the rule without UNTIL (e.g. ``FREQ=WEEKLY;BYDAY=MO,WE``); the last
    day is ``until`` (inclusive, Tokyo date). Holidays and closure days are skipped when
    expanding; the calendar feed lists every rule date without an active booking as
    EXDATE.
    """

    resource = models.ForeignKey(
        Resource,
        verbose_name=_("座席・会議室"),
        on_delete=models.PROTECT,
        related_name="series",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("利用者"),
        on_delete=models.PROTECT,
        related_name="space_booking_series",
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("予約者"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    rrule = models.CharField(_("繰り返し規則"), max_length=200)
    first_starts_at = models.DateTimeField(_("初回の開始"))
    duration_minutes = models.PositiveIntegerField(_("利用時間（分）"))
    until = models.DateField(_("最終日"))
    title = models.CharField(_("件名"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("登録日時"), default=timezone.now)

    class Meta:
        verbose_name = _("繰り返し予約")
        verbose_name_plural = _("繰り返し予約")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.resource} {self.rrule}"

    @property
    def rule_in_words(self) -> str:
        """毎週火曜日, 毎月第2火曜日 … (spaces.recurrence.describe)."""
        return recurrence.describe(self.rrule)


class BookingQuerySet(models.QuerySet):
    def holding(self):
        """Bookings that occupy their resource (the ones the database keeps apart)."""
        return self.filter(status__in=Booking.HOLDING)

    def active(self):
        """Holding or waiting for approval."""
        return self.filter(status__in=(*Booking.HOLDING, Booking.Status.PENDING))

    def overlapping(self, starts_at: datetime.datetime, ends_at: datetime.datetime):
        """Half-open ranges [starts_at, ends_at): back-to-back bookings do not overlap."""
        return self.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)

    def upcoming(self, now: datetime.datetime | None = None):
        return self.filter(ends_at__gt=now or timezone.now())


class Booking(models.Model):
    """One resource for one person from ``starts_at`` to ``ends_at`` (exclusive)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("承認待ち")
        CONFIRMED = "confirmed", _("予約済み")
        CHECKED_IN = "checked_in", _("利用中")
        CHECKED_OUT = "checked_out", _("利用終了")
        CANCELLED = "cancelled", _("取消")
        RELEASED = "released", _("自動解放")
        DECLINED = "declined", _("不承認")

    # Kept apart by the database (exclusion constraint / triggers, migration 0002).
    HOLDING = (Status.CONFIRMED, Status.CHECKED_IN, Status.CHECKED_OUT)

    resource = models.ForeignKey(
        Resource,
        verbose_name=_("座席・会議室"),
        on_delete=models.PROTECT,
        related_name="bookings",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("利用者"),
        on_delete=models.PROTECT,
        related_name="space_bookings",
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("予約者"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    series = models.ForeignKey(
        BookingSeries,
        verbose_name=_("繰り返し予約"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bookings",
    )
    starts_at = models.DateTimeField(_("開始"))
    ends_at = models.DateTimeField(_("終了"))
    status = models.CharField(
        _("状態"), max_length=12, choices=Status.choices, default=Status.CONFIRMED
    )
    title = models.CharField(_("件名"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("登録日時"), default=timezone.now)
    checked_in_at = models.DateTimeField(_("チェックイン日時"), null=True, blank=True)
    checked_out_at = models.DateTimeField(
        _("チェックアウト日時"), null=True, blank=True
    )
    cancelled_at = models.DateTimeField(_("取消日時"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("取消者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    released_at = models.DateTimeField(_("自動解放日時"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承認・不承認者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("承認・不承認日時"), null=True, blank=True)
    decision_note = models.CharField(_("理由"), max_length=200, blank=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("予約")
        verbose_name_plural = _("予約")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["resource", "ends_at"]),
            models.Index(fields=["person", "ends_at"]),
            models.Index(fields=["status", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="booking_ends_after_start",
            )
        ]

    def __str__(self):
        local = timezone.localtime(self.starts_at)
        return f"{self.resource} {local:%Y-%m-%d %H:%M} {self.person}"

    def get_absolute_url(self):
        return reverse("spaces:booking", args=[self.pk])

    @property
    def is_holding(self) -> bool:
        return self.status in self.HOLDING

    @property
    def is_active(self) -> bool:
        return self.is_holding or self.status == self.Status.PENDING

    @property
    def local_day(self) -> datetime.date:
        return timezone.localtime(self.starts_at).date()


class SpacesProfile(models.Model):
    """A person's choices in spaces: who may see where they sit, and their calendar feed."""

    class Visibility(models.TextChoices):
        EVERYONE = "everyone", _("全職員に公開")
        SECTION = "section", _("所属課の職員のみ")
        NOBODY = "nobody", _("公開しない")

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("職員"),
        on_delete=models.PROTECT,
        related_name="spaces_profile",
    )
    location_visibility = models.CharField(
        _("座席の公開範囲"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.SECTION,
    )
    calendar_token = models.CharField(
        _("カレンダー配信用トークン"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        editable=False,
    )

    class Meta:
        verbose_name = _("座席の公開設定")
        verbose_name_plural = _("座席の公開設定")

    def __str__(self):
        return str(self.person)
