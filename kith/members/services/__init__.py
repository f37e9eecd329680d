"""Writes about members: joining, renewing, leaving, profiles, consents,
notes, duplicates and supporters.

Every function checks permission, validates, audits and owns its transaction;
each raises ApplicationError (nothing changed, the message says why) or
PermissionDenied. Messages go out through the notify outbox after commit.

The writes live in one module per concept (plans, joining, year, profile,
duplicates, supporters); this package re-exports them, so
``from kith.members.services import x`` and ``services.x`` keep working.
"""

from kith.members.services.duplicates import duplicate_decide
from kith.members.services.joining import (
    REPEAT_WINDOW,
    JoinAnswers,
    membership_join,
    plans_open_to,
)
from kith.members.services.plans import interest_add, plan_save
from kith.members.services.profile import (
    PROFILE_FIELDS,
    consent_record,
    memberships_ward_refresh,
    note_add,
    profile_update,
)
from kith.members.services.supporters import (
    SUPPORTER_INVITATION_DAYS,
    Invitation,
    supporter_accept,
    supporter_accept_by_phone,
    supporter_accept_with_code,
    supporter_end,
    supporter_invitation_code_send,
    supporter_invitation_has_account,
    supporter_invite,
    supporter_link_for_token,
)
from kith.members.services.year import (
    membership_activate,
    membership_leave,
    membership_renew,
    memberships_lapse,
    renewal_reminders_queue,
)

__all__ = [
    "PROFILE_FIELDS",
    "REPEAT_WINDOW",
    "SUPPORTER_INVITATION_DAYS",
    "Invitation",
    "JoinAnswers",
    "consent_record",
    "duplicate_decide",
    "interest_add",
    "membership_activate",
    "membership_join",
    "membership_leave",
    "membership_renew",
    "memberships_lapse",
    "memberships_ward_refresh",
    "note_add",
    "plan_save",
    "plans_open_to",
    "profile_update",
    "renewal_reminders_queue",
    "supporter_accept",
    "supporter_accept_by_phone",
    "supporter_accept_with_code",
    "supporter_end",
    "supporter_invitation_code_send",
    "supporter_invitation_has_account",
    "supporter_invite",
    "supporter_link_for_token",
]
