"""Screens of the electronic approvals. Thin: parse → service → response.

Every view that shows anything of a document fetches it through
``access.visible_documents_for``: someone who may not see it gets 404, whatever the URL.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import access, exports, pdf, queries, services, signing, verification
from .errors import ApprovalError
from .forms import (
    AttachmentForm,
    CirculationForm,
    CommentForm,
    ConsultationForm,
    DelegationForm,
    DocumentFilterForm,
    DocumentForm,
    ReasonForm,
    ReassignForm,
    ReturnForm,
    VerifyPdfForm,
)
from .models import (
    Attachment,
    Delegation,
    Document,
    Retention,
    RouteAddition,
    RouteStep,
)
from .offers import available_actions, carry_out, return_targets, route_steps
from .presenters import approval_boxes
from .routing import plan_route

logger = logging.getLogger(__name__)


def _visible(request, pk: int) -> Document:
    document = (
        access.visible_documents_for(request.user)
        .select_related(
            "document_type",
            "applicant",
            "filer",
            "applicant_unit",
            "owner_section",
            "rule__rulebook",
            "rule__decider_post",
        )
        .filter(pk=pk)
        .first()
    )
    if document is None:
        raise Http404
    return document


def _error(request, error: ApprovalError):
    messages.error(request, str(error))


# --- lists ---------------------------------------------------------------------------


@require_GET
def inbox(request):
    items = queries.waiting_tasks_for(request.user)
    return render(
        request,
        "workflows/inbox.html",
        {
            "items": items,
            "bulk_possible": any(item.can_bulk_approve for item in items),
            "today": timezone.localdate(),
        },
    )


MY_TABS = [
    ("draft", _("下書き"), [Document.State.DRAFT]),
    ("in_progress", _("回議中"), [Document.State.IN_PROGRESS]),
    ("returned", _("差戻し"), [Document.State.RETURNED]),
    ("decided", _("決裁済み"), [Document.State.DECIDED]),
    ("closed", _("却下・取下げ"), [Document.State.REJECTED, Document.State.WITHDRAWN]),
]


@require_GET
def my_documents(request):
    tab = request.GET.get("state", "in_progress")
    tabs = {key: states for key, _label, states in MY_TABS}
    if tab not in tabs:
        tab = "in_progress"
    summary = queries.my_documents_summary(request.user)
    documents = queries.my_documents(request.user).filter(state__in=tabs[tab])
    page = Paginator(documents, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "workflows/my_documents.html",
        {
            "tabs": [
                (key, label, sum(summary[s.value] for s in states))
                for key, label, states in MY_TABS
            ],
            "tab": tab,
            "page": page,
        },
    )


@require_GET
def document_list(request):
    form = DocumentFilterForm(request.GET or None)
    documents = access.visible_documents_for(request.user).select_related(
        "document_type", "applicant"
    )
    documents = form.filter(documents) if request.GET else documents
    documents = documents.order_by("-updated_at", "-pk")
    page = Paginator(documents, 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "workflows/document_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@require_GET
def export(request, fmt: str):
    form = DocumentFilterForm(request.GET or None)
    documents = access.visible_documents_for(request.user)
    if request.GET:
        documents = form.filter(documents)
    documents = exports.rows(documents)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        response = StreamingHttpResponse(
            exports.csv_lines(documents), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="approvals-{stamp}.csv"'
        )
        return response
    if fmt == "xlsx":
        response = HttpResponse(
            exports.xlsx_bytes(documents), content_type=exports.XLSX_TYPE
        )
        response["Content-Disposition"] = (
            f'attachment; filename="approvals-{stamp}.xlsx"'
        )
        return response
    raise Http404


# --- drafting --------------------------------------------------------------------------


def _document_form_values(form) -> dict:
    data = form.cleaned_data
    return {
        "title": data["title"],
        "body": data["body"],
        "document_type": data["document_type"],
        "retention_years": data["retention_years"],
        "amount": data["amount"],
        "confidential": data["confidential"],
    }


def new_document(request):
    if request.method == "POST" and request.POST.get("copy"):
        source_pk = _int(request.POST["copy"])
        if source_pk is None:
            raise Http404
        source = _visible(request, source_pk)
        try:
            document = services.copy_document(source=source, by=request.user)
        except ApprovalError as error:
            _error(request, error)
            return redirect(source)
        messages.success(
            request,
            _("「%(title)s」を複写して下書きを作りました。") % {"title": source.title},
        )
        return redirect("workflows:edit", pk=document.pk)
    form = DocumentForm(
        request.POST or None,
        user=request.user,
        initial={"retention_years": Retention.FIVE},
    )
    if request.method == "POST" and form.is_valid():
        applicant = form.cleaned_data.get("applicant") or request.user
        try:
            document = services.create_draft(
                applicant=applicant, filer=request.user, **_document_form_values(form)
            )
        except ApprovalError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("下書きを保存しました。"))
            return redirect(document)
    return render(request, "workflows/edit.html", {"form": form, "document": None})


def edit_document(request, pk):
    document = _visible(request, pk)
    if not access.can_edit_document(request.user, document):
        raise Http404
    initial = {
        "title": document.title,
        "document_type": document.document_type_id,
        "body": document.body,
        "amount": document.amount,
        "retention_years": document.retention_years,
        "confidential": document.confidential,
        "version": document.version,
    }
    form = DocumentForm(
        request.POST or None, initial=initial, user=request.user, document=document
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_draft(
                document=document,
                by=request.user,
                expected_version=form.cleaned_data.get("version"),
                **_document_form_values(form),
            )
        except ApprovalError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("保存しました。"))
            return redirect(document)
    return render(
        request,
        "workflows/edit.html",
        {
            "form": form,
            "document": document,
            # The reason is repeated where the applicant fixes the document.
            "returned_step": _returned_step(document, route_steps(document)),
        },
    )


@require_POST
def delete_document(request, pk):
    document = _visible(request, pk)
    try:
        services.delete_draft(document=document, by=request.user)
    except ApprovalError as error:
        _error(request, error)
        return redirect(document)
    messages.success(request, _("下書きを削除しました。"))
    return redirect(reverse("workflows:mine") + "?state=draft")


@require_POST
def upload_attachment(request, pk):
    document = _visible(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("ファイルを選んでください。"))
    else:
        try:
            services.add_attachment(
                document=document, by=request.user, upload=form.cleaned_data["file"]
            )
        except ApprovalError as error:
            _error(request, error)
        else:
            messages.success(request, _("ファイルを添付しました。"))
    return redirect(reverse("workflows:document", args=[pk]) + "#attachments")


@require_POST
def delete_attachment(request, pk, attachment_pk):
    document = _visible(request, pk)
    attachment = document.attachments.current().filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404
    try:
        services.remove_attachment(attachment=attachment, by=request.user)
    except ApprovalError as error:
        _error(request, error)
    else:
        messages.success(request, _("添付ファイルを外しました。"))
    return redirect(reverse("workflows:document", args=[pk]) + "#attachments")


@require_GET
def attachment(request, pk, attachment_pk):
    """Downloads only: never rendered inline, never sniffed by the browser."""
    document = _visible(request, pk)
    item = Attachment.objects.filter(pk=attachment_pk, document=document).first()
    if item is None:
        raise Http404
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=item.original_name,
        content_type=item.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def document_pdf(request, pk):
    document = _visible(request, pk)
    if document.state != Document.State.DECIDED:
        raise Http404
    try:
        signed = signing.signed_pdf_for(document)
    except Exception:
        # The TSA or the certificate store is unreachable: never an unsigned copy of
        # a document that should be signed; the decision itself stands.
        logger.exception("signing document %s failed", document.pk)
        return HttpResponse(
            _(
                "署名済みPDFを作成できませんでした。しばらくしてから再度お試しください。"
            ),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    content = bytes(signed.content) if signed else pdf.render(document)
    response = HttpResponse(content, content_type="application/pdf")
    filename = f"{document.number_label or document.pk}.pdf"
    response["Content-Disposition"] = (
        f"attachment; filename=\"document-{document.pk}.pdf\"; filename*=UTF-8''{_quote(filename)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _quote(name: str) -> str:
    return quote(name)


# --- route preview and submission --------------------------------------------------------


def submit_document(request, pk):
    """The computed route, the applicant's additions, then 起案 / 再提出."""
    document = _visible(request, pk)
    if not access.can_edit_document(request.user, document):
        raise Http404
    plan, route_error = None, None
    try:
        plan = plan_route(
            document=document,
            rulebook=document.rule.rulebook
            if document.state == Document.State.RETURNED and document.rule_id
            else None,
        )
    except ApprovalError as error:
        route_error = str(error)
    if request.method == "POST":
        try:
            services.submit(
                document=document,
                by=request.user,
                expected_version=_int(request.POST.get("version")),
            )
        except ApprovalError as error:
            _error(request, error)
            return redirect("workflows:submit", pk=pk)
        messages.success(request, _("起案しました。回議を開始します。"))
        return redirect(document)
    return render(
        request,
        "workflows/submit.html",
        {
            "document": document,
            "plan": plan,
            "route_error": route_error,
            "additions": document.route_additions.select_related("unit", "person"),
            "consultation_form": ConsultationForm(),
            "circulation_form": CirculationForm(),
        },
    )


