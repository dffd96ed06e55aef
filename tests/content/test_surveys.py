"""Staff answer a survey; the PT exports the answers (CSV, Excel); nobody else can."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.contrib.forms.models import FormSubmission

from intranet.surveys.models import SurveyFormField, SurveyPage
from tests.content.conftest import publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(site, pt):
    page = SurveyPage(title="テレワークに関するアンケート", slug="telework")
    page.form_fields = [
        SurveyFormField(
            label="テレワークの頻度",
            field_type="radio",
            choices="週1回以上\nしていない",
            required=True,
        ),
        SurveyFormField(label="ご意見", field_type="multiline", required=False),
    ]
    return publish(site.surveys, page, by=pt.lead)


def field_names(survey):
    return [field.clean_name for field in survey.form_fields.all()]


def test_staff_answer_and_the_pt_exports_csv_and_excel(client, applicant, pt, survey):
    frequency, opinion = field_names(survey)
    client.force_login(applicant)
    page = client.get(survey.url).content.decode()
    assert 'data-testid="survey-form"' in page
    response = client.post(
        survey.url, {frequency: "週1回以上", opinion: '=HYPERLINK("x") 会議が減った'}
    )
    assert response.status_code == 200
    assert 'data-testid="survey-thanks"' in response.content.decode()
    assert FormSubmission.objects.filter(page=survey).count() == 1

    url = reverse("wagtailforms:list_submissions", args=[survey.pk])
    client.force_login(pt.member)
    csv = client.get(url, {"export": "csv"})
    assert csv.status_code == 200
    text = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert "テレワークの頻度" in text and "週1回以上" in text
    assert "会議が減った" in text

    xlsx = client.get(url, {"export": "xlsx"})
    assert xlsx.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert "テレワークの頻度" in rows[0]
    assert "週1回以上" in rows[1]


def test_staff_cannot_read_or_export_answers(client, applicant, survey):
    client.force_login(applicant)
    url = reverse("wagtailforms:list_submissions", args=[survey.pk])
    for export in ("csv", "xlsx"):
        response = client.get(url, {"export": export})
        assert response.status_code in {302, 403}
        assert "テレワークの頻度" not in response.content.decode(errors="ignore")


def test_a_required_answer_missing_keeps_the_form(client, applicant, survey):
    _frequency, opinion = field_names(survey)
    client.force_login(applicant)
    response = client.post(survey.url, {opinion: "書いた意見は残る"})
    html = response.content.decode()
    assert "書いた意見は残る" in html
    assert not FormSubmission.objects.exists()


def test_search_text_has_the_questions(survey):
    assert "テレワークの頻度" in survey.search_text()


def test_each_person_answers_once_and_answers_stay_anonymous(
    client, applicant, stranger, pt, survey
):
    from intranet.surveys.models import SurveyRespondent

    frequency, opinion = field_names(survey)
    client.force_login(applicant)
    client.post(survey.url, {frequency: "週1回以上", opinion: "一度目"})
    # A second visit shows that the survey is answered, not the form.
    page = client.get(survey.url).content.decode()
    assert 'data-testid="survey-answered"' in page
    assert 'data-testid="survey-form"' not in page
    assert "回答済み" in page
    # Posting again (an old tab) stores nothing more.
    response = client.post(survey.url, {frequency: "していない", opinion: "二度目"})
    assert response.status_code == 200
    assert 'data-testid="survey-answered"' in response.content.decode()
    assert FormSubmission.objects.filter(page=survey).count() == 1
    # Someone else still may.
    client.force_login(stranger)
    client.post(survey.url, {frequency: "していない", opinion: ""})
    assert FormSubmission.objects.filter(page=survey).count() == 2
    assert SurveyRespondent.objects.filter(survey=survey).count() == 2
    # Who answered is not linked to what: the export names nobody.
    client.force_login(pt.member)
    url = reverse("wagtailforms:list_submissions", args=[survey.pk])
    text = b"".join(client.get(url, {"export": "csv"}).streaming_content).decode(
        "utf-8-sig"
    )
    for person in (applicant, stranger):
        assert person.username not in text
        assert person.last_name not in text


def test_an_invalid_answer_keeps_the_form_and_records_no_one(client, applicant, survey):
    from intranet.surveys.models import SurveyRespondent

    client.force_login(applicant)
    response = client.post(survey.url, {})
    assert 'data-testid="survey-form"' in response.content.decode()
    assert not SurveyRespondent.objects.exists()
