"""Attachment validation (size, sniffed content type) and their private storage.

Files are stored under ``settings.APPROVALS["FILES_ROOT"]``, never under MEDIA_ROOT,
and are only ever served by ``views.attachment`` after a visibility check.
The type is decided from the file's first bytes, not from its name or the browser's
claim; the name's extension must agree with what the bytes are.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePath

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.translation import gettext as _

from intranet.core.files import (
    CSV,
    DOCX,
    GIF,
    JPEG,
    ODS,
    ODT,
    PDF,
    PNG,
    PPTX,
    TEXT,
    XLSX,
    FileKind,
    Refused,
    check_kind,
)

from .errors import InvalidAttachment


@lru_cache(maxsize=4)
def _storage(location: str) -> FileSystemStorage:
    return FileSystemStorage(location=location, base_url=None)


def private_storage() -> FileSystemStorage:
    return _storage(settings.APPROVALS["FILES_ROOT"])


# What an approval may carry (intranet.core.files tells what the bytes are).
KINDS = (PDF, PNG, JPEG, GIF, DOCX, XLSX, PPTX, ODT, ODS, TEXT, CSV)
ACCEPT = ",".join(f".{ext}" for kind in KINDS for ext in kind.extensions)


def max_bytes() -> int:
    return settings.APPROVALS["ATTACHMENT_MAX_MB"] * 1024 * 1024


@dataclass
class CheckedFile:
    name: str
    kind: FileKind
    size: int
    sha256: str


def check_upload(upload) -> CheckedFile:
    """Validate an uploaded file or raise InvalidAttachment with a clear message."""
    name = PurePath(upload.name or "").name.strip()[:255]
    if not name:
        raise InvalidAttachment(_("ファイル名がありません。"))
    size = upload.size
    if size == 0:
        raise InvalidAttachment(_("空のファイルは添付できません。"))
    if size > max_bytes():
        raise InvalidAttachment(
            _("ファイルが大きすぎます（上限 %(limit)s MB）。")
            % {"limit": settings.APPROVALS["ATTACHMENT_MAX_MB"]}
        )
    try:
        kind = check_kind(upload, name=name, accepted=KINDS)
    except Refused as refused:
        if refused.mismatched:
            raise InvalidAttachment(
                _(
                    "ファイルの内容（%(kind)s）と拡張子（.%(extension)s）が一致しません。"
                )
                % {"kind": refused.kind.label, "extension": refused.extension or "-"}
            ) from None
        raise InvalidAttachment(
            _(
                "この種類のファイルは添付できません。PDF、画像（PNG・JPEG・GIF）、"
                "Word・Excel・PowerPoint、ODF、テキスト、CSV を添付できます。"
            )
        ) from None
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in (
        upload.chunks()
        if hasattr(upload, "chunks")
        else iter(lambda: upload.read(65536), b"")
    ):
        digest.update(chunk)
    upload.seek(0)
    return CheckedFile(name=name, kind=kind, size=size, sha256=digest.hexdigest())


def copy_bytes(attachment) -> io.BytesIO:
    with attachment.file.open("rb") as handle:
        return io.BytesIO(handle.read())
