"""Draw the app's icons (manifest, favicon, notification badge) with Pillow.

The PNGs are committed under intranet/static/intranet/icons/; run this again after
changing the design: `python manage.py make_app_icons`.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from PIL import Image, ImageDraw, ImageFont

BRAND = (29, 59, 111, 255)  # --c-brand
SEAL = (200, 16, 46, 255)  # --c-seal
WHITE = (255, 255, 255, 255)
FONT_PATHS = (
    "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
    "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
)
GLYPH = "庁"


def _font(size: int):
    for path in FONT_PATHS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return None


def draw_icon(size: int, *, safe_zone: float = 1.0, background=BRAND) -> Image.Image:
    """A red office seal (印) bearing 庁 on the brand blue. ``safe_zone`` shrinks the
    seal into the centre for maskable icons (80 % circle, W3C's minimum safe zone)."""
    scale = 4  # draw large, then downsample: smooth edges
    big = size * scale
    image = Image.new("RGBA", (big, big), background)
    draw = ImageDraw.Draw(image)
    radius = big * 0.40 * safe_zone
    centre = big / 2
    box = (centre - radius, centre - radius, centre + radius, centre + radius)
    draw.ellipse(box, fill=WHITE)
    ring = radius * 0.12
    inner = radius - ring
    draw.ellipse(
        (centre - inner, centre - inner, centre + inner, centre + inner), fill=SEAL
    )
    font = _font(int(inner * 1.25))
    if font is not None:
        draw.text((centre, centre), GLYPH, fill=WHITE, font=font, anchor="mm")
    else:  # no Japanese font: the seal's two rules, like the header's mark
        bar = inner * 0.14
        left, right = centre - inner * 0.7, centre + inner * 0.7
        for offset in (-inner * 0.3, inner * 0.3):
            top = centre + offset - bar / 2
            draw.rectangle((left, top, right, top + bar), fill=WHITE)
    return image.resize((size, size), Image.LANCZOS)


def draw_badge(size: int) -> Image.Image:
    """Android's status-bar badge: a white seal with the glyph cut out, on transparency."""
    scale = 4
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)  # RGBA without blending: transparent ink cuts out
    draw.ellipse((big * 0.04, big * 0.04, big * 0.96, big * 0.96), fill=WHITE)
    font = _font(int(big * 0.6))
    if font is not None:
        draw.text((big / 2, big / 2), GLYPH, fill=(0, 0, 0, 0), font=font, anchor="mm")
    return image.resize((size, size), Image.LANCZOS)


class Command(BaseCommand):
    help = "Draw the app icons into intranet/static/intranet/icons/."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default=str(settings.PROJECT_DIR / "static" / "intranet" / "icons"),
        )

    def handle(self, *args, output, **options):
        folder = Path(output)
        folder.mkdir(parents=True, exist_ok=True)
        images = {
            "icon-192.png": draw_icon(192),
            "icon-512.png": draw_icon(512),
            "maskable-512.png": draw_icon(512, safe_zone=0.8),
            "apple-touch-icon-180.png": draw_icon(180),
            "favicon-32.png": draw_icon(32, safe_zone=1.2),
            "badge-96.png": draw_badge(96),
        }
        for name, image in images.items():
            image.save(folder / name, optimize=True)
            self.stdout.write(f"{folder / name} {image.size[0]}×{image.size[1]}")
