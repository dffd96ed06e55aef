"""Screens of 文書管理: 収受, the register, 回覧. Thin: parse → service → response."""

from __future__ import annotations

import itertools

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from intranet.core.dates import fiscal_year, fiscal_year_label
from workflows import access as document_access
from workflows import exports
from workflows.errors import ApprovalError

from . import access, services
from .forms import (
    CircularForm,
    CorrectionForm,
    IncomingForm,
    IssuanceForm,
    PaperDecisionForm,
    RegisterFilterForm,
)
from .models import Circular, Correction, IncomingDocument
from .register import columns, register_rows
from .services.expiring import expiring as expiring_records
from .services.expiring import year_end

PAGE_ROWS = 200


def index(request):
    unread = (
        access.visible_circulars_for(request.user)
        .filter(
            closed_at__isnull=True,
            recipients__person=request.user,
            recipients__read_at__isnull=True,
        )
        .select_related("created_by")[:50]
    )
    mine = (
        access.visible_incoming_for(request.user)
        .filter(assignee=request.user, completed_on__isnull=True)
        .select_related("section")[:50]
    )
    return render(
        request,
        "records/index.html",
        {
            "incoming": mine,
            "unread": unread,
            "records_manager": access.is_records_manager(request.user),
        },
    )


def incoming_new(request):
    form = IncomingForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            incoming = services.register_incoming(by=request.user, **data)
        except ApprovalError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("%(number)s として収受しました。")
                % {"number": incoming.number_label},
            )
            return redirect(incoming)
    return render(request, "records/incoming_form.html", {"form": form})


def paper_new(request):
    """紙決裁の登録 by the 文書管理担当: the next 文書番号 of the 決裁日's 年度, the scan
    as its attachment, 完結 on its 決裁日."""
    if not access.is_records_manager(request.user):
        raise PermissionDenied
    form = PaperDecisionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = services.register_paper_decision(by=request.user, **data)
        except ApprovalError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("%(number)s として紙決裁を登録しました。")
                % {"number": document.number_with_year},
            )
            return redirect(document)
    return render(request, "records/paper_form.html", {"form": form})


def _incoming_or_404(request, pk) -> IncomingDocument:
    incoming = get_object_or_404(
        IncomingDocument.objects.select_related(
            "section", "assignee", "classification", "binder", "reply"
        ),
        pk=pk,
    )
    if not access.can_view_incoming(request.user, incoming):
        raise Http404
    return incoming


def incoming(request, pk):
    incoming = _incoming_or_404(request, pk)
    return render(request, "records/incoming.html", {"incoming": incoming})


@require_POST
def incoming_reply(request, pk):
    incoming = _incoming_or_404(request, pk)
    try:
        document = services.start_reply(incoming=incoming, by=request.user)
    except ApprovalError as error:
        messages.error(request, str(error))
        return redirect(incoming)
    return redirect("workflows:edit", document.pk)


@require_POST
def incoming_close(request, pk):
    incoming = _incoming_or_404(request, pk)
    try:
        services.close_incoming(incoming=incoming, by=request.user)
    except ApprovalError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("完結にしました。"))
    return redirect(incoming)


def incoming_file(request, pk):
    incoming = _incoming_or_404(request, pk)
    if not incoming.file:
        raise Http404
    response = HttpResponse(
        incoming.file.read(), content_type="application/octet-stream"
    )
    response["Content-Disposition"] = f'attachment; filename="incoming-{incoming.pk}"'
    return response


