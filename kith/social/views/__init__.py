"""Social: the calendar of activities, signing up, hosting, and introductions
between members (coordinators' suggestions and members' answers).

The views live in one module per group of pages (common, home_calendar,
signing_up, proposing, feeds, introducing); this package re-exports them for
the URLs."""

from kith.social.views.feeds import feed_address, private_feed, public_feed
from kith.social.views.home_calendar import (
    activity_detail,
    calendar,
    occurrence_detail,
    social_home,
)
from kith.social.views.introducing import (
    figures,
    free_times,
    introduction_detail,
    introductions,
    my_introduction,
    my_introductions,
)
from kith.social.views.proposing import (
    PROPOSE,
    ProposeQuestions,
    approve,
    cancel,
    decline,
    propose_check,
    propose_done,
    propose_start,
    propose_step,
    review,
)
from kith.social.views.signing_up import attendance, place, place_give_up, sign_up

__all__ = [
    "PROPOSE",
    "ProposeQuestions",
    "activity_detail",
    "approve",
    "attendance",
    "calendar",
    "cancel",
    "decline",
    "feed_address",
    "figures",
    "free_times",
    "introduction_detail",
    "introductions",
    "my_introduction",
    "my_introductions",
    "occurrence_detail",
    "place",
    "place_give_up",
    "private_feed",
    "propose_check",
    "propose_done",
    "propose_start",
    "propose_step",
    "public_feed",
    "review",
    "sign_up",
    "social_home",
]
