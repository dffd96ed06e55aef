"""Japanese names done right: 異体字 found both ways, 五十音順 per JIS X 4061, names and
titles shown as written. The demo ward plus four people with old-form kanji, added
through the LDIF sync as a real directory would add them — from an LDIF file, and
from a real slapd (issue 15's Done-when, through the people finder's page)."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.urls import reverse

from directory import demo as directory_demo
from directory.demo import CONFIG, LDIF
from directory.ldap.sync import run_sync
from directory.models import Person
from directory.search import search_people
from intranet.pages import demo as pages_demo
from intranet.search import demo as search_demo
from intranet.search.pages import search_pages
from workflows import demo as workflows_demo

pytestmark = pytest.mark.django_db

UNIT_DN = "ou=shomu-kakari,ou=somu-ka,ou=somu-bu,ou=ward,dc=ward,dc=example"
OLD_FORMS = [
    # uid, surname, reading, given name, reading
    ("takahashi2", "髙橋", "タカハシ", "誠", "マコト"),
    ("saito2", "齋藤", "サイトウ", "淳", "ジュン"),
    ("watanabe2", "渡邊", "ワタナベ", "修", "オサム"),
    ("yamazaki", "山﨑", "ヤマザキ", "恵", "メグミ"),
    # 斉 and 斎 are two standard kanji, one family name for the names layer.
    ("saito3", "齊藤", "サイトウ", "亮", "リョウ"),
    ("saito4", "斉藤", "サイトウ", "舞", "マイ"),
]
# Exact first, then through a 異体字 (齋 for 斎), then through the names layer.
SAITO = ["斎藤 由美", "齋藤 淳", "斉藤 舞", "齊藤 亮"]
SAITO_FROM_SEI = ["斉藤 舞", "齊藤 亮", "齋藤 淳", "斎藤 由美"]


def _entry(number: int, uid, surname, surname_kana, given, given_kana) -> str:
    # Mail at the annex, so that "ward.example.jp" finds the demo ward alone.
    return (
        f"\ndn: uid={uid},{UNIT_DN}\nchangetype: add\nobjectClass: inetOrgPerson\n"
        f"uid: {uid}\n"
        f"cn: {uid}\ncn;lang-ja: {surname} {given}\nsn: {uid}\n"
        f"sn;lang-ja: {surname}\nsn;lang-ja-x-phonetic: {surname_kana}\n"
        f"givenName;lang-ja: {given}\ngivenName;lang-ja-x-phonetic: {given_kana}\n"
        f"mail: {uid}@annex.example.jp\nemployeeNumber: 2999{number}\n"
        f"title: 主事\nentryUUID: 00000000-0000-4000-8000-00000000000{number}\n"
    )


@pytest.fixture
def ward(home_page, posts, settings, tmp_path):
    """The demo ward, its documents and pages; then the four people with old-form
    kanji arrive through the LDIF sync."""
    settings.DEBUG = True  # as load_demo_data requires
    out = io.StringIO()
    directory_demo.load(stdout=out)
    workflows_demo.load(stdout=out)
    pages_demo.load(stdout=out)
    search_demo.load(stdout=out)
    ldif = tmp_path / "ward.ldif"
    extra = "".join(_entry(n, *row) for n, row in enumerate(OLD_FORMS, start=1))
    extra = extra.replace("changetype: add\n", "")  # content records in a file
    ldif.write_text(LDIF.read_text(encoding="utf-8") + extra, encoding="utf-8")
    result = run_sync(
        config=CONFIG,
        ldif=str(ldif),
        trigger="test",
        effective_date=datetime.date(2026, 4, 1),
    )
    assert result.ok, result.message
    return {person.username: person for person in Person.objects.all()}


def names(people) -> list[str]:
    return [person.full_name for person in people]


def test_the_finder_finds_old_forms_from_new_and_the_reverse(ward):
    assert names(search_people("高橋")) == ["高橋 健二", "髙橋 誠"]
    assert names(search_people("斎藤")) == SAITO
    assert names(search_people("斉藤")) == SAITO_FROM_SEI
    assert names(search_people("齊藤")) == [
        "齊藤 亮",
        "斉藤 舞",
        "齋藤 淳",
        "斎藤 由美",
    ]
    assert names(search_people("渡辺")) == ["渡辺 大輔", "渡邊 修"]
    assert names(search_people("山崎")) == ["山﨑 恵"]
    # From the old form: the name as written first, then through the variant.
    assert names(search_people("髙橋")) == ["髙橋 誠", "高橋 健二"]
    assert names(search_people("髙橋 健二")) == ["高橋 健二"]
    assert names(search_people("齋藤")) == [
        "齋藤 淳",
        "斎藤 由美",
        "斉藤 舞",
        "齊藤 亮",
    ]
    assert names(search_people("斉藤 舞")) == ["斉藤 舞"]
    assert names(search_people("さいとう")) == [
        "齋藤 淳",
        "斉藤 舞",
        "斎藤 由美",
        "齊藤 亮",
    ]


def test_the_finder_page_shows_names_as_the_directory_spells_them(ward, client):
    client.force_login(ward["kucho"])
    page = client.get(reverse("directory:people"), {"q": "山崎"}).content.decode()
    assert "山﨑" in page
    assert "山崎" not in page.replace('value="山崎"', "")


def test_the_people_list_is_in_gojuon_order(ward):
    order = [person.last_name for person in Person.objects.filter(is_active=True)]
    assert order.index("後藤") < order.index("小林") < order.index("近藤")
    assert order.index("和田") < order.index("渡辺")
    # 五十音順 by reading, whatever the kanji: 高橋 and 髙橋 (タカハシ) side by side.
    assert order.index("高橋") + 1 == order.index("髙橋")


def test_site_search_shows_the_title_as_written(ward, client):
    hits = search_pages(ward["sato"], "保存年限").hits
    titles = [str(hit.title) for hit in hits]
    assert any("押印の規程（旧版）" in title for title in titles), titles
    assert not any("(旧版)" in title for title in titles)
    # The results page, as a member of staff sees it (marks aside).
    client.force_login(ward["sato"])
    page = client.get(reverse("search:results"), {"q": "押印 規程"}).content.decode()
    assert "文書の保存年限と押印の規程（旧版）" in re.sub(r"</?mark>", "", page)


def _found_on_the_page(client, query: str) -> list[str]:
    """The names the people finder's page lists for ``query``, in its order."""
    html = client.get(reverse("directory:people"), {"q": query}).content.decode()
    names = re.findall(
        r'class="person-row__name"[^>]*><span lang="ja">(.*?)</span>', html
    )
    return [re.sub(r"</?mark>", "", name) for name in names]  # the matches are marked


