"""Django admin that writes to the audit log like every other change."""

from django.contrib import admin
from django.forms.models import model_to_dict

from audit.services import diff, event_record

# Never copied into the (undeletable) audit log, even as hashes.
SECRET_FIELDS = frozenset({"password", "token_hash", "key", "secret"})


def _plain(data: dict) -> dict:
    return {k: ("[disembunyikan]" if k in SECRET_FIELDS else str(v)) for k, v in data.items()}


def _masked_diff(before: dict, after: dict) -> dict:
    """What changed, saying that a secret changed without copying it."""
    changes = diff({k: str(v) for k, v in before.items()}, {k: str(v) for k, v in after.items()})
    for key in SECRET_FIELDS & set(changes):
        changes[key] = {"old": "[disembunyikan]" if before.get(key) else "", "new": "[diubah]"}
    return changes


class AuditedAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        before = model_to_dict(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else {}
        super().save_model(request, obj, form, change)
        after = model_to_dict(obj)
        event_record(
            actor=request.user,
            action=f"admin.{obj._meta.label_lower}.{'change' if change else 'add'}",
            obj=obj,
            changes=_masked_diff(before, after),
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
                changes=_plain(model_to_dict(obj)),
                reason="admin",
            )
        formset.save_m2m()
