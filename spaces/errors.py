"""What can go wrong when booking, each with a clear, translated message for the user."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field


class BookingError(Exception):
    """A booking request the user must change. ``message`` is shown as it is."""

    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


class RuleViolation(BookingError):
    """The request breaks one of the building's or the resource's rules."""


class NotPermitted(BookingError):
    """The acting person may not do this (e.g. cancel someone else's booking)."""


@dataclass(frozen=True)
class FreeSlot:
    starts_at: datetime.datetime
    ends_at: datetime.datetime


@dataclass
class Alternatives:
    """What to offer instead of a taken slot."""

    resources: list = field(
        default_factory=list
    )  # other free desks/rooms, nearest first
    next_slot: FreeSlot | None = None  # the same resource, next time it is free


class AlreadyBooked(BookingError):
    """Someone holds the resource for (part of) the requested time."""

    def __init__(self, message, alternatives: Alternatives | None = None):
        super().__init__(message)
        self.alternatives = alternatives or Alternatives()
