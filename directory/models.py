"""People, org units, posts and presence.

Units and memberships carry effective dates (``valid_from`` inclusive, ``valid_until``
exclusive, NULL = open) so that the April reorganisation (機構改革) can be entered in
advance and history stays true. People are deactivated, never deleted.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import managed
from .collation import person_sort_key, text_sort_key
from .text import normalize, normalize_name, romaji_variants


def today() -> datetime.date:
    return timezone.localdate()


class EffectiveQuerySet(models.QuerySet):
    def on(self, day: datetime.date | None = None):
        """Rows in effect on ``day`` (today by default)."""
        day = day or today()
        return self.filter(
            Q(valid_from__lte=day), Q(valid_until__isnull=True) | Q(valid_until__gt=day)
        )


class OrgUnit(models.Model):
    """An org unit (部・課・係・室, or a cross-cutting team) for a period of time."""

    class Kind(models.TextChoices):
        WARD = "ward", _("区")
        DEPARTMENT = "department", _("部")
        SECTION = "section", _("課")
        UNIT = "unit", _("係")
        OFFICE = "office", _("室")
        TEAM = "team", _("担当・プロジェクトチーム")

    code = models.CharField(_("組織コード"), max_length=64, db_index=True)
    name = models.CharField(_("名称"), max_length=100)
    name_kana = models.CharField(_("よみがな"), max_length=200, blank=True)
    short_name = models.CharField(
        _("略称"),
        max_length=20,
        blank=True,
        help_text=_("印影の上段などに使う短い名称"),
    )
    kind = models.CharField(_("種別"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上位組織"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    sort_order = models.PositiveIntegerField(_("表示順"), default=0)
    valid_from = models.DateField(_("設置日"), default=datetime.date(2000, 4, 1))
    valid_until = models.DateField(_("廃止日"), null=True, blank=True)
    predecessors = models.ManyToManyField(
        "self",
        verbose_name=_("前身組織"),
        symmetrical=False,
        blank=True,
        related_name="successors",
    )
    external_id = models.CharField(
        _("外部ID"), max_length=64, unique=True, null=True, blank=True
    )
    ldap_dn = models.CharField(_("LDAP DN"), max_length=512, blank=True)
    search_text = models.TextField(editable=False, default="")
    # 五十音順 of the reading (else the name): flat lists and pickers order by it;
    # the org chart keeps sort_order (the ward's own order) and breaks ties by it.
    sort_key = models.CharField(max_length=200, editable=False, default="")

    objects = EffectiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("組織")
        verbose_name_plural = _("組織")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_until__gt=models.F("valid_from")),
                name="orgunit_valid_period",
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self._set_path()
        self.refresh_search_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text", "sort_key"}
        super().save(*args, **kwargs)
        if self.path != f"{self._path_prefix()}{self.pk}/":
            # A new row learns its own id only after the first insert.
            self._set_path()
            super().save(update_fields=["path", "depth"])

    def get_absolute_url(self):
        return reverse("directory:unit", args=[self.pk])

    def refresh_search_fields(self) -> None:
        """Recompute ``search_text`` and ``sort_key`` (bulk writes call this too)."""
        self.search_text = self.build_search_text()
        self.sort_key = text_sort_key(self.name_kana, self.name)

    def build_search_text(self) -> str:
        """Name, reading, code and short name, normalised for the people finder."""
        return normalize(
            " ".join((self.name, self.name_kana, self.code, self.short_name))
        )

    def _path_prefix(self) -> str:
        return self.parent.path if self.parent_id else "/"

    def _set_path(self):
        self.path = f"{self._path_prefix()}{self.pk}/" if self.pk else ""
        self.depth = self.path.count("/") - 1 if self.path else 0

    @property
    def seal_name(self) -> str:
        return self.short_name or self.name

    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to and including this unit."""
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def ancestors(self):
        """This unit and the units above it, nearest first."""
        ids = self.ancestor_ids()
        units = {unit.pk: unit for unit in OrgUnit.objects.filter(pk__in=ids)}
        return [units[pk] for pk in reversed(ids) if pk in units]

    def descendants(self, include_self: bool = True):
        units = OrgUnit.objects.filter(path__startswith=self.path)
        return units if include_self else units.exclude(pk=self.pk)

    def in_effect(self, day: datetime.date | None = None) -> bool:
        day = day or today()
        return self.valid_from <= day and (
            self.valid_until is None or self.valid_until > day
        )

    def move_under(self, parent: OrgUnit | None):
        """Reparent this unit and rewrite the stored paths of its whole subtree."""
        old_path = self.path
        self.parent = parent
        self.save()
        for unit in OrgUnit.objects.filter(path__startswith=old_path).exclude(
            pk=self.pk
        ):
            unit.path = self.path + unit.path[len(old_path) :]
            unit.depth = unit.path.count("/") - 1
            unit.save(update_fields=["path", "depth"])


