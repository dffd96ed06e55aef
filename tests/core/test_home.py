from django.utils import timezone

from intranet.core import dates


def test_home_page_greets_the_user(applicant_client, home_page):
    response = applicant_client.get("/")
    html = response.content.decode()
    assert "佐藤 花子 さん" in html
    assert dates.fiscal_year_label(dates.fiscal_year(timezone.localdate())) in html
    assert 'data-testid="primary-nav"' in html


def test_home_page_query_count_is_bounded(
    applicant_client, home_page, django_assert_max_num_queries
):
    applicant_client.get("/")  # warm caches (site root, content types)
    # The page and session (≈7) and the dashboard's panels (≈16: approvals, documents,
    # bookings, news, proposals, surveys to answer, whether one may write a proposal,
    # pages to review, stale pages per page type); the
    # bound with data is in tests/content/test_dashboard.py.
    with django_assert_max_num_queries(27):
        response = applicant_client.get("/")
    assert response.status_code == 200


def test_language_switch_to_english_and_back(applicant_client, home_page):
    response = applicant_client.post(
        "/i18n/setlang/", {"language": "en", "next": "/"}, follow=True
    )
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Log out" in html
    response = applicant_client.post(
        "/i18n/setlang/", {"language": "ja", "next": "/"}, follow=True
    )
    assert "ログアウト" in response.content.decode()


def test_browser_language_does_not_override_japanese(client, home_page):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="ja">' in response.content.decode()


def test_language_switch_rejects_open_redirect(applicant_client, home_page):
    response = applicant_client.post(
        "/i18n/setlang/", {"language": "en", "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert not response["Location"].startswith("https://evil.example")
