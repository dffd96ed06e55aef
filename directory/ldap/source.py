"""Where directory entries come from: a live LDAP/AD server, or an LDIF file.

Both yield the same ``Entry`` objects (DN + attribute name in lower case → raw bytes), so
the sync maps them the same way. The live source fails closed: an unreachable server
raises ``DirectoryUnavailable``; a paged search that ends with anything but success
(e.g. a server size limit, which ldap3's paged generator otherwise hides) raises
``IncompleteRead``.
"""

from __future__ import annotations

import base64
import datetime
import ssl
import uuid
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from ldap3 import (
    BASE,
    DEREF_NEVER,
    FIRST,
    NONE,
    SUBTREE,
    Connection,
    Server,
    ServerPool,
    Tls,
    set_config_parameter,
)
from ldap3.core.exceptions import LDAPException
from ldap3.utils.conv import escape_filter_chars
from ldap3.utils.dn import parse_dn

from .config import LdapConfig

# The pool tries each server once per attempt (active=1); ldap3 would otherwise sleep
# 10 s after that last failed round before giving up.
set_config_parameter("POOLING_LOOP_TIMEOUT", 0)
# Entry keeps its own lower-cased names; plain dicts decode faster than ldap3's
# case-insensitive ones.
set_config_parameter("CASE_INSENSITIVE_ATTRIBUTE_NAMES", False)


class DirectoryUnavailable(Exception):
    """No server in the pool answered, TLS failed, or the service account was refused."""


class IncompleteRead(Exception):
    """A search ended early (size/time limit, referral, error): the data is partial."""


@dataclass(slots=True)
class Entry:
    dn: str
    attributes: dict[str, list[bytes]]

    def first(self, names) -> str:
        """The first value of the first of ``names`` present (names in lower case)."""
        for name in names:
            values = self.attributes.get(name)
            if values:
                value = values[0]
                return value.decode("utf-8") if isinstance(value, bytes) else value
        return ""

    def raw(self, name: str) -> bytes | None:
        values = self.attributes.get(name.lower())
        return values[0] if values else None

    def all(self, name: str) -> list[str]:
        return [
            value.decode("utf-8") if isinstance(value, bytes) else value
            for value in self.attributes.get(name.lower(), [])
        ]


def normalize_dn(dn: str) -> str:
    """A DN in a form fit for comparing: lower case, no spaces around ``=`` and ``,``."""
    if "\\" in dn or '"' in dn or "+" in dn:
        return ",".join(
            f"{attr.strip().lower()}={value.strip().lower()}"
            for attr, value, _sep in parse_dn(dn, escape=True)
        )
    if " " not in dn:
        return dn.lower()
    parts = []
    for rdn in dn.split(","):
        attr, _eq, value = rdn.partition("=")
        parts.append(f"{attr.strip().lower()}={value.strip().lower()}")
    return ",".join(parts)


def parent_dn(normalized: str) -> str:
    """The parent of a normalised DN (``normalize_dn`` output)."""
    if "\\" in normalized:
        parts = parse_dn(normalized, escape=True)
        return ",".join(f"{a}={v}" for a, v, _s in parts[1:])
    return normalized.partition(",")[2]


def in_base(normalized: str, base: str) -> bool:
    if not base:
        return True
    base = normalize_dn(base)
    return normalized == base or normalized.endswith("," + base)


@dataclass
class Marks:
    """High-water marks read from the server (AD) or computed from entries (OpenLDAP)."""

    high_water: str = ""
    invocation_id: str = ""


@dataclass
class ReadResult:
    people: list[Entry]
    units: list[Entry] | None
    groups: list[Entry] | None
    full: bool
    marks: Marks = field(default_factory=Marks)
    note: str = ""


Progress = Callable[[str, int], None]


def _tls(config: LdapConfig) -> Tls | None:
    if config.tls == "none":
        return None
    return Tls(
        validate=config.certificate_requirement,
        ca_certs_file=config.ca_file,
        version=ssl.PROTOCOL_TLS_CLIENT,
    )


