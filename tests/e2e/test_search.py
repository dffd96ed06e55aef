"""The header search box: suggestions as one types a two-character word, the keyboard,
and the results page, on a phone and on a desktop."""

import pytest

from tests.e2e.conftest import assert_no_horizontal_overflow, log_in, screenshot
from tests.search.conftest import publish  # noqa: F401 - a fixture
from tests.spaces.conftest import make_campus

pytestmark = pytest.mark.e2e


@pytest.fixture
def content(office, publish):  # noqa: F811
    make_campus(office)
    publish("ペーパーレス会議の進め方", "会議資料は前日までに共有フォルダへ。")
    publish("押印廃止のお知らせ", "稟議書の押印欄をなくします。")


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_type_a_two_character_word_and_open_the_results(
    live, new_page, content, device
):
    page = new_page(device)
    log_in(page, live.url, "sato")
    box = page.get_by_role("combobox", name="サイト内検索")
    box.click()
    box.press_sequentially("会議", delay=50)
    listbox = page.get_by_role("listbox", name="検索候補")
    listbox.get_by_role("option").first.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    text = listbox.inner_text()
    assert "ペーパーレス会議の進め方" in text and "第1会議室" in text
    assert_no_horizontal_overflow(page)
    screenshot(page, f"search-suggestions-{device}")

    # The keyboard moves through the options; Escape closes the list.
    box.press("ArrowDown")
    first = listbox.get_by_role("option").first
    assert first.get_attribute("aria-selected") == "true"
    assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
    box.press("Escape")
    assert box.get_attribute("aria-expanded") == "false"
    assert box.input_value() == "会議"

    # Enter without a chosen option submits the search.
    box.press("Enter")
    page.wait_for_url(f"{live.url}/search/?q=*")
    results = page.get_by_test_id("results-pages")
    assert "ペーパーレス会議の進め方" in results.inner_text()
    assert results.locator("mark").first.inner_text() == "会議"
    assert "第1会議室" in page.get_by_test_id("results-spaces").inner_text()
    assert_no_horizontal_overflow(page)
    screenshot(page, f"search-results-{device}")


def test_choose_a_suggestion_with_the_keyboard(live, new_page, content):
    page = new_page("desktop")
    log_in(page, live.url, "sato")
    box = page.get_by_role("combobox", name="サイト内検索")
    box.click()
    box.press_sequentially("押印", delay=50)
    page.get_by_role("listbox").get_by_role("option").first.wait_for()
    box.press("ArrowDown")
    box.press("Enter")
    page.wait_for_url("**/page-*/")  # the page suggested first: 押印廃止のお知らせ
