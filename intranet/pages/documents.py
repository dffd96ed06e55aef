"""CMS documents (Wagtail): the type is checked from the bytes, not only the name.

Wagtail's own upload field checks the extension (WAGTAILDOCS_EXTENSIONS) and the size;
this form, set as WAGTAILDOCS_DOCUMENT_FORM_BASE, also refuses a file whose bytes are
not what its extension says (an HTML page named .pdf, say). Every way into the CMS
library uses it: the document form, the multiple uploader and the chooser's upload.
Documents are always served as downloads with nosniff (WAGTAILDOCS_INLINE_CONTENT_TYPES).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from wagtail.documents.forms import BaseDocumentForm

from intranet.core import files

KNOWN_KINDS = (
    files.PDF,
    files.DOCX,
    files.XLSX,
    files.PPTX,
    files.ODT,
    files.ODS,
    files.TEXT,
    files.CSV,
    files.ZIP,
    files.PNG,
    files.JPEG,
    files.GIF,
)


def accepted_kinds() -> list[files.FileKind]:
    """The kinds whose extensions the CMS accepts (WAGTAILDOCS_EXTENSIONS)."""
    allowed = set(settings.WAGTAILDOCS_EXTENSIONS)
    return [kind for kind in KNOWN_KINDS if allowed & set(kind.extensions)]


def check_document_file(upload) -> None:
    """Raise ValidationError unless the bytes are an accepted kind its name agrees with."""
    kinds = accepted_kinds()
    try:
        files.check_kind(upload, name=upload.name, accepted=kinds)
    except files.Refused as refused:
        if refused.mismatched:
            raise ValidationError(
                _(
                    "ファイルの内容（%(kind)s）と拡張子（.%(extension)s）が一致しません。"
                ),
                code="file_extension",
                params={
                    "kind": refused.kind.label,
                    "extension": refused.extension or "-",
                },
            ) from None
        raise ValidationError(
            _(
                "この種類のファイルは登録できません（ファイルの内容で判定しています）。"
                "登録できるのは %(kinds)s です。"
            ),
            code="file_kind",
            params={"kinds": "・".join(dict.fromkeys(k.label for k in kinds))},
        ) from None


class CheckedDocumentForm(BaseDocumentForm):
    def clean_file(self):
        upload = self.cleaned_data.get("file")
        # On an edit without a new file this is the stored file: nothing to check.
        if isinstance(upload, UploadedFile):
            check_document_file(upload)
        return upload

    def _post_clean(self):
        # A refused file leaves the model without one, and the model's own check would
        # add "extension '' is not allowed" under ours: keep only what the field said.
        refused = self._errors.get("file")
        kept = self.error_class(refused.as_data()) if refused else None
        super()._post_clean()
        if kept is not None:
            self._errors["file"] = kept
