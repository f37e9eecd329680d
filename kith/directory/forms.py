"""The directory's forms. They check the shape of answers; the services
check the rules."""

import datetime as dt
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from kith.core.forms import GovukDateField, GovukForm
from kith.core.times import clock_text
from kith.directory.models import (
    CostOption,
    HowToAccess,
    Location,
    Schedule,
    Sector,
    ServiceStatus,
)
from kith.directory.words import DAY_CHOICES, LANGUAGES

#: Every half hour from 6am to 11pm, as the time boxes offer them.
TIMES = [
    (f"{h:02d}:{m:02d}", clock_text(dt.time(h, m)))
    for h in range(6, 24)
    for m in (0, 30)
]


def time_choice(value: dt.time) -> str:
    """The time box's value for a time (as TIMES names them)."""
    return f"{value.hour:02d}:{value.minute:02d}"


def _time(value: str) -> dt.time:
    hour, minute = value.split(":")
    return dt.time(int(hour), int(minute))


def _text(label: Any, *, max_length: int, required: bool = True, **kw: Any):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        error_messages={
            "required": _("Enter %(what)s.") % {"what": str(label).lower()},
            "max_length": _("%(what)s must be %(n)s characters or fewer.")
            % {"what": label, "n": max_length},
        },
        **kw,
    )


