from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kith.core.forms import GovukForm, SubmissionKeyField


def _whole(label, *, low, high, initial=None, required=True, hint="", width="3"):
    return forms.IntegerField(
        label=label,
        help_text=hint,
        min_value=low,
        max_value=high,
        initial=initial,
        required=required,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "width": width}),
        error_messages={
            "required": _("Enter a whole number."),
            "invalid": _("Enter a whole number."),
            "min_value": _("Enter a number from %(limit_value)s or more."),
            "max_value": _("Enter a number of %(limit_value)s or less."),
        },
    )


def _pounds(label, *, initial):
    return forms.DecimalField(
        label=label,
        min_value=0,
        max_value=10000,
        decimal_places=2,
        initial=initial,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "width": "5"}),
        error_messages={
            "required": _("Enter the fee, or 0."),
            "invalid": _("Enter the fee as a number, like 25 or 12.50."),
            "max_decimal_places": _("Enter the fee in pounds and pence, like 12.50."),
            "min_value": _("The fee cannot be less than nothing."),
            "max_value": _("Enter a fee of £10,000 or less."),
        },
    )


class LocalityDetailsForm(GovukForm):
    """What a locality is, how it looks and its settings: the same on the
    page that adds one and the page that changes one."""

    name = forms.CharField(
        label=_("Name of the locality"),
        help_text=_(
            "As people there call it, for example ‘Southwark Circle’. It heads "
            "every page."
        ),
        max_length=100,
        error_messages={"required": _("Enter the locality’s name.")},
    )
    council_name = forms.CharField(
        label=_("Council"),
        max_length=150,
        error_messages={"required": _("Enter the council’s name.")},
    )
    phone = forms.CharField(
        label=_("Phone number"),
        help_text=_("Shown on every page and in every message."),
        max_length=30,
        error_messages={"required": _("Enter the phone number people call.")},
    )
    email = forms.EmailField(label=_("Email address (optional)"), required=False)
    address = forms.CharField(
        label=_("Postal address (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        required=False,
    )
    domain = forms.CharField(
        label=_("Its own web address (optional)"),
        help_text=_(
            "A host name such as circle.example.gov.uk, if the locality has one."
        ),
        max_length=255,
        required=False,
    )
    # Branding
    brand_colour = forms.CharField(
        label=_("Colour of the page header (optional)"),
        help_text=_(
            "A hex code such as #1d70b8. White text must be readable on it: the "
            "contrast must be at least 4.5 to 1. Leave empty for Kith’s green."
        ),
        max_length=7,
        required=False,
        widget=forms.TextInput(attrs={"width": "10", "spellcheck": "false"}),
    )
    logo = forms.FileField(
        label=_("Logo (optional)"),
        help_text=_(
            "A PNG, JPEG or WebP image, smaller than 1 MB. It is shown 40 pixels "
            "high beside the name, so a wide, simple logo works best."
        ),
        required=False,
    )
    logo_alt = forms.CharField(
        label=_("What the logo shows"),
        help_text=_(
            "For people who cannot see it, for example ‘Southwark Council’. "
            "Needed with a logo."
        ),
        max_length=150,
        required=False,
    )
    # Quiet hours (the outbox)
    quiet_from_hour = _whole(
        _("No texts from (hour, 0 to 23)"),
        low=0,
        high=23,
        required=False,
        hint=_("For example 21 for 9pm. Leave both empty for the usual 9pm to 8am."),
    )
    quiet_until_hour = _whole(
        _("No texts until (hour, 0 to 23)"), low=0, high=23, required=False
    )
    # Credits
    minutes_per_credit = _whole(
        _("Minutes of help one credit buys"),
        low=15,
        high=480,
        initial=60,
        hint=_("Usually 60: one credit is one hour of a helper’s time."),
    )
    overdraft_limit_minutes = _whole(
        _("How far below nothing a member may go, in minutes"),
        low=0,
        high=6000,
        initial=0,
        hint=_("0 means members cannot book help they have no credits for."),
        width="4",
    )
    # Surveys
    first_follow_up_months = _whole(
        _("First wellbeing survey, months after joining"),
        low=1,
        high=36,
        initial=6,
    )
    then_every_months = _whole(
        _("Then a survey every, in months"), low=1, high=36, initial=12
    )
    overdue_after_days = _whole(
        _("A survey is overdue after, in days"),
        low=1,
        high=365,
        initial=28,
        hint=_("Then a coordinator is asked to phone the member."),
    )
    submission_key = SubmissionKeyField()

    sections: tuple[tuple[Any, tuple[str, ...]], ...] = (
        (_("The locality"), ("name", "council_name", "phone", "email", "address")),
        (_("Web address and branding"), ("domain", "brand_colour", "logo", "logo_alt")),
        (_("Credits"), ("minutes_per_credit", "overdraft_limit_minutes")),
        (_("Texts"), ("quiet_from_hour", "quiet_until_hour")),
        (
            _("Wellbeing surveys"),
            ("first_follow_up_months", "then_every_months", "overdue_after_days"),
        ),
    )

    def section_fields(self):
        return [
            (title, [self[name] for name in names if name in self.fields])
            for title, names in self.sections
        ]


class LocalityEditForm(LocalityDetailsForm):
    logo_remove = forms.BooleanField(label=_("Remove the logo"), required=False)

    sections = (
        *LocalityDetailsForm.sections[:1],
        (
            _("Web address and branding"),
            ("domain", "brand_colour", "logo", "logo_alt", "logo_remove"),
        ),
        *LocalityDetailsForm.sections[2:],
    )


class LocalityForm(LocalityDetailsForm):
    wards = forms.CharField(
        label=_("Wards"),
        help_text=_(
            "One a line: the ward’s ONS code, then its name, for example "
            "‘E05011095 Faraday’."
        ),
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        max_length=20000,
        error_messages={"required": _("Give the locality at least one ward.")},
    )
    plan_name = forms.CharField(
        label=_("Name of the first membership plan"),
        help_text=_("Coordinators can add more plans later."),
        max_length=80,
        initial=_("Yearly membership"),
        error_messages={"required": _("Enter the plan’s name.")},
    )
    plan_yearly_fee = _pounds(_("Yearly fee in pounds"), initial="20.00")
    plan_concession_fee = _pounds(_("Concession fee in pounds"), initial="10.00")
    plan_minimum_age = _whole(_("Minimum age to join"), low=0, high=120, initial=50)
    plan_joining_credits = _whole(
        _("Credits included on joining"), low=0, high=100, initial=0
    )
    coordinator_name = forms.CharField(
        label=_("First coordinator’s full name"),
        max_length=150,
        error_messages={"required": _("Enter the first coordinator’s name.")},
    )
    coordinator_email = forms.EmailField(
        label=_("First coordinator’s email address"),
        help_text=_("We email them a link to choose their password."),
        error_messages={
            "required": _("Enter the first coordinator’s email address."),
            "invalid": _(
                "Enter an email address in the right format, like name@example.com"
            ),
        },
    )

    sections = (
        *LocalityDetailsForm.sections[:2],
        (_("Wards"), ("wards",)),
        *LocalityDetailsForm.sections[2:],
        (
            _("Membership"),
            (
                "plan_name",
                "plan_yearly_fee",
                "plan_concession_fee",
                "plan_minimum_age",
                "plan_joining_credits",
            ),
        ),
        (_("First coordinator"), ("coordinator_name", "coordinator_email")),
    )

    def clean(self):
        data = super().clean() or {}
        fee, concession = data.get("plan_yearly_fee"), data.get("plan_concession_fee")
        if fee is not None and concession is not None and concession > fee:
            self.add_error(
                "plan_concession_fee",
                _("The concession fee must not be more than the yearly fee."),
            )
        return data


class LocalityStatusForm(GovukForm):
    status = forms.ChoiceField(
        label=_("What do you want to do?"),
        widget=forms.RadioSelect(attrs={"legend_size": "m"}),
        error_messages={"required": _("Choose what to do.")},
    )
    reason = forms.CharField(
        label=_("Why?"),
        help_text=_("The audit log keeps this. For example ‘Funding gap until April’."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        error_messages={"required": _("Say why: the audit log keeps the reason.")},
    )
    submission_key = SubmissionKeyField()

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = list(choices)  # type: ignore[attr-defined]
