"""What the approvals announce to the parts above them (the API's webhooks …).

Sent inside the service's transaction, right where people are notified: a receiver
that writes rows (e.g. a webhook delivery) commits or rolls back with the action.
Each sends ``document`` (a Document) and the keywords named below.
"""

from django.dispatch import Signal

# 起案・再提出: document, resubmission (bool).
document_submitted = Signal()
# A step reached its holder: document, step (RouteStep, with ``assignee``).
step_assigned = Signal()
# 差戻し: document, comment.
document_returned = Signal()
# 決裁: document (numbered), by (who decided). workflows.records completes the
# document here (and carries out a decided 廃棄協議 or 公印使用の伺い).
document_decided = Signal()
# 却下: document, comment.
document_rejected = Signal()
# 取下げ or 引戻し: document, pulled_back (bool).
document_withdrawn = Signal()
