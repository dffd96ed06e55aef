"""Demo content: guides and FAQs, news (one pinned), the DX PT's proposals in every
state with support and comments, a staff survey, and one page past its review date.

Pages are published through revisions (``save_revision().publish()``) so that
Wagtail's page_published signal fires as it does in the CMS; responses and status
changes go through intranet.proposals.services. Idempotent: a page whose slug is
already there is left alone.
"""

from __future__ import annotations

import datetime
import json

from django.utils import timezone
from wagtail.contrib.forms.models import FormSubmission
from wagtail.models import Page

from directory.models import OrgUnit, Person
from intranet.news.models import NewsArticlePage, NewsIndexPage
from intranet.proposals import services as proposal_services
from intranet.proposals.models import ProposalIndexPage, ProposalPage, Status
from intranet.surveys.models import SurveyFormField, SurveyIndexPage, SurveyPage

from .models import StandardPage
from .publishing import ensure_publishing_setup


def _publish(parent: Page, page: Page, *, by, approver=None) -> Page:
    """``by`` writes the page; ``approver`` (default: ``by``) publishes it."""
    existing = parent.get_children().filter(slug=page.slug).first()
    if existing is not None:
        return existing.specific
    page.live = False
    page.owner = by
    parent.add_child(instance=page)
    page.save_revision(user=by).publish(user=approver or by)
    return page


def _para(*texts: str) -> str:
    return "".join(f"<p>{text}</p>" for text in texts)


def load(*, stdout) -> None:
    ensure_publishing_setup()
    people = {p.username: p for p in Person.objects.filter(is_active=True)}
    units = {u.code: u for u in OrgUnit.objects.all()}
    watanabe, ito, sato = people["watanabe"], people["ito"], people["sato"]
    admin = people.get("admin", watanabe)
    today = timezone.localdate()
    home = Page.objects.get(slug="home", depth=2)
    guides = StandardPage.objects.get(slug="guides")
    news_index = NewsIndexPage.objects.first()
    proposals_index = ProposalIndexPage.objects.first()
    surveys_index = SurveyIndexPage.objects.first()
    del home

    _load_guides(guides, admin, units, today)
    _load_news(news_index, watanabe, units, today)
    _load_proposals(proposals_index, people, units)
    _load_survey(surveys_index, watanabe, ito, sato, units, today)
    stdout.write(
        f"  content: {StandardPage.objects.count()} guides, "
        f"{NewsArticlePage.objects.count()} news, "
        f"{ProposalPage.objects.count()} proposals, {SurveyPage.objects.count()} survey"
    )


def _load_guides(guides, admin, units, today):
    somu = units.get("somu-ka")
    if not guides.intro:
        guides.intro = _para("庁内の手続き、規程、よくある質問をまとめています。")
        guides.owner_unit = somu
        guides.review_date = today + datetime.timedelta(days=365)
        guides.save_revision(user=admin).publish(user=admin)
    _publish(
        guides,
        StandardPage(
            title="会議室の使い方とペーパーレス会議の手引き",
            slug="meeting-rooms",
            kind=StandardPage.Kind.GUIDE,
            intro=_para(
                "会議室の予約から、紙を使わない会議の進め方までをまとめました。"
            ),
            body=[
                ("heading", "会議室の予約"),
                (
                    "paragraph",
                    _para(
                        "会議室は「座席・会議室」から予約します。大会議室は総務課の承認が必要です。"
                    ),
                ),
                ("heading", "ペーパーレス会議"),
                (
                    "paragraph",
                    _para(
                        "資料は事前に共有フォルダへ置き、会議ではプロジェクターに映します。"
                        "印刷は原則として行いません。"
                    ),
                ),
            ],
            owner_unit=somu,
            review_date=today + datetime.timedelta(days=180),
        ),
        by=admin,
    )
    _publish(
        guides,
        StandardPage(
            title="電子決裁のよくある質問",
            slug="e-approval-faq",
            kind=StandardPage.Kind.FAQ,
            intro=_para("稟議・決裁を電子決裁で行うときの質問と回答です。"),
            body=[
                (
                    "faq",
                    {
                        "question": "押印はもう要らないのですか？",
                        "answer": _para(
                            "電子決裁では押印に代えて電子印影が決裁欄に表示されます。"
                        ),
                    },
                ),
                (
                    "faq",
                    {
                        "question": "稟議の途中で差し戻されたら？",
                        "answer": _para(
                            "受信箱に「差戻し中」として戻ります。修正して再提出してください。"
                        ),
                    },
                ),
            ],
            owner_unit=units.get("johoseisaku-ka") or somu,
            review_date=today + datetime.timedelta(days=200),
        ),
        by=admin,
    )
    # Past its review date: 総務課 sees it on the dashboard.
    _publish(
        guides,
        StandardPage(
            title="文書の保存年限と押印の規程（旧版）",
            slug="retention-rules",
            kind=StandardPage.Kind.RULE,
            intro=_para("文書の保存年限と、押印が必要な文書の範囲を定めています。"),
            body=[
                (
                    "paragraph",
                    _para(
                        "保存年限は1年、3年、5年、10年、30年、永年のいずれかとします。",
                        "押印を要する文書は、別表に定めるものに限ります。",
                    ),
                )
            ],
            owner_unit=somu,
            review_date=today - datetime.timedelta(days=30),
        ),
        by=admin,
    )


