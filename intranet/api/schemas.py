"""The API's JSON shapes (OpenAPI components)."""

from __future__ import annotations

import datetime

from ninja import Field, Schema


class PersonRef(Schema):
    username: str
    name: str


class DocumentSummary(Schema):
    id: int
    title: str
    state: str
    state_label: str
    document_type: str
    amount: int | None
    confidential: bool
    applicant: PersonRef
    number_label: str
    url: str


class DocumentOut(Schema):
    id: int
    title: str
    state: str
    state_label: str
    document_type: str
    document_type_name: str
    retention_years: int
    amount: int | None
    confidential: bool
    applicant: PersonRef
    filer: PersonRef
    filed_on_behalf: bool
    number_label: str
    version: int
    round: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    submitted_at: datetime.datetime | None
    decided_at: datetime.datetime | None
    url: str


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime.datetime


class DocumentDetail(DocumentOut):
    body: str
    attachments: list[AttachmentOut]


class DocumentIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    body: str = Field("", max_length=100_000)
    document_type: str | None = Field(
        None, max_length=40, description="文書分類のコード（省略時は既定の分類）"
    )
    amount: int | None = Field(None, ge=0, le=10**15)
    retention_years: int | None = Field(None, ge=0, le=100)
    confidential: bool = False
    applicant: str | None = Field(
        None,
        max_length=150,
        description="代理起案: 起案者の利用者名（省略時はトークンの利用者）",
    )


class SubmitIn(Schema):
    version: int | None = Field(None, ge=0, le=2**31 - 1)


class StepOut(Schema):
    id: int
    position: int
    kind: str
    kind_label: str
    label: str
    status: str
    status_label: str
    assignee: PersonRef | None
    acted_by: PersonRef | None
    capacity: str
    acted_at: datetime.datetime | None
    due_date: datetime.date | None
    comment: str


class HistoryOut(Schema):
    sequence: int
    action: str
    action_label: str
    actor: PersonRef | None
    on_behalf_of: PersonRef | None
    at: datetime.datetime
    from_step: str
    to_step: str
    comment: str


class ActionOut(Schema):
    name: str
    label: str
    step: int | None


class ActIn(Schema):
    action: str = Field(
        max_length=20,
        description="approve, return, reject, acknowledge, skip_absent, pull_back, withdraw",
    )
    step: int | None = Field(None, ge=1, le=2**53)
    comment: str = Field("", max_length=4000)
    to_step: int | None = Field(
        None, ge=1, le=2**53, description="差戻し先の段階（省略時は起案者）"
    )
    version: int | None = Field(None, ge=0, le=2**31 - 1)


class TaskOut(Schema):
    document: DocumentSummary
    step: int | None
    kind: str
    kind_label: str
    capacity: str
    due_date: datetime.date | None
    overdue: bool


class Page(Schema):
    next_cursor: str | None


class DocumentPage(Page):
    items: list[DocumentOut]


class TaskPage(Page):
    items: list[TaskOut]
