"""Writes about help: asking, offering, accepting, confirming, doing,
settling, cancelling and feedback.

Every function checks permission, validates, records a line on the request's
timeline and an audit event, and owns its transaction. Messages go through
the notify outbox after commit. Each raises ApplicationError (nothing changed,
the message says why) or PermissionDenied.

The writes live in one module per concept (categories, asking, offers,
cancelling, settling, feedback); this package re-exports them, so
``from kith.help.services import x`` and ``services.x`` keep working.
"""

from kith.help.services.asking import (
    LONGEST_AHEAD,
    MAX_SERIES_WEEKS,
    MAX_WINDOWS,
    Window,
    any_time_this_week,
    can_ask_for,
    request_create,
    requests_urgency_follow_dates,
)
from kith.help.services.cancelling import (
    request_cancel,
    visit_cancel,
    visit_no_show,
    visit_reassign,
)
from kith.help.services.categories import (
    DEFAULT_CATEGORIES,
    categories_create_defaults,
    category_save,
)
from kith.help.services.common import settings_for, when_text
from kith.help.services.feedback import feedback_record
from kith.help.services.offers import (
    helper_unsuitable_reason,
    visit_accept,
    visit_confirm,
    visit_decline,
    visit_offer,
)
from kith.help.services.settling import visit_done, visit_settle

__all__ = [
    "DEFAULT_CATEGORIES",
    "LONGEST_AHEAD",
    "MAX_SERIES_WEEKS",
    "MAX_WINDOWS",
    "Window",
    "any_time_this_week",
    "can_ask_for",
    "categories_create_defaults",
    "category_save",
    "feedback_record",
    "helper_unsuitable_reason",
    "request_cancel",
    "request_create",
    "requests_urgency_follow_dates",
    "settings_for",
    "visit_accept",
    "visit_cancel",
    "visit_confirm",
    "visit_decline",
    "visit_done",
    "visit_no_show",
    "visit_offer",
    "visit_reassign",
    "visit_settle",
    "when_text",
]
