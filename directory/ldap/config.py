"""LDAP settings as one immutable object, and the attribute maps for OpenLDAP and AD."""

from __future__ import annotations

import dataclasses
import ssl
from dataclasses import dataclass, field

from django.conf import settings


@dataclass(frozen=True)
class AttributeMap:
    """Which LDAP attributes hold each field. A tuple lists fallbacks, first wins."""

    person_class: str
    unit_class: str
    group_class: str
    identity: str  # entryUUID, or objectGUID (little-endian bytes)
    identity_is_guid: bool
    login: str  # the attribute a user ID is searched in at login
    username: tuple[str, ...]
    last_name: tuple[str, ...]
    first_name: tuple[str, ...]
    last_name_kana: tuple[str, ...]
    first_name_kana: tuple[str, ...]
    display_name_kana: tuple[str, ...]
    romaji_last: tuple[str, ...]
    romaji_first: tuple[str, ...]
    email: tuple[str, ...]
    extension: tuple[str, ...]
    phone: tuple[str, ...]
    employee_number: tuple[str, ...]
    title: tuple[str, ...]
    department: tuple[str, ...]
    disabled_flags: str  # userAccountControl on AD ("" on OpenLDAP)
    member_of: str  # memberOf on AD ("" where groups are read as entries)
    change_marker: str  # modifyTimestamp / uSNChanged
    unit_code: tuple[str, ...]
    unit_name: tuple[str, ...]
    unit_name_kana: tuple[str, ...]
    unit_short_name: tuple[str, ...]
    unit_kind: tuple[str, ...]
    group_name: tuple[str, ...]
    group_member: str

    def person_attributes(self) -> list[str]:
        names = [self.identity, self.change_marker]
        for values in (
            self.username,
            self.last_name,
            self.first_name,
            self.last_name_kana,
            self.first_name_kana,
            self.display_name_kana,
            self.romaji_last,
            self.romaji_first,
            self.email,
            self.extension,
            self.phone,
            self.employee_number,
            self.title,
            self.department,
        ):
            names.extend(values)
        names.extend(n for n in (self.disabled_flags, self.member_of) if n)
        return list(dict.fromkeys(names))

    def unit_attributes(self) -> list[str]:
        names = [self.identity, self.change_marker]
        for values in (
            self.unit_code,
            self.unit_name,
            self.unit_name_kana,
            self.unit_short_name,
            self.unit_kind,
        ):
            names.extend(values)
        return list(dict.fromkeys(names))

    def group_attributes(self) -> list[str]:
        return list(
            dict.fromkeys(
                [self.identity, self.change_marker, *self.group_name, self.group_member]
            )
        )


# OpenLDAP inetOrgPerson: names in kanji carry the language tag ;lang-ja, readings
# ;lang-ja-x-phonetic, and the untagged sn/givenName hold the romaji. People sit in the
# OU of their unit (or name its code in departmentNumber); units are
# organizationalUnit entries (+ extensibleObject for displayName).
OPENLDAP = AttributeMap(
    person_class="inetOrgPerson",
    unit_class="organizationalUnit",
    group_class="groupOfNames",
    identity="entryUUID",
    identity_is_guid=False,
    login="uid",
    username=("uid",),
    last_name=("sn;lang-ja", "sn"),
    first_name=("givenName;lang-ja", "givenName"),
    last_name_kana=("sn;lang-ja-x-phonetic",),
    first_name_kana=("givenName;lang-ja-x-phonetic",),
    display_name_kana=("displayName;lang-ja-x-phonetic",),
    romaji_last=("sn",),
    romaji_first=("givenName",),
    email=("mail",),
    extension=("telephoneNumber",),
    phone=("mobile",),
    employee_number=("employeeNumber",),
    title=("title",),
    department=("departmentNumber",),
    disabled_flags="",
    member_of="",
    change_marker="modifyTimestamp",
    unit_code=("ou",),
    unit_name=("displayName", "description", "ou"),
    unit_name_kana=("displayName;lang-ja-x-phonetic",),
    unit_short_name=("cn",),
    unit_kind=("businessCategory",),
    group_name=("cn",),
    group_member="member",
)

