"""Writes about introductions and activities.

Every function checks permission, validates, writes an audit event and owns
its transaction; messages go to the notify outbox in the same transaction and
are sent after it commits. Each raises ApplicationError (nothing changed, the
message says why) or PermissionDenied.

Places at an activity are counted under a lock on the date's row
(``Occurrence``): signing up and dropping out take it first, so two people
taking the last place, or two people dropping out at once, can never leave
more people booked than places or a free place while someone waits.

The writes live in one module per concept (suggestions, introductions,
activities, sign_ups, lifts, feeds); this package re-exports the ones callers use,
so ``from kith.social.services import x`` and ``services.x`` keep working.
"""

from kith.social.services.activities import (
    LONGEST_AHEAD,
    MAX_DATES,
    ActivityAnswers,
    VenueAnswers,
    activity_approve,
    activity_cancel,
    activity_decline,
    activity_propose,
    may_run,
    occurrence_starts,
    venue_save,
)
from kith.social.services.common import LIVE_SIGN_UPS
from kith.social.services.feeds import calendar_feed_reset, feed_digest
from kith.social.services.introductions import (
    FOLLOW_UP_AFTER,
    follow_up_record,
    introduction_answer,
    introduction_ask,
    introduction_follow_ups_queue,
    introduction_meeting_arrange,
    introduction_stop,
    introductions_close_on_consent_withdrawn,
)
from kith.social.services.sign_ups import (
    Full,
    activity_reminders_queue,
    attendance_record,
    can_sign_up_for,
    cost_text,
    sign_up_cancel,
    sign_up_create,
)
from kith.social.services.suggestions import (
    consenting,
    free_times_set,
    introductions_suggest,
    introductions_suggest_all,
    members_for_scoring,
    reasons_for,
)

__all__ = [
    "FOLLOW_UP_AFTER",
    "LIVE_SIGN_UPS",
    "LONGEST_AHEAD",
    "MAX_DATES",
    "ActivityAnswers",
    "Full",
    "VenueAnswers",
    "activity_approve",
    "activity_cancel",
    "activity_decline",
    "activity_propose",
    "activity_reminders_queue",
    "attendance_record",
    "calendar_feed_reset",
    "can_sign_up_for",
    "consenting",
    "cost_text",
    "feed_digest",
    "follow_up_record",
    "free_times_set",
    "introduction_answer",
    "introduction_ask",
    "introduction_follow_ups_queue",
    "introduction_meeting_arrange",
    "introduction_stop",
    "introductions_close_on_consent_withdrawn",
    "introductions_suggest",
    "introductions_suggest_all",
    "may_run",
    "members_for_scoring",
    "occurrence_starts",
    "reasons_for",
    "sign_up_cancel",
    "sign_up_create",
    "venue_save",
]
