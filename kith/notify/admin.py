from django.contrib import admin

from kith.notify.models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "template", "channel", "to", "status", "attempts"]
    list_filter = ["status", "channel", "template"]
    search_fields = ["to", "template"]
    readonly_fields = [f.name for f in Message._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
