"""One directory entry → a person, unit or group record, through the attribute map."""

from __future__ import annotations

import dataclasses
import functools
import uuid
from dataclasses import dataclass

from ..models import OrgUnit
from ..text import normalize_reading
from .config import AttributeMap, LdapConfig
from .source import Entry, normalize_dn, parent_dn

PERSON_FIELDS = (
    "username",
    "last_name",
    "first_name",
    "last_name_kana",
    "first_name_kana",
    "romaji_name",
    "email",
    "extension",
    "phone",
    "employee_number",
    "ldap_dn",
)


@dataclass(slots=True)
class PersonRecord:
    external_id: str
    dn: str  # normalised
    username: str
    last_name: str
    first_name: str
    last_name_kana: str
    first_name_kana: str
    romaji_name: str
    email: str
    extension: str
    phone: str
    employee_number: str | None
    ldap_dn: str  # as the server spells it
    title: str
    department: str
    disabled: bool
    groups: tuple[str, ...]  # normalised group DNs (memberOf)
    upper_units: tuple[str, ...] = ()  # LDAP_UNITS_UPPER_ATTRIBUTES' values

    def values(self) -> tuple:
        return tuple(getattr(self, name) for name in PERSON_FIELDS)


@dataclass(slots=True)
class UnitRecord:
    external_id: str
    dn: str
    parent_dn: str
    code: str
    name: str
    name_kana: str
    short_name: str
    kind: str
    declared: bool = False  # the kind is written in the entry, not guessed


@dataclass(slots=True)
class GroupRecord:
    dn: str
    names: tuple[str, ...]  # lower-case cn / sAMAccountName
    members: tuple[str, ...]  # normalised DNs


@functools.cache
def lower_case(attrs: AttributeMap) -> AttributeMap:
    """The same map with every attribute name in lower case, as entries store them."""
    changes = {}
    for item in dataclasses.fields(attrs):
        value = getattr(attrs, item.name)
        if isinstance(value, tuple):
            changes[item.name] = tuple(name.lower() for name in value)
        elif isinstance(value, str) and item.name not in {
            "person_class",
            "unit_class",
            "group_class",
        }:
            changes[item.name] = value.lower()
    return dataclasses.replace(attrs, **changes)


def identity(entry: Entry, attrs: AttributeMap) -> str:
    raw = entry.raw(attrs.identity)
    if not raw:
        return ""
    if attrs.identity_is_guid:
        if len(raw) == 16:
            return str(uuid.UUID(bytes_le=raw))
        return str(uuid.UUID(raw.decode()))
    return raw.decode().lower()


def _kana_pair(entry: Entry, attrs: AttributeMap) -> tuple[str, str]:
    last = entry.first(attrs.last_name_kana)
    first = entry.first(attrs.first_name_kana)
    if not (last or first):
        display = entry.first(attrs.display_name_kana).replace("\u3000", " ")
        last, _space, first = display.partition(" ")
    return last, first


def person_record(entry: Entry, attrs: AttributeMap, upper=()) -> PersonRecord:
    """``upper``: attributes naming the levels above the department, topmost first."""
    attrs = lower_case(attrs)
    last_kana, first_kana = _kana_pair(entry, attrs)
    romaji = ""
    if attrs.romaji_last:
        romaji_last = entry.first(attrs.romaji_last)
        romaji_first = entry.first(attrs.romaji_first)
        if romaji_last.isascii() and romaji_first.isascii():
            romaji = f"{romaji_first} {romaji_last}".strip()
    username = entry.first(attrs.username)
    if "@" in username and attrs.username[0] == "samaccountname":
        username = username.partition("@")[0]  # userPrincipalName fallback
    flags = entry.first((attrs.disabled_flags,)) if attrs.disabled_flags else ""
    disabled = bool(flags) and bool(int(flags) & 2)
    groups = (
        tuple(normalize_dn(dn) for dn in entry.all(attrs.member_of))
        if attrs.member_of
        else ()
    )
    return PersonRecord(
        external_id=identity(entry, attrs),
        dn=normalize_dn(entry.dn),
        username=username.strip()[:150],
        last_name=entry.first(attrs.last_name)[:150],
        first_name=entry.first(attrs.first_name)[:150],
        last_name_kana=normalize_reading(last_kana)[:100],
        first_name_kana=normalize_reading(first_kana)[:100],
        romaji_name=romaji[:200],
        email=entry.first(attrs.email)[:254],
        extension=entry.first(attrs.extension)[:32],
        phone=entry.first(attrs.phone)[:32],
        employee_number=entry.first(attrs.employee_number)[:32] or None,
        ldap_dn=entry.dn[:512],
        title=entry.first(attrs.title),
        department=entry.first(attrs.department),
        disabled=disabled,
        groups=groups,
        upper_units=tuple(
            value for name in upper if (value := entry.first((name.lower(),)).strip())
        ),
    )


def unit_record(entry: Entry, config: LdapConfig) -> UnitRecord:
    """An OU entry as a unit; its kind from the entry, else from its name's ending."""
    attrs = lower_case(config.attributes)
    dn = normalize_dn(entry.dn)
    code = entry.first(attrs.unit_code)
    name = entry.first(attrs.unit_name) or code
    kind = entry.first(attrs.unit_kind).lower()
    declared = kind in OrgUnit.Kind.values
    if not declared:
        kind = config.unit_kind(name)
    return UnitRecord(
        external_id=identity(entry, attrs),
        dn=dn,
        parent_dn=parent_dn(dn),
        code=code[:64],
        name=name[:100],
        name_kana=entry.first(attrs.unit_name_kana)[:200],
        short_name=entry.first(attrs.unit_short_name)[:20],
        kind=kind,
        declared=declared,
    )


def unit_path(record: PersonRecord, config: LdapConfig) -> list[str]:
    """The levels of a person's unit, topmost first, in ``department`` mode: the
    upper attributes' values, then the department split on the path separator."""
    department = record.department.strip()
    separator = config.units_path_separator
    levels = department.split(separator) if separator else [department]
    path = [*record.upper_units, *(level.strip() for level in levels)]
    return [level for level in path if level]


def group_record(entry: Entry, attrs: AttributeMap) -> GroupRecord:
    attrs = lower_case(attrs)
    names = []
    for name in attrs.group_name:
        names.extend(value.lower() for value in entry.all(name))
    return GroupRecord(
        dn=normalize_dn(entry.dn),
        names=tuple(dict.fromkeys(names)),
        members=tuple(normalize_dn(dn) for dn in entry.all(attrs.group_member)),
    )
