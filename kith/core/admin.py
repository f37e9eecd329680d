from django.contrib import admin

from kith.core.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read only: audit events are never changed or deleted."""

    list_display = [
        "created_at",
        "action",
        "actor",
        "on_behalf_of",
        "target_label",
        "ip_address",
    ]
    list_filter = ["action", "locality"]
    search_fields = ["action", "target_label", "actor__full_name"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
