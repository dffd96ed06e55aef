"""Rough edges a phone user hit: each fixed once, for its whole class."""

from django.urls import reverse


def test_bulk_approval_with_nothing_chosen_says_so(client, kacho, home_page):
    client.force_login(kacho)
    response = client.post(reverse("workflows:bulk"), {}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("workflows:inbox")
    assert "まとめて承認する文書を選んでください。" in response.content.decode()


def test_the_user_menu_has_a_name_on_phones_too(client, applicant, home_page):
    client.force_login(applicant)
    body = client.get("/").content.decode()
    assert 'aria-label="利用者メニュー（佐藤 花子）"' in body
