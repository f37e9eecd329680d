"""Forms for helpers' pages: the application's question pages, the profile,
vetting checks and the coordinators' list. Forms check the shape of what is
typed; the rules live in the services, whose errors are shown next to the
field too."""

import uuid
from datetime import date, time

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kith.accounts.phones import mobile_normalise, phone_normalise
from kith.core.errors import ApplicationError
from kith.core.forms import GovukDateField, GovukForm
from kith.helpers.models import (
    MAX_VISITS_PER_WEEK,
    TRAVEL_DISTANCES,
    WEEKDAYS,
    CheckOutcome,
    HelperStatus,
    IdentityDocument,
    PayBasis,
    SkillLevel,
    StatusResult,
    TravelMode,
)
from kith.helpers.vetting import CheckKind, DbsType, VettingLevel

#: Parts of the day offered when applying: (key, label, from, to).
PERIODS = [
    ("morning", _("morning (9am to 12 noon)"), time(9), time(12)),
    ("afternoon", _("afternoon (12 noon to 5pm)"), time(12), time(17)),
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
    def __init__(self, *, legend_size: str = "s", **kwargs):  # type: ignore[no-untyped-def]
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
    choices = []
    for minutes in range(7 * 60, 21 * 60 + 1, 30):
        hour, minute = divmod(minutes, 60)
        value = f"{hour:02d}:{minute:02d}"
        suffix = "am" if hour < 12 else "pm"
        shown = hour if hour <= 12 else hour - 12
        label = f"{shown}{suffix}" if minute == 0 else f"{shown}:{minute:02d}{suffix}"
        if hour == 12 and minute == 0:
            label = str(_("12 noon"))
        choices.append((value, label))
    return choices


class SubmissionKeyMixin(forms.Form):
    """A hidden key so that sending the same form twice does it once."""

    key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("key", uuid.uuid4().hex)


# --- the application -----------------------------------------------------------------


class NameForm(GovukForm):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
        error_messages={"required": _("Enter the full name.")},
    )
    preferred_name = forms.CharField(
        label=_("What would you like us to call you? (optional)"),
        max_length=80,
        required=False,
        widget=forms.TextInput(attrs={"spellcheck": "false", "width": "20"}),
    )


class ContactForm(GovukForm):
    email = forms.EmailField(
        label=_("Email address (optional)"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "invalid": _(
                "Enter an email address in the right form, like name@example.com."
            )
        },
    )
    mobile = forms.CharField(
        label=_("Mobile number (optional)"),
        help_text=_("For text messages, like 07700 900 982."),
        max_length=30,
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "tel", "inputmode": "tel", "width": "20"}
        ),
    )
    phone = forms.CharField(
        label=_("Other phone number (optional)"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "width": "20"}),
    )

    def __init__(self, *args, mode: str = "visitor", **kwargs):  # type: ignore[no-untyped-def]
        self.mode = mode
        super().__init__(*args, **kwargs)

    def clean_mobile(self) -> str:
        raw = self.cleaned_data["mobile"].strip()
        if raw:
            try:
                mobile_normalise(raw)
            except ValidationError as exc:
                raise ValidationError(exc.messages[0]) from exc
        return raw

    def clean_phone(self) -> str:
        raw = self.cleaned_data["phone"].strip()
        if raw:
            try:
                phone_normalise(raw)
            except ValidationError as exc:
                raise ValidationError(exc.messages[0]) from exc
        return raw

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        if self.errors:
            return data
        if self.mode == "visitor" and not (data.get("email") or data.get("mobile")):
            self.add_error(
                "email",
                _("Enter an email address or a mobile number, so we can reach you."),
            )
        elif not (data.get("email") or data.get("mobile") or data.get("phone")):
            self.add_error(
                "email",
                _("Enter at least one way to contact them: email, mobile or phone."),
            )
        return data


