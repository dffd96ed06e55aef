"""Signals for the parts built on the approval engine (workflows.records)."""

from django.dispatch import Signal

# Sent inside the deciding transaction, after the ledger entry of the 決裁:
# sender=Document, document=…, by=the person who decided.
document_decided = Signal()
