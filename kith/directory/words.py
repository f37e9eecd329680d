"""Pure rules for the directory's words: schedules in plain English, the
languages a service may be offered in."""

from collections.abc import Sequence
from datetime import time

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kith.core.times import clock_text

DAY_NAMES = {
    "MO": gettext_lazy("Mondays"),
    "TU": gettext_lazy("Tuesdays"),
    "WE": gettext_lazy("Wednesdays"),
    "TH": gettext_lazy("Thursdays"),
    "FR": gettext_lazy("Fridays"),
    "SA": gettext_lazy("Saturdays"),
    "SU": gettext_lazy("Sundays"),
}

DAY_CHOICES = [
    ("MO", gettext_lazy("Monday")),
    ("TU", gettext_lazy("Tuesday")),
    ("WE", gettext_lazy("Wednesday")),
    ("TH", gettext_lazy("Thursday")),
    ("FR", gettext_lazy("Friday")),
    ("SA", gettext_lazy("Saturday")),
    ("SU", gettext_lazy("Sunday")),
]

#: The languages offered in the form, by ISO 639-1 code.
LANGUAGES: dict[str, str] = {
    "en": "English",
    "cy": "Welsh",
    "gd": "Scottish Gaelic",
    "pl": "Polish",
    "pa": "Punjabi",
    "ur": "Urdu",
    "bn": "Bengali",
    "gu": "Gujarati",
    "ar": "Arabic",
    "zh": "Chinese",
    "so": "Somali",
    "ro": "Romanian",
    "pt": "Portuguese",
    "es": "Spanish",
    "fr": "French",
    "tr": "Turkish",
    "ta": "Tamil",
    "uk": "Ukrainian",
    "sgn": "British Sign Language",
}


def _join(items: Sequence[str]) -> str:
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return _("%(first)s and %(last)s") % {
        "first": ", ".join(items[:-1]),
        "last": items[-1],
    }


def _clock(value: time) -> str:
    text = clock_text(value)
    return _("12 noon") if text == _("midday") else text


def schedule_words(
    days: Sequence[str], opens_at: time, closes_at: time, freq: str
) -> str:
    """``Tuesdays 10am to 12 noon``; ``Mondays and Wednesdays 2pm to 4pm``;
    a monthly schedule says so: ``Once a month on Fridays 7pm to 9pm``."""
    names = _join([str(DAY_NAMES[d]) for d in days if d in DAY_NAMES])
    text = _("%(days)s %(opens)s to %(closes)s") % {
        "days": names,
        "opens": _clock(opens_at),
        "closes": _clock(closes_at),
    }
    if freq == "MONTHLY":
        return _("Once a month on %(when)s") % {"when": text}
    return text
