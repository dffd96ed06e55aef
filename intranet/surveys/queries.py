"""Reads for surveys: the open ones a person has not answered yet (the dashboard)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from intranet.pages.visibility import viewable_by

from .models import SurveyPage, SurveyRespondent


def open_surveys_for(user, *, limit: int = 5) -> list[SurveyPage]:
    """Published surveys ``user`` may read and has not answered, newest first."""
    answered = SurveyRespondent.objects.filter(survey=OuterRef("pk"), person_id=user.pk)
    return list(
        viewable_by(SurveyPage.objects.live(), user)
        .only("title", "url_path", "first_published_at")
        .filter(~Exists(answered))
        .order_by("-first_published_at", "-pk")[:limit]
    )
