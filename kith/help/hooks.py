"""Hooks that help runs and higher apps register on (see kith/core/hooks.py)."""

from kith.core.hooks import Hook

#: A coordinator opens the page of an open help request: the parts above may
#: add to what it shows. Each receiver returns a dict for the page's context
#: (matching adds its ``shortlist``).
request_page_extras = Hook(
    "help.request_page_extras", "actor=, help_request= -> dict for the page"
)

#: A helper said no to a visit offered to them (in the decline's
#: transaction). Matching plans the request again, without them, when the
#: offer came from a matching plan.
visit_declined = Hook("help.visit_declined", "visit=")

#: The call-list job is building the coordinators' call list (kith/help/
#: jobs.py). The parts above may add lines: each receiver returns a list of
#: unsaved ``notify.Call`` rows, each with a unique ``key`` (reports adds
#: wellbeing surveys due).
call_list_lines = Hook("help.call_list_lines", "today= -> list of unsaved Call")
