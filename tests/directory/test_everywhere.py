"""Japanese text beyond the people finder: unit lists and pickers in 五十音順, rooms
and floors found by 異体字, and dates in the reader's style on the records screens."""

from __future__ import annotations

import pytest

from directory.models import OrgUnit
from directory.text import spellings
from spaces.models import Building, Floor, Resource
from spaces.search import search_spaces
from tests.factories import OrgUnitFactory
from workflows.forms import ConsultationForm

pytestmark = pytest.mark.django_db


def test_spellings_list_every_old_form_the_word_as_typed_first():
    assert spellings("高橋")[0] == "高橋"
    assert "髙橋" in spellings("高橋")
    assert "高橋" in spellings("髙橋")
    assert {"渡辺", "渡邊", "渡邉"} <= set(spellings("渡辺"))
    assert "山﨑" in spellings("山崎")
    # General text (rooms, floors): standard kanji stay apart (斎 and 斉 are two
    # characters); only names join them (tests/directory/test_name_variants.py).
    assert not any("斉" in spelling for spelling in spellings("斎藤"))
    assert spellings("かいぎ") == ["かいぎ"]
    assert len(spellings("髙橋渡邊山﨑齋藤", limit=16)) == 16


@pytest.fixture
def sections(office):
    # Code-point order (保 < 環 < 窓) is not 五十音順 (かんきょう < ほけん < まどぐち).
    return [
        OrgUnitFactory(
            name=name, name_kana=kana, kind="section", parent=office.units.kumin_bu
        )
        for name, kana in (
            ("保険年金課", "ほけんねんきんか"),
            ("窓口サービス課", "まどぐちさーびすか"),
            ("環境課", "かんきょうか"),
        )
    ]


def test_units_carry_their_gojuon_key(sections):
    names = [
        unit.name
        for unit in OrgUnit.objects.filter(pk__in=[u.pk for u in sections]).order_by(
            "sort_key"
        )
    ]
    assert names == ["環境課", "保険年金課", "窓口サービス課"]


def test_the_consultation_picker_lists_sections_in_gojuon_order(sections):
    names = [unit.name for unit in ConsultationForm().fields["unit"].queryset]
    mine = [name for name in names if name in {u.name for u in sections}]
    assert mine == ["環境課", "保険年金課", "窓口サービス課"]


def test_the_unit_page_lists_its_sub_units_in_gojuon_order(sections, client, office):
    client.force_login(office.applicant)
    html = client.get(office.units.kumin_bu.get_absolute_url()).content.decode()
    positions = [
        html.index(name) for name in ("環境課", "保険年金課", "窓口サービス課")
    ]
    assert positions == sorted(positions)


def test_rooms_and_floors_are_found_by_their_old_forms(db):
    building = Building.objects.create(code="annex", name="髙島別館")
    floor = Floor.objects.create(
        building=building, name="2階", level=2, plan_width=100, plan_height=100
    )
    Resource.objects.create(
        kind=Resource.Kind.ROOM, floor=floor, code="201", name="山﨑記念会議室"
    )
    assert [hit.title for hit in search_spaces("山崎")] == ["201 山﨑記念会議室"]
    assert [hit.title for hit in search_spaces("山﨑 記念")] == ["201 山﨑記念会議室"]
    assert [hit.kind for hit in search_spaces("高島")][:1] == ["room"]
    assert search_spaces("埼") == []