class SearchForm(GovukForm):
    """The public search: every field optional."""

    term = forms.ChoiceField(label=_("What do you need?"), required=False)
    words = _text(_("Words to search for"), max_length=100, required=False)
    postcode = _text(
        _("Postcode"),
        max_length=10,
        required=False,
        help_text=_("To show the nearest first."),
    )
    day = forms.ChoiceField(
        label=_("Day"),
        required=False,
        choices=[("", _("Any day")), *DAY_CHOICES],
    )
    time = forms.ChoiceField(
        label=_("Open at"), required=False, choices=[("", _("Any time")), *TIMES]
    )
    free = forms.BooleanField(label=_("Free only"), required=False)
    step_free = forms.BooleanField(label=_("Step-free access only"), required=False)

    def __init__(self, *args: Any, terms: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["term"].choices = [("", _("Anything"))] + [  # type: ignore[attr-defined]
            (t.code, t.name) for t in terms
        ]

    def clean_time(self) -> dt.time | None:
        value = self.cleaned_data.get("time")
        return _time(value) if value else None


class OrganisationForm(GovukForm):
    name = _text(_("Name of the organisation"), max_length=200)
    sector = forms.ChoiceField(
        label=_("What kind of organisation is it?"),
        choices=Sector.choices,
        widget=forms.RadioSelect(attrs={"legend_size": "s"}),
        error_messages={"required": _("Choose what kind of organisation it is.")},
    )
    description = _text(
        _("What the organisation does"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    email = forms.EmailField(
        label=_("Email address"),
        required=False,
        max_length=254,
        error_messages={"invalid": _("Enter an email address like name@example.com.")},
    )
    website = forms.URLField(
        label=_("Website"),
        required=False,
        max_length=200,
        assume_scheme="https",
        error_messages={"invalid": _("Enter a web address like www.example.org.")},
    )
    phone = _text(_("Phone number"), max_length=30, required=False)


class LocationForm(GovukForm):
    name = _text(_("Name of the place"), max_length=200)
    address_1 = _text(_("Address"), max_length=250)
    city = _text(_("Town or city"), max_length=100)
    postcode = _text(_("Postcode"), max_length=10)
    description = _text(
        _("How to find it"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    features = forms.MultipleChoiceField(
        label=_("Access"),
        required=False,
        choices=[
            (name, getattr(Location._meta.get_field(name), "verbose_name", name))
            for name in Location.FEATURES
        ],
        widget=forms.CheckboxSelectMultiple(attrs={"legend_size": "s"}),
    )
    accessibility_details = _text(
        _("More about access"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        chosen = set(data.pop("features"))
        for name in Location.FEATURES:
            data[name] = name in chosen
        return data


class ServiceForm(GovukForm):
    name = _text(_("Name of the service"), max_length=200)
    description = _text(
        _("What it is, in plain words"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Say what happens, for someone who has never been."),
    )
    terms = forms.MultipleChoiceField(
        label=_("Categories"),
        widget=forms.CheckboxSelectMultiple(attrs={"legend_size": "s", "small": "1"}),
        error_messages={"required": _("Choose at least one category.")},
    )
    status = forms.ChoiceField(
        label=_("Is it running?"),
        choices=ServiceStatus.choices,
        initial=ServiceStatus.ACTIVE,
        widget=forms.RadioSelect(attrs={"legend_size": "s"}),
        error_messages={"required": _("Choose whether it is running.")},
    )
    how_to_access = forms.MultipleChoiceField(
        label=_("How do people get it?"),
        choices=HowToAccess.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"legend_size": "s"}),
        error_messages={"required": _("Choose how people get it.")},
    )
    eligibility_description = _text(
        _("Who it is for"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: people over 65 living alone."),
    )
    minimum_age = forms.IntegerField(
        label=_("Youngest age"),
        required=False,
        min_value=0,
        max_value=120,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "width": "3"}),
        error_messages={
            "invalid": _("Enter the youngest age as a number, like 60."),
            "min_value": _("Ages start at 0."),
            "max_value": _("Enter an age of 120 or less."),
        },
    )
    maximum_age = forms.IntegerField(
        label=_("Oldest age"),
        required=False,
        min_value=0,
        max_value=120,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "width": "3"}),
        error_messages={
            "invalid": _("Enter the oldest age as a number, like 90."),
            "min_value": _("Ages start at 0."),
            "max_value": _("Enter an age of 120 or less."),
        },
    )
    wards = forms.MultipleChoiceField(
        label=_("Areas it serves"),
        required=False,
        help_text=_("Leave empty if it serves everyone in the area."),
        widget=forms.CheckboxSelectMultiple(attrs={"legend_size": "s", "small": "1"}),
    )
    radius_km = forms.DecimalField(
        label=_("Or the distance it covers, in kilometres"),
        required=False,
        min_value=Decimal("0.1"),
        max_value=Decimal(999),
        decimal_places=1,
        max_digits=4,
        help_text=_("For example, 5 for a service that comes to people's homes."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "width": "4"}),
        error_messages={
            "invalid": _("Enter the distance as a number, like 5 or 2.5."),
            "min_value": _("Enter a distance of 0.1 km or more."),
            "max_value": _("Enter a distance under 1,000 km."),
            "max_digits": _("Enter a distance under 1,000 km."),
            "max_decimal_places": _("Enter the distance to one decimal place."),
            "max_whole_digits": _("Enter a distance under 1,000 km."),
        },
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        required=False,
        choices=[
            (code, LANGUAGES[code])
            for code in sorted(LANGUAGES, key=lambda c: LANGUAGES[c])
        ],
        widget=forms.CheckboxSelectMultiple(attrs={"legend_size": "s", "small": "1"}),
    )
    url = forms.URLField(
        label=_("Web page"),
        required=False,
        max_length=200,
        assume_scheme="https",
        error_messages={"invalid": _("Enter a web address like www.example.org.")},
    )
    email = forms.EmailField(
        label=_("Email address"),
        required=False,
        max_length=254,
        error_messages={"invalid": _("Enter an email address like name@example.com.")},
    )
    takes_referrals = forms.BooleanField(
        label=_("Coordinators may refer people to it"), required=False
    )
    referral_email = forms.EmailField(
        label=_("Email address for referrals"),
        required=False,
        max_length=254,
        help_text=_("If empty, referrals go to the email address above, or by post."),
        error_messages={"invalid": _("Enter an email address like name@example.com.")},
    )

    def __init__(self, *args: Any, terms: Any = (), wards: Any = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.term_by_pk = {str(t.pk): t for t in terms}
        self.ward_by_pk = {str(w.pk): w for w in wards}
        self.fields["terms"].choices = [  # type: ignore[attr-defined]
            (k, t.name) for k, t in self.term_by_pk.items()
        ]
        self.fields["wards"].choices = [  # type: ignore[attr-defined]
            (k, w.name) for k, w in self.ward_by_pk.items()
        ]

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["terms"] = [self.term_by_pk[k] for k in data["terms"]]
        data["wards"] = [self.ward_by_pk[k] for k in data["wards"]]
        return data


class CostForm(GovukForm):
    kind = forms.ChoiceField(
        label=_("What does it cost?"),
        choices=CostOption.Kind.choices,
        widget=forms.RadioSelect(attrs={"legend_size": "m"}),
        error_messages={"required": _("Choose what it costs.")},
    )
    amount = forms.DecimalField(
        label=_("How much? In pounds, or in time credits"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(99999),
        decimal_places=2,
        max_digits=7,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "width": "5"}),
        error_messages={
            "invalid": _("Enter the amount as a number, like 3.50."),
            "min_value": _("The amount cannot be below zero."),
            "max_value": _("Enter an amount under 100,000."),
            "max_digits": _("Enter an amount under 100,000."),
            "max_decimal_places": _("Enter the amount to the penny, like 3.50."),
            "max_whole_digits": _("Enter an amount under 100,000."),
        },
    )
    option = _text(
        _("What the charge is for"),
        max_length=120,
        required=False,
        help_text=_("For example: a two-course lunch."),
    )

    def clean(self) -> dict[str, Any]:
        data = cast(dict[str, Any], super().clean())
        if data.get("kind") not in (None, "", CostOption.Kind.FREE) and data.get(
            "amount"
        ) in (None, ""):
            self.add_error("amount", _("Enter how much it costs."))
        return data


class ScheduleForm(GovukForm):
    byday = forms.MultipleChoiceField(
        label=_("Which days?"),
        choices=DAY_CHOICES,
        widget=forms.CheckboxSelectMultiple(attrs={"legend_size": "m"}),
        error_messages={"required": _("Choose at least one day.")},
    )
    starts = forms.ChoiceField(
        label=_("Opens at"),
        choices=TIMES,
        initial="10:00",
        error_messages={"required": _("Choose when it opens.")},
    )
    ends = forms.ChoiceField(
        label=_("Closes at"),
        choices=TIMES,
        initial="12:00",
        error_messages={"required": _("Choose when it closes.")},
    )
    freq = forms.ChoiceField(
        label=_("How often?"),
        choices=Schedule.Freq.choices,
        initial=Schedule.Freq.WEEKLY,
        widget=forms.RadioSelect(attrs={"legend_size": "s"}),
        error_messages={"required": _("Choose how often.")},
    )
    notes = _text(
        _("Anything else about the times"),
        max_length=250,
        required=False,
        help_text=_("For example: not on bank holidays."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A time kept from an import (say 9:15am) stays choosable when the
        # entry is changed, in its place among the half hours.
        for name in ("starts", "ends"):
            value = self.initial.get(name)
            field = self.fields[name]
            known = {key for key, _label in field.choices}  # type: ignore[attr-defined]
            if value and value not in known:
                field.choices = sorted(  # type: ignore[attr-defined]
                    [*field.choices, (value, clock_text(_time(value)))]  # type: ignore[attr-defined]
                )

    def clean(self) -> dict[str, Any]:
        data = cast(dict[str, Any], super().clean())
        opens, closes = data.get("starts"), data.get("ends")
        if opens and closes:
            data["opens_at"], data["closes_at"] = _time(opens), _time(closes)
            if data["opens_at"] >= data["closes_at"]:
                self.add_error(
                    "ends", _("The closing time must be after the opening time.")
                )
        return data


class ContactForm(GovukForm):
    name = _text(_("Name"), max_length=120)
    title = _text(_("Job title"), max_length=120, required=False)
    email = forms.EmailField(
        label=_("Email address"),
        required=False,
        max_length=254,
        error_messages={"invalid": _("Enter an email address like name@example.com.")},
    )
    phone = _text(_("Phone number"), max_length=30, required=False)


class PhoneForm(GovukForm):
    number = _text(_("Phone number"), max_length=30)
    description = _text(
        _("What it is for"),
        max_length=200,
        required=False,
        help_text=_("For example: bookings, Monday to Friday."),
    )


class PlaceChoiceForm(GovukForm):
    location = forms.ChoiceField(
        label=_("Where does it happen?"),
        widget=forms.RadioSelect(attrs={"legend_size": "m"}),
        error_messages={"required": _("Choose a place.")},
    )

    def __init__(self, *args: Any, locations: Any = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.locations = {str(loc.pk): loc for loc in locations}
        self.fields["location"].choices = [  # type: ignore[attr-defined]
            (k, f"{loc.name}, {loc.address_text}") for k, loc in self.locations.items()
        ]


class ClosureForm(GovukForm):
    starts_on = GovukDateField(
        label=_("First day closed"), help_text=_("For example, 24 12 2026.")
    )
    ends_on = GovukDateField(label=_("Last day closed"))
    reason = _text(
        _("Why"),
        max_length=200,
        required=False,
        help_text=_("For example: Christmas holidays."),
    )

    def clean(self) -> dict[str, Any]:
        data = cast(dict[str, Any], super().clean())
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error(
                "ends_on", _("The last day must be on or after the first day.")
            )
        return data


class EditorForm(GovukForm):
    email = forms.EmailField(
        label=_("Email address of the organisation editor"),
        max_length=254,
        help_text=_("They must already have the organisation editor role here."),
        error_messages={
            "required": _("Enter their email address."),
            "invalid": _("Enter an email address like name@example.com."),
        },
    )


class ReasonForm(GovukForm):
    reason = _text(
        _("What needs to change?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("We send this to the organisation's editors."),
    )


class TermForm(GovukForm):
    name = _text(_("Name of the category"), max_length=120)
    description = _text(_("Description"), max_length=500, required=False)


class SignpostForm(GovukForm):
    service = forms.ChoiceField(
        label=_("Which service?"),
        error_messages={"required": _("Choose a service.")},
    )
    note = _text(
        _("Note"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: would like a hot lunch once a week."),
    )
    refer = forms.BooleanField(
        label=_("Also send the service a referral, by email or letter"),
        required=False,
        help_text=_("Only for services that take referrals."),
    )

    def __init__(self, *args: Any, services: Any = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.services = {str(s.pk): s for s in services}
        self.fields["service"].choices = [("", _("Choose a service"))] + [  # type: ignore[attr-defined]
            (
                k,
                f"{s.name} ({s.organisation.name})"
                + (f" — {_('takes referrals')}" if s.takes_referrals else ""),
            )
            for k, s in self.services.items()
        ]
