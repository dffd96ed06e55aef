"""Django admin for the 文書管理担当: the 分類表 (a published table is read-only; a new
年度 starts as a copy), its CSV export and import, 簿冊 and the 公印使用簿 to read."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from intranet.core.dates import fiscal_year
from workflows.errors import ApprovalError

from . import classification_csv, services
from .models import Binder, Classification, ClassificationTable, SealUse


class ClassificationInline(admin.TabularInline):
    model = Classification
    fields = ["code", "name", "level", "parent", "section", "retention_years"]
    extra = 0
    show_change_link = True

    def _editable(self, obj):
        return obj is None or not obj.is_published

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("分類表のCSV"))


@admin.register(ClassificationTable)
class ClassificationTableAdmin(admin.ModelAdmin):
    list_display = ["__str__", "fiscal_year", "published_at"]
    fields = ["fiscal_year", "note", "created_at", "published_at"]
    inlines = [ClassificationInline]
    actions = ["copy_to_next_year", "publish"]
    change_form_template = "records/admin/table_change_form.html"

    def get_readonly_fields(self, request, obj=None):
        return ["published_at"] + (["fiscal_year"] if obj and obj.is_published else [])

    def get_urls(self):
        own = [
            path(
                "<int:pk>/export/",
                self.admin_site.admin_view(self.export_view),
                name="records_classificationtable_export",
            ),
            path(
                "<int:pk>/import/",
                self.admin_site.admin_view(self.import_view),
                name="records_classificationtable_import",
            ),
        ]
        return own + super().get_urls()

    def export_view(self, request, pk):
        table = ClassificationTable.objects.get(pk=pk)
        response = StreamingHttpResponse(
            classification_csv.export_lines(table),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="classification-{table.fiscal_year}.csv"'
        )
        return response

    def import_view(self, request, pk):
        table = ClassificationTable.objects.get(pk=pk)
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                count = classification_csv.import_csv(
                    table=table, data=form.cleaned_data["file"].read(), by=request.user
                )
            except ApprovalError as error:
                form.add_error("file", str(error))
            else:
                messages.success(
                    request, _("%(count)s件の分類を取り込みました。") % {"count": count}
                )
                return redirect("admin:records_classificationtable_change", table.pk)
        return render(
            request,
            "records/admin/import.html",
            {**self.admin_site.each_context(request), "form": form, "table": table},
        )

    @admin.action(description=_("次の年度の分類表として複写"))
    def copy_to_next_year(self, request, queryset):
        for table in queryset:
            try:
                services.copy_table(
                    source=table,
                    fiscal_year=max(table.fiscal_year, fiscal_year()) + 1,
                    by=request.user,
                )
            except ApprovalError as error:
                messages.error(request, str(error))

    @admin.action(description=_("公開する"))
    def publish(self, request, queryset):
        for table in queryset:
            try:
                services.publish_table(table=table, by=request.user)
            except ApprovalError as error:
                messages.error(request, str(error))


@admin.register(Binder)
class BinderAdmin(admin.ModelAdmin):
    list_display = ["name", "section", "classification", "fiscal_year"]
    list_filter = ["fiscal_year"]
    search_fields = ["name"]


@admin.register(SealUse)
class SealUseAdmin(admin.ModelAdmin):
    list_display = [
        "used_at",
        "seal_name",
        "sealed_document",
        "approval_number",
        "approved_by",
        "used_by",
    ]
    readonly_fields = [f.name for f in SealUse._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