class Post(models.Model):
    """A post (職位). Approval authority attaches to posts, not to people."""

    code = models.CharField(_("職位コード"), max_length=32, unique=True)
    name = models.CharField(_("職位名"), max_length=50)
    rank = models.PositiveSmallIntegerField(
        _("序列"), help_text=_("小さいほど上位 (区長 = 10、主事 = 80 など)")
    )
    heads_unit = models.BooleanField(
        _("組織の長"),
        default=False,
        help_text=_("部長・課長・係長など、所属組織の長である職位"),
    )

    class Meta:
        verbose_name = _("職位")
        verbose_name_plural = _("職位")
        ordering = ["rank", "code"]

    def __str__(self):
        return self.name


# The fields search_fields() reads.
SEARCH_INPUTS = (
    "last_name",
    "first_name",
    "last_name_kana",
    "first_name_kana",
    "romaji_name",
    "username",
    "email",
    "extension",
    "employee_number",
)


def search_fields(
    *,
    last_name: str,
    first_name: str,
    last_name_kana: str,
    first_name_kana: str,
    romaji_name: str,
    username: str,
    email: str,
    extension: str,
    employee_number: str | None,
) -> tuple[str, str]:
    """A person's ``(sort_key, search_text)``.

    ``sort_key`` places the person in 五十音順 (JIS X 4061, surname first:
    ``directory.collation``). ``search_text`` holds the kanji
    name, the reading in hiragana, the romaji of the reading in the spellings people
    type (satou, sato, satoh), the romaji name, user ID, e-mail, extension and
    employee number, all normalised (NFKC, kana folded, lower case) and folded for
    names (``normalize_name``: 斉藤 is stored as 斎藤, so that either finds both).
    """
    reading = f"{last_name_kana}{first_name_kana}"
    sort_key = person_sort_key(last_name_kana, first_name_kana, last_name, first_name)
    romaji = [
        " ".join(romaji_variants(part))
        for part in (last_name_kana, first_name_kana)
        if part
    ]
    search_text = normalize_name(
        " ".join(
            part
            for part in (
                last_name + first_name,
                reading,
                *romaji,
                "".join(romaji_variants(reading)[:1]),
                romaji_name,
                romaji_name.replace(" ", ""),
                username,
                email,
                extension,
                employee_number or "",
            )
            if part
        )
    )
    return sort_key, search_text


def canonical_username(username: str) -> str:
    """A user ID in the form compared for sameness: LDAP and AD match user IDs
    without regard to case, so ``SATO.SHOTA0088`` and ``sato.shota0088`` are one ID."""
    return (username or "").strip().casefold()


class PersonManager(UserManager):
    def active(self):
        return self.filter(is_active=True)

    def get_by_natural_key(self, username):
        """The person with this user ID, case aside (as the directory's login does):
        the exact spelling first, else the one person whose ID differs in case."""
        try:
            return self.get(username=username)
        except self.model.DoesNotExist:
            matches = list(self.filter(username__iexact=(username or "").strip())[:2])
            if len(matches) != 1:
                raise
            return matches[0]


