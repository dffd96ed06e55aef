"""Signals the directory sends for the parts above it (the audit log listens)."""

from django.dispatch import Signal

# Sent by the LDAP sync after it wrote role-group memberships in bulk (bulk writes send
# no m2m_changed): ``added`` and ``removed`` are lists of (group_id, person_id).
group_memberships_synced = Signal()

# Sent by the LDAP sync after it deactivated or reactivated accounts in bulk (no
# post_save then): ``deactivated`` and ``reactivated`` are lists of person ids.
accounts_synced = Signal()

# Sent when a save outside the directory sync tried to change a directory-managed field
# (``directory.managed``): ``instance`` and ``changes`` {field: [stored, attempted]}.
managed_change_refused = Signal()

# Sent by the login throttle when failures against one account (``username``) or from
# one address (``address``) reach LOGIN_ALERT_FAILURES within ``window``: ``count``.
login_failures_sustained = Signal()

# Sent after the commit that recorded an absence (出張・休暇, ``PresencePeriod``
# .ABSENT_STATUSES) for ``person`` from ``start_date`` to ``end_date`` (inclusive): the
# approvals tell the registered 代決者 of decisions already waiting for the person.
absence_recorded = Signal()
