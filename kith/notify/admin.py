from django.contrib import admin

from kith.notify.models import Call, DailySendCount, JobRun, Message, TemplateProblem


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "template", "channel", "to", "status", "attempts"]
    list_filter = ["status", "channel", "template"]
    search_fields = ["to", "template"]
    readonly_fields = [f.name for f in Message._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    list_display = ["job", "slot", "status", "attempts", "enqueued_at", "result"]
    list_filter = ["status", "job"]
    readonly_fields = [f.name for f in JobRun._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["day", "person", "reason", "outcome", "done", "called_at"]
    list_filter = ["reason", "outcome", "done"]
    readonly_fields = [f.name for f in Call._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(TemplateProblem)
class TemplateProblemAdmin(admin.ModelAdmin):
    list_display = ["template", "channel", "kind", "source", "found_at"]
    list_filter = ["kind", "source", "channel"]
    readonly_fields = [f.name for f in TemplateProblem._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(DailySendCount)
class DailySendCountAdmin(admin.ModelAdmin):
    list_display = ["day", "channel", "count"]
    list_filter = ["channel"]
    readonly_fields = [f.name for f in DailySendCount._meta.fields]

    def has_add_permission(self, request):
        return False
