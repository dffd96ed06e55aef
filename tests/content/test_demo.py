"""The demo content loads through the real services, and loading it again adds nothing."""

import io

import pytest

from directory import demo as directory_demo
from intranet.news.models import NewsArticlePage
from intranet.pages import demo
from intranet.pages.models import StandardPage
from intranet.pages.stale import stale_pages_for
from intranet.proposals.models import Comment, ProposalPage, Status, Support
from intranet.surveys.models import SurveyPage
from workflows import demo as workflows_demo

pytestmark = pytest.mark.django_db


def test_demo_content_loads_idempotently(home_page, settings):
    settings.DEBUG = True  # as load_demo_data requires (the admin is a superuser)
    out = io.StringIO()
    directory_demo.load(stdout=out)
    workflows_demo.load(stdout=out)
    demo.load(stdout=out)
    proposals = ProposalPage.objects.live()
    assert set(proposals.values_list("status", flat=True)) == set(Status.values)
    assert Support.objects.exists() and Comment.objects.filter(parent__isnull=False)
    adopted = proposals.get(status=Status.ADOPTED)
    assert adopted.document is not None
    assert adopted.document.source_url.endswith(adopted.url)
    assert NewsArticlePage.objects.filter(pinned=True).count() == 1
    assert SurveyPage.objects.live().count() == 1
    texts = " ".join(
        page.specific.search_text()
        for page in [*proposals, *StandardPage.objects.live()]
    )
    for word in ("会議", "稟議", "押印", "ペーパーレス"):
        assert word in texts
    from directory.models import Person

    sato = Person.objects.get(username="sato")
    assert [page.slug for page in stale_pages_for(sato)] == ["retention-rules"]

    counts = (ProposalPage.objects.count(), Comment.objects.count())
    demo.load(stdout=out)
    assert (ProposalPage.objects.count(), Comment.objects.count()) == counts