class AddressForm(GovukForm):
    address_line_1 = forms.CharField(
        label=_("Address line 1"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
        error_messages={"required": _("Enter the first line of the address.")},
    )
    address_line_2 = forms.CharField(
        label=_("Address line 2 (optional)"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line2"}),
    )
    town = forms.CharField(
        label=_("Town or city (optional)"),
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2", "width": "20"}),
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "postal-code", "width": "10", "spellcheck": "false"}
        ),
        error_messages={"required": _("Enter the postcode.")},
    )

    def __init__(self, *args, locality=None, **kwargs):  # type: ignore[no-untyped-def]
        self.locality = locality
        super().__init__(*args, **kwargs)

    def clean_postcode(self) -> str:
        from kith.helpers.services import postcode_in_locality

        try:
            return postcode_in_locality(self.cleaned_data["postcode"], self.locality)
        except ApplicationError as error:
            raise ValidationError(error.message) from error


class DateOfBirthForm(GovukForm):
    date_of_birth = GovukDateField(
        label=_("Date of birth"),
        help_text=_("For example, 27 3 1960"),
        past=True,
    )

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["date_of_birth"].widget.attrs["autocomplete"] = "bday"

    def clean_date_of_birth(self) -> date:
        born = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        age = (
            today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        )
        if age < 18:
            raise ValidationError(
                _("You must be 18 or over to be a Neighbourhood Helper.")
            )
        if age > 110:
            raise ValidationError(
                _("Check the year of birth: it must be a real date of birth.")
            )
        return born


class AboutForm(GovukForm):
    about = forms.CharField(
        label=_("Tell us a little about yourself (optional)"),
        help_text=_(
            "For example, why you would like to help, and anything you have done "
            "before that is like it. Do not include anything about your health."
        ),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": "5"}),
    )


