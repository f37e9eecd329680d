from datetime import datetime, time
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from kith.core.forms import GovukDateField, GovukForm
from kith.core.times import clock_text
from kith.help.models import Urgency

TIMES = [
    (f"{h:02d}:{m:02d}", lazy(clock_text, str)(time(h, m)))
    for h in range(7, 22)
    for m in (0, 30)
]
LENGTHS = [
    (30, _("Half an hour")),
    (60, _("1 hour")),
    (90, _("1 and a half hours")),
    (120, _("2 hours")),
    (180, _("3 hours")),
    (240, _("4 hours")),
]


def at(day, hhmm: str) -> datetime:
    hour, minute = (int(part) for part in hhmm.split(":"))
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


class WhoForm(GovukForm):
    membership = forms.TypedChoiceField(
        label=_("Who is the help for?"),
        coerce=int,
        widget=forms.RadioSelect(attrs={"legend_size": "m"}),
        error_messages={"required": _("Choose who the help is for.")},
    )

    def __init__(self, *args, memberships=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].choices = [  # type: ignore[attr-defined]
            (m.pk, m.label()) for m in memberships
        ]


class CategoryForm(GovukForm):
    category = forms.TypedChoiceField(
        label=_("What kind of help?"),
        coerce=int,
        widget=forms.RadioSelect(attrs={"legend_size": "m"}),
        error_messages={"required": _("Choose the kind of help.")},
    )

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            (c.pk, f"{c.name} — {c.description}" if c.description else c.name)
            for c in categories
        ]


class WhatForm(GovukForm):
    details = forms.CharField(
        label=_("What needs doing?"),
        help_text=_(
            "For example, ‘cut the front hedge’ or ‘help setting up a new phone’."
        ),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Say what help is needed.")},
    )
    where = forms.ChoiceField(
        label=_("Where?"),
        choices=[("home", _("At home")), ("elsewhere", _("Somewhere else"))],
        widget=forms.RadioSelect(attrs={"legend_size": "s"}),
        error_messages={"required": _("Choose where the help is needed.")},
    )
    place = forms.CharField(
        label=_("If somewhere else: where?"),
        required=False,
        max_length=300,
        help_text=_("For example, ‘the surgery on Mill Lane’."),
    )

    def clean(self):
        data = cast(dict[str, Any], super().clean())
        if data.get("where") == "elsewhere" and not (data.get("place") or "").strip():
            self.add_error("place", _("Say where the help is needed."))
        return data


class WhenForm(GovukForm):
    when = forms.ChoiceField(
        label=_("When could the helper come?"),
        choices=[
            ("week", _("Any time this week, 9am to 6pm")),
            ("times", _("On particular days and times")),
        ],
        widget=forms.RadioSelect(attrs={"legend_size": "m"}),
        error_messages={"required": _("Choose when the helper could come.")},
    )
    day_1 = GovukDateField(label=_("First day"), required=False, future=True)
    from_1 = forms.ChoiceField(
        label=_("From"), choices=[("", ""), *TIMES], required=False
    )
    to_1 = forms.ChoiceField(
        label=_("Until"), choices=[("", ""), *TIMES], required=False
    )
    day_2 = GovukDateField(
        label=_("Second day (optional)"), required=False, future=True
    )
    from_2 = forms.ChoiceField(
        label=_("From"), choices=[("", ""), *TIMES], required=False
    )
    to_2 = forms.ChoiceField(
        label=_("Until"), choices=[("", ""), *TIMES], required=False
    )
    day_3 = GovukDateField(label=_("Third day (optional)"), required=False, future=True)
    from_3 = forms.ChoiceField(
        label=_("From"), choices=[("", ""), *TIMES], required=False
    )
    to_3 = forms.ChoiceField(
        label=_("Until"), choices=[("", ""), *TIMES], required=False
    )

    def clean(self):
        data = cast(dict[str, Any], super().clean())
        if data.get("when") != "times":
            return data
        rows = 0
        for n in (1, 2, 3):
            day, start, end = (
                data.get(f"day_{n}"),
                data.get(f"from_{n}"),
                data.get(f"to_{n}"),
            )
            if not (day or start or end):
                continue
            if not day and f"day_{n}" not in self.errors:
                self.add_error(f"day_{n}", _("Enter the day."))
            if not start:
                self.add_error(f"from_{n}", _("Choose the time from."))
            if not end:
                self.add_error(f"to_{n}", _("Choose the time until."))
            if start and end and end <= start:
                self.add_error(
                    f"to_{n}", _("The time until must be after the time from.")
                )
            rows += 1
        if rows == 0 and not self.errors:
            self.add_error("day_1", _("Enter at least one day and time."))
        return data

    def windows(self):
        from kith.help.services import Window, any_time_this_week

        data = self.cleaned_data
        if data["when"] == "week":
            return any_time_this_week()
        return [
            Window(
                at(data[f"day_{n}"], data[f"from_{n}"]),
                at(data[f"day_{n}"], data[f"to_{n}"]),
            )
            for n in (1, 2, 3)
            if data.get(f"day_{n}") and data.get(f"from_{n}") and data.get(f"to_{n}")
        ]


