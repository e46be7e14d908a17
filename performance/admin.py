"""BKPSDM configuration of the performance cycle: periods and their rule settings.

Everything else (SKP, ratings, objections) changes only through the services and their pages,
so it is read-only here.
"""

from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin_audit import AuditedAdmin
from performance import rules, services
from performance.models import Evaluation, Objection, Period, Skp


class PeriodForm(forms.ModelForm):
    class Meta:
        model = Period
        fields = (
            "year",
            "name",
            "scheme",
            "planning_opens",
            "planning_closes",
            "evaluation_opens",
            "evaluation_closes",
            "objection_days",
            "distribution_rules",
            "achievement_rule",
        )

    def clean_distribution_rules(self):
        data = self.cleaned_data["distribution_rules"] or rules.DEFAULT_DISTRIBUTION_RULES
        try:
            rules.parse_distribution_rules(data)
        except rules.RuleSetError as exc:
            raise forms.ValidationError(
                _("Aturan pola distribusi tidak sah: %(error)s"), params={"error": exc}
            ) from exc
        return data

    def clean_achievement_rule(self):
        data = self.cleaned_data["achievement_rule"] or {}
        try:
            values = {k: Decimal(str(data[k])) for k in ("above_at", "meets_at", "cap") if k in data}
        except (InvalidOperation, TypeError):
            raise forms.ValidationError(_("Ambang capaian harus berupa angka.")) from None
        unknown = set(data) - {"above_at", "meets_at", "cap"}
        if unknown:
            raise forms.ValidationError(_("Kunci tidak dikenal: %(keys)s"), params={"keys": ", ".join(sorted(unknown))})
        try:
            # The rule itself refuses thresholds out of order (0 < meets_at <= above_at <= cap).
            rules.AchievementRule(**values)
        except ValueError as exc:  # RuleSetError included
            raise forms.ValidationError(_("Ambang capaian tidak sah: %(error)s"), params={"error": exc}) from exc
        return data


@admin.register(Period)
class PeriodAdmin(AuditedAdmin):
    form = PeriodForm
    list_display = ("name", "year", "scheme", "status", "planning_closes", "published_on")
    list_filter = ("status", "scheme")
    # The stage moves through the period pages (publication is the pimpinan's), never by a field edit.
    readonly_fields = ("status", "published_on", "version")

    def get_readonly_fields(self, request, obj=None):
        # The slices were cut from the scheme when the period was created; once results are
        # announced, the objection window is what everyone was told.
        if obj is None:
            return self.readonly_fields
        fixed = (*self.readonly_fields, "year", "scheme")
        if obj.status in ("published", "closed"):
            fixed = (*fixed, "objection_days")
        return fixed

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change and not obj.slices.exists():
            services.period_slices_create(period=obj)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Skp)
class SkpAdmin(ReadOnlyAdmin):
    list_display = ("employee", "period", "status", "penilai", "agreed_at")
    list_filter = ("period", "status")
    search_fields = ("employee__nip", "employee__name")
    list_select_related = ("employee", "period", "penilai")


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = ("skp", "status", "work_level", "behaviour_level", "predikat", "changed_by_objection")
    list_filter = ("status", "predikat")
    list_select_related = ("skp",)


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ("evaluation", "status", "filed_at", "reviewer", "changed")
    list_filter = ("status", "changed")