@require_POST
def add_route(request, pk, kind):
    if kind not in ("consultation", "circulation"):
        raise Http404
    document = _visible(request, pk)
    if not access.can_edit_document(request.user, document):
        raise Http404
    form = (ConsultationForm if kind == "consultation" else CirculationForm)(
        request.POST
    )
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("workflows:submit", pk=pk)
    try:
        if kind == "consultation":
            services.add_consultation(
                document=document, by=request.user, unit=form.cleaned_data["unit"]
            )
        else:
            services.add_circulation(
                document=document, by=request.user, person=form.cleaned_data["person"]
            )
    except ApprovalError as error:
        _error(request, error)
    return redirect("workflows:submit", pk=pk)


@require_POST
def remove_route(request, pk, addition_pk):
    document = _visible(request, pk)
    addition = RouteAddition.objects.filter(pk=addition_pk, document=document).first()
    if addition is None:
        raise Http404
    try:
        services.remove_route_addition(addition=addition, by=request.user)
    except ApprovalError as error:
        _error(request, error)
    return redirect("workflows:submit", pk=pk)


# --- the document page -----------------------------------------------------------------


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _returned_step(document: Document, steps: list[RouteStep]) -> RouteStep | None:
    """The step that sent a returned document back (its reason is shown first)."""
    if document.state != Document.State.RETURNED:
        return None
    returned = [s for s in steps if s.status == RouteStep.Status.RETURNED]
    return max(returned, key=lambda s: s.acted_at or s.pk, default=None)