class LengthForm(GovukForm):
    minutes = forms.TypedChoiceField(
        label=_("About how long will it take?"),
        coerce=int,
        choices=LENGTHS,
        widget=forms.RadioSelect(attrs={"legend_size": "m"}),
        error_messages={"required": _("Choose about how long it will take.")},
    )
    repeat_weeks = forms.TypedChoiceField(
        label=_("How often?"),
        coerce=int,
        choices=[(1, _("Just once"))]
        + [(n, _("Every week for %(n)d weeks") % {"n": n}) for n in (4, 8, 12)],
        widget=forms.RadioSelect(attrs={"legend_size": "s"}),
        error_messages={"required": _("Choose how often.")},
    )


class NotesForm(GovukForm):
    urgency = forms.ChoiceField(
        label=_("How soon is it needed?"),
        choices=Urgency.choices,
        widget=forms.RadioSelect(attrs={"legend_size": "m"}),
        error_messages={"required": _("Choose how soon it is needed.")},
    )
    notes_for_helper = forms.CharField(
        label=_("Anything the helper should know? (optional)"),
        help_text=_(
            "For example, ‘the doorbell does not work, please knock’ or ‘I have a dog’."
        ),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReasonForm(GovukForm):
    reason = forms.CharField(
        label=_("Why?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why.")},
    )


class AcceptForm(GovukForm):
    day = GovukDateField(label=_("Day of the visit"), future=True)
    start = forms.ChoiceField(
        label=_("Time you will arrive"),
        choices=[("", ""), *TIMES],
        error_messages={"required": _("Choose the time you will arrive.")},
    )

    def starts_at(self) -> datetime:
        return at(self.cleaned_data["day"], self.cleaned_data["start"])


class DoneForm(GovukForm):
    actual_minutes = forms.TypedChoiceField(
        label=_("How long did it take?"),
        coerce=int,
        choices=[
            (m, label)
            for m, label in [
                (15, _("15 minutes")),
                (30, _("Half an hour")),
                (45, _("45 minutes")),
            ]
        ]
        + list(LENGTHS[1:])
        + [(300, _("5 hours")), (360, _("6 hours"))],
        error_messages={"required": _("Choose how long it took.")},
    )
    note = forms.CharField(
        label=_("Anything to tell the coordinators? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FeedbackForm(GovukForm):
    rating = forms.TypedChoiceField(
        label=_("How did it go?"),
        coerce=int,
        choices=[
            (5, _("Very well")),
            (4, _("Well")),
            (3, _("All right")),
            (2, _("Not very well")),
            (1, _("Badly")),
        ],
        widget=forms.RadioSelect(attrs={"legend_size": "m"}),
        error_messages={"required": _("Choose how it went.")},
    )
    comment = forms.CharField(
        label=_("Anything else you would like to tell us? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class OfferForm(GovukForm):
    helper = forms.TypedChoiceField(
        label=_("Offer to"),
        coerce=int,
        widget=forms.RadioSelect(attrs={"legend_size": "s"}),
        error_messages={"required": _("Choose a helper.")},
    )

    def __init__(self, *args, helpers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["helper"].choices = [(h.pk, h.user.full_name) for h in helpers]  # type: ignore[attr-defined]


class OfferChoiceForm(GovukForm):
    """The helper chosen on a shortlist: only a helper's number is accepted."""

    helper = forms.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        error_messages={
            key: _("Choose a helper.")
            for key in ("required", "invalid", "min_value", "max_value")
        },
    )


class NoShowForm(GovukForm):
    party = forms.ChoiceField(
        label=_("Who was missing?"),
        choices=[
            ("member", _("The member was not in")),
            ("helper", _("The helper did not come")),
        ],
        widget=forms.RadioSelect(attrs={"legend_size": "s"}),
        error_messages={"required": _("Choose who was missing.")},
    )


class CategoryEditForm(GovukForm):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        error_messages={"required": _("Enter the name.")},
    )
    description = forms.CharField(
        label=_("Description (optional)"), max_length=200, required=False
    )
    vetting_level = forms.ChoiceField(
        label=_("Vetting level a helper needs"),
        choices=[
            ("basic", _("Basic: help outside the home")),
            ("enhanced", _("Enhanced: inside the home, and company")),
            (
                "enhanced_barred",
                _("Enhanced with barred list: shopping, money, paperwork, lifts"),
            ),
        ],
        widget=forms.RadioSelect(attrs={"legend_size": "s"}),
        error_messages={"required": _("Choose the vetting level it needs.")},
    )
    usual_minutes = forms.TypedChoiceField(
        label=_("Usual length"), coerce=int, choices=LENGTHS
    )
    skill = forms.TypedChoiceField(
        label=_("Skill it needs (optional)"),
        coerce=int,
        required=False,
        empty_value=None,
    )
    is_active = forms.BooleanField(label=_("Members can ask for it"), required=False)

    def __init__(self, *args, skills=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skill"].choices = [("", _("None"))] + [  # type: ignore[attr-defined]
            (s.pk, s.name) for s in skills
        ]
