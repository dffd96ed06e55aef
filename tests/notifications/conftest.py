"""Fixtures for the notification tests: the channel layer, the mailbox, the clock."""

from __future__ import annotations

import datetime

import pytest
from channels.layers import channel_layers
from django.core import mail
from django.test import override_settings
from django.utils import timezone

IN_MEMORY = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


@pytest.fixture
def in_memory_layer():
    """This process's channel layer is the in-memory one, fresh for the test."""
    with override_settings(CHANNEL_LAYERS=IN_MEMORY):
        channel_layers.backends.clear()
        yield
        channel_layers.backends.clear()


@pytest.fixture
def outbox(settings):
    """Django's locmem mailbox, emptied; e-mails wait the usual 2 minutes."""
    settings.NOTIFICATION_EMAIL_DELAY = 120
    mail.outbox = []
    return mail.outbox


@pytest.fixture
def later():
    """``later(minutes=3)``: a moment after now, to run the sender 'then'."""

    def at(**delta) -> datetime.datetime:
        return timezone.now() + datetime.timedelta(**delta)

    return at


def local(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """An aware Asia/Tokyo datetime."""
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time(hour, minute))
    )
