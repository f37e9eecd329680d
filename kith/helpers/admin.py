"""Read-only views for administrators who run the deployment. Every change
goes through the services, which check permission and audit; DBS records are
not shown here, as each view of one must be audited."""

from django.contrib import admin

from kith.helpers.models import HelperProfile, Skill, VettingCheck


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Skill)
class SkillAdmin(ReadOnlyAdmin):
    list_display = ["name", "locality", "retired"]
    list_filter = ["locality", "retired"]
    search_fields = ["name"]


@admin.register(HelperProfile)
class HelperProfileAdmin(ReadOnlyAdmin):
    list_display = [
        "user",
        "locality",
        "status",
        "vetting_level",
        "vetting_level_until",
        "next_lapse_on",
    ]
    list_filter = ["locality", "status", "vetting_level"]
    search_fields = ["user__full_name"]
    exclude = ["application_data", "date_of_birth"]


@admin.register(VettingCheck)
class VettingCheckAdmin(ReadOnlyAdmin):
    list_display = ["profile", "kind", "outcome", "checked_on", "expires_on"]
    list_filter = ["kind", "outcome"]
    exclude = ["submission_key"]