@require_GET
def document_page(request, pk):
    document = _visible(request, pk)
    steps = route_steps(document)
    actions = available_actions(request.user, document, steps)
    history = document.ledger_entries.select_related("actor", "on_behalf_of").order_by(
        "sequence"
    )
    attachments = document.attachments.current().select_related("uploaded_by")
    editable = access.can_edit_document(request.user, document)
    return render(
        request,
        "workflows/document.html",
        {
            "document": document,
            "steps": [
                s
                for s in steps
                if s.kind != RouteStep.Kind.POST_REVIEW
                or s.status != RouteStep.Status.WAITING
            ],
            "boxes": approval_boxes(document, steps),
            "actions": actions,
            "returned_step": _returned_step(document, steps),
            "history": history,
            "attachments": attachments,
            "editable": editable,
            "attachment_form": AttachmentForm() if editable else None,
            "pdf_font_missing": document.state == Document.State.DECIDED
            and not pdf.embeddable_font(),
            "next_document": queries.next_waiting_document(
                request.user, after=document.pk
            )
            if request.GET.get("done")
            else None,
        },
    )


ACTION_TITLES = {
    "approve": _("承認"),
    "return": _("差戻し"),
    "reject": _("却下"),
    "acknowledge": _("確認"),
    "skip_absent": _("不在のため後閲"),
    "pull_back": _("引戻し"),
    "withdraw": _("取下げ"),
}


def _action_title(action: str, offer) -> str:
    """承認 on a 回議 step, 決裁 (代決, 同意) where that is what approving it is."""
    if action == "approve" and offer and offer["step"] is not None:
        return offer["step"].action_noun
    return ACTION_TITLES[action]


def act(request, pk, action):
    """Confirm (GET, for pages without JavaScript) and carry out (POST) an action."""
    if action not in ACTION_TITLES:
        raise Http404
    document = _visible(request, pk)
    steps = route_steps(document)
    offered = [
        a
        for a in available_actions(request.user, document, steps)
        if a["name"] == action
    ]
    step_id = _int(request.POST.get("step") or request.GET.get("step"))
    chosen = next(
        (a for a in offered if a["step"] is None or a["step"].pk == step_id), None
    )
    targets = []
    if chosen and chosen["step"] is not None and action == "return":
        targets = return_targets(steps, chosen["step"])
    form_class = ReturnForm if action == "return" else CommentForm
    kwargs = {"targets": targets} if action == "return" else {}
    if request.method == "POST":
        form = form_class(request.POST, **kwargs)
        if chosen is None:
            messages.error(
                request, _("この操作は現在できません。最新の状態を確認してください。")
            )
            return redirect(document)
        if form.is_valid():
            try:
                carry_out(request.user, document, chosen, form.cleaned_data)
            except ApprovalError as error:
                _error(request, error)
                return redirect(document)
            messages.success(
                request,
                _("「%(title)s」の%(action)sを行いました。")
                % {"title": document.title, "action": _action_title(action, chosen)},
            )
            if request.POST.get("return_to") == "inbox":
                return redirect("workflows:inbox")
            return redirect(reverse("workflows:document", args=[pk]) + "?done=1")
    else:
        form = form_class(
            initial={"version": document.version, "step": step_id}, **kwargs
        )
    if chosen is None:
        # An old link, or someone else acted first: show the document as it is now.
        messages.info(
            request, _("この操作は現在できません。最新の状態を確認してください。")
        )
        return redirect(document)
    return render(
        request,
        "workflows/confirm.html",
        {
            "document": document,
            "action": chosen,
            "title": _action_title(action, chosen),
            "form": form,
        },
    )


