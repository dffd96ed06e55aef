"""Search hook for the intranet's search page: decided documents the user may see.

``search_documents(user, query, limit=20) -> list[Document]`` matches the normalised
title, body text, 文書番号 and applicant name (two-character words such as 会議 or
押印 match, since this is a substring search, not a word tokeniser).
"""

from __future__ import annotations

from directory.text import normalize

from .access import visible_documents_for
from .models import Document


def search_documents(user, query: str, limit: int = 20) -> list[Document]:
    terms = [term for term in normalize(query or "").split() if term]
    if not terms:
        return []
    documents = visible_documents_for(user).filter(state=Document.State.DECIDED)
    for term in terms[:5]:
        documents = documents.filter(search_text__contains=term)
    return list(
        documents.select_related("document_type", "applicant").order_by(
            "-decided_at", "-pk"
        )[:limit]
    )
