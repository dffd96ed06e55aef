"""Attachment validation (size, sniffed content type) and their private storage.

Files are stored under ``settings.APPROVALS["FILES_ROOT"]``, never under MEDIA_ROOT,
and are only ever served by ``views.attachment`` after a visibility check.
The type is decided from the file's first bytes, not from its name or the browser's
claim; the name's extension must agree with what the bytes are.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePath

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.translation import gettext as _

from .errors import InvalidAttachment


@lru_cache(maxsize=4)
def _storage(location: str) -> FileSystemStorage:
    return FileSystemStorage(location=location, base_url=None)


def private_storage() -> FileSystemStorage:
    return _storage(settings.APPROVALS["FILES_ROOT"])


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extensions: tuple[str, ...]
    label: str


PDF = FileKind("application/pdf", ("pdf",), "PDF")
PNG = FileKind("image/png", ("png",), "PNG")
JPEG = FileKind("image/jpeg", ("jpg", "jpeg"), "JPEG")
GIF = FileKind("image/gif", ("gif",), "GIF")
DOCX = FileKind(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ("docx",),
    "Word",
)
XLSX = FileKind(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ("xlsx",),
    "Excel",
)
PPTX = FileKind(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ("pptx",),
    "PowerPoint",
)
ODT = FileKind("application/vnd.oasis.opendocument.text", ("odt",), "ODF")
ODS = FileKind("application/vnd.oasis.opendocument.spreadsheet", ("ods",), "ODF")
TEXT = FileKind("text/plain", ("txt",), "Text")
CSV = FileKind("text/csv", ("csv",), "CSV")

KINDS = (PDF, PNG, JPEG, GIF, DOCX, XLSX, PPTX, ODT, ODS, TEXT, CSV)
ACCEPT = ",".join(f".{ext}" for kind in KINDS for ext in kind.extensions)

_OOXML = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}
_ODF = {ODT.content_type: ODT, ODS.content_type: ODS}


def max_bytes() -> int:
    return settings.APPROVALS["ATTACHMENT_MAX_MB"] * 1024 * 1024


def _sniff_zip(head: bytes, upload) -> FileKind | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                return _ODF.get(mimetype)
            if "[Content_Types].xml" in names:
                for prefix, kind in _OOXML.items():
                    if any(name.startswith(prefix) for name in names):
                        return kind
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
        return None
    finally:
        upload.seek(0)
    return None


def _is_text(sample: bytes) -> bool:
    if b"\x00" in sample:
        return False
    for encoding in ("utf-8", "cp932"):
        try:
            sample.decode(encoding)
        except UnicodeDecodeError as error:
            # A multi-byte character cut at the end of the sample is still text.
            if error.start >= len(sample) - 3 and encoding == "utf-8":
                return True
            continue
        return True
    return False


def sniff(upload) -> FileKind | None:
    """What the bytes are, among the kinds we accept, or None."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(head, upload)
    if head and _is_text(head):
        return TEXT
    return None


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
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    kind = sniff(upload)
    if kind is TEXT and extension == "csv":
        kind = CSV
    if kind is None:
        raise InvalidAttachment(
            _(
                "この種類のファイルは添付できません。PDF、画像（PNG・JPEG・GIF）、"
                "Word・Excel・PowerPoint、ODF、テキスト、CSV を添付できます。"
            )
        )
    if extension not in kind.extensions:
        raise InvalidAttachment(
            _("ファイルの内容（%(kind)s）と拡張子（.%(extension)s）が一致しません。")
            % {"kind": kind.label, "extension": extension or "-"}
        )
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
