"""Who wants which notification by e-mail, when: defaults, groups and quiet hours.

A person's choices are stored only where they differ from :data:`DEFAULT_EMAIL`, so a
better default later reaches everyone who never changed that kind.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .kinds import Kind
from .models import (
    EmailMode,
    KindPreference,
    KindPushPreference,
    NotificationPreference,
)

DEFAULT_DIGEST_TIME = datetime.time(8, 30)

# What reaches a person by e-mail unless they choose otherwise. Anything that waits
# for them (an approval, a booking to approve) comes at once; news comes once a day.
DEFAULT_EMAIL: dict[str, EmailMode] = {
    Kind.TASK_ASSIGNED: EmailMode.IMMEDIATE,
    Kind.DOCUMENT_RETURNED: EmailMode.IMMEDIATE,
    Kind.DOCUMENT_DECIDED: EmailMode.IMMEDIATE,
    Kind.DOCUMENT_REJECTED: EmailMode.IMMEDIATE,
    Kind.DOCUMENT_WITHDRAWN: EmailMode.DIGEST,
    Kind.TASK_OVERDUE: EmailMode.IMMEDIATE,
    Kind.TASK_REMINDER: EmailMode.IMMEDIATE,
    Kind.POST_REVIEW: EmailMode.IMMEDIATE,
    Kind.CIRCULATION: EmailMode.DIGEST,
    Kind.TASK_REASSIGNED: EmailMode.IMMEDIATE,
    Kind.LOGIN_FAILURES: EmailMode.IMMEDIATE,
    Kind.SIGNIN_FACTORS_RESET: EmailMode.IMMEDIATE,
    Kind.INCOMING_ASSIGNED: EmailMode.IMMEDIATE,
    Kind.RECORDS_CIRCULAR: EmailMode.DIGEST,
    Kind.RECORDS_CORRECTION: EmailMode.IMMEDIATE,
    Kind.RECORDS_EXPIRING: EmailMode.DIGEST,
    Kind.BOOKING_CONFIRMED: EmailMode.OFF,
    Kind.BOOKING_CANCELLED: EmailMode.IMMEDIATE,
    Kind.BOOKING_RELEASED: EmailMode.IMMEDIATE,
    Kind.BOOKING_APPROVAL_REQUESTED: EmailMode.IMMEDIATE,
    Kind.BOOKING_DECLINED: EmailMode.IMMEDIATE,
    Kind.PROPOSAL_PUBLISHED: EmailMode.DIGEST,
    Kind.PROPOSAL_COMMENTED: EmailMode.DIGEST,
    Kind.PROPOSAL_COMMENT_REPORTED: EmailMode.IMMEDIATE,
    Kind.PROPOSAL_SUPPORTED: EmailMode.DIGEST,
    Kind.PROPOSAL_STATUS_CHANGED: EmailMode.DIGEST,
    Kind.PAGE_REVIEW: EmailMode.IMMEDIATE,
    Kind.PAGE_CHANGES_REQUESTED: EmailMode.IMMEDIATE,
    Kind.PAGE_APPROVED: EmailMode.IMMEDIATE,
    Kind.PAGE_REVIEW_CANCELLED: EmailMode.DIGEST,
    Kind.DIRECTORY_SYNC_FAILED: EmailMode.IMMEDIATE,
    Kind.SYSTEM: EmailMode.IMMEDIATE,
    Kind.UNIT_NOTICE: EmailMode.IMMEDIATE,
}
# A kind added later without a default here: better an e-mail too many than a
# missed approval.
FALLBACK_EMAIL = EmailMode.IMMEDIATE

# How the preference page groups the kinds; kinds not listed go under その他.
GROUPS: list[tuple[str, object, tuple[str, ...]]] = [
    (
        "approvals",
        _("電子決裁"),
        ("task_", "document_", "post_review", "circulation"),
    ),
    ("records", _("文書管理"), ("incoming_", "records_")),
    ("spaces", _("座席・会議室"), ("booking_",)),
    ("content", _("提案・お知らせ"), ("proposal_", "page_", "unit_notice")),
    ("operations", _("運用"), ("directory_", "login_", "signin_", "system")),
]
OTHER_GROUP = ("other", _("その他"))

DESCRIPTIONS: dict[str, object] = {
    Kind.TASK_ASSIGNED: _("あなたの決裁・確認を待つ文書が届いたとき"),
    Kind.DOCUMENT_RETURNED: _("起案した文書が差し戻されたとき"),
    Kind.DOCUMENT_DECIDED: _("起案した文書が決裁されたとき"),
    Kind.DOCUMENT_REJECTED: _("起案した文書が却下されたとき"),
    Kind.DOCUMENT_WITHDRAWN: _("回ってくる予定の文書が取り下げ・引き戻されたとき"),
    Kind.TASK_OVERDUE: _("処理期限を過ぎた文書があるとき"),
    Kind.TASK_REMINDER: _("処理期限が近づいたとき"),
    Kind.POST_REVIEW: _("代決・不在中に処理された文書の後閲をお願いするとき"),
    Kind.CIRCULATION: _("供覧・回覧の文書が届いたとき"),
    Kind.TASK_REASSIGNED: _("処理中の文書の処理者が管理者により変更されたとき"),
    Kind.LOGIN_FAILURES: _("ログインの失敗が続いているとき（管理者向け）"),
    Kind.SIGNIN_FACTORS_RESET: _("二段階認証の設定が管理者により初期化されたとき"),
    Kind.BOOKING_CONFIRMED: _("座席・会議室の予約が確定したとき"),
    Kind.BOOKING_CANCELLED: _("予約が取り消されたとき"),
    Kind.BOOKING_RELEASED: _("チェックインがなく予約が自動で解放されたとき"),
    Kind.BOOKING_APPROVAL_REQUESTED: _("承認が必要な会議室の予約があるとき"),
    Kind.BOOKING_DECLINED: _("会議室の利用が承認されなかったとき"),
    Kind.PROPOSAL_PUBLISHED: _("DX推進PTの提案が公開されたとき"),
    Kind.PROPOSAL_COMMENTED: _("DX推進PTの提案にコメントがついたとき（PT向け）"),
    Kind.PROPOSAL_COMMENT_REPORTED: _("提案へのコメントが通報されたとき（PT向け）"),
    Kind.PAGE_REVIEW: _("ページの公開審査をお願いするとき"),
    Kind.DIRECTORY_SYNC_FAILED: _("職員名簿の同期に失敗したとき（管理者向け）"),
    Kind.SYSTEM: _("システムの停止・更新などのお知らせ"),
    Kind.UNIT_NOTICE: _("係長・課長などから所属職員への連絡"),
}


# What pushes to a registered phone unless the person chooses otherwise: what waits
# for them, or what went wrong with something of theirs.
DEFAULT_PUSH: frozenset[str] = frozenset(
    {
        Kind.TASK_ASSIGNED,
        Kind.DOCUMENT_RETURNED,
        Kind.DOCUMENT_DECIDED,
        Kind.DOCUMENT_REJECTED,
        Kind.TASK_OVERDUE,
        Kind.POST_REVIEW,
        Kind.BOOKING_CANCELLED,
        Kind.BOOKING_RELEASED,
        Kind.BOOKING_APPROVAL_REQUESTED,
        Kind.BOOKING_DECLINED,
    }
)


def default_push(kind: str) -> bool:
    return kind in DEFAULT_PUSH


def default_email(kind: str) -> EmailMode:
    return DEFAULT_EMAIL.get(kind, FALLBACK_EMAIL)


def group_of(kind: str) -> str:
    for key, _label, prefixes in GROUPS:
        if kind.startswith(prefixes):
            return key
    return OTHER_GROUP[0]


def grouped_kinds() -> list[tuple[str, object, list[Kind]]]:
    """(key, label, kinds) for the preference page, in the enum's order."""
    groups = [(key, label, []) for key, label, _prefixes in GROUPS]
    groups.append((*OTHER_GROUP, []))
    by_key = {key: kinds for key, _label, kinds in groups}
    for kind in Kind:
        by_key[group_of(kind.value)].append(kind)
    return [group for group in groups if group[2]]