class DateStyle(models.TextChoices):
    """How a person reads dates (``intranet.core.dates`` styles)."""

    SEIREKI = "seireki", _("西暦（2026年12月2日）")
    WAREKI = "wareki", _("和暦（令和8年12月2日）")


class Person(AbstractUser):
    """A member of staff, and the account they log in with.

    ``last_name``/``first_name`` hold the kanji name; the readings are kept separately
    so that lists sort in 五十音順.
    """

    last_name_kana = models.CharField(_("姓（よみ）"), max_length=100, blank=True)
    first_name_kana = models.CharField(_("名（よみ）"), max_length=100, blank=True)
    romaji_name = models.CharField(_("ローマ字氏名"), max_length=200, blank=True)
    employee_number = models.CharField(
        _("職員番号"), max_length=32, unique=True, null=True, blank=True
    )
    extension = models.CharField(_("内線"), max_length=32, blank=True)
    phone = models.CharField(_("電話番号"), max_length=32, blank=True)
    photo = models.ImageField(_("写真"), upload_to="people/", blank=True)
    external_id = models.CharField(
        _("外部ID"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text=_("LDAP の entryUUID または AD の objectGUID"),
    )
    ldap_dn = models.CharField(_("LDAP DN"), max_length=512, blank=True)
    deactivated_at = models.DateTimeField(_("無効化日時"), null=True, blank=True)
    is_service_account = models.BooleanField(
        _("サービスアカウント"),
        default=False,
        help_text=_(
            "他システムが API で使うアカウント。職員検索や名簿には表示されません。"
        ),
    )
    date_style = models.CharField(
        _("日付の表示"),
        max_length=8,
        choices=DateStyle.choices,
        default=DateStyle.SEIREKI,
    )
    sort_key = models.CharField(
        max_length=200, db_index=True, editable=False, default=""
    )
    search_text = models.TextField(editable=False, default="")

    objects = PersonManager()

    class Meta:
        verbose_name = _("職員")
        verbose_name_plural = _("職員")
        ordering = ["sort_key", "id"]
        indexes = [
            # The people finder filters and sorts on these alone (a covering index
            # that SQLite scans instead of the wide table).
            models.Index(
                fields=["is_active", "sort_key", "id", "search_text"],
                name="person_finder",
            )
        ]

    def __str__(self):
        return self.full_name or self.username

    def save(self, *args, **kwargs):
        managed.refuse_changes(self, managed.PERSON_FIELDS)
        self.refresh_search_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "sort_key", "search_text"}
        super().save(*args, **kwargs)
        managed.remember(self, managed.PERSON_FIELDS)

    def get_absolute_url(self):
        return reverse("directory:profile", args=[self.pk])

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        managed.remember(instance, managed.PERSON_FIELDS)
        return instance

    @property
    def photo_url(self) -> str:
        """The photo through the permission-checked view ('' without one)."""
        return reverse("directory:photo", args=[self.pk]) if self.photo else ""

    def refresh_search_fields(self):
        """Recompute ``sort_key`` (五十音順) and ``search_text`` (every spelling).

        Bulk writes (the LDAP sync) use ``search_fields()`` directly.
        """
        self.sort_key, self.search_text = search_fields(
            **{name: getattr(self, name) for name in SEARCH_INPUTS}
        )
        if self.is_service_account:
            # No words to match: the people finder and site search never list it.
            self.search_text = ""

    @property
    def full_name(self) -> str:
        return f"{self.last_name} {self.first_name}".strip()

    @property
    def full_name_kana(self) -> str:
        return f"{self.last_name_kana} {self.first_name_kana}".strip()

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.last_name or self.username

    def primary_membership(self, day: datetime.date | None = None) -> Membership | None:
        return (
            self.memberships.on(day)
            .filter(is_primary=True)
            .select_related("unit", "post")
            .first()
        )

    def presence_on(self, day: datetime.date | None = None) -> PresencePeriod.Status:
        day = day or today()
        period = (
            self.presence_periods.covering(day).order_by("-start_date", "-id").first()
        )
        return (
            PresencePeriod.Status(period.status)
            if period
            else PresencePeriod.Status.IN_OFFICE
        )

    def is_absent_on(self, day: datetime.date | None = None) -> bool:
        return self.presence_periods.absent_on(day or today()).exists()


