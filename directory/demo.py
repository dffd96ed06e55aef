"""The demo ward, loaded from ``fixtures/demo.ldif`` the way production data is loaded.

The LDIF (an OpenLDAP-shaped directory with fixed entryUUIDs) goes through the same
sync as ``manage.py sync_directory --ldif``: units from its OUs, people from its
inetOrgPerson entries, role groups from its groupOfNames entries. What a directory
does not hold is then added here: the posts and their ranks, the concurrent posts
(兼務), the demo passwords and the superuser flag (development only).
"""

import datetime
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.contrib.auth.models import Group

from . import roles, services
from .ldap.config import LdapConfig
from .ldap.sync import run_sync
from .models import OrgUnit, Person, Post

DEMO_PASSWORD = "demo"  # noqa: S105 - documented; load_demo_data refuses unless DEBUG
FISCAL_START = datetime.date(2026, 4, 1)
LDIF = Path(__file__).resolve().parent / "fixtures" / "demo.ldif"
SUFFIX = "dc=ward,dc=example"

# The demo directory's layout, as LDAP_* settings would describe it.
CONFIG = LdapConfig(
    preset="openldap",
    people_base=f"ou=ward,{SUFFIX}",
    people_filter="(objectClass=inetOrgPerson)",
    units_base=f"ou=ward,{SUFFIX}",
    units_filter="(objectClass=organizationalUnit)",
    groups_base=f"ou=groups,{SUFFIX}",
    groups_filter="(objectClass=groupOfNames)",
)

POSTS = [
    # code, name, rank, heads a unit
    ("kucho", "区長", 10, True),
    ("fukukucho", "副区長", 20, True),
    ("bucho", "部長", 30, True),
    ("kacho", "課長", 40, True),
    ("tanto-kacho", "担当課長", 45, False),
    ("kakaricho", "係長", 50, True),
    ("shunin", "主任", 60, False),
    ("shuji", "主事", 70, False),
]

# Concurrent posts (兼務) are appointed in the intranet, not in the directory.
CONCURRENT = [
    ("watanabe", "dx-pt", "kakaricho"),
    ("ito", "dx-pt", "shuji"),
    ("maeda", "dx-pt", "shunin"),
]

# Role groups also come from the LDIF's groups; this keeps them even if it changes.
GROUPS = {
    roles.DX_PT: ["ito", "watanabe"],
    roles.DX_PT_LEAD: ["watanabe"],
    roles.AUDITORS: ["kato"],
    roles.APPROVAL_ADMINS: ["hayashi", "admin"],
    roles.FACILITY_MANAGERS: ["kimura", "admin"],
    roles.DIRECTORY_ADMINS: ["admin"],
}


def load(*, stdout) -> None:
    roles.ensure_role_groups()
    posts = {}
    for code, name, rank, heads in POSTS:
        posts[code], _created = Post.objects.update_or_create(
            code=code, defaults={"name": name, "rank": rank, "heads_unit": heads}
        )
    result = run_sync(
        config=CONFIG, ldif=str(LDIF), trigger="demo", effective_date=FISCAL_START
    )
    if not result.ok:
        raise RuntimeError(f"The demo LDIF did not load: {result.message}")
    people = {person.username: person for person in Person.objects.all()}
    if settings.DEBUG:
        demo_hash = make_password(DEMO_PASSWORD)
        unusable = {"password__startswith": UNUSABLE_PASSWORD_PREFIX}
        Person.objects.filter(external_id__isnull=False, **unusable).update(
            password=demo_hash
        )
        Person.objects.filter(username="admin").update(is_staff=True, is_superuser=True)
    units = {unit.code: unit for unit in OrgUnit.objects.on(FISCAL_START)}
    for username, unit, post in CONCURRENT:
        person = people[username]
        if not person.memberships.filter(unit=units[unit], is_primary=False).exists():
            services.appoint(
                person=person,
                unit=units[unit],
                post=posts[post],
                primary=False,
                valid_from=FISCAL_START,
            )
    for name, usernames in GROUPS.items():
        group = Group.objects.get(name=name)
        group.user_set.add(*(people[username] for username in usernames))
    # The 財務会計 system's account for the API (docs/api.md): no password, no post,
    # never listed as staff.
    system, created = Person.objects.get_or_create(
        username="zaimu-system",
        defaults={"last_name": "財務会計システム", "is_service_account": True},
    )
    if created:
        system.set_unusable_password()
        system.save(update_fields=["password"])
    run = result.run
    stdout.write(
        f"  directory: {len(units)} units, {len(people)} people "
        f"(LDIF sync: {run.created} created, {run.updated} updated)"
    )
