"""The application's question pages, one form a page."""

from datetime import date
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kith.accounts import person_fields
from kith.accounts.phones import phone_normalise
from kith.core.errors import ApplicationError
from kith.core.forms import GovukForm
from kith.helpers.forms.common import YES_NO, CheckboxesField, _radios, period_choices
from kith.helpers.models import (
    MAX_VISITS_PER_WEEK,
    TRAVEL_DISTANCES,
    PayBasis,
    SkillLevel,
    TravelMode,
)


class NameForm(GovukForm):
    full_name = person_fields.full_name_field()
    preferred_name = person_fields.preferred_name_field(
        label=_("What would you like us to call you? (optional)")
    )


class ContactForm(GovukForm):
    email = person_fields.email_field()
    mobile = person_fields.mobile_field(
        help_text=_("For text messages, like 07700 900 982.")
    )
    phone = person_fields.phone_field()

    def __init__(self, *args, mode: str = "visitor", **kwargs):
        self.mode = mode
        super().__init__(*args, **kwargs)

    def clean_mobile(self) -> str:
        return person_fields.mobile_checked(self.cleaned_data["mobile"])

    def clean_phone(self) -> str:
        return person_fields.phone_checked(self.cleaned_data["phone"])

    def clean(self):
        data = cast(dict[str, Any], super().clean())
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
    address_line_1 = person_fields.address_line_1_field(
        required_message=_("Enter the first line of the address.")
    )
    address_line_2 = person_fields.address_line_2_field()
    town = person_fields.town_field(label=_("Town or city (optional)"))
    postcode = person_fields.postcode_field(required_message=_("Enter the postcode."))

    def __init__(self, *args, locality=None, **kwargs):
        self.locality = locality
        super().__init__(*args, **kwargs)

    def clean_postcode(self) -> str:
        from kith.helpers.services import postcode_in_locality

        try:
            return postcode_in_locality(self.cleaned_data["postcode"], self.locality)
        except ApplicationError as error:
            raise ValidationError(error.message) from error


class DateOfBirthForm(GovukForm):
    date_of_birth = person_fields.date_of_birth_field(
        help_text=_("For example, 27 3 1960")
    )

    def __init__(self, *args, **kwargs):
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

    def __init__(self, *args, locality=None, **kwargs):
        super().__init__(*args, **kwargs)
        from kith.helpers.selectors import skills_for

        self.fields["skills"].choices = [  # type: ignore[attr-defined]
            (str(skill.pk), skill.name) for skill in skills_for(locality=locality)
        ]


class SkillLevelsForm(GovukForm):
    """One question for each skill chosen: how much experience."""

    def __init__(self, *args, skills=(), **kwargs):
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

    def clean(self):
        data = cast(dict[str, Any], super().clean())
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

    def __init__(self, *args, pay_basis: str = "", **kwargs):
        self.pay_basis = pay_basis
        super().__init__(*args, **kwargs)

    def clean(self):
        data = cast(dict[str, Any], super().clean())
        if data.get("right_to_work") == "no" and self.pay_basis == PayBasis.PAID:
            self.add_error(
                "right_to_work",
                _(
                    "To be paid you need the right to work in the UK. You can still "
                    "volunteer: go back and choose to volunteer."
                ),
            )
        return data
