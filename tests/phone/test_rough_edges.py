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


def test_after_booking_a_desk_the_message_is_at_the_top_of_the_page(monkeypatch):
    import datetime
    from types import SimpleNamespace

    from spaces import views

    monkeypatch.setattr(views.slots, "desk_slot_of", lambda *args: None)
    resource = SimpleNamespace(
        is_room=False, floor=SimpleNamespace(building=None), floor_id=3, pk=7
    )
    booking = SimpleNamespace(
        local_day=datetime.date(2026, 12, 4), starts_at=None, ends_at=None
    )
    url = views._after_booking_url(resource, booking)
    assert "#" not in url  # no jump past the 「予約しました」 message
    assert "highlight=7" in url
