"""Every state change of 文書管理, as keyword-only functions (views, commands, the
demo loader and the approval engine's decision signal call these)."""

from .circulars import close_circular, mark_read, remind_unread, start_circular
from .corrections import decide_correction, request_correction
from .filing import (
    binder_for,
    classify,
    close_incoming,
    complete,
    register_incoming,
    start_reply,
    suggest_classification,
)
from .issuance import issue
from .paper import copy_table, publish_table, register_paper_decision
from .retention import extend_retention, request_disposal, transfer

__all__ = [
    "binder_for",
    "classify",
    "close_circular",
    "close_incoming",
    "complete",
    "copy_table",
    "decide_correction",
    "extend_retention",
    "issue",
    "mark_read",
    "publish_table",
    "register_incoming",
    "register_paper_decision",
    "remind_unread",
    "request_correction",
    "request_disposal",
    "start_circular",
    "start_reply",
    "suggest_classification",
    "transfer",
]