@require_POST
def bulk_approve(request):
    ids = [int(value) for value in request.POST.getlist("steps") if value.isdigit()][
        :100
    ]
    if not ids:
        messages.error(request, _("まとめて承認する文書を選んでください。"))
        return redirect("workflows:inbox")
    allowed = {
        item.step.pk: item
        for item in queries.waiting_steps(request.user)
        if item.can_bulk_approve
    }
    chosen = [allowed[pk].step for pk in ids if pk in allowed]
    refused = [pk for pk in ids if pk not in allowed]
    results = services.bulk_approve(
        steps=chosen, by=request.user, comment=request.POST.get("comment", "")
    )
    return render(
        request,
        "workflows/bulk_result.html",
        {"results": results, "refused": len(refused)},
    )


@require_GET
def next_document(request):
    document = queries.next_waiting_document(
        request.user, after=_int(request.GET.get("after"))
    )
    if document is None:
        messages.info(request, _("処理待ちの案件はありません。"))
        return redirect("workflows:inbox")
    return redirect(document)


# --- delegations -----------------------------------------------------------------------


def verify_pdf(request):
    """Anyone on the staff: is this PDF an authentic decided document of this ward?"""
    form = VerifyPdfForm(request.POST or None, request.FILES or None)
    verdict = None
    if request.method == "POST" and form.is_valid():
        verdict = verification.verify_pdf(form.cleaned_data["file"].read())
    return render(
        request,
        "workflows/verify.html",
        {"form": form, "verdict": verdict},
        status=400 if request.method == "POST" and not form.is_valid() else 200,
    )


def delegations(request):
    form = DelegationForm(
        request.POST or None, initial={"start_date": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.create_delegation(
                principal=request.user,
                delegate=data["delegate"],
                kind=data["kind"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                note=data["note"],
                by=request.user,
            )
        except ApprovalError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("登録しました。"))
            return redirect("workflows:delegations")
    given = Delegation.objects.filter(principal=request.user).select_related(
        "delegate"
    )[:50]
    received = (
        Delegation.objects.active()
        .filter(delegate=request.user)
        .select_related("principal")[:50]
    )
    return render(
        request,
        "workflows/delegations.html",
        {"form": form, "given": given, "received": received},
    )


@require_POST
def revoke_delegation(request, delegation_pk):
    delegation = Delegation.objects.filter(
        pk=delegation_pk, principal=request.user
    ).first()
    if delegation is None:
        raise Http404
    services.revoke_delegation(delegation=delegation, by=request.user)
    messages.success(request, _("取り消しました。"))
    return redirect("workflows:delegations")


# --- administrators -------------------------------------------------------------------


def _admin(request):
    if not access.is_approval_admin(request.user):
        raise Http404


@require_GET
def admin_overview(request):
    _admin(request)
    steps = list(queries.stuck_steps()[:200])
    # The template asks the gate for each title; answer it for all rows at once.
    access.answer_for_many(request.user, [step.document for step in steps])
    return render(
        request,
        "workflows/admin_overview.html",
        {
            "steps": steps,
            "reassign_form": ReassignForm(),
            "reason_form": ReasonForm(),
            "today": timezone.localdate(),
        },
    )


@require_POST
def admin_step_action(request, step_pk, action):
    _admin(request)
    step = RouteStep.objects.filter(pk=step_pk).select_related("document").first()
    if step is None:
        raise Http404
    try:
        if action == "reassign":
            form = ReassignForm(request.POST)
            if not form.is_valid():
                for errors in form.errors.values():
                    for message in errors:
                        messages.error(request, message)
                return redirect("workflows:admin")
            services.reassign_step(
                step=step,
                to=form.cleaned_data["person"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        elif action == "retry":
            services.retry_step(step=step, by=request.user)
        elif action == "skip":
            form = ReasonForm(request.POST)
            services.skip_vacant_step(
                step=step,
                by=request.user,
                reason=form.data.get("reason", ""),
            )
        else:
            raise Http404
    except ApprovalError as error:
        _error(request, error)
    else:
        messages.success(request, _("処理しました。"))
    return redirect("workflows:admin")
