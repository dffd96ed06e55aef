"""The floor-plan upload: an image or SVG, checked by its bytes and its size.

The plan is drawn inside the floor page's <svg> as an <image>, where scripts never
run; ``views.plan_image`` also serves it as a download under a sandboxing policy,
so even an SVG opened on its own cannot run anything.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from intranet.core import files

PLAN_MAX_BYTES = 10 * 1024 * 1024

# The raster kinds a plan may be (told by intranet.core.files from the bytes).
RASTER_KINDS = (files.PNG, files.JPEG, files.WEBP)
# An SVG file: optional BOM, XML declaration and comments, then the <svg> element.
_SVG_START = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*<svg[\s>]",
    re.DOTALL,
)

CONTENT_TYPES = {
    **{ext: kind.content_type for kind in RASTER_KINDS for ext in kind.extensions},
    "svg": "image/svg+xml",
}


def _looks_like(extension: str, head: bytes) -> bool:
    if extension == "svg":
        # A DOCTYPE could declare entities (the "billion laughs"); plans need none.
        return bool(_SVG_START.match(head)) and b"<!DOCTYPE" not in head.upper()
    kind = files.sniff_head(head)
    return kind in RASTER_KINDS and extension in kind.extensions


def validate_plan_file(upload) -> None:
    """Refuse a plan whose bytes are not what its extension says, or that is too big."""
    if upload.size > PLAN_MAX_BYTES:
        raise ValidationError(
            _("平面図のファイルが大きすぎます（上限 %(limit)d MB）。"),
            params={"limit": PLAN_MAX_BYTES // (1024 * 1024)},
        )
    extension = files.extension_of(upload.name)
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    if not _looks_like(extension, head):
        raise ValidationError(
            _(
                "ファイルの内容が拡張子（.%(extension)s）と一致しません。"
                "SVG・PNG・JPEG・WebP の平面図を選んでください。"
            ),
            params={"extension": extension or "-"},
        )


def content_type_of(name: str) -> str:
    return CONTENT_TYPES.get(files.extension_of(name), "application/octet-stream")
