"""Demo approvals: document types, the delegation rules, and documents in every state.

Everything goes through the same services real use does (submit, approve, return …),
so the ledger, numbers, seals and notifications are all genuine. Idempotent: a
document whose title already exists is left alone.
"""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from directory.models import OrgUnit, Person, Post

from . import services
from .models import (
    DelegationRule,
    Document,
    DocumentSeries,
    DocumentType,
    RouteStep,
    RuleBook,
    RuleCirculation,
    RuleConsultation,
)

TYPES = [
    # code, name, retention, requires amount, routine, description
    ("general", "一般文書", 5, False, False, "通知、依頼、計画など一般的な起案"),
    ("expense", "支出伺い", 5, True, False, "物品の購入、委託など支出を伴う起案"),
    (
        "routine",
        "定型報告",
        1,
        False,
        True,
        "月次の運行記録など定型の報告（一括承認できます）",
    ),
    # Used by 文書管理 (workflows.records), not offered on the drafting form.
    ("records-disposal", "廃棄協議", 30, False, False, "保存期間が満了した文書の廃棄"),
    ("seal-use", "公印使用伺い", 5, False, False, "施行する文書への公印の使用"),
]
INTERNAL_TYPES = {"records-disposal", "seal-use"}


def _post(code: str) -> Post:
    return Post.objects.get(code=code)


def _unit(code: str) -> OrgUnit:
    return OrgUnit.objects.get(code=code)


def _rules() -> None:
    types = {}
    for order, (code, name, retention, amount, routine, description) in enumerate(
        TYPES
    ):
        types[code], _created = DocumentType.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "default_retention_years": retention,
                "requires_amount": amount,
                "is_routine": routine,
                "description": description,
                "sort_order": order,
                "is_active": code not in INTERNAL_TYPES,
            },
        )
    book, created = RuleBook.objects.get_or_create(
        number=1,
        defaults={
            "title": "千代田区事務専決規程",
            "valid_from": datetime.date(2026, 4, 1),
            "published_at": timezone.now(),
            "note": "電子決裁の開始に合わせて制定",
        },
    )
    if not created:
        return
    kakaricho, kacho, bucho, fukukucho = (
        _post("kakaricho"),
        _post("kacho"),
        _post("bucho"),
        _post("fukukucho"),
    )

    def rule(document_type, decider, approvers, **kwargs):
        made = DelegationRule.objects.create(
            rulebook=book,
            document_type=types[document_type],
            decider_post=decider,
            **kwargs,
        )
        made.approver_posts.set(approvers)
        return made

    rule("general", kacho, [kakaricho])
    rule("expense", kacho, [kakaricho], amount_below=500_000)
    middle = rule(
        "expense",
        bucho,
        [kakaricho, kacho],
        amount_from=500_000,
        amount_below=5_000_000,
    )
    RuleConsultation.objects.create(rule=middle, unit=_unit("zaisei-ka"), post=kacho)
    large = rule("expense", fukukucho, [kakaricho, kacho, bucho], amount_from=5_000_000)
    RuleConsultation.objects.create(rule=large, unit=_unit("zaisei-ka"), post=kacho)
    RuleConsultation.objects.create(rule=large, unit=_unit("kikaku-ka"), post=kacho)
    rule("records-disposal", kacho, [kakaricho], allow_extra_consultations=False)
    # The 公印管理者 is the 総務課長: the 課長 of the 起案者 in the demo ward.
    rule("seal-use", kacho, [], allow_extra_consultations=False)
    routine = rule("routine", kacho, [kakaricho], allow_extra_consultations=False)
    RuleCirculation.objects.create(
        rule=routine, unit=_unit("bunsho-kakari"), post=kakaricho
    )
    for code, prefix in [
        ("somu-ka", "千代総"),
        ("zaisei-ka", "千代財"),
        ("kikaku-ka", "千代企"),
    ]:
        DocumentSeries.objects.get_or_create(
            unit=_unit(code), defaults={"prefix": prefix}
        )


def _step(document: Document) -> RouteStep:
    return (
        RouteStep.objects.filter(
            document=document,
            round=document.round,
            status=RouteStep.Status.ACTIVE,
            kind__in=RouteStep.MAIN_KINDS,
        )
        .select_related("assignee", "document")
        .order_by("pk")
        .first()
    )


def _draft(people, title, body, type_code, amount=None, confidential=False, who="sato"):
    if Document.objects.filter(title=title).exists():
        return None
    return services.create_draft(
        applicant=people[who],
        title=title,
        body=body,
        document_type=DocumentType.objects.get(code=type_code),
        amount=amount,
        confidential=confidential,
    )


def _walk(document: Document, actions) -> Document:
    """Apply ("approve" | "return" | "reject", comment) to the active step, in order."""
    document.refresh_from_db()
    for action, comment in actions:
        step = _step(document)
        if action == "approve":
            services.approve(step=step, by=step.assignee, comment=comment)
        elif action == "return":
            services.return_document(step=step, by=step.assignee, comment=comment)
        elif action == "reject":
            services.reject(step=step, by=step.assignee, comment=comment)
        document.refresh_from_db()
    return document


