"""Administrators add licensed instruments (with the council's licence
reference) and keep the proxy values; answered versions are read-only."""

from typing import Any

from django.contrib import admin

from kith.reports.models import HelpValue, Instrument, InstrumentItem, ProxyValue


class ItemInline(admin.TabularInline):
    model = InstrumentItem
    extra = 0

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return obj is None or not (obj.shipped or obj.answered)

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return obj is None or not (obj.shipped or obj.answered)

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return obj is None or not (obj.shipped or obj.answered)


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = ["title", "code", "version", "licence_reference", "is_active"]
    inlines = [ItemInline]

    def get_readonly_fields(self, request: Any, obj: Any = None) -> list[str]:
        # Once answered (or shipped with Kith), only whether it is asked may
        # change: new wording is a new version.
        if obj is not None and (obj.shipped or obj.answered):
            return ["code", "version", "title", "source", "introduction",
                    "licence_reference"]  # fmt: skip
        return []

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return obj is None or not (obj.shipped or obj.answered)


admin.site.register(ProxyValue)
admin.site.register(HelpValue)