def _load_news(index, watanabe, units, today):
    dx = units.get("dx-pt")
    items = [
        (
            "paperless-week",
            "ペーパーレス推進週間のお知らせ",
            NewsArticlePage.Category.DX,
            True,
            "来週は全庁でペーパーレス推進週間です。会議資料の印刷を控えてください。",
            _para(
                "期間中は会議資料を紙で配らず、画面で共有してください。",
                "押印の代わりに電子決裁を使いましょう。",
            ),
            0,
        ),
        (
            "e-approval-start",
            "電子決裁の本格運用を始めました",
            NewsArticlePage.Category.SYSTEM,
            False,
            "稟議・決裁は原則として電子決裁で行います。",
            _para("紙の稟議書は経過措置として年度末まで受け付けます。"),
            3,
        ),
        (
            "dx-training",
            "DX研修（オンライン会議の基礎）受講者募集",
            NewsArticlePage.Category.EVENT,
            False,
            "オンライン会議の基礎を学ぶ研修です。",
            _para("各課1名以上の参加をお願いします。申込みは所属長を通じてください。"),
            7,
        ),
    ]
    for slug, title, category, pinned, lead, body, days_ago in items:
        _publish(
            index,
            NewsArticlePage(
                title=title,
                slug=slug,
                category=category,
                pinned=pinned,
                lead=lead,
                body=body,
                date=today - datetime.timedelta(days=days_ago),
                owner_unit=dx,
                review_date=today + datetime.timedelta(days=90),
            ),
            by=watanabe,
        )


PROPOSALS = [
    # slug, title, problem, proposal, effect, kpis, tags, sections, path of statuses
    (
        "abolish-seals",
        "窓口申請書の押印廃止",
        "区民の申請書に押印を求めているため、印鑑を忘れた方が出直しになっています。",
        "法令で求められていない押印を廃止し、署名で足りるようにします。",
        "来庁者の出直しがなくなり、窓口の待ち時間が短くなります。",
        "押印を求める申請書の数: 120件→0件\n印鑑忘れによる出直し件数: 月50件→0件",
        ["押印", "窓口"],
        ["koseki-ka", "somu-ka"],
        [Status.STUDY, Status.TRIAL, Status.ADOPTED],
    ),
    (
        "paperless-meetings",
        "庁内会議のペーパーレス化",
        "会議のたびに資料を人数分印刷し、印刷と配付に時間がかかっています。",
        "会議資料は共有フォルダとプロジェクターで共有し、印刷しないことを原則にします。",
        "用紙代と印刷時間を削減し、資料の差替えも容易になります。",
        "会議資料の印刷枚数: 年50万枚→10万枚",
        ["ペーパーレス", "会議"],
        ["somu-ka"],
        [Status.STUDY, Status.TRIAL],
    ),
    (
        "e-ringi-forms",
        "稟議の添付様式を統一する",
        "稟議に添付する様式が課ごとに違い、決裁者が読みにくくなっています。",
        "電子決裁の添付様式を全庁で統一し、テンプレートを用意します。",
        "決裁にかかる時間が短くなります。",
        "決裁までの平均日数: 5日→3日",
        ["稟議", "電子決裁"],
        ["somu-ka", "kikaku-ka"],
        [Status.STUDY],
    ),
    (
        "chat-tool",
        "庁内チャットの導入",
        "電話とメールだけでは、簡単な確認にも時間がかかります。",
        "庁内チャットを試験的に導入します。",
        "確認の往復が減り、会議の回数も減ります。",
        "",
        ["コミュニケーション"],
        [],
        [],
    ),
    (
        "fax-abolition",
        "FAXの全面廃止",
        "FAXの送受信に手間がかかります。",
        "FAXを全面的に廃止します。",
        "",
        "",
        ["ペーパーレス"],
        [],
        [Status.DROPPED],
    ),
]


