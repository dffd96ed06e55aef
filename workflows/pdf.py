"""The decided document as a PDF: 文書番号, 決裁欄 with every seal, the route and the
attachment list, in an embedded TrueType Japanese font (IPAex Gothic from Debian's
fonts-ipaexfont-gothic; see docs/deployment.md). Built with reportlab, offline.
"""

from __future__ import annotations

import io
import logging
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.graphics.shapes import Circle as CircleShape
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from intranet.core.dates import wareki

from .models import Document, RouteStep
from .presenters import Box, approval_boxes
from .sanitize import plain_text
from .seals import Seal, seal_date

logger = logging.getLogger(__name__)
RED = colors.HexColor("#c8102e")
FONT = "IntranetJapanese"


def embeddable_font() -> bool:
    """Is the configured TrueType font there to be embedded? Without it the PDF names
    a font the reader must have (a viewer without Adobe-Japan1 data shows nothing)."""
    path = settings.APPROVALS["PDF_FONT"]
    return bool(path) and Path(path).is_file()


@lru_cache(maxsize=1)
def font_name() -> str:
    """Register the configured TrueType font once; fall back to a CID font (not
    embedded, viewers substitute) with a warning when the file is missing."""
    path = settings.APPROVALS["PDF_FONT"]
    if embeddable_font():
        pdfmetrics.registerFont(TTFont(FONT, path))
        return FONT
    logger.warning(
        "APPROVAL_PDF_FONT %r not found; install fonts-ipaexfont-gothic. "
        "Falling back to the non-embedded HeiseiKakuGo-W5.",
        path,
    )
    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiKakuGo-W5"))
    return "HeiseiKakuGo-W5"


def _styles():
    font = font_name()
    return {
        "title": ParagraphStyle(
            "title", fontName=font, fontSize=16, leading=22, alignment=1
        ),
        "h2": ParagraphStyle(
            "h2", fontName=font, fontSize=11, leading=16, spaceBefore=8, spaceAfter=4
        ),
        "body": ParagraphStyle("body", fontName=font, fontSize=9.5, leading=15),
        "small": ParagraphStyle("small", fontName=font, fontSize=8, leading=11),
        "right": ParagraphStyle(
            "right", fontName=font, fontSize=10, leading=14, alignment=2
        ),
    }


def _seal_drawing(
    seal: Seal | None, size: float, *, note: str = "", review: Seal | None = None
) -> Drawing:
    font = font_name()
    drawing = Drawing(size, size)
    if seal is None:
        if note:
            drawing.add(
                String(
                    size / 2,
                    size / 2 - 3,
                    note[:8],
                    fontName=font,
                    fontSize=7,
                    textAnchor="middle",
                    fillColor=colors.grey,
                )
            )
        return drawing
    radius = size * 0.42
    cx = cy = size / 2
    drawing.add(
        CircleShape(cx, cy, radius, strokeColor=RED, strokeWidth=1.2, fillColor=None)
    )
    offset = radius * 0.30
    chord = (radius**2 - offset**2) ** 0.5
    drawing.add(
        Line(
            cx - chord,
            cy + offset,
            cx + chord,
            cy + offset,
            strokeColor=RED,
            strokeWidth=0.9,
        )
    )
    drawing.add(
        Line(
            cx - chord,
            cy - offset,
            cx + chord,
            cy - offset,
            strokeColor=RED,
            strokeWidth=0.9,
        )
    )
    unit = seal.unit[:8]
    drawing.add(
        String(
            cx,
            cy + offset + 4,
            unit,
            fontName=font,
            fontSize=min(7.5, 30 / max(len(unit), 1) * 1.4),
            textAnchor="middle",
            fillColor=RED,
        )
    )
    drawing.add(
        String(
            cx,
            cy - 2.5,
            seal_date(seal.day),
            fontName=font,
            fontSize=6.5,
            textAnchor="middle",
            fillColor=RED,
        )
    )
    surname = seal.surname[:4]
    drawing.add(
        String(
            cx,
            cy - offset - 9,
            surname,
            fontName=font,
            fontSize=min(10, 22 / max(len(surname), 1) * 1.2),
            textAnchor="middle",
            fillColor=RED,
        )
    )
    if seal.mark:
        drawing.add(Rect(size - 20, size - 10, 20, 10, fillColor=RED, strokeColor=RED))
        drawing.add(
            String(
                size - 10,
                size - 8,
                seal.mark,
                fontName=font,
                fontSize=6.5,
                textAnchor="middle",
                fillColor=colors.white,
            )
        )
    if review is not None:
        drawing.add(
            String(
                2,
                1,
                f"{_('後閲')} {review.surname} {seal_date(review.day)}",
                fontName=font,
                fontSize=5.5,
                fillColor=RED,
            )
        )
    return drawing


def _box_table(boxes: list[Box], styles, width: float) -> Table:
    size = 20 * mm
    columns = max(len(boxes), 1)
    column_width = min(width / columns, 26 * mm)
    header = [Paragraph(_escape(box.header), styles["small"]) for box in boxes]
    seals = [
        _seal_drawing(box.seal, size, note=box.note, review=box.review_seal)
        for box in boxes
    ]
    table = Table(
        [header, seals],
        colWidths=[column_width] * columns,
        rowHeights=[None, size + 2 * mm],
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f2f2f2")),
            ]
        )
    )
    table.hAlign = "RIGHT"
    return table


def _local(moment) -> str:
    if not moment:
        return ""
    local = timezone.localtime(moment)
    return f"{wareki(local.date())} {local:%H:%M}"


