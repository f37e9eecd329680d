"""Reads about help, scoped to who is asking.

A helper sees a member's address and phone only for a confirmed visit, from
24 hours before it until 24 hours after (``member_contact_for_helper``).

Split by concept into the modules of this package; every name is
imported from here as before."""

from kith.help.selectors.common import (
    CONTACT_WINDOW,
    LIVE,
    all_categories_for,
    can_ask_for,
    categories_for,
    category_get_for,
    help_settings_for,
    visit_cancel_is_late,
)
from kith.help.selectors.dashboard import (
    DASHBOARD_ROWS,
    URGENCY_ORDER,
    DashboardPart,
    DashboardSection,
    dashboard_for,
    dashboard_section_rows,
)
from kith.help.selectors.helper_side import (
    RECENT_SHOWN,
    HelperVisits,
    MemberContact,
    RecentVisit,
    helper_profile_for,
    helper_visits_for,
    member_contact_for_helper,
    visit_get_for_helper,
    visits_for_helper,
)
from kith.help.selectors.offers import (
    helper_for_offer,
    helper_unsuitable_reason,
    request_vetting_day,
    suitable_helpers,
)
from kith.help.selectors.reliability import (
    Reliability,
    reliability_for,
    shared_helpers_record,
)
from kith.help.selectors.requests import (
    coming_visits_for_member,
    members_to_ask_for,
    members_to_show,
    request_get_for,
    request_just_asked,
    requests_for_member,
    supporting_page_visits,
    visit_get_for_member_side,
)

__all__ = [
    "CONTACT_WINDOW",
    "DASHBOARD_ROWS",
    "LIVE",
    "RECENT_SHOWN",
    "URGENCY_ORDER",
    "DashboardPart",
    "DashboardSection",
    "HelperVisits",
    "MemberContact",
    "RecentVisit",
    "Reliability",
    "all_categories_for",
    "can_ask_for",
    "categories_for",
    "category_get_for",
    "coming_visits_for_member",
    "dashboard_for",
    "dashboard_section_rows",
    "help_settings_for",
    "helper_for_offer",
    "helper_profile_for",
    "helper_unsuitable_reason",
    "helper_visits_for",
    "member_contact_for_helper",
    "members_to_ask_for",
    "members_to_show",
    "reliability_for",
    "request_get_for",
    "request_just_asked",
    "request_vetting_day",
    "requests_for_member",
    "shared_helpers_record",
    "suitable_helpers",
    "supporting_page_visits",
    "visit_cancel_is_late",
    "visit_get_for_helper",
    "visit_get_for_member_side",
    "visits_for_helper",
]
