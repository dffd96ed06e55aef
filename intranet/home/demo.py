"""The demo home page text."""

from .models import HomePage
from .site import sync_site_with_base_url

INTRO = (
    "<p>区役所の庁内ポータルです。電子決裁・座席予約・職員名簿・DX推進PTの提案を"
    "ここから利用できます。</p>"
)


def load(*, stdout) -> None:
    home = HomePage.objects.first()
    if home is not None and not home.intro:
        home.intro = INTRO
        home.save_revision().publish()
    sync_site_with_base_url()
    stdout.write("  home: welcome text; the site answers at BASE_URL")
