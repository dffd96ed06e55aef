"""Search hook for the intranet's search page: decided documents the user may see.

``search_documents(user, query, limit=20) -> list[Document]`` matches the normalised
title, body text, 文書番号 and applicant name (two-character words such as 会議 or
押印 match, since this is a substring search, not a word tokeniser).
"""

from __future__ import annotations

from django.db.models import Q

from directory.text import query_words

from .access import visible_documents_for
from .models import Document


def search_documents(user, query: str, limit: int = 20) -> list[Document]:
    words = query_words(query or "")
    if not words:
        return []
    documents = visible_documents_for(user).filter(state=Document.State.DECIDED)
    for forms in words[:5]:
        documents = documents.filter(matching_any(forms))
    return list(
        documents.select_related("document_type", "applicant").order_by(
            "-decided_at", "-pk"
        )[:limit]
    )


def matching_any(forms: tuple[str, ...]) -> Q:
    """The document's search text holds one of a word's forms (``query_words``)."""
    condition = Q()
    for form in forms:
        condition |= Q(search_text__contains=form)
    return condition
