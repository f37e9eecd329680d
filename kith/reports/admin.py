"""Administrators add licensed instruments (with the council's licence
reference) and set how each is scored; answered versions are read-only.
Proxy values and prices of help are kept on the reports' own page (audited),
so here they are only shown."""

from typing import Any

from django.contrib import admin

from kith.reports.models import (
    HelpValue,
    Instrument,
    InstrumentItem,
    InstrumentScoring,
    ProxyValue,
)
from kith.reports.services import instrument_scoring_save


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


@admin.register(InstrumentScoring)
class InstrumentScoringAdmin(admin.ModelAdmin):
    """The scoring rule of a licensed instrument, from its own scoring
    instructions. Saved through the service, which checks it against the
    instrument's items and records who set it."""

    list_display = ["instrument", "item_min", "item_max", "min_answered", "set_at"]
    readonly_fields = ["set_at"]

    def formfield_for_foreignkey(
        self, db_field: Any, request: Any, **kwargs: Any
    ) -> Any:
        if db_field.name == "instrument":
            kwargs["queryset"] = Instrument.objects.filter(shipped=False)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        instrument_scoring_save(actor=request.user, scoring_rule=obj)


class ShownOnly(admin.ModelAdmin):
    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


admin.site.register(ProxyValue, ShownOnly)
admin.site.register(HelpValue, ShownOnly)