def register(request):
    """The 文書管理簿 of a 年度, for the 文書管理担当 (and auditors)."""
    if not (
        access.is_records_manager(request.user)
        or access.document_access.is_auditor(request.user)
    ):
        raise PermissionDenied
    form = RegisterFilterForm(request.GET or {"fiscal_year": fiscal_year()})
    year = form.cleaned_data["fiscal_year"] if form.is_valid() else fiscal_year()
    rows = register_rows(fiscal_year=year, user=request.user)
    fmt = request.GET.get("format")
    if fmt == "csv":
        response = StreamingHttpResponse(
            exports.csv_lines(rows, columns()), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="register-{year}.csv"'
        return response
    if fmt == "xlsx":
        response = HttpResponse(
            exports.xlsx_bytes(rows, columns(), sheet_title=_("文書管理簿")),
            content_type=exports.XLSX_TYPE,
        )
        response["Content-Disposition"] = f'attachment; filename="register-{year}.xlsx"'
        return response
    shown = list(itertools.islice(rows, PAGE_ROWS + 1))
    return render(
        request,
        "records/register.html",
        {
            "form": form,
            "year": year,
            "year_label": fiscal_year_label(year),
            "columns": columns(),
            "rows": shown[:PAGE_ROWS],
            "truncated": len(shown) > PAGE_ROWS,
        },
    )


def circular_new(request):
    """回覧を開始: of a decided document (?document=) or a 収受 (?incoming=), or a
    notice on its own."""
    document = incoming = None
    if request.GET.get("document", "").isdigit():
        document = get_object_or_404(
            document_access.visible_documents_for(request.user),
            pk=int(request.GET["document"]),
        )
    elif request.GET.get("incoming", "").isdigit():
        incoming = _incoming_or_404(request, int(request.GET["incoming"]))
    subject = (document or incoming).title if (document or incoming) else ""
    form = CircularForm(request.POST or None, initial={"subject": subject})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            circular = services.start_circular(
                by=request.user,
                subject=data["subject"],
                message=data["message"],
                people=data["people"],
                units=data["units"],
                document=document,
                incoming=incoming,
            )
        except ApprovalError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("回覧しました。"))
            return redirect(circular)
    return render(
        request,
        "records/circular_form.html",
        {"form": form, "document": document, "incoming": incoming},
    )


def _circular_or_404(request, pk) -> Circular:
    return get_object_or_404(
        access.visible_circulars_for(request.user).select_related(
            "created_by", "document", "incoming"
        ),
        pk=pk,
    )


def circular(request, pk):
    circular = _circular_or_404(request, pk)
    receipts = list(
        circular.recipients.select_related("person").order_by(
            "read_at", "person__last_name_kana", "person__first_name_kana"
        )
    )
    mine = next((r for r in receipts if r.person_id == request.user.pk), None)
    is_sender = circular.created_by_id == request.user.pk
    return render(
        request,
        "records/circular.html",
        {
            "circular": circular,
            "receipts": receipts if is_sender else [],
            "read_count": sum(1 for r in receipts if r.read_at),
            "total": len(receipts),
            "mine": mine,
            "is_sender": is_sender,
        },
    )


@require_POST
def circular_action(request, pk, action):
    circular = _circular_or_404(request, pk)
    try:
        if action == "read":
            services.mark_read(circular=circular, by=request.user)
            messages.success(request, _("既読にしました。"))
        elif action == "remind":
            count = services.remind_unread(circular=circular, by=request.user)
            messages.success(
                request, _("未読の%(count)s人に督促しました。") % {"count": count}
            )
        elif action == "close":
            services.close_circular(circular=circular, by=request.user)
            messages.success(request, _("回覧を終了しました。"))
        else:
            raise Http404
    except ApprovalError as error:
        messages.error(request, str(error))
    return redirect(circular)


def _document_or_404(request, pk):
    return get_object_or_404(document_access.visible_documents_for(request.user), pk=pk)


def _form_errors(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


@require_POST
def issue(request, pk):
    document = _document_or_404(request, pk)
    form = IssuanceForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(document)
    try:
        issuance = services.issue(
            document=document, by=request.user, **form.cleaned_data
        )
    except ApprovalError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("公印使用の伺いを提出しました。承認後に施行されます。")
            if issuance.seal_approval_id
            else _("施行を登録しました。"),
        )
    return redirect(document)


@require_POST
def correction_request(request, pk):
    document = _document_or_404(request, pk)
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(document)
    try:
        services.request_correction(
            document=document, by=request.user, **form.cleaned_data
        )
    except ApprovalError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("訂正を申請しました。"))
    return redirect(document)