def server_pool(config: LdapConfig) -> ServerPool:
    """Every configured URI, tried in order (failover), each once per connection attempt."""
    tls = _tls(config)
    servers = [
        Server(
            uri,
            use_ssl=config.tls == "ldaps" or uri.lower().startswith("ldaps://"),
            tls=tls,
            get_info=NONE,
            connect_timeout=config.timeout,
        )
        for uri in config.uris
    ]
    return ServerPool(servers, FIRST, active=1, exhaust=False)


def connect(
    config: LdapConfig, user: str | None = None, password: str | None = None
) -> Connection:
    """An open, bound connection (StartTLS first when configured).

    Raises DirectoryUnavailable when no server answers or TLS fails, and
    ``ldap3.core.exceptions.LDAPBindError`` when the credentials are refused.
    """
    if not config.enabled:
        raise DirectoryUnavailable("LDAP_URIS is not set.")
    bind_user = config.bind_dn if user is None else user
    bind_password = config.bind_password if password is None else password
    connection = Connection(
        server_pool(config),
        user=bind_user or None,
        password=bind_password or None,
        receive_timeout=config.timeout,
        read_only=True,
        raise_exceptions=False,
        auto_referrals=False,
        return_empty_attributes=False,
        # Only raw values are used: skip ldap3's schema formatting of every value.
        check_names=False,
    )
    try:
        connection.open()
        if (
            config.tls == "starttls"
            and not connection.tls_started
            and not connection.start_tls()
        ):
            raise DirectoryUnavailable(
                f"StartTLS failed: {connection.result.get('description')}"
            )
    except LDAPException as error:
        with suppress(LDAPException, OSError):
            connection.unbind()
        raise DirectoryUnavailable(f"{type(error).__name__}: {error}") from error
    return connection


def bind_service(config: LdapConfig) -> Connection:
    connection = connect(config)
    try:
        bound = connection.bind()
    except LDAPException as error:
        raise DirectoryUnavailable(f"{type(error).__name__}: {error}") from error
    if not bound:
        with suppress(LDAPException, OSError):
            connection.unbind()
        raise DirectoryUnavailable(
            f"The service account was refused: {connection.result.get('description')}"
        )
    return connection


def paged_entries(
    connection: Connection,
    base: str,
    search_filter: str,
    attributes: list[str],
    page_size: int,
    progress: Progress | None = None,
    label: str = "",
) -> Iterator[Entry]:
    """Every entry of a paged subtree search; raises IncompleteRead unless it completed."""
    count = 0
    try:
        results = connection.extend.standard.paged_search(
            base,
            search_filter,
            SUBTREE,
            dereference_aliases=DEREF_NEVER,
            attributes=attributes,
            paged_size=page_size,
            generator=True,
        )
        for item in results:
            if item.get("type") != "searchResEntry":
                continue
            count += 1
            if progress is not None and count % page_size == 0:
                progress(label, count)
            yield Entry(
                item["dn"],
                {
                    name.lower(): values
                    for name, values in item["raw_attributes"].items()
                },
            )
    except LDAPException as error:
        raise DirectoryUnavailable(f"{type(error).__name__}: {error}") from error
    result = connection.result or {}
    if result.get("result") != 0:
        raise IncompleteRead(
            f"The search of {base} {search_filter} ended with "
            f"{result.get('description')} ({result.get('result')}) after {count} "
            "entries."
        )
    if progress is not None:
        progress(label, count)


def _since_filter(config: LdapConfig, base_filter: str, since: str) -> str:
    marker = config.attributes.change_marker
    if config.is_ad:
        return f"(&{base_filter}({marker}>={int(since) + 1}))"
    moment = datetime.datetime.strptime(since, "%Y%m%d%H%M%SZ").replace(
        tzinfo=datetime.UTC
    ) - datetime.timedelta(seconds=config.overlap_seconds)
    return f"(&{base_filter}({marker}>={moment:%Y%m%d%H%M%SZ}))"


