"""Django admin for the approval administrators (文書管理担当): document types, the
delegation rules (専決規程) as versions, number series and delegations.

A published rule version is read-only: to change the rules, copy it to a new draft
version ("新しい版として複製"), edit, then publish with its 施行日. Documents keep
the version they were submitted under. Documents, route steps and the ledger are not
editable here at all.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import (
    Delegation,
    DelegationRule,
    DocumentSeries,
    DocumentType,
    RuleBook,
    RuleCirculation,
    RuleConsultation,
)


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "requires_amount",
        "is_routine",
        "is_active",
        "sort_order",
    ]
    list_editable = ["sort_order"]
    search_fields = ["name", "code"]


class PublishedReadOnly:
    """Rules of a published version cannot be added, changed or deleted."""

    def _book(self, obj):
        if obj is None:
            return None
        return (
            obj
            if isinstance(obj, RuleBook)
            else getattr(obj, "rulebook", None) or obj.rule.rulebook
        )

    def has_change_permission(self, request, obj=None):
        book = self._book(obj)
        if book is not None and book.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        book = self._book(obj)
        if book is not None and book.is_published:
            return False
        return super().has_delete_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        book = self._book(obj)
        if book is not None and book.is_published:
            return False
        return super().has_add_permission(request)


class ConsultationInline(PublishedReadOnly, admin.TabularInline):
    model = RuleConsultation
    extra = 0
    autocomplete_fields = ["unit"]


class CirculationInline(PublishedReadOnly, admin.TabularInline):
    model = RuleCirculation
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(DelegationRule)
class DelegationRuleAdmin(PublishedReadOnly, admin.ModelAdmin):
    list_display = ["document_type", "band_label", "decider_post", "rulebook"]
    list_filter = ["rulebook", "document_type", "decider_post"]
    filter_horizontal = ["approver_posts"]
    inlines = [ConsultationInline, CirculationInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "rulebook":
            kwargs["queryset"] = RuleBook.objects.filter(published_at__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request, obj=None):
        return admin.ModelAdmin.has_add_permission(self, request)


class RuleInline(admin.TabularInline):
    model = DelegationRule
    fields = ["document_type", "amount_from", "amount_below", "decider_post"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RuleBook)
class RuleBookAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "valid_from", "published_at"]
    fields = ["number", "title", "valid_from", "note", "published_at", "created_at"]
    inlines = [RuleInline]
    actions = ["copy_as_new_version", "publish"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_published:
            return [
                "number",
                "title",
                "valid_from",
                "published_at",
                "note",
                "created_at",
            ]
        return ["published_at", "created_at"]

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (obj.is_published or obj.rules.exists()):
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(description=_("新しい版として複製（下書き）"))
    def copy_as_new_version(self, request, queryset):
        for book in queryset:
            with transaction.atomic():
                number = (RuleBook.objects.aggregate(n=Max("number"))["n"] or 0) + 1
                copy = RuleBook.objects.create(
                    number=number,
                    title=book.title,
                    valid_from=timezone.localdate(),
                    note=_("第%(number)s版から複製") % {"number": book.number},
                )
                for rule in book.rules.prefetch_related(
                    "approver_posts", "consultations", "circulations"
                ):
                    consultations = list(rule.consultations.all())
                    circulations = list(rule.circulations.all())
                    approvers = list(rule.approver_posts.all())
                    rule.pk = None
                    rule.rulebook = copy
                    rule.save()
                    rule.approver_posts.set(approvers)
                    for item in consultations + circulations:
                        item.pk = None
                        item.rule = rule
                        item.save()
                self.log_addition(request, copy, [{"added": {}}])
            messages.success(
                request, _("第%(number)s版を作成しました。") % {"number": copy.number}
            )

    @admin.action(description=_("公開する（以後は変更不可）"))
    def publish(self, request, queryset):
        for book in queryset.filter(published_at__isnull=True):
            if not book.rules.exists():
                messages.error(request, _("専決区分のない版は公開できません。"))
                continue
            book.published_at = timezone.now()
            book.save(update_fields=["published_at"])
            self.log_change(request, book, [{"changed": {"fields": ["published_at"]}}])
            messages.success(
                request, _("第%(number)s版を公開しました。") % {"number": book.number}
            )


@admin.register(DocumentSeries)
class DocumentSeriesAdmin(admin.ModelAdmin):
    list_display = ["prefix", "unit"]
    autocomplete_fields = ["unit"]


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    list_display = [
        "principal",
        "delegate",
        "kind",
        "start_date",
        "end_date",
        "revoked_at",
    ]
    list_filter = ["kind"]
    autocomplete_fields = ["principal", "delegate"]
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: actions taken under it keep pointing at it
