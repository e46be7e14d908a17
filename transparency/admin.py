"""BKPSDM settings of the board and portal: the disclosure policy, recognitions, and the state of
the precomputed figures. Every change is audited (`AuditedAdmin`). Consent to publish a recognition
is the employee's own: it is read-only here."""

from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin_audit import AuditedAdmin
from transparency.models import AggregateSnapshot, DisclosurePolicy, Recognition
from transparency.services import BOARD_STATUSES, recognition_unit_for
from transparency.tasks import aggregates_refresh_enqueue


def _refresh_published(trigger: str) -> int:
    from performance.models import Period

    ids = list(Period.objects.filter(status__in=BOARD_STATUSES).values_list("pk", flat=True))
    for pk in ids:
        aggregates_refresh_enqueue(pk, trigger=trigger)
    return len(ids)


@admin.register(DisclosurePolicy)
class DisclosurePolicyAdmin(AuditedAdmin):
    list_display = ("organisation", "board_mode", "min_group_size", "show_family_percentiles", "updated_at")
    list_select_related = ("organisation",)

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            # Suppression depends on the minimum: recompute every announced period's figures.
            _refresh_published("admin.disclosurepolicy")


@admin.register(Recognition)
class RecognitionAdmin(AuditedAdmin):
    list_display = ("title", "employee", "unit", "year", "consent_given_at", "consent_withdrawn_at")
    list_filter = ("year",)
    list_select_related = ("employee", "unit")
    search_fields = ("title", "employee__nip", "employee__name")
    autocomplete_fields = ("employee",)
    readonly_fields = ("consent_given_at", "consent_withdrawn_at", "recorded_by", "created_at", "updated_at")
    fields = (
        "employee",
        "unit",
        "title",
        "description",
        "year",
        "consent_given_at",
        "consent_withdrawn_at",
        "recorded_by",
        "created_at",
        "updated_at",
    )

    def save_model(self, request, obj, form, change):
        if obj.unit_id is None:
            obj.unit = recognition_unit_for(obj.employee)
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(AggregateSnapshot)
class AggregateSnapshotAdmin(admin.ModelAdmin):
    list_display = ("period", "version", "refreshed_at", "trigger", "employees", "min_group_size")
    list_select_related = ("period",)
    actions = ("refresh",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Hitung ulang angka papan hasil dan portal"))
    def refresh(self, request, queryset):
        for snapshot in queryset:
            aggregates_refresh_enqueue(snapshot.period_id, trigger="admin.refresh")
        n = queryset.count()
        self.message_user(
            request,
            ngettext(
                "%(n)s periode dijadwalkan untuk dihitung ulang.", "%(n)s periode dijadwalkan untuk dihitung ulang.", n
            )
            % {"n": n},
            messages.SUCCESS,
        )