# Active Directory: objectGUID identity, sAMAccountName login, readings in
# msDS-Phonetic*, disabled accounts flagged in userAccountControl, groups via memberOf,
# the unit named by the department attribute, the post by title.
ACTIVE_DIRECTORY = AttributeMap(
    person_class="user",
    unit_class="organizationalUnit",
    group_class="group",
    identity="objectGUID",
    identity_is_guid=True,
    login="sAMAccountName",
    username=("sAMAccountName", "userPrincipalName"),
    last_name=("sn",),
    first_name=("givenName",),
    last_name_kana=("msDS-PhoneticLastName",),
    first_name_kana=("msDS-PhoneticFirstName",),
    display_name_kana=("msDS-PhoneticDisplayName",),
    romaji_last=(),
    romaji_first=(),
    email=("mail", "userPrincipalName"),
    extension=("telephoneNumber",),
    phone=("mobile",),
    employee_number=("employeeNumber", "employeeID"),
    title=("title",),
    department=("department",),
    disabled_flags="userAccountControl",
    member_of="memberOf",
    change_marker="uSNChanged",
    unit_code=("ou",),
    unit_name=("displayName", "description", "ou"),
    unit_name_kana=("msDS-PhoneticDisplayName",),
    unit_short_name=(),
    unit_kind=(),
    group_name=("cn", "sAMAccountName"),
    group_member="member",
)

PRESETS = {"openldap": OPENLDAP, "ad": ACTIVE_DIRECTORY}

# A unit's kind from the ending of its name, longest ending first (LDAP_UNIT_KINDS).
DEFAULT_UNIT_KINDS = (
    ("センター", "office"),
    ("担当", "team"),
    ("部", "department"),
    ("局", "office"),
    ("課", "section"),
    ("係", "unit"),
    ("室", "office"),
    ("所", "office"),
    ("区", "ward"),
)
DEFAULT_FILTERS = {
    "openldap": {
        "people": "(objectClass=inetOrgPerson)",
        "units": "(objectClass=organizationalUnit)",
        "groups": "(objectClass=groupOfNames)",
    },
    "ad": {
        "people": "(&(objectCategory=person)(objectClass=user))",
        "units": "(objectClass=organizationalUnit)",
        "groups": "(objectClass=group)",
    },
}


def with_default_kinds(given) -> tuple[tuple[str, str], ...]:
    """The configured endings, then the defaults for every other ending."""
    pairs = tuple((ending, kind) for ending, kind in given)
    endings = {ending for ending, _kind in pairs}
    return pairs + tuple(p for p in DEFAULT_UNIT_KINDS if p[0] not in endings)


