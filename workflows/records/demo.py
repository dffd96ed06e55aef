"""Demo 文書管理: a 分類表 (令和元年度, and this 年度's copy), the decided demo
documents filed into 簿冊, 収受 documents, a paper-decided document past its 満了日.

Through the same services real use goes through; idempotent (a table, a 収受 or a
paper document that already exists is left alone).
"""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from directory.models import OrgUnit, Person
from intranet.core.dates import fiscal_year
from workflows.models import Document, DocumentType

from . import services
from .models import Classification, ClassificationTable, IncomingDocument

FIRST_YEAR = 2019  # 令和元年度: the table the ward drew up when it went electronic
MAJOR, MIDDLE, MINOR = Classification.Level
TABLE = [
    # code, name, level, retention (小分類), document types suggested
    ("01", "総務", MAJOR, None, ()),
    ("01-01", "文書・広報", MIDDLE, None, ()),
    ("01-01-01", "文書事務", MINOR, 5, ("general",)),
    ("01-01-02", "庁内報", MINOR, 1, ()),
    ("01-01-03", "文書の管理・廃棄", MINOR, 30, ("records-disposal",)),
    ("01-01-04", "公印の使用", MINOR, 5, ("seal-use",)),
    ("01-02", "庁舎管理", MIDDLE, None, ()),
    ("01-02-01", "公用車の運行", MINOR, 1, ("routine",)),
    ("01-02-02", "庁舎の維持管理", MINOR, 10, ()),
    ("02", "財務", MAJOR, None, ()),
    ("02-01", "契約・支出", MIDDLE, None, ()),
    ("02-01-01", "物品の購入", MINOR, 5, ("expense",)),
    ("02-01-02", "予算", MINOR, 10, ()),
    ("03", "人事", MAJOR, None, ()),
    ("03-01", "人事評価", MIDDLE, None, ()),
    ("03-01-01", "人事評価の実施", MINOR, 5, ()),
    ("09", "例規", MAJOR, None, ()),
    ("09-01", "規程", MIDDLE, None, ()),
    ("09-01-01", "規程の制定・改廃", MINOR, 0, ()),  # 常用
]


def _tables(manager: Person) -> ClassificationTable:
    first, created = ClassificationTable.objects.get_or_create(
        fiscal_year=FIRST_YEAR,
        defaults={
            "published_at": timezone.now(),
            "note": "電子決裁の導入に合わせて制定",
        },
    )
    if created:
        nodes: dict[str, Classification] = {}
        types = {t.code: t for t in DocumentType.objects.all()}
        for code, name, level, years, suggested in TABLE:
            parent = nodes.get(code.rsplit("-", 1)[0]) if "-" in code else None
            nodes[code] = Classification.objects.create(
                table=first,
                parent=parent,
                level=level,
                code=code,
                name=name,
                retention_years=years,
            )
            nodes[code].document_types.set([types[c] for c in suggested if c in types])
    this_year = fiscal_year()
    current = ClassificationTable.objects.filter(fiscal_year=this_year).first()
    if current is None:
        current = services.copy_table(source=first, fiscal_year=this_year, by=manager)
        services.publish_table(table=current, by=manager)
    return current


def _file_decided(manager: Person) -> int:
    filed = 0
    for document in Document.objects.filter(
        state=Document.State.DECIDED, classification__isnull=True
    ):
        suggested = services.suggest_classification(
            document_type=document.document_type, section=document.owner_section
        )
        if suggested is not None:
            services.classify(record=document, classification=suggested, by=manager)
            filed += 1
    return filed


def _leaf(table: ClassificationTable, code: str) -> Classification:
    return table.classifications.get(code=code)


INCOMING = [
    # title, sender, channel, days ago, assignee, classification
    (
        "文書事務研修の開催について（通知）",
        "東京都総務局",
        "mail",
        12,
        "sato",
        "01-01-01",
    ),
    (
        "庁舎設備点検の実施について（依頼）",
        "株式会社千代田ビル管理",
        "email",
        5,
        "sato",
        "01-02-02",
    ),
    (
        "令和8年度予算執行状況の照会について",
        "東京都財務局",
        "online",
        2,
        "sato",
        "02-01-02",
    ),
]


