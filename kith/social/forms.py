from datetime import time
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django import forms
from django.utils.functional import lazy
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from kith.core.forms import GovukDateField, GovukForm
from kith.core.times import clock_text
from kith.social.models import FREE_TIMES, Activity, FollowUp, Introduction, Venue

TIMES = [
    (f"{h:02d}:{m:02d}", lazy(clock_text, str)(time(h, m)))
    for h in range(7, 23)
    for m in (0, 30)
]
LENGTHS = [
    (60, _("1 hour")),
    (90, _("1 and a half hours")),
    (120, _("2 hours")),
    (180, _("3 hours")),
    (240, _("4 hours")),
    (360, _("6 hours (a day trip)")),
]
NEW_VENUE = "new"


def parse_time(value: str) -> time:
    hour, minute = (int(part) for part in value.split(":"))
    return time(hour, minute)


class CalendarFilterForm(GovukForm):
    ward = forms.TypedChoiceField(label=_("Area"), coerce=int, required=False)
    interest = forms.TypedChoiceField(label=_("Interest"), coerce=int, required=False)
    access = forms.MultipleChoiceField(
        label=_("The place must have"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"small": "1"}),
    )

    def __init__(self, *args, wards=(), interests=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ward"].choices = [("", _("Anywhere"))] + [  # type: ignore[attr-defined]
            (w.pk, w.name) for w in wards
        ]
        self.fields["interest"].choices = [("", _("Any interest"))] + [  # type: ignore[attr-defined]
            (i.pk, i.name) for i in interests
        ]
        self.fields["access"].choices = [  # type: ignore[attr-defined]
            (name, capfirst(Venue._meta.get_field(name).verbose_name))  # type: ignore[union-attr]
            for name in Venue.FEATURES
        ]


class SignUpForm(GovukForm):
    membership = forms.TypedChoiceField(
        label=_("Who is the place for?"),
        coerce=int,
        widget=forms.RadioSelect(attrs={"legend_size": "m"}),
        error_messages={"required": _("Choose who the place is for.")},
    )
    needs_lift = forms.BooleanField(
        label=_("I need a lift there and back"),
        help_text=_("We will ask a Neighbourhood Helper to give a lift."),
        required=False,
    )

    def __init__(self, *args, memberships=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(m.pk, m.label()) for m in memberships]
        self.fields["membership"].choices = choices  # type: ignore[attr-defined]
        if len(choices) == 1:
            self.fields["membership"].widget = forms.HiddenInput()
            self.fields["membership"].initial = choices[0][0]


class ReasonForm(GovukForm):
    reason = forms.CharField(
        label=_("Why?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why.")},
    )

    def __init__(self, *args, label=None, hint=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["reason"].label = label
        if hint:
            self.fields["reason"].help_text = hint


class AttendanceForm(GovukForm):
    came = forms.TypedMultipleChoiceField(
        label=_("Who came?"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"legend_size": "m"}),
        help_text=_(
            "Tick everyone who came. Anyone not ticked is recorded as not coming."
        ),
    )

    def __init__(self, *args, sign_ups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["came"].choices = [  # type: ignore[attr-defined]
            (s.pk, s.person.full_name) for s in sign_ups
        ]


# --- proposing an activity (question pages) -------------------------------------


class AboutForm(GovukForm):
    title = forms.CharField(
        label=_("What is the activity called?"),
        help_text=_("For example, ‘Coffee morning’ or ‘Trip to Kew Gardens’."),
        max_length=120,
        error_messages={"required": _("Enter the name of the activity.")},
    )
    description = forms.CharField(
        label=_("What happens?"),
        help_text=_("Say what people will do, and anything they should bring."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Say what happens at the activity.")},
    )
    interest = forms.TypedChoiceField(
        label=_("Which interest is it closest to?"),
        coerce=int,
        required=False,
        empty_value=None,
    )

    def __init__(self, *args, interests=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["interest"].choices = [("", _("None of these"))] + [  # type: ignore[attr-defined]
            (i.pk, i.name) for i in interests
        ]


class WhenForm(GovukForm):
    starts_on = GovukDateField(
        label=_("Date"),
        future=True,
        help_text=_("The first date, if it repeats. For example, 14 3 2027."),
    )
    start_time = forms.ChoiceField(
        label=_("Starts at"),
        choices=TIMES,
        initial="10:00",
        error_messages={"required": _("Choose the time it starts.")},
    )
    minutes = forms.TypedChoiceField(
        label=_("How long?"),
        coerce=int,
        choices=LENGTHS,
        widget=forms.RadioSelect(attrs={"legend_size": "s"}),
        error_messages={"required": _("Choose how long it lasts.")},
    )
    repeat = forms.ChoiceField(
        label=_("How often?"),
        choices=Activity.Repeat.choices,
        widget=forms.RadioSelect(attrs={"legend_size": "s"}),
        error_messages={"required": _("Choose how often it happens.")},
    )
    repeat_count = forms.IntegerField(
        label=_("If it repeats: how many times?"),
        help_text=_("Up to 26."),
        required=False,
        min_value=2,
        max_value=26,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "width": "2"}),
        error_messages={
            "invalid": _("Enter how many times, as a number, like 6."),
            "min_value": _("A repeating activity happens at least twice."),
            "max_value": _("A repeating activity can have up to 26 dates."),
        },
    )

    def clean(self):
        data = cast(dict[str, Any], super().clean())
        if data.get("repeat") not in (None, Activity.Repeat.ONCE) and not data.get(
            "repeat_count"
        ):
            self.add_error("repeat_count", _("Enter how many times it happens."))
        return data


class WhereForm(GovukForm):
    venue = forms.ChoiceField(
        label=_("Where is it?"),
        widget=forms.RadioSelect(attrs={"legend_size": "m"}),
        error_messages={"required": _("Choose where it is.")},
    )
    venue_name = forms.CharField(
        label=_("If somewhere new: name of the place"), max_length=120, required=False
    )
    venue_address = forms.CharField(label=_("Address"), max_length=300, required=False)
    venue_postcode = forms.CharField(
        label=_("Postcode"),
        max_length=8,
        required=False,
        widget=forms.TextInput(attrs={"width": "10", "autocomplete": "postal-code"}),
    )
    features = forms.MultipleChoiceField(
        label=_("What does the place have?"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"small": "1"}),
    )
    bus_routes = forms.CharField(
        label=_("Buses that stop nearby"),
        help_text=_("For example, 12, 35 and 171."),
        max_length=120,
        required=False,
    )

    def __init__(self, *args, venues=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].choices = [  # type: ignore[attr-defined]
            (str(v.pk), f"{v.name}, {v.address}") for v in venues
        ] + [(NEW_VENUE, _("Somewhere new"))]
        self.fields["features"].choices = [  # type: ignore[attr-defined]
            (name, capfirst(Venue._meta.get_field(name).verbose_name))  # type: ignore[union-attr]
            for name in Venue.FEATURES
        ]

    def clean(self):
        data = cast(dict[str, Any], super().clean())
        if data.get("venue") == NEW_VENUE:
            if not data.get("venue_name", "").strip():
                self.add_error("venue_name", _("Enter the name of the place."))
            if not data.get("venue_address", "").strip():
                self.add_error("venue_address", _("Enter the address of the place."))
        return data


