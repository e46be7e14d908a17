"""Fairness records in the admin: read-only. Declarations, analyses and calibration change only
through their services and pages, which audit every change."""

from django.contrib import admin

from fairness.models import AnalysisRun, CalibrationDecision, CalibrationSession, ConflictOfInterest


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ConflictOfInterest)
class ConflictOfInterestAdmin(ReadOnlyAdmin):
    list_display = ("employee", "other", "relation", "declared_by", "created_at", "withdrawn_at")
    list_filter = ("relation",)
    search_fields = ("employee__nip", "employee__name", "other__nip", "other__name")
    list_select_related = ("employee", "other", "declared_by")


@admin.register(AnalysisRun)
class AnalysisRunAdmin(ReadOnlyAdmin):
    list_display = ("id", "period", "unit", "kind", "status", "n_ratings", "n_raters", "created_at")
    list_filter = ("status", "kind", "period")
    list_select_related = ("period", "unit")
    exclude = ("results",)


@admin.register(CalibrationSession)
class CalibrationSessionAdmin(ReadOnlyAdmin):
    list_display = ("title", "period", "unit", "status", "created_at")
    list_filter = ("status", "period")
    list_select_related = ("period", "unit")


@admin.register(CalibrationDecision)
class CalibrationDecisionAdmin(ReadOnlyAdmin):
    list_display = ("session", "evaluation", "decision", "new_predikat", "decided_by", "decided_at")
    list_filter = ("decision",)
    list_select_related = ("session", "decided_by")
