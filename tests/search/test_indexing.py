"""The index follows Wagtail: publish, unpublish, delete, move; the rebuild command."""

import io

import pytest
from django.core.management import call_command

from intranet.search.models import PageEntry
from intranet.search.pages import search_pages

pytestmark = pytest.mark.django_db


def found(user, query):
    return [hit.page_id for hit in search_pages(user, query).hits]


def test_a_draft_is_not_indexed_until_published(publish, applicant):
    page = publish("押印廃止の方針（案）", live=False)
    assert found(applicant, "押印") == []
    page.save_revision().publish()
    assert found(applicant, "押印") == [page.pk]


def test_a_new_revision_replaces_the_old_text(publish, applicant):
    page = publish("旧タイトルの会議")
    page.title = "新しい研修"
    page.save_revision().publish()
    assert found(applicant, "会議") == []
    assert found(applicant, "研修") == [page.pk]
    assert PageEntry.objects.get(page=page).title == "新しい研修"


def test_an_unpublished_page_is_never_found(publish, applicant):
    page = publish("押印の手引き")
    page.unpublish()
    assert found(applicant, "押印") == []
    assert not PageEntry.objects.filter(page=page).exists()


def test_a_page_made_not_live_behind_the_index_is_not_found(publish, applicant):
    page = publish("押印の手引き")
    type(page).objects.filter(pk=page.pk).update(live=False)  # e.g. a bulk update
    assert found(applicant, "押印") == []


def test_a_deleted_page_leaves_the_index(publish, applicant):
    parent = publish("総務のページ")
    child = publish("押印の手引き", parent=parent)
    parent.delete()
    assert found(applicant, "押印") == []
    assert not PageEntry.objects.filter(page_id__in=[parent.pk, child.pk]).exists()


def test_a_moved_page_shows_its_new_place(publish, applicant):
    old = publish("総務課")
    new = publish("情報政策課")
    page = publish("押印の手引き", parent=old)
    assert search_pages(applicant, "押印").hits[0].section == "総務課"
    page.move(new, pos="last-child")
    hit = search_pages(applicant, "押印").hits[0]
    assert hit.section == "情報政策課"
    assert hit.url.startswith(new.url)


def test_rebuild_command(publish, applicant):
    page = publish("稟議の手引き")
    draft = publish("稟議の下書き", live=False)
    PageEntry.objects.all().delete()
    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert found(applicant, "稟議") == [page.pk]
    assert draft.pk not in found(applicant, "下書き")
    assert "Indexed" in out.getvalue()


def test_the_demo_loader_indexes_live_pages(home_page, applicant):
    from intranet.search import demo

    out = io.StringIO()
    demo.load(stdout=out)
    assert found(applicant, "ホーム") == [home_page.pk]
    assert "Search index" in out.getvalue()
