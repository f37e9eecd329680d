"""Members: joining (online, or by phone with a coordinator), the member's own
pages, supporters, and the coordinators' list and record pages.

The views live in one module per group of pages (joining, own_pages,
coordinator_pages, plan_pages, and shared for the forms both use); this
package re-exports them for the URLs."""

from kith.members.views.coordinator_pages import (
    duplicate_decide,
    member_consent,
    member_detail,
    member_fee,
    member_leave,
    member_list,
    member_note,
    member_profile,
    member_supporter_invite,
    member_supporter_phone_accept,
)
from kith.members.views.joining import (
    BY_PHONE,
    ONLINE,
    JoinQuestions,
    join_check,
    join_done,
    join_not_eligible,
    join_start,
    join_step,
)
from kith.members.views.own_pages import (
    my_consents,
    my_membership,
    my_profile,
    my_supporter_invite,
    supporter_accept,
    supporter_accept_code,
    supporter_end,
    supporting,
    supporting_member,
)
from kith.members.views.plan_pages import plan_edit, plans

__all__ = [
    "BY_PHONE",
    "ONLINE",
    "JoinQuestions",
    "duplicate_decide",
    "join_check",
    "join_done",
    "join_not_eligible",
    "join_start",
    "join_step",
    "member_consent",
    "member_detail",
    "member_fee",
    "member_leave",
    "member_list",
    "member_note",
    "member_profile",
    "member_supporter_invite",
    "member_supporter_phone_accept",
    "my_consents",
    "my_membership",
    "my_profile",
    "my_supporter_invite",
    "plan_edit",
    "plans",
    "supporter_accept",
    "supporter_accept_code",
    "supporter_end",
    "supporting",
    "supporting_member",
]