@require_POST
def correction_decide(request, pk):
    correction = get_object_or_404(Correction, pk=pk)
    document = _document_or_404(request, correction.document_id)
    try:
        services.decide_correction(
            correction=correction,
            by=request.user,
            approve=request.POST.get("approve") == "1",
            comment=request.POST.get("comment", ""),
        )
    except ApprovalError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("訂正を処理しました。"))
    return redirect(document)


def expiring(request):
    """Records at (or near) 満了 for the 文書管理担当: 廃棄協議, 延長 or 移管."""
    if not access.is_records_manager(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    documents, incoming = expiring_records(until=year_end(today))
    if request.method == "POST":
        return _act_on_expired(request, documents, incoming)
    documents = documents.select_related("owner_section").order_by(
        "expires_on", "owner_section", "number"
    )[:PAGE_ROWS]
    incoming = incoming.select_related("section").order_by(
        "expires_on", "section", "number"
    )[:PAGE_ROWS]
    known = set(
        document_access.knowable_documents_for(request.user)
        .filter(pk__in=[d.pk for d in documents])
        .values_list("pk", flat=True)
    )
    known_incoming = set(
        IncomingDocument.objects.filter(pk__in=[i.pk for i in incoming])
        .filter(access.knowable_incoming_q(request.user))
        .values_list("pk", flat=True)
    )
    rows = [
        {
            "key": f"d{d.pk}",
            "number": d.number_label,
            "title": document_access.shown_title(
                d.title, confidential=d.confidential, known=d.pk in known
            ),
            "section": d.owner_section.name,
            "expires_on": d.expires_on,
            "expired": d.expires_on < today,
            "disposition": d.get_disposition_display(),
        }
        for d in documents
    ] + [
        {
            "key": f"i{i.pk}",
            "number": i.number_label,
            "title": document_access.shown_title(
                i.title, confidential=i.confidential, known=i.pk in known_incoming
            ),
            "section": i.section.name,
            "expires_on": i.expires_on,
            "expired": i.expires_on < today,
            "disposition": i.get_disposition_display(),
        }
        for i in incoming
    ]
    return render(request, "records/expiring.html", {"rows": rows, "today": today})


def _chosen(request, documents, incoming) -> list:
    keys = request.POST.getlist("record")
    document_ids = [int(k[1:]) for k in keys if k[:1] == "d" and k[1:].isdigit()]
    incoming_ids = [int(k[1:]) for k in keys if k[:1] == "i" and k[1:].isdigit()]
    return [
        *documents.filter(pk__in=document_ids).select_related("owner_section"),
        *incoming.filter(pk__in=incoming_ids).select_related("section"),
    ]


def _act_on_expired(request, documents, incoming):
    records = _chosen(request, documents, incoming)
    action = request.POST.get("action")
    try:
        if not records:
            raise ApprovalError(_("文書を選んでください。"))
        if action == "dispose":
            sections = {getattr(r, "owner_section", None) or r.section for r in records}
            if len(sections) != 1:
                raise ApprovalError(_("廃棄協議は課ごとに起案してください。"))
            disposal = services.request_disposal(
                section=sections.pop(), records=records, by=request.user
            )
            messages.success(
                request,
                _("廃棄協議を起案しました（%(count)s件）。決裁後に廃棄されます。")
                % {"count": len(records)},
            )
            return redirect(disposal.approval)
        if action == "transfer":
            folders = services.transfer(records=records, by=request.user)
            messages.success(
                request, _("%(count)s件を移管しました。") % {"count": len(folders)}
            )
        elif action == "extend":
            years = request.POST.get("years", "")
            for record in records:
                services.extend_retention(
                    record=record,
                    years=int(years) if years.isdigit() else 0,
                    reason=request.POST.get("reason", ""),
                    by=request.user,
                )
            messages.success(request, _("保存期間を延長しました。"))
        else:
            raise ApprovalError(_("操作を選んでください。"))
    except ApprovalError as error:
        messages.error(request, str(error))
    return redirect("records:expiring")
