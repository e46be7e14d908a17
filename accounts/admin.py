from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import ApiToken, RoleGrant, User
from core.admin_audit import AuditedAdmin


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin, AuditedAdmin):
    list_display = ("username", "first_name", "email", "is_active", "is_staff")
    search_fields = ("username", "first_name", "email")
    raw_id_fields = ("employee",)
    inlines = [RoleGrantInline]
    fieldsets = (*BaseUserAdmin.fieldsets, ("Terang", {"fields": ("employee",)}))


@admin.register(RoleGrant)
class RoleGrantAdmin(AuditedAdmin):
    list_display = ("user", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "user__first_name")
    raw_id_fields = ("user",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("user", "name", "prefix", "digest", "created_at", "last_used_at", "revoked_at")

    def has_add_permission(self, request):
        return False