def render(document: Document) -> bytes:
    styles = _styles()
    steps = list(
        RouteStep.objects.filter(document=document, round=document.round)
        .select_related("assignee", "acted_by", "on_behalf_of", "unit")
        .order_by("position", "pk")
    )
    boxes = approval_boxes(document, steps)
    buffer = io.BytesIO()
    page = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=document.title,
        author=document.applicant.full_name,
        subject=document.number_label,
        creator=settings.INTRANET_SITE_NAME,
    )
    width = page.width
    story = [
        Paragraph(
            _escape(
                f"{document.number_label}　"
                f"{wareki(timezone.localtime(document.decided_at).date())}"
            ),
            styles["right"],
        ),
        Spacer(1, 3 * mm),
        Paragraph(
            _("起案書") + ("（秘）" if document.confidential else ""), styles["title"]
        ),
        Spacer(1, 4 * mm),
        Paragraph(_("決裁欄"), styles["h2"]),
        _box_table(boxes.main, styles, width),
    ]
    if boxes.consultations:
        story += [
            Paragraph(_("合議"), styles["h2"]),
            _box_table(boxes.consultations, styles, width),
        ]
    if boxes.circulation:
        story += [
            Paragraph(_("供覧"), styles["h2"]),
            _box_table(boxes.circulation, styles, width),
        ]
    rule = document.rule
    meta = [
        (_("件名"), document.title),
        (_("文書番号"), document.number_label),
        (_("文書分類"), document.document_type.name),
        (
            _("起案者"),
            f"{document.applicant_unit.name}　{document.applicant.full_name}",
        ),
    ]
    if document.filed_on_behalf:
        meta.append((_("作成者（代理起案）"), document.filer.full_name))
    meta += [
        (_("起案日"), _local(document.submitted_at)),
        (_("決裁日"), _local(document.decided_at)),
        (_("保存年限"), document.retention_label),
    ]
    if document.amount is not None:
        meta.append((_("金額"), f"{document.amount:,}円"))
    if rule is not None:
        meta.append(
            (_("専決区分"), f"{rule.decider_post.name}{_('決裁')}（{rule.rulebook}）")
        )
    table = Table(
        [
            [Paragraph(k, styles["small"]), Paragraph(_escape(v), styles["body"])]
            for k, v in meta
        ],
        colWidths=[32 * mm, width - 32 * mm],
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f2f2f2")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story += [Spacer(1, 4 * mm), table, Paragraph(_("本文"), styles["h2"])]
    for paragraph in plain_text(document.body).split("\n"):
        if paragraph.strip():
            story.append(Paragraph(_escape(paragraph), styles["body"]))
    story.append(Paragraph(_("回議ルート"), styles["h2"]))
    route = [
        [
            Paragraph(h, styles["small"])
            for h in (_("段階"), _("担当者"), _("処理"), _("日時"), _("意見"))
        ]
    ]
    for step in steps:
        if (
            step.kind in RouteStep.SIDE_KINDS
            and step.status != RouteStep.Status.ACKNOWLEDGED
        ):
            continue
        who = step.acted_by or step.assignee
        name = who.full_name if who else ""
        if step.on_behalf_of_id:
            name += f"（{step.get_capacity_display()}: {step.on_behalf_of.full_name}）"
        route.append(
            [
                Paragraph(_escape(step.label), styles["small"]),
                Paragraph(_escape(name), styles["small"]),
                Paragraph(step.status_label, styles["small"]),
                Paragraph(_local(step.acted_at), styles["small"]),
                Paragraph(_escape(step.comment), styles["small"]),
            ]
        )
    route_table = Table(
        route, colWidths=[30 * mm, 40 * mm, 22 * mm, 36 * mm, width - 128 * mm]
    )
    route_table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story.append(route_table)
    story.append(Paragraph(_("添付ファイル"), styles["h2"]))
    attachments = list(document.attachments.current().order_by("pk"))
    if attachments:
        for item in attachments:
            story.append(
                Paragraph(
                    _escape(
                        f"・{item.original_name}（{item.size:,} bytes, SHA-256 {item.sha256[:16]}…）"
                    ),
                    styles["small"],
                )
            )
    else:
        story.append(Paragraph(_("なし"), styles["small"]))
    # 訂正 after 決裁 (workflows.records): the original above never changes.
    corrections = list(
        document.corrections.filter(state="approved")
        .select_related("approver")
        .order_by("revision")
    )
    if corrections:
        story.append(Paragraph(_("訂正の履歴"), styles["h2"]))
        for correction in corrections:
            story.append(
                Paragraph(
                    _escape(
                        _(
                            "訂正%(revision)s（%(day)s %(approver)s 承認）理由: %(reason)s"
                        )
                        % {
                            "revision": correction.revision,
                            "day": _local(correction.decided_at),
                            "approver": correction.approver.full_name,
                            "reason": correction.reason,
                        }
                    ),
                    styles["small"],
                )
            )
            story.append(Paragraph(_escape(correction.content), styles["body"]))
    story += [
        Spacer(1, 6 * mm),
        Paragraph(
            _escape(
                _("電子決裁により決裁済み。内容のハッシュ値（SHA-256）: %(digest)s")
                % {"digest": document.content_digest()}
            ),
            styles["small"],
        ),
    ]
    page.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return buffer.getvalue()


def _escape(text: str) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _footer(canvas, doc):
    canvas.saveState()
    canvas.setFont(font_name(), 8)
    canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"{doc.page}")
    canvas.drawString(18 * mm, 10 * mm, settings.INTRANET_ORGANISATION)
    canvas.restoreState()
