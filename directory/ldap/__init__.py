"""LDAP / Active Directory: configuration, reading (ldap3 or an LDIF file), the sync and login.

- ``config``: ``LdapConfig`` from ``settings.LDAP`` and the attribute-map presets.
- ``source``: where entries come from — a live server (ServerPool, TLS, paged reads that
  fail closed) or an LDIF file read through the same mapping.
- ``mapping``: one entry → a person, unit or group record.
- ``sync``: the in-memory diff and the bulk writes, in one transaction, recorded as a run.
- ``auth``: the login backend (service-account search, then a bind as the person).
"""
