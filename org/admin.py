from django.contrib import admin

from core.admin_audit import AuditedAdmin
from org.models import Employee, Position, RosterImport, Unit


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ("name", "kind", "parent", "depth")
    list_filter = ("kind", "depth")
    search_fields = ("name",)
    readonly_fields = ("path", "depth")
    autocomplete_fields = ("parent",)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Keep the materialised path true when a unit is added or moved here.
        path = f"{obj.parent.path if obj.parent else '/'}{obj.pk}/"
        if obj.path != path:
            old = obj.path
            obj.path, obj.depth = path, (obj.parent.depth + 1 if obj.parent else 0)
            Unit.objects.filter(pk=obj.pk).update(path=obj.path, depth=obj.depth)
            if old:
                for child in Unit.objects.filter(path__startswith=old).exclude(pk=obj.pk):
                    child.path = path + child.path[len(old) :]
                    child.depth = child.path.strip("/").count("/")
                    Unit.objects.filter(pk=child.pk).update(path=child.path, depth=child.depth)


@admin.register(Position)
class PositionAdmin(AuditedAdmin):
    list_display = ("name", "kind", "grade", "unit", "is_head")
    list_filter = ("kind", "is_head")
    search_fields = ("name", "unit__name")
    autocomplete_fields = ("unit",)


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin):
    """Read-only here: employees change through the roster import and the profile page, both audited."""

    list_display = ("nip", "name", "golongan", "position", "unit", "is_active")
    list_filter = ("status", "is_active", "gender")
    search_fields = ("nip", "name")
    list_select_related = ("position", "unit")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RosterImport)
class RosterImportAdmin(admin.ModelAdmin):
    list_display = ("filename", "status", "rows_total", "created_by", "created_at")
    list_filter = ("status",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