class SkillsForm(GovukForm):
    skills = CheckboxesField(
        label=_("Choose all that you can help with"),
        error_messages={"required": _("Choose at least one thing you can help with.")},
    )

    def __init__(self, *args, locality=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        from kith.helpers.selectors import skills_for

        self.fields["skills"].choices = [  # type: ignore[attr-defined]
            (str(skill.pk), skill.name) for skill in skills_for(locality=locality)
        ]


class SkillLevelsForm(GovukForm):
    """One question for each skill chosen: how much experience."""

    def __init__(self, *args, skills=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        for skill in skills:
            self.fields[f"level_{skill.pk}"] = forms.ChoiceField(
                label=skill.name,
                choices=SkillLevel.choices,
                widget=_radios("m"),
                error_messages={
                    "required": _("Choose how much experience you have of %(skill)s.")
                    % {"skill": skill.name.lower()}
                },
            )

    def levels(self) -> dict[int, str]:
        return {
            int(name.removeprefix("level_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("level_")
        }


class AvailabilityForm(GovukForm):
    times = CheckboxesField(
        label=_("Choose all the times you could usually help"),
        help_text=_("You can change these later, and add holidays."),
        choices=period_choices,
        error_messages={
            "required": _("Choose at least one time you could usually help.")
        },
    )


class VisitsForm(GovukForm):
    max_visits_per_week = forms.IntegerField(
        label=_("How many visits could you make in a week, at most?"),
        help_text=_("A visit usually takes one or two hours."),
        min_value=1,
        max_value=MAX_VISITS_PER_WEEK,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "width": "2"}),
        error_messages={
            "required": _("Enter how many visits you could make in a week."),
            "invalid": _("Enter a number, like 2."),
            "min_value": _("Enter a number of visits from 1 to %(most)d.")
            % {"most": MAX_VISITS_PER_WEEK},
            "max_value": _("Enter a number of visits from 1 to %(most)d.")
            % {"most": MAX_VISITS_PER_WEEK},
        },
    )


class TravelDistanceForm(GovukForm):
    travel_distance_m = forms.TypedChoiceField(
        label=_("How far from home will you travel to help someone?"),
        choices=TRAVEL_DISTANCES,
        coerce=int,
        widget=_radios(),
        error_messages={"required": _("Choose how far you will travel.")},
    )


class TravelModesForm(GovukForm):
    travel_modes = CheckboxesField(
        label=_("Choose all the ways you could get there"),
        choices=TravelMode.choices,
        error_messages={"required": _("Choose how you will travel.")},
    )


class RefereeForm(GovukForm):
    full_name = forms.CharField(
        label=_("Their full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
        error_messages={"required": _("Enter the referee’s full name.")},
    )
    relationship = forms.CharField(
        label=_("How do they know you?"),
        help_text=_("For example, a neighbour, a manager at work, or a teacher."),
        max_length=150,
        error_messages={"required": _("Enter how the referee knows you.")},
    )
    phone = forms.CharField(
        label=_("Their phone number"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "width": "20"}),
    )
    email = forms.EmailField(
        label=_("Their email address (optional if you gave a phone number)"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"spellcheck": "false"}),
        error_messages={
            "invalid": _(
                "Enter an email address in the right form, like name@example.com."
            )
        },
    )

    def clean_phone(self) -> str:
        raw = self.cleaned_data["phone"].strip()
        if raw:
            try:
                phone_normalise(raw)
            except ValidationError as exc:
                raise ValidationError(exc.messages[0]) from exc
        return raw

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        if not self.errors and not (data.get("phone") or data.get("email")):
            self.add_error(
                "phone", _("Enter a phone number or an email address for the referee.")
            )
        return data


class PayForm(GovukForm):
    pay_basis = forms.ChoiceField(
        label=_("Would you like to be paid, or to volunteer?"),
        help_text=_(
            "Paid helpers earn the London Living Wage for each hour of a visit. "
            "Volunteers are not paid, but we pay back what a visit costs you."
        ),
        choices=PayBasis.choices,
        widget=_radios(),
        error_messages={
            "required": _("Choose whether you want to be paid or to volunteer.")
        },
    )


class RightToWorkForm(GovukForm):
    right_to_work = forms.ChoiceField(
        label=_("Do you have the right to work in the UK?"),
        help_text=_("If you are paid, we will ask to see proof of this."),
        choices=YES_NO,
        widget=_radios(),
        error_messages={"required": _("Choose yes or no.")},
    )

    def __init__(self, *args, pay_basis: str = "", **kwargs):  # type: ignore[no-untyped-def]
        self.pay_basis = pay_basis
        super().__init__(*args, **kwargs)

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        if data.get("right_to_work") == "no" and self.pay_basis == PayBasis.PAID:
            self.add_error(
                "right_to_work",
                _(
                    "To be paid you need the right to work in the UK. You can still "
                    "volunteer: go back and choose to volunteer."
                ),
            )
        return data


# --- the profile ------------------------------------------------------------------


class ProfileSkillsForm(GovukForm):
    """Every skill on the locality's list, with "not offered" or a level."""

    NOT_OFFERED = ""

    def __init__(self, *args, skills=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        for skill in skills:
            self.fields[f"level_{skill.pk}"] = forms.ChoiceField(
                label=skill.name,
                choices=[(self.NOT_OFFERED, _("Not offered")), *SkillLevel.choices],
                required=False,
                widget=forms.RadioSelect(attrs={"legend_size": "s", "small": "1"}),
            )

    def levels(self) -> dict[int, str]:
        return {
            int(name.removeprefix("level_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("level_") and value
        }


class DetailsForm(GovukForm):
    travel_distance_m = TravelDistanceForm.base_fields["travel_distance_m"]
    travel_modes = TravelModesForm.base_fields["travel_modes"]
    max_visits_per_week = VisitsForm.base_fields["max_visits_per_week"]
    pay_basis = PayForm.base_fields["pay_basis"]


class SlotForm(GovukForm):
    weekday = forms.TypedChoiceField(
        label=_("Day"),
        choices=[("", _("Choose a day")), *WEEKDAYS],
        coerce=int,
        error_messages={"required": _("Choose a day.")},
    )
    starts_at = forms.ChoiceField(
        label=_("From"),
        choices=time_choices,
        initial="09:00",
        error_messages={"required": _("Choose a start time.")},
    )
    ends_at = forms.ChoiceField(
        label=_("To"),
        choices=time_choices,
        initial="12:00",
        error_messages={"required": _("Choose an end time.")},
    )

    def times(self) -> tuple[time, time]:
        return (
            time.fromisoformat(self.cleaned_data["starts_at"]),
            time.fromisoformat(self.cleaned_data["ends_at"]),
        )


class TimeAwayForm(GovukForm):
    starts_on = GovukDateField(
        label=_("First day away"), help_text=_("For example, 27 3 2027")
    )
    ends_on = GovukDateField(
        label=_("Last day away"), help_text=_("For example, 10 4 2027")
    )
    reason = forms.CharField(
        label=_("Reason (optional)"),
        help_text=_("For example, a holiday."),
        max_length=150,
        required=False,
    )


class ReasonForm(GovukForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": "3"}),
        error_messages={"required": _("Enter the reason.")},
    )


class OptionalReasonForm(GovukForm):
    reason = forms.CharField(
        label=_("Anything to note? (optional)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": "3"}),
    )


# --- vetting ------------------------------------------------------------------------


class CheckKindForm(GovukForm):
    kind = forms.ChoiceField(
        label=_("Which check are you recording?"),
        choices=CheckKind.choices,
        widget=_radios("m"),
        error_messages={"required": _("Choose the check.")},
    )


class _CheckForm(SubmissionKeyMixin, GovukForm):
    checked_on = GovukDateField(
        label=_("Date of the check"), help_text=_("For example, 27 3 2026")
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=CheckOutcome.choices,
        widget=_radios(),
        error_messages={"required": _("Choose the outcome.")},
    )
    evidence_reference = forms.CharField(
        label=_("Evidence reference (optional)"),
        help_text=_(
            "Where the evidence is kept, or its reference, like a certificate number."
        ),
        max_length=200,
        required=False,
    )


class IdentityCheckForm(_CheckForm):
    documents_seen = CheckboxesField(
        label=_("Which documents did you see?"),
        help_text=_("Originals only, not copies. Do not write down document numbers."),
        choices=IdentityDocument.choices,
        error_messages={"required": _("Choose the documents you saw.")},
    )
    field_order = ["documents_seen", "checked_on", "outcome", "evidence_reference"]


class ReferenceCheckForm(_CheckForm):
    referee = forms.TypedChoiceField(
        label=_("Who gave the reference?"),
        coerce=int,
        widget=_radios(),
        error_messages={"required": _("Choose the referee.")},
    )
    field_order = ["referee", "checked_on", "outcome", "evidence_reference"]

    def __init__(self, *args, referees=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["referee"].choices = [  # type: ignore[attr-defined]
            (referee.pk, referee.full_name) for referee in referees
        ]
        self.fields["checked_on"].label = _("Date the reference was received")


class TrainingCheckForm(_CheckForm):
    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["checked_on"].label = _("Date the training was completed")
        self.fields["evidence_reference"].help_text = _(
            "The course, and its certificate number if it has one."
        )


class DbsCheckForm(_CheckForm):
    certificate_number = forms.CharField(
        label=_("Certificate number"),
        help_text=_("The 12 digits at the top right of the certificate."),
        max_length=20,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "width": "20", "spellcheck": "false"}
        ),
        error_messages={"required": _("Enter the certificate number.")},
    )
    issued_on = GovukDateField(
        label=_("Date of issue"), help_text=_("Printed on the certificate.")
    )
    dbs_type = forms.ChoiceField(
        label=_("Type of check"),
        choices=DbsType.choices,
        widget=_radios(),
        error_messages={"required": _("Choose the type of check.")},
    )
    role_applied_for = forms.CharField(
        label=_("Role it was for"),
        help_text=_("As printed on the certificate, under “Position applied for”."),
        max_length=150,
        initial="Neighbourhood Helper",
        error_messages={"required": _("Enter the role the certificate was for.")},
    )
    update_service_consent = forms.ChoiceField(
        label=_(
            "Are they on the DBS update service, and do they agree to us checking it?"
        ),
        choices=YES_NO,
        widget=_radios(),
        error_messages={"required": _("Choose yes or no.")},
    )
    scan = forms.FileField(
        label=_("Scanned copy (optional)"),
        help_text=_(
            "Only if you need it for now: a PDF, JPG or PNG, smaller than 5MB. "
            "It is deleted 6 months after the decision at the latest."
        ),
        required=False,
    )
    field_order = [
        "certificate_number",
        "issued_on",
        "dbs_type",
        "role_applied_for",
        "checked_on",
        "outcome",
        "update_service_consent",
        "scan",
        "evidence_reference",
    ]

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["checked_on"].label = _("Date of the decision")
        self.fields["checked_on"].help_text = _(
            "The day you decided whether they can go ahead."
        )
        self.fields["outcome"].label = _("Decision")
        self.fields["outcome"].choices = [  # type: ignore[attr-defined]
            (CheckOutcome.PASSED, _("Suitable: they can go ahead")),
            (CheckOutcome.FAILED, _("Not suitable")),
        ]
        del self.fields["evidence_reference"]
        self.fields["outcome"].error_messages["required"] = _("Choose the decision.")

    def clean_certificate_number(self) -> str:
        number = "".join(self.cleaned_data["certificate_number"].split()).replace(
            "-", ""
        )
        if not (len(number) == 12 and number.isdigit()):
            raise ValidationError(
                _("Enter the 12-digit certificate number, like 001234567890.")
            )
        return number


CHECK_FORMS: dict[str, type[_CheckForm]] = {
    CheckKind.IDENTITY: IdentityCheckForm,
    CheckKind.REFERENCE: ReferenceCheckForm,
    CheckKind.INTERVIEW: _CheckForm,
    CheckKind.INDUCTION: TrainingCheckForm,
    CheckKind.SAFEGUARDING: TrainingCheckForm,
    CheckKind.DBS: DbsCheckForm,
}


class StatusCheckForm(GovukForm):
    checked_on = GovukDateField(
        label=_("Date of the status check"), help_text=_("For example, 27 3 2026")
    )
    result = forms.ChoiceField(
        label=_("What did the update service say?"),
        choices=StatusResult.choices,
        widget=_radios(),
        error_messages={"required": _("Choose the result.")},
    )


class WithdrawForm(GovukForm):
    reason = forms.CharField(
        label=_("Why is this check being withdrawn?"),
        help_text=_("For example, it was recorded for the wrong person."),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": "3"}),
        error_messages={"required": _("Enter the reason.")},
    )


# --- coordinators ----------------------------------------------------------------


class HelperFilterForm(GovukForm):
    q = forms.CharField(
        label=_("Name, email, phone number or postcode"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    ward = forms.TypedChoiceField(
        label=_("Ward"), required=False, coerce=int, empty_value=None
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *HelperStatus.choices],
    )
    skill = forms.TypedChoiceField(
        label=_("Skill"), required=False, coerce=int, empty_value=None
    )
    level = forms.ChoiceField(
        label=_("Vetting level today"),
        required=False,
        choices=[("", _("Any level")), *VettingLevel.choices],
    )
    expiring = forms.BooleanField(
        label=_("Only those with a check running out in the next 30 days"),
        required=False,
    )

    def __init__(self, *args, wards=(), skills=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["ward"].choices = [  # type: ignore[attr-defined]
            ("", _("Any ward")),
            *((ward.pk, ward.name) for ward in wards),
        ]
        self.fields["skill"].choices = [  # type: ignore[attr-defined]
            ("", _("Any skill")),
            *((skill.pk, skill.name) for skill in skills),
        ]


class SkillForm(GovukForm):
    name = forms.CharField(
        label=_("Name"),
        help_text=_("Short and plain, like “Gardening” or “Help with letters”."),
        max_length=80,
        error_messages={"required": _("Enter the name of the skill.")},
    )
    description = forms.CharField(
        label=_("Description (optional)"),
        max_length=200,
        required=False,
    )


class SkillEditForm(SkillForm):
    retired = forms.BooleanField(
        label=_("No longer offered"),
        help_text=_(
            "Helpers who have it keep it, but nobody can add it and it is not "
            "offered when applying."
        ),
        required=False,
    )


class MergeForm(GovukForm):
    decision = forms.ChoiceField(
        label=_("What do you want to do?"),
        widget=_radios("m"),
        error_messages={"required": _("Choose what to do.")},
    )

    def __init__(self, *args, this=None, other=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [  # type: ignore[attr-defined]
            (
                "keep_this",
                _("They are the same person: keep the record of %(name)s (#%(pk)s)")
                % {"name": this.full_name, "pk": this.pk},
            ),
            (
                "keep_other",
                _("They are the same person: keep the record of %(name)s (#%(pk)s)")
                % {"name": other.full_name, "pk": other.pk},
            ),
            ("keep_both", _("They are different people: keep both")),
        ]
