"""Criteria in the Django admin: read-only. Rounds, proposals, votes and versions change only through
the services and their pages, so every change is audited and every version comes from a decision."""

from django.contrib import admin

from criteria.models import Comment, Criterion, CriterionVersion, Proposal, Round, Vote


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class VersionInline(admin.TabularInline):
    model = CriterionVersion
    fields = ("number", "status", "text", "adopted_at", "adopted_by", "adoption_reason")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Criterion)
class CriterionAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "value", "unit", "position_family", "position_kind")
    list_filter = ("kind", "value")
    search_fields = ("title", "position_family", "unit__name")
    list_select_related = ("unit",)
    inlines = [VersionInline]


@admin.register(CriterionVersion)
class CriterionVersionAdmin(ReadOnlyAdmin):
    list_display = ("criterion", "number", "status", "adopted_at", "adopted_by")
    list_filter = ("status",)
    search_fields = ("criterion__title", "text")
    list_select_related = ("criterion", "adopted_by")


@admin.register(Round)
class RoundAdmin(ReadOnlyAdmin):
    list_display = ("title", "unit", "period", "opens_at", "closes_at", "status")
    list_filter = ("status", "period")
    search_fields = ("title", "unit__name")
    list_select_related = ("unit", "period")


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    list_display = ("title", "round", "kind", "proposer", "status", "decided_at")
    list_filter = ("status", "kind")
    search_fields = ("title", "text", "proposer__name", "proposer__nip")
    list_select_related = ("round", "proposer")


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ("proposal", "author", "created_at")
    list_select_related = ("proposal", "author")


@admin.register(Vote)
class VoteAdmin(ReadOnlyAdmin):
    list_display = ("proposal", "voter", "value", "updated_at")
    list_select_related = ("proposal", "voter")