def _load_proposals(index, people, units):
    watanabe, ito = people["watanabe"], people["ito"]
    supporters = [
        people[name]
        for name in ("sato", "suzuki", "takahashi", "tanaka", "kobayashi")
        if name in people
    ]
    for position, (
        slug,
        title,
        problem,
        proposal,
        effect,
        kpis,
        tags,
        sections,
        statuses,
    ) in enumerate(PROPOSALS):
        if index.get_children().filter(slug=slug).exists():
            continue
        page = ProposalPage(
            title=title,
            slug=slug,
            problem=_para(problem),
            proposal=_para(proposal),
            effect=_para(effect) if effect else "",
            kpis=kpis,
            owner_unit=units.get("dx-pt"),
        )
        page.tags.add(*tags)
        page.sections.set([units[code] for code in sections if code in units])
        page.owners.set([ito, watanabe] if position % 2 == 0 else [ito])
        page = _publish(index, page, by=ito, approver=watanabe)
        for status in statuses:
            proposal_services.change_status(proposal=page, to=status, by=watanabe)
        for person in supporters[: len(supporters) - position]:
            proposal_services.support_proposal(proposal=page, person=person)
        if position < 3:
            first = proposal_services.add_comment(
                proposal=page,
                author=supporters[0],
                body="窓口でも困っていました。ぜひ進めてください。",
            )
            proposal_services.add_comment(
                proposal=page,
                author=ito,
                body="ありがとうございます。関係課と調整して進めます。",
                parent=first,
            )
            if len(supporters) > 1:
                proposal_services.add_comment(
                    proposal=page,
                    author=supporters[1],
                    body="会議で紙の資料がなくなると、準備の時間も減りそうです。",
                )
        if Status.ADOPTED in statuses:
            proposal_services.draft_document(proposal=page, by=watanabe)


def _load_survey(index, watanabe, ito, sato, units, today):
    if index.get_children().filter(slug="telework-2026").exists():
        return
    survey = SurveyPage(
        title="テレワークとペーパーレスに関する職員アンケート",
        slug="telework-2026",
        intro=_para("DX推進PTが、働き方の改善のために実施します（所要時間3分）。"),
        thank_you_text=_para(
            "ご回答ありがとうございました。結果はお知らせで報告します。"
        ),
        owner_unit=units.get("dx-pt"),
        review_date=today + datetime.timedelta(days=60),
    )
    survey.form_fields = [
        SurveyFormField(
            label="テレワークの頻度",
            field_type="radio",
            choices="週1回以上\n月に数回\nしていない",
            required=True,
            sort_order=0,
        ),
        SurveyFormField(
            label="会議資料の印刷は減りましたか",
            field_type="dropdown",
            choices="減った\n変わらない\n増えた",
            required=True,
            sort_order=1,
        ),
        SurveyFormField(
            label="ご意見", field_type="multiline", required=False, sort_order=2
        ),
    ]
    survey = _publish(index, survey, by=watanabe)
    for answers in (
        {
            "テレワークの頻度": "月に数回",
            "会議資料の印刷は減りましたか": "減った",
            "ご意見": "ペーパーレス会議は便利です。",
        },
        {
            "テレワークの頻度": "していない",
            "会議資料の印刷は減りましたか": "変わらない",
            "ご意見": "",
        },
    ):
        data = {
            field.clean_name: answers[field.label] for field in survey.form_fields.all()
        }
        FormSubmission.objects.create(
            page=survey, form_data=json.loads(json.dumps(data))
        )