class MembershipQuerySet(EffectiveQuerySet):
    def active_people(self):
        return self.filter(person__is_active=True)


class Membership(models.Model):
    """A person's post in a unit for a period. 兼務 = several at once, one primary."""

    person = models.ForeignKey(
        Person,
        verbose_name=_("職員"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("組織"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    post = models.ForeignKey(
        Post,
        verbose_name=_("職位"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    is_primary = models.BooleanField(_("本務"), default=True)
    valid_from = models.DateField(_("発令日"), default=datetime.date(2000, 4, 1))
    valid_until = models.DateField(_("終了日"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("所属")
        verbose_name_plural = _("所属")
        indexes = [models.Index(fields=["unit", "post"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_until__gt=models.F("valid_from")),
                name="membership_valid_period",
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(is_primary=True, valid_until__isnull=True),
                name="membership_one_open_primary",
            ),
        ]

    def __str__(self):
        return f"{self.person} — {self.unit} {self.post}"

    def save(self, *args, **kwargs):
        managed.refuse_changes(self, managed.MEMBERSHIP_FIELDS)
        super().save(*args, **kwargs)
        managed.remember(self, managed.MEMBERSHIP_FIELDS)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        managed.remember(instance, managed.MEMBERSHIP_FIELDS)
        return instance


class PresenceQuerySet(models.QuerySet):
    def covering(self, day: datetime.date):
        return self.filter(start_date__lte=day, end_date__gte=day)

    def absent_on(self, day: datetime.date):
        return self.covering(day).filter(status__in=PresencePeriod.ABSENT_STATUSES)


class PresencePeriod(models.Model):
    """Where a person is on a range of days (inclusive). No period means 在席."""

    class Status(models.TextChoices):
        IN_OFFICE = "in_office", _("在席")
        TELEWORK = "telework", _("テレワーク")
        BUSINESS_TRIP = "business_trip", _("出張")
        LEAVE = "leave", _("休暇")

    # Statuses that make approvals go to a deputy (代決) or be reviewed later (後閲).
    ABSENT_STATUSES = (Status.BUSINESS_TRIP, Status.LEAVE)

    person = models.ForeignKey(
        Person,
        verbose_name=_("職員"),
        on_delete=models.PROTECT,
        related_name="presence_periods",
    )
    status = models.CharField(_("状況"), max_length=20, choices=Status.choices)
    start_date = models.DateField(_("開始日"))
    end_date = models.DateField(_("終了日"))
    note = models.CharField(_("備考"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        Person,
        verbose_name=_("登録者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登録日時"), default=timezone.now)

    objects = PresenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("在席予定")
        verbose_name_plural = _("在席予定")
        ordering = ["start_date"]
        indexes = [models.Index(fields=["person", "start_date", "end_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="presence_valid_period",
            )
        ]

    def __str__(self):
        return f"{self.person} {self.get_status_display()} {self.start_date}–{self.end_date}"

    @property
    def is_absence(self) -> bool:
        return self.status in self.ABSENT_STATUSES


class SyncRun(models.Model):
    """One run of the directory sync (LDAP, AD or an LDIF file), kept for the record.

    At most one run is RUNNING at a time: a partial unique index (which PostgreSQL and
    SQLite both enforce) is the lock, so two workers can never sync at once.
    """

    class Status(models.TextChoices):
        RUNNING = "running", _("実行中")
        SUCCEEDED = "succeeded", _("成功")
        FAILED = "failed", _("失敗")
        ABORTED = "aborted", _("中止（変更なし）")

    class Mode(models.TextChoices):
        FULL = "full", _("全件")
        INCREMENTAL = "incremental", _("差分")
        LDIF = "ldif", _("LDIFファイル")

    status = models.CharField(
        _("結果"), max_length=20, choices=Status.choices, default=Status.RUNNING
    )
    mode = models.CharField(_("方式"), max_length=20, choices=Mode.choices)
    trigger = models.CharField(_("起動元"), max_length=40, blank=True)
    forced = models.BooleanField(_("--force 指定"), default=False)
    source = models.CharField(_("接続先"), max_length=500, blank=True)
    started_at = models.DateTimeField(_("開始日時"), default=timezone.now)
    finished_at = models.DateTimeField(_("終了日時"), null=True, blank=True)
    entries_read = models.PositiveIntegerField(_("読込件数"), default=0)
    created = models.PositiveIntegerField(_("追加"), default=0)
    updated = models.PositiveIntegerField(_("更新"), default=0)
    moved = models.PositiveIntegerField(_("異動"), default=0)
    deactivated = models.PositiveIntegerField(_("無効化"), default=0)
    reactivated = models.PositiveIntegerField(_("再有効化"), default=0)
    units_changed = models.PositiveIntegerField(_("組織の変更"), default=0)
    groups_changed = models.PositiveIntegerField(_("グループの変更"), default=0)
    warnings = models.TextField(_("警告"), blank=True)
    error = models.TextField(_("エラー"), blank=True)
    high_water = models.CharField(
        _("差分の基準値"),
        max_length=64,
        blank=True,
        help_text=_("OpenLDAP: modifyTimestamp、AD: uSNChanged"),
    )
    invocation_id = models.CharField(_("AD invocationId"), max_length=64, blank=True)
    relinked = models.PositiveIntegerField(_("再採用（再リンク）"), default=0)
    released = models.PositiveIntegerField(_("ID の解放"), default=0)
    quarantined = models.PositiveIntegerField(_("保留"), default=0)
    quarantine = models.TextField(
        _("保留したエントリ"),
        blank=True,
        help_text=_("重複のため反映しなかったエントリと、その理由"),
    )
    holder_host = models.CharField(_("実行ホスト"), max_length=255, blank=True)
    holder_pid = models.PositiveIntegerField(_("プロセスID"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("最終応答"), null=True, blank=True)
    cleared_by = models.CharField(
        _("ロック解除者"),
        max_length=255,
        blank=True,
        help_text=_("sync_directory --unlock で打ち切った利用者とホスト"),
    )

    class Meta:
        verbose_name = _("名簿同期の記録")
        verbose_name_plural = _("名簿同期の記録")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status="running"),
                name="syncrun_one_running",
            )
        ]

    def __str__(self):
        return f"{self.get_mode_display()} {self.started_at:%Y-%m-%d %H:%M} {self.get_status_display()}"

    @property
    def duration(self) -> datetime.timedelta | None:
        return self.finished_at - self.started_at if self.finished_at else None


class GroupMapping(models.Model):
    """An LDAP/AD group whose members make up a Django group (role), e.g. DX推進PT.

    ``ldap_group`` is the group's cn (or sAMAccountName), or its full DN. Members of
    the Django group who came from the directory are kept equal to the LDAP members;
    local accounts added by hand are left alone.
    """

    ldap_group = models.CharField(_("LDAP グループ"), max_length=512, unique=True)
    group = models.ForeignKey(
        "auth.Group",
        verbose_name=_("権限グループ"),
        on_delete=models.CASCADE,
        related_name="ldap_mappings",
    )

    class Meta:
        verbose_name = _("グループ対応")
        verbose_name_plural = _("グループ対応")
        ordering = ["ldap_group"]

    def __str__(self):
        return f"{self.ldap_group} → {self.group}"


class LoginFailure(models.Model):
    """A failed login, counted per account and per address to slow down guessing."""

    username = models.CharField(max_length=150, db_index=True)
    address = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("ログイン失敗")
        verbose_name_plural = _("ログイン失敗")

    def __str__(self):
        return f"{self.username} {self.address} {self.at:%Y-%m-%d %H:%M}"
