"""What the helpers forms share: parts of the day, times, checkboxes, and a
key so that sending a form twice does it once."""

import uuid
from datetime import time

from django import forms
from django.utils.translation import gettext_lazy as _

from kith.core.times import clock_text
from kith.helpers.models import WEEKDAYS

#: Parts of the day offered when applying: (key, label, from, to).
PERIODS = [
    ("morning", _("morning (9am to midday)"), time(9), time(12)),
    ("afternoon", _("afternoon (midday to 5pm)"), time(12), time(17)),
    ("evening", _("evening (5pm to 8pm)"), time(17), time(20)),
]
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _radios(size: str = "s") -> forms.RadioSelect:
    return forms.RadioSelect(attrs={"legend_size": size})


def _checkboxes(size: str = "s") -> forms.CheckboxSelectMultiple:
    return forms.CheckboxSelectMultiple(attrs={"legend_size": size})


#: Core's field template shows CheckboxSelectMultiple (a RadioSelect subclass
#: in Django) as radios, so multiple-choice fields use their own template.
CHECKBOXES_TEMPLATE = "helpers/forms/checkboxes.html"


class CheckboxesField(forms.MultipleChoiceField):
    def __init__(self, *, legend_size: str = "s", **kwargs):
        kwargs.setdefault("widget", _checkboxes(legend_size))
        kwargs.setdefault("template_name", CHECKBOXES_TEMPLATE)
        super().__init__(**kwargs)


def period_choices() -> list[tuple[str, str]]:
    return [
        (f"{day}-{key}", f"{day_label} {label}")
        for day, day_label in WEEKDAYS
        for key, label, _start, _end in PERIODS
    ]


def periods_to_slots(values: list[str]) -> list[tuple[int, time, time]]:
    """``["0-morning"]`` → ``[(0, 09:00, 12:00)]``."""
    by_key = {key: (start, end) for key, _label, start, end in PERIODS}
    slots = []
    for value in values:
        day, key = value.split("-", 1)
        start, end = by_key[key]
        slots.append((int(day), start, end))
    return slots


def time_choices() -> list[tuple[str, str]]:
    """Every half hour from 7am to 9pm, written the GOV.UK way."""
    return [
        (f"{hour:02d}:{minute:02d}", clock_text(time(hour, minute)))
        for hour, minute in (
            divmod(minutes, 60) for minutes in range(7 * 60, 21 * 60 + 1, 30)
        )
    ]


class SubmissionKeyMixin(forms.Form):
    """A hidden key so that sending the same form twice does it once."""

    key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("key", uuid.uuid4().hex)