def _documents(people) -> int:
    made = 0
    draft = _draft(
        people,
        "令和8年度 庁内研修（文書事務）の実施について",
        "<p>新任職員を対象に、文書事務研修を次のとおり実施したい。</p><ul><li>日時: 12月10日</li><li>場所: 第1会議室</li></ul>",
        "general",
    )
    made += draft is not None

    document = _draft(
        people,
        "庁内報12月号の発行について",
        "<p>庁内報12月号を別添のとおり発行してよろしいか伺います。</p>",
        "general",
    )
    if document:
        services.submit(document=document, by=people["sato"])
        made += 1

    document = _draft(
        people,
        "会議室用プロジェクターの購入について",
        "<p>第2会議室のプロジェクターが故障したため、次のとおり購入したい。</p>"
        "<table><tr><th>品名</th><th>金額</th></tr><tr><td>プロジェクター</td><td>120,000円</td></tr></table>",
        "expense",
        amount=120_000,
    )
    if document:
        services.add_attachment(
            document=document,
            by=people["sato"],
            upload=SimpleUploadedFile(
                "見積明細.csv",
                "品名,数量,単価\nプロジェクター,1,120000\n".encode(),
                content_type="text/csv",
            ),
        )
        services.submit(document=document, by=people["sato"])
        _walk(document, [("approve", "確認しました")])
        made += 1

    document = _draft(
        people,
        "窓口案内表示の更新について",
        "<p>1階窓口の案内表示を更新したい。</p>",
        "general",
    )
    if document:
        services.submit(document=document, by=people["sato"])
        _walk(
            document,
            [("approve", ""), ("return", "更新後の表示案を添付してください。")],
        )
        made += 1

    document = _draft(
        people,
        "押印廃止に伴う様式改正について",
        "<p>押印を不要とするため、別表の様式を改正したい。</p>",
        "general",
    )
    if document:
        services.submit(document=document, by=people["sato"])
        _walk(document, [("approve", ""), ("approve", "了")])
        made += 1

    document = _draft(
        people,
        "庁内ネットワーク機器の更新について",
        "<p>耐用年数を過ぎたネットワーク機器を更新したい。財政課と合議済みの上、部長決裁とする。</p>",
        "expense",
        amount=2_400_000,
    )
    if document:
        services.submit(document=document, by=people["sato"])
        _walk(
            document,
            [
                ("approve", ""),
                ("approve", ""),
                ("approve", "予算の範囲内"),
                ("approve", ""),
            ],
        )
        made += 1

    document = _draft(
        people,
        "職員駐輪場の増設について",
        "<p>職員駐輪場を増設したい。</p>",
        "general",
    )
    if document:
        services.submit(document=document, by=people["sato"])
        _walk(
            document,
            [("approve", ""), ("reject", "今年度は予算措置がないため見送り。")],
        )
        made += 1

    document = _draft(
        people,
        "年末年始の窓口体制について（案）",
        "<p>年末年始の窓口体制を別紙のとおりとしたい。</p>",
        "general",
    )
    if document:
        services.submit(document=document, by=people["sato"])
        services.withdraw(
            document=document, by=people["sato"], comment="別の起案に統合するため"
        )
        made += 1

    for month in ("10月", "11月"):
        document = _draft(
            people,
            f"{month}分 公用車運行記録の報告",
            f"<p>{month}分の公用車運行記録を報告します。</p>",
            "routine",
        )
        if document:
            services.submit(document=document, by=people["sato"])
            made += 1

    document = _draft(
        people,
        "職員の人事評価の実施方針について",
        "<p>人事評価の実施方針（秘）。</p>",
        "general",
        confidential=True,
        who="kimura",
    )
    if document:
        services.submit(document=document, by=people["kimura"])
        made += 1
    return made


def load(*, stdout) -> None:
    _rules()
    people = {person.username: person for person in Person.objects.all()}
    if "hayashi" in people and not people["hayashi"].is_staff:
        # The approval administrator maintains the rules in the Django admin.
        people["hayashi"].is_staff = True
        people["hayashi"].save(update_fields=["is_staff"])
    if "tanaka" in people and "takahashi" in people:
        from .models import Delegation

        if not Delegation.objects.filter(
            principal=people["tanaka"], delegate=people["takahashi"]
        ).exists():
            services.create_delegation(
                principal=people["tanaka"],
                delegate=people["takahashi"],
                kind=Delegation.Kind.DEPUTY,
                start_date=datetime.date(2026, 4, 1),
                end_date=None,
                by=people["tanaka"],
                note="部長不在時の代決",
            )
    made = _documents(people)
    stdout.write(
        f"  workflows: {DocumentType.objects.count()} document types, {made} documents"
    )