def _ad_marks(connection: Connection) -> Marks | None:
    """highestCommittedUSN and the DC's invocationId, read before any search (AD only)."""
    if not connection.search(
        "",
        "(objectClass=*)",
        BASE,
        attributes=["highestCommittedUSN", "dsServiceName"],
    ):
        return None
    attributes = connection.response[0]["raw_attributes"] if connection.response else {}
    usn = attributes.get("highestCommittedUSN")
    service = attributes.get("dsServiceName")
    if not usn or not service:
        return None
    invocation = ""
    if connection.search(
        service[0].decode(), "(objectClass=*)", BASE, attributes=["invocationId"]
    ):
        raw = connection.response[0]["raw_attributes"].get("invocationId")
        if raw:
            invocation = str(uuid.UUID(bytes_le=raw[0]))
    return Marks(high_water=usn[0].decode(), invocation_id=invocation)


class LdapSource:
    """Reads people, units and groups from the configured server pool."""

    def __init__(self, config: LdapConfig, progress: Progress | None = None):
        self.config = config
        self.progress = progress

    def describe(self) -> str:
        return self.config.describe()

    def read(self, *, previous: Marks | None, full: bool) -> ReadResult:
        config, attrs = self.config, self.config.attributes
        started = datetime.datetime.now(datetime.UTC)
        connection = bind_service(config)
        try:
            note = ""
            marks = Marks()
            if config.is_ad:
                marks = _ad_marks(connection) or Marks()
                if not full and (
                    not marks.high_water
                    or previous is None
                    or not previous.high_water
                    or previous.invocation_id != marks.invocation_id
                ):
                    full = True
                    note = "incremental not possible (no USN or a new invocationId)"
            elif not full and (previous is None or not previous.high_water):
                full = True
                note = "no earlier successful run: full read"
            people_filter = config.people_filter
            # Groups are read whole on every run, incremental too: they are few, and
            # OpenLDAP's refint overlay rewrites their members (a member deleted or
            # renamed) without a change an incremental filter could see.
            groups_filter = config.groups_filter
            if not full:
                people_filter = _since_filter(
                    config, people_filter, previous.high_water
                )
            read = ReadResult(people=[], units=None, groups=None, full=full, note=note)
            if config.units_from == "ou":
                read.units = list(
                    paged_entries(
                        connection,
                        config.units_base or config.people_base,
                        config.units_filter,
                        attrs.unit_attributes(),
                        config.page_size,
                        self.progress,
                        "units",
                    )
                )
            read.people = list(
                paged_entries(
                    connection,
                    config.people_base,
                    people_filter,
                    [*attrs.person_attributes(), *config.units_upper_attributes],
                    config.page_size,
                    self.progress,
                    "people",
                )
            )
            if config.groups_base and not attrs.member_of:
                read.groups = list(
                    paged_entries(
                        connection,
                        config.groups_base,
                        groups_filter,
                        attrs.group_attributes(),
                        config.page_size,
                        self.progress,
                        "groups",
                    )
                )
            if not config.is_ad:
                # The next run reads what changed since this read began (less the
                # overlap window, which also absorbs clock skew with the server).
                marks = Marks(high_water=f"{started:%Y%m%d%H%M%SZ}")
            read.marks = marks
            return read
        finally:
            with suppress(LDAPException, OSError):
                connection.unbind()

    def present(self, external_ids: list[str]) -> set[str]:
        """Which of these identities still have an entry among the people (an
        identity-only read of the people base: an incremental read cannot see
        deletions, and AD's objectGUID cannot be searched for by value everywhere)."""
        from .mapping import identity, lower_case

        config = self.config
        attrs = lower_case(config.attributes)
        wanted = set(external_ids)
        connection = bind_service(config)
        try:
            return {
                ext
                for entry in paged_entries(
                    connection,
                    config.people_base,
                    config.people_filter,
                    [config.attributes.identity],
                    config.page_size,
                )
                if (ext := identity(entry, attrs)) in wanted
            }
        finally:
            with suppress(LDAPException, OSError):
                connection.unbind()


