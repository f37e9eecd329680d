"""Writes of reports: members' wellbeing surveys (answered or declined), the
call-list lines for surveys due, and the locality's figures settings (proxy
values, the commercial price of each kind of help, licensed instruments'
scoring).

Split by concept into the modules of this package; every name is
imported from here as before."""

from kith.reports.services.surveys import (
    SCORE_FIELDS,
    Due,
    call_key,
    instrument_item_guard,
    instruments_asked,
    may_record,
    shipped_instruments_ensure,
    survey_calls_wanted,
    survey_decline,
    survey_due_for,
    survey_record,
    survey_settings_for,
    survey_settings_update,
    surveys_due_in,
)
from kith.reports.services.values import (
    HELP_VALUE_MAX_PENCE,
    PROXY_FIRST_YEAR,
    PROXY_MAX_PENCE,
    help_value_set,
    instrument_scoring_save,
    proxy_value_add,
    proxy_value_change,
    proxy_value_retire,
)
from kith.reports.services.visit_months import (
    SETTLE_DAYS,
    SUMMARY_MONTHS,
    visit_months_refresh,
    visit_months_refresh_all,
)

__all__ = [
    "HELP_VALUE_MAX_PENCE",
    "PROXY_FIRST_YEAR",
    "PROXY_MAX_PENCE",
    "SCORE_FIELDS",
    "SETTLE_DAYS",
    "SUMMARY_MONTHS",
    "Due",
    "call_key",
    "help_value_set",
    "instrument_item_guard",
    "instrument_scoring_save",
    "instruments_asked",
    "may_record",
    "proxy_value_add",
    "proxy_value_change",
    "proxy_value_retire",
    "shipped_instruments_ensure",
    "survey_calls_wanted",
    "survey_decline",
    "survey_due_for",
    "survey_record",
    "survey_settings_for",
    "survey_settings_update",
    "surveys_due_in",
    "visit_months_refresh",
    "visit_months_refresh_all",
]
