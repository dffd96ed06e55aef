"""Staff answer a survey; the PT exports the answers (CSV, Excel); nobody else can."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
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


def export(client, survey, kind):
    url = reverse("wagtailforms:list_submissions", args=[survey.pk])
    return b"".join(client.get(url, {"export": kind}).streaming_content)


def test_exports_are_in_tokyo_time_to_the_minute_and_csv_has_a_bom(
    client, applicant, pt, survey, monkeypatch
):
    """At 23:40:17.5 UTC it is already the next day in Tokyo: the file says so, and
    neither it nor the database keeps the seconds that would match the request log."""
    from intranet.surveys.models import SurveyRespondent

    frequency, _opinion = field_names(survey)
    client.force_login(applicant)
    moment = datetime.datetime(2026, 11, 30, 23, 40, 17, 500000, tzinfo=datetime.UTC)
    with monkeypatch.context() as patch:
        patch.setattr(timezone, "now", lambda: moment)
        client.post(survey.url, {frequency: "週1回以上"})
    stored = FormSubmission.objects.get().submit_time
    assert (stored.second, stored.microsecond) == (0, 0)
    respondent = SurveyRespondent.objects.get()
    assert (respondent.answered_at.second, respondent.answered_at.microsecond) == (0, 0)

    client.force_login(pt.member)
    raw = export(client, survey, "csv")
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    text = raw.decode("utf-8-sig")
    assert "2026/12/01 08:40" in text
    assert "23:40" not in text and ":17" not in text

    workbook = load_workbook(io.BytesIO(export(client, survey, "xlsx")))
    cells = [
        cell for row in workbook.active.iter_rows(values_only=True) for cell in row
    ]
    assert datetime.datetime(2026, 12, 1, 8, 40) in cells


def test_a_drop_down_starts_on_no_answer(client, applicant, site, pt):
    page = SurveyPage(title="庁舎の食堂", slug="canteen")
    page.form_fields = [
        SurveyFormField(
            label="利用頻度",
            field_type="dropdown",
            choices="毎日\nときどき",
            required=True,
        )
    ]
    survey = publish(site.surveys, page, by=pt.lead)
    client.force_login(applicant)
    html = client.get(survey.url).content.decode()
    assert '<option value="" selected>選択してください</option>' in html
    response = client.post(survey.url, {})
    assert 'data-testid="survey-form"' in response.content.decode()
    assert not FormSubmission.objects.exists()


def test_open_surveys_are_on_the_dashboard_until_answered(client, applicant, survey):
    frequency, _opinion = field_names(survey)
    client.force_login(applicant)
    html = client.get("/").content.decode()
    assert 'data-testid="panel-surveys"' in html
    assert "テレワークに関するアンケート" in html
    client.post(survey.url, {frequency: "週1回以上"})
    assert 'data-testid="panel-surveys"' not in client.get("/").content.decode()
