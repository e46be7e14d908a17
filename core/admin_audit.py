"""Django admin that writes to the audit log like every other change."""

from django.contrib import admin
from django.forms.models import model_to_dict

from audit.services import diff, event_record


class AuditedAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        before = model_to_dict(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else {}
        super().save_model(request, obj, form, change)
        after = model_to_dict(obj)
        event_record(
            actor=request.user,
            action=f"admin.{obj._meta.label_lower}.{'change' if change else 'add'}",
            obj=obj,
            changes=diff({k: str(v) for k, v in before.items()}, {k: str(v) for k, v in after.items()}),
            reason="admin",
        )

    def delete_model(self, request, obj):
        event_record(actor=request.user, action=f"admin.{obj._meta.label_lower}.delete", obj=obj, reason="admin")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            event_record(actor=request.user, action=f"admin.{obj._meta.label_lower}.delete", obj=obj, reason="admin")
            obj.delete()
        for obj in instances:
            adding = obj._state.adding
            obj.save()
            event_record(
                actor=request.user,
                action=f"admin.{obj._meta.label_lower}.{'add' if adding else 'change'}",
                obj=obj,
                changes={k: str(v) for k, v in model_to_dict(obj).items()},
                reason="admin",
            )
        formset.save_m2m()