def _incoming(table: ClassificationTable, people, manager: Person) -> int:
    section = OrgUnit.objects.get(code="somu-ka")
    today = timezone.localdate()
    made = 0
    for title, sender, channel, days, who, code in INCOMING:
        if IncomingDocument.objects.filter(title=title).exists():
            continue
        incoming = services.register_incoming(
            by=manager,
            received_on=today - datetime.timedelta(days=days),
            channel=channel,
            sender=sender,
            title=title,
            section=section,
            assignee=people.get(who),
            classification=_leaf(table, code),
            upload=SimpleUploadedFile(
                f"{title[:10]}.txt", f"{sender}\n{title}\n".encode()
            ),
        )
        made += 1
        if code == "01-01-01" and who in people:
            services.start_reply(incoming=incoming, by=people[who])
    return made


EXPIRED_TITLE = "平成31年度 庁内報の発行について（紙決裁）"


def _paper(people, manager: Person) -> int:
    if Document.objects.filter(title=EXPIRED_TITLE).exists() or "sato" not in people:
        return 0
    first = ClassificationTable.objects.get(fiscal_year=FIRST_YEAR)
    services.register_paper_decision(
        by=manager,
        applicant=people["sato"],
        title=EXPIRED_TITLE,
        document_type=DocumentType.objects.get(code="general"),
        decided_on=datetime.date(2019, 6, 14),
        classification=_leaf(first, "01-01-02"),
        retention_years=1,
        scan=SimpleUploadedFile(
            "決裁文書スキャン.pdf",
            b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
        ),
    )
    return 1


ISSUED_TITLE = "文書事務研修の開催について（回答）"


def _walk(document: Document) -> Document:
    from workflows import services as approvals
    from workflows.models import RouteStep

    while True:
        document.refresh_from_db()
        step = (
            RouteStep.objects.filter(
                document=document, round=document.round, status="active"
            )
            .order_by("pk")
            .first()
        )
        if document.state != Document.State.IN_PROGRESS or step is None:
            return document
        approvals.approve(step=step, by=step.assignee)


def _issue_with_seal(people) -> int:
    """The reply to the first 収受, decided and issued under the 区長印."""
    from workflows import services as approvals

    document = Document.objects.filter(title=ISSUED_TITLE).first()
    if document is None or document.state != Document.State.DRAFT:
        return 0
    Document.objects.filter(pk=document.pk).update(
        requires_issuance=True, body="<p>標記の研修に2名参加します。</p>"
    )
    approvals.submit(document=document, by=document.applicant)
    document = _walk(document)
    issuance = services.issue(
        document=document,
        by=document.applicant,
        issued_on=timezone.localdate(),
        destination="東京都総務局",
        method="post",
        seal_name="区長印",
    )
    _walk(issuance.seal_approval)
    return 1


def _circular(people) -> int:
    from .models import Circular

    if Circular.objects.exists() or "takahashi" not in people:
        return 0
    document = (
        Document.objects.filter(state=Document.State.DECIDED, confidential=False)
        .order_by("pk")
        .first()
    )
    if document is None:
        return 0
    services.start_circular(
        by=people["takahashi"],
        subject=document.title,
        message="課内で共有します。内容を確認してください。",
        units=[OrgUnit.objects.get(code="shomu-kakari")],
        document=document,
    )
    return 1


def load(*, stdout) -> None:
    people = {person.username: person for person in Person.objects.all()}
    manager = people.get("hayashi")
    if manager is None:
        stdout.write("  records: skipped (no 文書管理担当 in the directory)")
        return
    table = _tables(manager)
    filed = _file_decided(manager)
    incoming = _incoming(table, people, manager)
    paper = _paper(people, manager)
    issued = _issue_with_seal(people)
    circulars = _circular(people)
    stdout.write(
        f"  records: {table}, {filed} documents filed, {incoming} 収受, "
        f"{paper} paper decision(s), {issued} issued with a seal, "
        f"{circulars} circular(s)"
    )