def find_person_dn(connection: Connection, config: LdapConfig, username: str):
    """The DN and attributes of the one person whose login attribute equals ``username``.

    The value is escaped (``*)(uid=*`` matches nothing but itself). Returns None unless
    exactly one entry matches.
    """
    attrs = config.attributes
    search_filter = (
        f"(&{config.people_filter}({attrs.login}={escape_filter_chars(username)}))"
    )
    try:
        ok = connection.search(
            config.people_base,
            search_filter,
            SUBTREE,
            dereference_aliases=DEREF_NEVER,
            attributes=[attrs.identity, *filter(None, [attrs.disabled_flags])],
            size_limit=2,
        )
    except LDAPException as error:
        raise DirectoryUnavailable(f"{type(error).__name__}: {error}") from error
    if connection.result.get("result") in (51, 52, 80, -1):  # busy, unavailable …
        raise DirectoryUnavailable(connection.result.get("description"))
    entries = [
        item for item in (connection.response or []) if item["type"] == "searchResEntry"
    ]
    if not ok or len(entries) != 1:
        return None
    item = entries[0]
    return Entry(
        item["dn"],
        {name.lower(): values for name, values in item["raw_attributes"].items()},
    )


# --- LDIF -----------------------------------------------------------------------------


def parse_ldif(text: str) -> Iterator[Entry]:
    """Content records of an LDIF file (RFC 2849): folded lines, ``::`` base64 values.

    Change records (``changetype:``) and ``:<`` URLs are refused.
    """
    record: list[tuple[str, bytes]] = []
    line_number = 0

    def flush():
        if not record:
            return None
        name, value = record[0]
        if name != "dn":
            raise ValueError(f"line {line_number}: a record must start with dn:")
        attributes: dict[str, list[bytes]] = {}
        for attr, attr_value in record[1:]:
            if attr == "changetype":
                raise ValueError(f"line {line_number}: change records are not read")
            attributes.setdefault(attr, []).append(attr_value)
        return Entry(value.decode("utf-8"), attributes)

    logical: list[str] = []
    lines = text.splitlines()
    lines.append("")
    for raw in lines:
        line_number += 1
        if raw.startswith(" ") and logical:
            logical[-1] += raw[1:]
            continue
        if raw.startswith("#"):
            continue
        if raw.strip() == "":
            for item in logical:
                record.append(_ldif_attribute(item, line_number))
            logical = []
            if record and not (len(record) == 1 and record[0][0] == "version"):
                entry = flush()
                if entry is not None:
                    yield entry
            record = []
            continue
        logical.append(raw)


def _ldif_attribute(line: str, line_number: int) -> tuple[str, bytes]:
    name, separator, rest = line.partition(":")
    if not separator:
        raise ValueError(f"line {line_number}: expected 'attribute: value'")
    if rest.startswith(":"):
        return name.strip().lower(), base64.b64decode(rest[1:].strip())
    if rest.startswith("<"):
        raise ValueError(f"line {line_number}: URL values are not supported")
    return name.strip().lower(), rest.strip().encode("utf-8")


class LdifSource:
    """An LDIF file read through the same mapping as a server (the demo, imports).

    Entries are sorted into people, units and groups by object class and base DN (the
    configured filters are not evaluated); every read is a full read.
    """

    def __init__(self, path: str | Path, config: LdapConfig):
        self.path = Path(path)
        self.config = config

    def describe(self) -> str:
        return str(self.path)

    def read(self, *, previous: Marks | None, full: bool) -> ReadResult:
        config, attrs = self.config, self.config.attributes
        try:
            text = self.path.read_text(encoding="utf-8")
        except OSError as error:
            raise DirectoryUnavailable(f"{self.path}: {error.strerror}") from error
        read = ReadResult(
            people=[],
            units=[] if config.units_from == "ou" else None,
            groups=[] if not attrs.member_of else None,
            full=True,
        )
        person_class = attrs.person_class.lower()
        unit_class = attrs.unit_class.lower()
        group_class = attrs.group_class.lower()
        try:
            entries = list(parse_ldif(text))
        except ValueError as error:
            raise DirectoryUnavailable(f"{self.path}: {error}") from error
        for entry in entries:
            classes = {
                value.decode().lower()
                for value in entry.attributes.get("objectclass", [])
            }
            dn = normalize_dn(entry.dn)
            if person_class in classes and in_base(dn, config.people_base):
                read.people.append(entry)
            elif (
                unit_class in classes
                and read.units is not None
                and in_base(dn, config.units_base or config.people_base)
            ):
                read.units.append(entry)
            elif (
                group_class in classes
                and read.groups is not None
                and in_base(dn, config.groups_base)
            ):
                read.groups.append(entry)
        return read
