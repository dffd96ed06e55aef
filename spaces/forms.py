"""Booking forms: a desk by half-day, a room in 30-minute steps, maybe recurring."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from intranet.core.text import SingleLineField

from . import recurrence, slots
from .models import SpacesProfile

NO_REPEAT = ""
REPEAT_CHOICES = [(NO_REPEAT, _("繰り返さない")), *recurrence.Frequency.choices]
WEEKDAY_CHOICES = [
    (0, _("月")),
    (1, _("火")),
    (2, _("水")),
    (3, _("木")),
    (4, _("金")),
    (5, _("土")),
    (6, _("日")),
]


class BookingForm(forms.Form):
    """Common to desks and rooms: the day, for whom, and the repetition."""

    day = forms.DateField(
        label=_("日付"), widget=forms.DateInput(attrs={"type": "date"})
    )
    for_person = forms.CharField(
        label=_("代理予約（利用する職員）"),
        required=False,
        max_length=150,
        help_text=_(
            "同じ課の職員の分を予約するときに、ユーザーIDまたは職員番号を入力します。"
        ),
    )
    repeat = forms.ChoiceField(
        label=_("繰り返し"), choices=REPEAT_CHOICES, required=False
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("曜日（毎週のとき）"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    until = forms.DateField(
        label=_("繰り返しの最終日"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    skip_conflicts = forms.BooleanField(
        label=_("予約済みの日を除いて予約する"), required=False
    )

    def __init__(self, *args, resource, user, **kwargs):
        self.resource = resource
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_for_person(self):
        value = self.cleaned_data["for_person"].strip()
        if not value:
            return self.user
        person = (
            get_user_model()
            .objects.filter(
                Q(username=value) | Q(employee_number=value), is_active=True
            )
            .first()
        )
        if person is None:
            raise forms.ValidationError(_("該当する職員が見つかりません。"))
        return person

    def clean(self):
        cleaned = super().clean()
        repeat = cleaned.get("repeat")
        day = cleaned.get("day")
        if repeat and day:
            if not cleaned.get("until"):
                self.add_error("until", _("繰り返しの最終日を入力してください。"))
            else:
                cleaned["rrule"] = recurrence.build_rrule(
                    repeat, first_day=day, weekdays=cleaned.get("weekdays")
                )
        return cleaned

    def times(self) -> tuple[datetime.datetime, datetime.datetime]:
        raise NotImplementedError


class DeskBookingForm(BookingForm):
    slot = forms.ChoiceField(
        label=_("時間帯"),
        choices=slots.DeskSlot.choices,
        widget=forms.RadioSelect,
        initial=slots.DeskSlot.DAY,
    )
    field_order = ["day", "slot", "for_person", "repeat", "weekdays", "until"]

    def times(self):
        return slots.desk_slot_bounds(
            self.resource.floor.building,
            self.cleaned_data["day"],
            self.cleaned_data["slot"],
        )


class RoomBookingForm(BookingForm):
    start = forms.TimeField(label=_("開始"), widget=forms.Select)
    end = forms.TimeField(label=_("終了"), widget=forms.Select)
    title = SingleLineField(label=_("件名"), max_length=100, required=False)
    field_order = [
        "day",
        "start",
        "end",
        "title",
        "for_person",
        "repeat",
        "weekdays",
        "until",
    ]

    def __init__(self, *args, rules, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [
            (value.strftime("%H:%M"), value.strftime("%H:%M"))
            for value in slots.room_times(rules.opens_at, rules.closes_at)
        ]
        self.fields["start"].widget.choices = choices[:-1]
        self.fields["end"].widget.choices = choices[1:]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end <= start:
            self.add_error("end", _("終了は開始より後の時刻にしてください。"))
        return cleaned

    def times(self):
        day = self.cleaned_data["day"]
        return (
            slots.at(day, self.cleaned_data["start"]),
            slots.at(day, self.cleaned_data["end"]),
        )


class CancelForm(forms.Form):
    scope = forms.ChoiceField(
        label=_("取り消す範囲"),
        choices=[
            ("one", _("この日だけ")),
            ("following", _("この日以降")),
            ("series", _("繰り返しすべて")),
        ],
        initial="one",
        widget=forms.RadioSelect,
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("不承認の理由"), max_length=200, required=False)


class PrivacyForm(forms.Form):
    location_visibility = forms.ChoiceField(
        label=_("自分の座席を見せる範囲"),
        choices=SpacesProfile.Visibility.choices,
        widget=forms.RadioSelect,
    )


class ReportForm(forms.Form):
    start = forms.DateField(
        label=_("開始日"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("終了日"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("終了日は開始日以降にしてください。"))
            elif (end - start).days > 366:
                self.add_error("end", _("期間は1年以内にしてください。"))
        return cleaned