@dataclass
class EmailPreferences:
    """One person's resolved e-mail preferences."""

    choices: dict[str, str] = field(default_factory=dict)
    digest_time: datetime.time = DEFAULT_DIGEST_TIME
    quiet_from: datetime.time | None = None
    quiet_until: datetime.time | None = None
    push_choices: dict[str, bool] = field(default_factory=dict)

    def mode_for(self, kind: str) -> EmailMode:
        chosen = self.choices.get(kind)
        return EmailMode(chosen) if chosen else default_email(kind)

    def push_for(self, kind: str) -> bool:
        """Whether ``kind`` goes to the person's registered devices."""
        return self.push_choices.get(kind, default_push(kind))

    @property
    def has_quiet_hours(self) -> bool:
        return self.quiet_from is not None and self.quiet_until is not None

    def quiet_end(self, moment: datetime.datetime) -> datetime.datetime | None:
        """When the quiet hours around ``moment`` end, or None outside them."""
        if not self.has_quiet_hours:
            return None
        local = timezone.localtime(moment)
        clock = local.time()
        start, end = self.quiet_from, self.quiet_until
        if start < end:
            inside = start <= clock < end
            end_day = local.date()
        else:  # crosses midnight: 20:00–08:00
            inside = clock >= start or clock < end
            end_day = local.date() + datetime.timedelta(days=1 if clock >= start else 0)
        if not inside:
            return None
        return _at(end_day, end)

    def outside_quiet_hours(self, moment: datetime.datetime) -> datetime.datetime:
        """``moment``, or the end of the quiet hours it falls in."""
        return self.quiet_end(moment) or moment

    def next_digest(self, after: datetime.datetime) -> datetime.datetime:
        """The first digest time strictly after ``after`` (then past quiet hours)."""
        local = timezone.localtime(after)
        moment = _at(local.date(), self.digest_time)
        if moment <= after:
            moment = _at(local.date() + datetime.timedelta(days=1), self.digest_time)
        return self.outside_quiet_hours(moment)


def _at(day: datetime.date, clock: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, clock))


def for_people(
    person_ids: Iterable[int], *, push: bool = False
) -> dict[int, EmailPreferences]:
    """Resolved preferences of several people, in two queries (three with the push
    choices, which e-mail planning does not need)."""
    ids = list(person_ids)
    resolved = {pk: EmailPreferences() for pk in ids}
    for row in NotificationPreference.objects.filter(person_id__in=ids):
        prefs = resolved[row.person_id]
        prefs.digest_time = row.digest_time
        prefs.quiet_from = row.quiet_from
        prefs.quiet_until = row.quiet_until
    for person_id, kind, email in KindPreference.objects.filter(
        person_id__in=ids
    ).values_list("person_id", "kind", "email"):
        resolved[person_id].choices[kind] = email
    if push:
        for person_id, kind, wanted in KindPushPreference.objects.filter(
            person_id__in=ids
        ).values_list("person_id", "kind", "push"):
            resolved[person_id].push_choices[kind] = wanted
    return resolved


def for_person(person, *, push: bool = False) -> EmailPreferences:
    return for_people([person.pk], push=push)[person.pk]
