"""Words shown for the budgeting part's codes."""

from django.utils.translation import gettext_lazy

from kith.budgeting import counting

#: Why a ballot was not counted, in plain words.
SPOILT_REASONS = {
    counting.SPOILT_EMPTY: gettext_lazy("No project was chosen."),
    counting.SPOILT_UNKNOWN: gettext_lazy("A project chosen is not on this ballot."),
    counting.SPOILT_REPEATED: gettext_lazy("The same project was chosen twice."),
    counting.SPOILT_TOO_MANY: gettext_lazy("More projects were chosen than allowed."),
    counting.SPOILT_OVER_BUDGET: gettext_lazy(
        "The projects chosen cost more than the amount."
    ),
    "duplicate": gettext_lazy("The voter had already voted."),
}
