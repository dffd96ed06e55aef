from __future__ import annotations

import datetime

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import throttle
from .ldap import auth as ldap_auth
from .models import Person, PresencePeriod

LOGIN_MESSAGES = {
    ldap_auth.UNREACHABLE: _(
        "認証サーバー（LDAP）に接続できません。しばらくしてからもう一度お試しください。"
        "続く場合は情報システム係にご連絡ください。"
    ),
    ldap_auth.DISABLED: _(
        "このアカウントは無効になっています。人事異動や退職の直後であれば、"
        "情報システム係にお問い合わせください。"
    ),
    ldap_auth.NOT_SYNCED: _(
        "パスワードは確認できましたが、職員名簿にまだ登録されていません。"
        "名簿の同期後にもう一度お試しください。"
    ),
}


class LoginForm(AuthenticationForm):
    """Django's login form, plus throttling and clear reasons for a refusal."""

    error_messages = {
        **AuthenticationForm.error_messages,
        # Django's own message says both fields may be case-sensitive; user IDs are
        # not (LDAP matches them case aside, and so does PersonManager).
        "invalid_login": _(
            "ユーザーIDまたはパスワードが正しくありません。"
            "ユーザーIDは大文字・小文字を区別しませんが、パスワードは区別します。"
        ),
        "throttled": _(
            "ログインに続けて失敗したため、この端末からこのユーザーIDでのログインを"
            "少しの間お待ちいただいています。%(seconds)d 秒ほど待ってから"
            "もう一度お試しください。"
        ),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        password = self.cleaned_data.get("password")
        address = throttle.client_address(self.request)
        wait = throttle.wait_seconds(username, address)
        if wait:
            raise ValidationError(
                self.error_messages["throttled"],
                code="throttled",
                params={"seconds": wait},
            )
        try:
            super().clean()
        except ValidationError:
            throttle.record_failure(username, address)
            problem = getattr(self.request, "login_problem", None)
            if problem in LOGIN_MESSAGES:
                raise ValidationError(LOGIN_MESSAGES[problem], code=problem) from None
            local = Person.objects.filter(
                username__iexact=username.strip(), is_active=False
            ).first()
            if local is not None and password and local.check_password(password):
                raise ValidationError(
                    LOGIN_MESSAGES[ldap_auth.DISABLED], code="disabled"
                ) from None
            raise
        throttle.clear(username, address)
        return self.cleaned_data


class PresenceForm(forms.Form):
    status = forms.ChoiceField(label=_("状況"), choices=PresencePeriod.Status.choices)
    start_date = forms.DateField(
        label=_("開始日"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end_date = forms.DateField(
        label=_("終了日"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("備考"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end:
            if end < start:
                raise ValidationError(_("終了日は開始日以降の日付にしてください。"))
            if end - start > datetime.timedelta(days=366):
                raise ValidationError(_("期間は1年以内で登録してください。"))
        return data


# Pillow's format name → the extensions a photo of that format may have.
PHOTO_FORMATS = {"JPEG": ("jpg", "jpeg"), "PNG": ("png",)}


class PhotoForm(forms.Form):
    photo = forms.ImageField(label=_("写真"))

    def clean_photo(self):
        photo = self.cleaned_data["photo"]
        if photo.size > 5 * 1024 * 1024:
            raise ValidationError(_("写真は 5 MB 以下にしてください。"))
        # Pillow read the bytes: the format is what the file is, whatever its name.
        kind = PHOTO_FORMATS.get(getattr(photo.image, "format", None))
        extension = photo.name.rsplit(".", 1)[-1].lower() if "." in photo.name else ""
        if kind is None or extension not in kind:
            raise ValidationError(_("写真は JPEG か PNG のファイルを選んでください。"))
        return photo


class DisplaySettingsForm(forms.ModelForm):
    """A person's own display preferences (日付の表示: 西暦 or 和暦)."""

    class Meta:
        model = Person
        fields = ["date_style"]
        widgets = {"date_style": forms.RadioSelect}
