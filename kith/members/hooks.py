"""Hooks that members runs and higher apps register on (see kith/core/hooks.py).

Each runs inside the service's transaction: a receiver that fails rolls the
whole change back.
"""

from kith.core.hooks import Hook

#: A membership has just started (status active, fee recorded). Credits
#: issues the plan's joining credits.
membership_started = Hook("members.membership_started", "actor=, membership=")

#: A member has left (status left, their choice for their remaining credits
#: recorded on the membership). Credits moves what is left as they chose.
membership_left = Hook("members.membership_left", "actor=, membership=")

#: A member no longer agrees to be introduced. Social ends the introductions
#: waiting on them.
introductions_consent_withdrawn = Hook(
    "members.introductions_consent_withdrawn", "actor=, membership="
)

#: A coordinator opens the page where a member leaves: the parts above may
#: add to what it shows. Each receiver returns a dict for the page's context
#: (credits adds ``credits_left``, the words for what the member has left).
leave_page_extras = Hook(
    "members.leave_page_extras", "membership= -> dict for the page"
)

#: A supporter opens the page of a member they support: the parts above add
#: what the member allowed them to see. Each receiver returns a dict for the
#: page's context (help adds ``coming_visits``, credits ``credits_balance``),
#: or an empty one when the rule of ``kith.members.access`` says no.
supporting_page_extras = Hook(
    "members.supporting_page_extras", "actor=, link= -> dict for the page"
)

#: A coordinator opens a member's record: the parts above may add a section
#: to it. Each receiver returns a dict ``{"template": name, **context}`` (the
#: directory adds the services the member was pointed to), or None to add
#: nothing.
member_page_sections = Hook(
    "members.member_page_sections", "actor=, membership= -> dict or None"
)
