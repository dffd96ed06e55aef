"""Who may learn of the object a notification is about.

Each kind declares in ``kinds.ABOUT`` the model it is about (or None: a booking, a
proposal, a notice — nothing confidential to withhold). Apps register, when they are
ready, the gate that decides who among the recipients may learn that such an object
exists and what it is called (workflows: ``access.knowing_among`` for documents).
``notify`` passes every notification of a gated kind through it: the others are left
out, or told the withheld text the sender supplies. A kind about a model without a
registered gate, or sent without its object, is refused: nothing is sent ungated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .kinds import ABOUT, Kind

_gates: dict[str, Callable[[Iterable, object], list]] = {}


class UngatedNotification(ValueError):
    pass


def register(model_label: str, knowing_among: Callable[[Iterable, object], list]):
    """Let ``knowing_among(people, obj)`` decide who may learn of ``model_label``
    objects ("workflows.Document")."""
    _gates[model_label.lower()] = knowing_among


def about_model(kind: Kind | str) -> str | None:
    """The model label a kind is about, or None."""
    return ABOUT[Kind(kind)]


def split(kind: Kind | str, recipients: Iterable, about) -> tuple[list, list]:
    """(those who may know of ``about``, the others) for a notification of ``kind``."""
    people = [person for person in recipients if person is not None]
    label = about_model(kind)
    if label is None:
        return people, []
    if about is None or about._meta.label_lower != label.lower():
        raise UngatedNotification(
            f"A {Kind(kind).value} notification must name the {label} it is about."
        )
    gate = _gates.get(label.lower())
    if gate is None:
        raise UngatedNotification(f"No gate is registered for {label}.")
    knowing = {person.pk for person in gate(people, about)}
    return (
        [person for person in people if person.pk in knowing],
        [person for person in people if person.pk not in knowing],
    )
