from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from intranet.core.text import SingleLineField

from .models import EmailMode
from .preferences import DESCRIPTIONS, EmailPreferences, grouped_kinds

DEFAULT_QUIET_FROM = "20:00"
DEFAULT_QUIET_UNTIL = "08:00"


def kind_field_name(kind) -> str:
    return f"email_{kind.value}"


def push_field_name(kind) -> str:
    return f"push_{kind.value}"


class PreferencesForm(forms.Form):
    """Per kind: no e-mail / at once / daily digest; the digest time; quiet hours."""

    digest_time = forms.TimeField(
        label=_("まとめメールを受け取る時刻"),
        widget=forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M"),
        help_text=_(
            "「毎日まとめて」にした種別は、この時刻にまだ見ていないものを1通にまとめてお送りします。"
        ),
    )
    quiet_enabled = forms.BooleanField(
        label=_("夜間・早朝などにメールを送らない"), required=False
    )
    quiet_from = forms.TimeField(
        label=_("開始"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M"),
    )
    quiet_until = forms.TimeField(
        label=_("終了"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = []
        for key, label, kinds in grouped_kinds():
            names = []
            for kind in kinds:
                name = kind_field_name(kind)
                self.fields[name] = forms.ChoiceField(
                    label=kind.label,
                    choices=EmailMode.choices,
                    widget=forms.RadioSelect,
                    help_text=DESCRIPTIONS.get(kind, ""),
                )
                self.fields[push_field_name(kind)] = forms.BooleanField(
                    label=_("プッシュ通知"), required=False
                )
                names.append(name)
            self.groups.append((key, label, names))

    @classmethod
    def initial_from(cls, prefs: EmailPreferences) -> dict:
        from .kinds import Kind

        initial = {
            kind_field_name(kind): prefs.mode_for(kind.value).value for kind in Kind
        }
        initial.update(
            {push_field_name(kind): prefs.push_for(kind.value) for kind in Kind}
        )
        initial["digest_time"] = prefs.digest_time
        initial["quiet_enabled"] = prefs.has_quiet_hours
        initial["quiet_from"] = prefs.quiet_from or DEFAULT_QUIET_FROM
        initial["quiet_until"] = prefs.quiet_until or DEFAULT_QUIET_UNTIL
        return initial

    def grouped_fields(self):
        """(key, label, [(e-mail field, push field)]) for the template."""
        return [
            (
                key,
                label,
                [
                    (self[name], self["push_" + name.removeprefix("email_")])
                    for name in names
                ],
            )
            for key, label, names in self.groups
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("quiet_enabled"):
            start, end = cleaned.get("quiet_from"), cleaned.get("quiet_until")
            if start is None and "quiet_from" not in self.errors:
                self.add_error("quiet_from", _("開始時刻を入力してください。"))
            if end is None and "quiet_until" not in self.errors:
                self.add_error("quiet_until", _("終了時刻を入力してください。"))
            if start is not None and start == end:
                self.add_error(
                    "quiet_until", _("開始と終了に同じ時刻は指定できません。")
                )
        return cleaned

    def email_modes(self) -> dict[str, str]:
        return {
            name.removeprefix("email_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("email_")
        }

    def push_kinds(self) -> dict[str, bool]:
        return {
            name.removeprefix("push_"): bool(value)
            for name, value in self.cleaned_data.items()
            if name.startswith("push_")
        }

    def quiet_hours(self):
        if not self.cleaned_data.get("quiet_enabled"):
            return None, None
        return self.cleaned_data["quiet_from"], self.cleaned_data["quiet_until"]


def intranet_path(value: str) -> str:
    """A link inside the intranet, as a path ("/approvals/12/")."""
    value = value.strip()
    if not value:
        return ""
    base = urlsplit(getattr(settings, "WAGTAILADMIN_BASE_URL", "") or "")
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
            raise ValidationError(
                _("庁内ポータルのページのURLを入力してください（例: /approvals/12/）。")
            )
        value = parts.path or "/"
        if parts.query:
            value += f"?{parts.query}"
    if not value.startswith("/") or value.startswith("//") or "\\" in value:
        raise ValidationError(
            _("庁内ポータルのページのURLを入力してください（例: /approvals/12/）。")
        )
    return value


class UnitNoticeForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("宛先の所属"), coerce=int)
    subject = SingleLineField(label=_("件名"), max_length=100)
    body = forms.CharField(
        label=_("本文"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    url = forms.CharField(
        label=_("関連ページ（任意）"),
        required=False,
        max_length=500,
        help_text=_("庁内ポータル内のページのURL。お知らせから直接開けます。"),
    )

    def __init__(self, *args, units, member_counts, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {unit.pk: unit for unit in units}
        self.fields["unit"].choices = [
            (
                unit.pk,
                _("%(name)s（%(count)d人）")
                % {"name": unit.name, "count": member_counts.get(unit.pk, 0)},
            )
            for unit in units
        ]

    def clean_url(self):
        return intranet_path(self.cleaned_data["url"])

    def clean_subject(self):
        subject = self.cleaned_data["subject"].strip()
        if not subject:
            raise ValidationError(_("件名を入力してください。"))
        return subject

    @property
    def chosen_unit(self):
        return self.units[self.cleaned_data["unit"]]


class PushDeviceForm(forms.Form):
    """A browser's push subscription, as the page's script read it."""

    name = forms.CharField(label=_("端末の名前"), max_length=60)
    endpoint = forms.CharField(max_length=1000, widget=forms.HiddenInput)
    p256dh = forms.CharField(max_length=200, widget=forms.HiddenInput)
    auth = forms.CharField(max_length=100, widget=forms.HiddenInput)