@dataclass(frozen=True)
class LdapConfig:
    uris: tuple[str, ...] = ()
    preset: str = "openldap"
    tls: str = "starttls"  # starttls, ldaps or none
    tls_validate: bool = True
    ca_file: str | None = None
    bind_dn: str = ""
    bind_password: str = field(default="", repr=False)
    people_base: str = ""
    people_filter: str = ""
    units_base: str = ""
    units_filter: str = ""
    units_from: str = "ou"  # ou: OU entries; department: the person's department
    # department mode: "政策経営部/企画課/企画係" split on this into levels ("": one level)
    units_path_separator: str = ""
    # department mode: attributes read as the levels above the department (AD's
    # company, division), topmost first
    units_upper_attributes: tuple[str, ...] = ()
    unit_kinds: tuple[tuple[str, str], ...] = DEFAULT_UNIT_KINDS  # ending → kind
    unit_kinds_by_level: tuple[str, ...] = ()  # kind of level 1, 2, … ("" = ending)
    groups_base: str = ""
    groups_filter: str = ""
    timeout: int = 10
    page_size: int = 500
    overlap_seconds: int = 120
    deactivate_max_percent: int = 5
    deactivate_max_count: int = 500

    @classmethod
    def from_settings(cls, **overrides) -> LdapConfig:
        raw = dict(getattr(settings, "LDAP", {}) or {})
        preset = overrides.get("preset", raw.get("PRESET", "openldap"))
        filters = DEFAULT_FILTERS[preset]
        values = {
            "uris": tuple(raw.get("URIS") or ()),
            "preset": preset,
            "tls": raw.get("TLS", "starttls"),
            "tls_validate": raw.get("TLS_VALIDATE", True),
            "ca_file": raw.get("CA_FILE"),
            "bind_dn": raw.get("BIND_DN", ""),
            "bind_password": raw.get("BIND_PASSWORD", ""),
            "people_base": raw.get("PEOPLE_BASE", ""),
            "people_filter": raw.get("PEOPLE_FILTER") or filters["people"],
            "units_base": raw.get("UNITS_BASE", ""),
            "units_filter": raw.get("UNITS_FILTER") or filters["units"],
            "units_from": raw.get("UNITS_FROM")
            or ("department" if preset == "ad" else "ou"),
            "units_path_separator": raw.get("UNITS_PATH_SEPARATOR") or "",
            "units_upper_attributes": tuple(raw.get("UNITS_UPPER_ATTRIBUTES") or ()),
            "unit_kinds": with_default_kinds(raw.get("UNIT_KINDS") or ()),
            "unit_kinds_by_level": tuple(raw.get("UNIT_KINDS_BY_LEVEL") or ()),
            "groups_base": raw.get("GROUPS_BASE", ""),
            "groups_filter": raw.get("GROUPS_FILTER") or filters["groups"],
            "timeout": raw.get("TIMEOUT", 10),
            "page_size": raw.get("PAGE_SIZE", 500),
            "overlap_seconds": raw.get("OVERLAP_SECONDS", 120),
            "deactivate_max_percent": raw.get("DEACTIVATE_MAX_PERCENT", 5),
            "deactivate_max_count": raw.get("DEACTIVATE_MAX_COUNT", 500),
        }
        values.update(overrides)
        if "preset" in overrides and "people_filter" not in overrides:
            values["people_filter"] = DEFAULT_FILTERS[preset]["people"]
            values["units_filter"] = DEFAULT_FILTERS[preset]["units"]
            values["groups_filter"] = DEFAULT_FILTERS[preset]["groups"]
            if "units_from" not in overrides:
                values["units_from"] = "department" if preset == "ad" else "ou"
        values["uris"] = tuple(values["uris"])
        values["units_upper_attributes"] = tuple(values["units_upper_attributes"])
        values["unit_kinds_by_level"] = tuple(values["unit_kinds_by_level"])
        return cls(**values)

    def replace(self, **changes) -> LdapConfig:
        return dataclasses.replace(self, **changes)

    @property
    def enabled(self) -> bool:
        return bool(self.uris)

    @property
    def attributes(self) -> AttributeMap:
        return PRESETS[self.preset]

    def unit_kind(self, name: str, level: int | None = None) -> str:
        """The kind of a unit: by its level (LDAP_UNIT_KINDS_BY_LEVEL, 0 = top) when
        given, else by the ending of its name (LDAP_UNIT_KINDS), else a team."""
        if level is not None and level < len(self.unit_kinds_by_level):
            kind = self.unit_kinds_by_level[level]
            if kind:
                return kind
        for ending, kind in sorted(self.unit_kinds, key=lambda p: -len(p[0])):
            if name.endswith(ending):
                return kind
        return "team"

    @property
    def is_ad(self) -> bool:
        return self.preset == "ad"

    @property
    def certificate_requirement(self) -> int:
        return ssl.CERT_REQUIRED if self.tls_validate else ssl.CERT_NONE

    def describe(self) -> str:
        return ", ".join(self.uris)