def test_done_when_old_forms_arrive_from_a_real_directory(
    slapd, use_ldap, posts, client
):
    """Issue 15's Done-when: the demo ward in a real slapd, then 髙橋, 齋藤, 渡邊 and
    山﨑 added to it and brought in by the sync; the finder's page finds each from
    the common form, 髙橋 finds 高橋 健二, and the ward reads in 五十音順."""
    use_ldap(slapd)
    assert run_sync(full=True).ok
    added = "".join(_entry(n, *row) for n, row in enumerate(OLD_FORMS, start=1))
    # The server gives each new entry its entryUUID (no client may set one).
    slapd.modify(re.sub(r"(?m)^entryUUID: .*\n", "", added))
    result = run_sync()
    assert result.ok, result.message
    assert result.run.created == len(OLD_FORMS)
    client.force_login(Person.objects.get(username="sato"))
    assert _found_on_the_page(client, "高橋") == ["高橋 健二", "髙橋 誠"]
    assert _found_on_the_page(client, "斎藤") == SAITO
    assert _found_on_the_page(client, "斉藤") == SAITO_FROM_SEI
    assert _found_on_the_page(client, "渡辺") == ["渡辺 大輔", "渡邊 修"]
    assert _found_on_the_page(client, "山崎") == ["山﨑 恵"]
    assert "高橋 健二" in _found_on_the_page(client, "髙橋")
    ward = [name.split()[0] for name in _found_on_the_page(client, "ward.example.jp")]
    assert len(ward) == 48
    assert ward.index("後藤") < ward.index("小林") < ward.index("近藤")
    assert ward.index("和田") < ward.index("渡辺")
