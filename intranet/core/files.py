"""What an uploaded file is, decided from its bytes — never from its name or from what
the browser claims.

Every upload checks its type here: approval attachments (workflows.attachments), floor
plans (spaces.uploads) and CMS documents (intranet.pages.documents). Each accepts its
own kinds and words its own messages; the name's extension must agree with the bytes.
Staff photos are opened by Pillow instead (directory.forms).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import PurePath

HEAD_BYTES = 8192


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extensions: tuple[str, ...]
    label: str


PDF = FileKind("application/pdf", ("pdf",), "PDF")
PNG = FileKind("image/png", ("png",), "PNG")
JPEG = FileKind("image/jpeg", ("jpg", "jpeg"), "JPEG")
GIF = FileKind("image/gif", ("gif",), "GIF")
WEBP = FileKind("image/webp", ("webp",), "WebP")
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
ZIP = FileKind("application/zip", ("zip",), "ZIP")
TEXT = FileKind("text/plain", ("txt",), "Text")
CSV = FileKind("text/csv", ("csv",), "CSV")

_OOXML = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}
_ODF = {ODT.content_type: ODT, ODS.content_type: ODS}


def extension_of(name: str | None) -> str:
    """The lower-case extension of a file name, without the dot ('' if none)."""
    suffix = PurePath(name or "").suffix
    return suffix[1:].lower() if suffix else ""


def head_of(upload, size: int = HEAD_BYTES) -> bytes:
    """The first bytes of an upload, leaving it at its start."""
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def _sniff_zip(upload) -> FileKind | None:
    """A ZIP archive: an Office (OOXML) or ODF document, or a plain archive."""
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
                return None
            return ZIP
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
        return None
    finally:
        upload.seek(0)


def is_text(sample: bytes) -> bool:
    """UTF-8 or Shift_JIS (cp932) text without NUL bytes."""
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


def sniff_head(head: bytes) -> FileKind | None:
    """The kind told by the first bytes alone (no archive is opened)."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    return None


def sniff(upload, *, name: str = "") -> FileKind | None:
    """What the bytes of ``upload`` are, or None for anything unrecognised.

    Text is TEXT, or CSV when ``name`` ends in .csv (the bytes cannot tell)."""
    head = head_of(upload)
    kind = sniff_head(head)
    if kind is not None:
        return kind
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(upload)
    if head and is_text(head):
        return CSV if extension_of(name) == "csv" else TEXT
    return None


class Refused(Exception):
    """The upload is not one of the accepted kinds (``kind`` is None or unaccepted), or
    its name's extension disagrees with its bytes. Callers word the message."""

    def __init__(self, kind: FileKind | None, extension: str):
        super().__init__(kind, extension)
        self.kind = kind
        self.extension = extension

    @property
    def mismatched(self) -> bool:
        """An accepted kind under another kind's extension (rather than a refused kind)."""
        return self.kind is not None


def check_kind(upload, *, name: str, accepted) -> FileKind:
    """The kind of ``upload`` if it is among ``accepted`` and ``name``'s extension
    agrees with it; raises Refused otherwise."""
    extension = extension_of(name)
    kind = sniff(upload, name=name)
    if kind is None or kind not in accepted:
        raise Refused(None, extension)
    if extension not in kind.extensions:
        raise Refused(kind, extension)
    return kind