class CostForm(GovukForm):
    places = forms.IntegerField(
        label=_("How many people can come?"),
        min_value=1,
        max_value=500,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "width": "3"}),
        error_messages={
            "required": _("Enter how many people can come."),
            "invalid": _("Enter how many people can come, as a number, like 12."),
            "min_value": _("At least 1 person must be able to come."),
            "max_value": _("Up to 500 people can come."),
        },
    )
    cost = forms.ChoiceField(
        label=_("What does it cost?"),
        choices=Activity.Cost.choices,
        widget=forms.RadioSelect(attrs={"legend_size": "s"}),
        error_messages={"required": _("Choose what it costs.")},
    )
    cost_pounds = forms.CharField(
        label=_("If pounds: how much, in £"),
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "width": "5"}),
    )
    cost_credits = forms.IntegerField(
        label=_("If credits: how many"),
        required=False,
        min_value=1,
        max_value=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "width": "2"}),
        error_messages={"invalid": _("Enter the credits as a number, like 1.")},
    )

    def clean(self):
        data = cast(dict[str, Any], super().clean())
        data["cost_pence"] = 0
        if data.get("cost") == Activity.Cost.POUNDS:
            text = (data.get("cost_pounds") or "").strip().lstrip("£")
            try:
                amount = Decimal(text)
            except InvalidOperation:
                amount = Decimal(0)
            if not 0 < amount <= 200:
                self.add_error(
                    "cost_pounds", _("Enter the cost in pounds, like 3 or 2.50.")
                )
            else:
                data["cost_pence"] = int(amount * 100)
        if data.get("cost") == Activity.Cost.CREDITS and not data.get("cost_credits"):
            self.add_error("cost_credits", _("Enter how many credits it costs."))
        return data


# --- introductions ----------------------------------------------------------------


class AskForm(GovukForm):
    share_how = forms.ChoiceField(
        label=_("If both say yes"),
        choices=Introduction.ShareHow.choices,
        initial=Introduction.ShareHow.CONTACT,
        widget=forms.RadioSelect(attrs={"legend_size": "s"}),
        error_messages={"required": _("Choose what happens if both say yes.")},
    )


class AnswerForm(GovukForm):
    answer = forms.ChoiceField(
        label=_("Would you like to be introduced?"),
        choices=[
            (Introduction.Answer.YES, _("Yes, introduce us")),
            (Introduction.Answer.NO, _("No, thank you")),
        ],
        widget=forms.RadioSelect(attrs={"legend_size": "m"}),
        error_messages={"required": _("Choose yes or no.")},
    )


class FollowUpForm(GovukForm):
    met = forms.TypedChoiceField(
        label=_("Did you meet?"),
        coerce=lambda value: value == "yes",
        choices=[("yes", _("Yes")), ("no", _("No"))],
        widget=forms.RadioSelect(attrs={"legend_size": "s"}),
        error_messages={"required": _("Say whether you met.")},
    )
    meet_again = forms.ChoiceField(
        label=_("Would you meet again?"),
        choices=FollowUp.Again.choices,
        widget=forms.RadioSelect(attrs={"legend_size": "s"}),
        error_messages={"required": _("Say whether you would meet again.")},
    )


class MeetingForm(GovukForm):
    day = GovukDateField(label=_("Date of the first meeting"), future=True)
    at = forms.ChoiceField(label=_("Time"), choices=TIMES, initial="11:00")
    place = forms.CharField(
        label=_("Where will they meet?"),
        help_text=_("Somewhere public they can both get to."),
        max_length=200,
        error_messages={"required": _("Say where they will meet.")},
    )
    helper_present = forms.BooleanField(
        label=_("A Neighbourhood Helper will be there too"), required=False
    )


class FreeTimesForm(GovukForm):
    free_times = forms.MultipleChoiceField(
        label=_("When are you usually free to meet people?"),
        help_text=_("Tick all that apply. We use this to suggest people to meet."),
        choices=FREE_TIMES,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"legend_size": "m", "small": "1"}),
    )
