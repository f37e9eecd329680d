from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kith.accounts import person_fields
from kith.accounts.models import ContactBy
from kith.accounts.phones import mobile_normalise, phone_normalise
from kith.core.forms import GovukForm
from kith.members.models import AccessNeed, Consent, FeePayment, Membership
from kith.members.rules import pounds
from kith.places.postcodes import postcode_normalise

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _yes(value: str) -> bool:
    return value == "yes"


# --- joining: one question a page ----------------------------------------------


class PostcodeForm(GovukForm):
    postcode = person_fields.postcode_field(
        help_text=_("For example, SE17 2AA"),
        required_message=_("Enter your postcode."),
    )

    def clean_postcode(self) -> str:
        return postcode_normalise(self.cleaned_data["postcode"])


class BirthForm(GovukForm):
    date_of_birth = person_fields.date_of_birth_field(
        help_text=_("For example, 27 3 1948")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date_of_birth"].widget.attrs.update({"autocomplete": "bday"})


class NameForm(GovukForm):
    full_name = person_fields.full_name_field(
        required_message=_("Enter your full name.")
    )
    preferred_name = person_fields.preferred_name_field(
        label=_("What do you like to be called? (optional)"),
        help_text=_("For example, ‘Pat’ or ‘Mrs Okafor’."),
    )


class AddressForm(GovukForm):
    address_line_1 = person_fields.address_line_1_field(
        required_message=_("Enter the first line of your address.")
    )
    address_line_2 = person_fields.address_line_2_field()
    town = person_fields.town_field(required_message=_("Enter your town or city."))


class ContactForm(GovukForm):
    contact_by = forms.ChoiceField(
        label=_("How would you like us to contact you?"),
        choices=ContactBy.choices,
        widget=forms.RadioSelect(attrs={"legend_size": "m"}),
        error_messages={"required": _("Choose how you would like us to contact you.")},
    )
    phone = person_fields.phone_field(
        label=_("Phone number (optional)"), autocomplete=True
    )
    mobile = person_fields.mobile_field(
        label=_("Mobile number for text messages (optional)"), autocomplete=False
    )
    email = person_fields.email_field()
    contact_times = forms.CharField(
        label=_("When is best to contact you? (optional)"),
        help_text=_("For example, ‘weekday mornings’."),
        max_length=200,
        required=False,
    )

    def clean_mobile(self) -> str:
        return person_fields.mobile_cleaned(self.cleaned_data["mobile"])

    def clean_phone(self) -> str:
        return person_fields.phone_cleaned(self.cleaned_data["phone"])

    def clean(self):
        data = cast(dict[str, Any], super().clean())
        way = data.get("contact_by")
        if (
            way == ContactBy.EMAIL
            and not data.get("email")
            and "email" not in self.errors
        ):
            self.add_error(
                "email", _("Enter your email address, or choose another way.")
            )
        if (
            way == ContactBy.SMS
            and not data.get("mobile")
            and "mobile" not in self.errors
        ):
            self.add_error(
                "mobile", _("Enter your mobile number, or choose another way.")
            )
        if (
            way == ContactBy.PHONE
            and not data.get("phone")
            and not data.get("mobile")
            and "phone" not in self.errors
        ):
            self.add_error("phone", _("Enter a phone number, or choose another way."))
        return data


class PlanForm(GovukForm):
    plan = forms.TypedChoiceField(
        label=_("Which membership would you like?"),
        coerce=int,
        widget=forms.RadioSelect(attrs={"legend_size": "m"}),
        error_messages={"required": _("Choose a membership.")},
    )
    concession = forms.ChoiceField(
        label=_("Do you get Pension Credit, Housing Benefit or Council Tax Support?"),
        help_text=_("If you do, you pay the lower fee."),
        choices=YES_NO,
        widget=forms.RadioSelect(attrs={"legend_size": "s"}),
        error_messages={"required": _("Choose yes if you get any of these.")},
    )

    def __init__(self, *args, plans=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = [  # type: ignore[attr-defined]
            (
                plan.pk,
                _("%(name)s: %(fee)s a year, or %(concession)s with a concession")
                % {
                    "name": plan.name,
                    "fee": pounds(plan.yearly_fee_pence),
                    "concession": pounds(plan.concession_fee_pence),
                },
            )
            for plan in plans
        ]


class NeedsForm(GovukForm):
    access_needs = forms.MultipleChoiceField(
        label=_("Is there anything we should know to help you?"),
        help_text=_("Choose any that apply. You can leave this blank."),
        choices=AccessNeed.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"legend_size": "m"}),
    )
    access_needs_notes = forms.CharField(
        label=_("Tell us more (optional)"),
        help_text=_("For example, ‘I use a wheelchair’ or ‘please speak slowly’."),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class InterestsForm(GovukForm):
    interests = forms.MultipleChoiceField(
        label=_("What do you enjoy?"),
        help_text=_(
            "We use this to suggest activities and people you might like to meet."
        ),
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"legend_size": "m"}),
    )
    own_interests = forms.CharField(
        label=_("Anything else you enjoy? (optional)"),
        max_length=300,
        required=False,
    )

    def __init__(self, *args, interests=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["interests"].choices = [(str(i.pk), i.name) for i in interests]  # type: ignore[attr-defined]


class EmergencyForm(GovukForm):
    emergency_name = forms.CharField(
        label=_("Name (optional)"),
        max_length=150,
        required=False,
        help_text=_("Someone we can call if we are worried about you."),
    )
    emergency_phone = forms.CharField(
        label=_("Their phone number (optional)"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "width": "20"}),
    )
    emergency_relationship = forms.CharField(
        label=_("Who are they to you? (optional)"),
        max_length=60,
        required=False,
        help_text=_("For example, ‘son’ or ‘neighbour’."),
        widget=forms.TextInput(attrs={"width": "20"}),
    )

    def clean_emergency_phone(self) -> str:
        value = self.cleaned_data["emergency_phone"].strip()
        return phone_normalise(value) if value else ""

    def clean(self):
        data = cast(dict[str, Any], super().clean())
        if (
            data.get("emergency_name")
            and not data.get("emergency_phone")
            and "emergency_phone" not in self.errors
        ):
            self.add_error("emergency_phone", _("Enter their phone number."))
        if data.get("emergency_phone") and not data.get("emergency_name"):
            self.add_error("emergency_name", _("Enter their name."))
        return data


class ConsentsForm(GovukForm):
    consent_introductions = forms.ChoiceField(
        label=_(
            "Would you like us to introduce you to other members who share your "
            "interests?"
        ),
        help_text=_("We only share your first name when you both say yes."),
        choices=YES_NO,
        widget=forms.RadioSelect(attrs={"legend_size": "s"}),
        error_messages={"required": _("Choose yes or no.")},
    )
    consent_photographs = forms.ChoiceField(
        label=_("May we take photographs of you at activities, for our newsletter?"),
        choices=YES_NO,
        widget=forms.RadioSelect(attrs={"legend_size": "s"}),
        error_messages={"required": _("Choose yes or no.")},
    )


# --- coordinators' forms -----------------------------------------------------------


class MembersFilterForm(GovukForm):
    q = forms.CharField(
        label=_("Name, email, phone number, postcode or date of birth"),
        required=False,
        max_length=100,
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Current (not left)")), *Membership.Status.choices],
    )
    plan = forms.TypedChoiceField(
        label=_("Plan"), required=False, coerce=int, empty_value=None
    )
    ward = forms.TypedChoiceField(
        label=_("Ward"), required=False, coerce=int, empty_value=None
    )
    renewal_due = forms.BooleanField(
        label=_("Renewal due in the next 30 days"), required=False
    )
    duplicates = forms.BooleanField(
        label=_("Possible duplicates to check"), required=False
    )

    def __init__(self, *args, plans=(), wards=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = [  # type: ignore[attr-defined]
            ("", _("Any plan")),
            *((p.pk, p.name) for p in plans),
        ]
        self.fields["ward"].choices = [  # type: ignore[attr-defined]
            ("", _("Any ward")),
            *((w.pk, w.name) for w in wards),
        ]


class FeeForm(GovukForm):
    method = forms.ChoiceField(
        label=_("How was the fee paid?"),
        choices=FeePayment.Method.choices,
        widget=forms.RadioSelect(attrs={"legend_size": "m"}),
        error_messages={"required": _("Choose how the fee was paid.")},
    )
    reference = forms.CharField(
        label=_("Payment reference"),
        help_text=_(
            "The cheque number, card receipt or bank reference. Not needed for cash."
        ),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"width": "20"}),
    )


class LeaveForm(GovukForm):
    credits_choice = forms.ChoiceField(
        label=_("What should happen to their remaining credits?"),
        choices=Membership.LeavingCredits.choices,
        widget=forms.RadioSelect(attrs={"legend_size": "m"}),
        error_messages={
            "required": _("Choose what should happen to their remaining credits.")
        },
    )
    credits_to = forms.TypedChoiceField(
        label=_("If another member: who?"), required=False, coerce=int, empty_value=None
    )
    reason = forms.CharField(
        label=_("Why are they leaving? (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["credits_to"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose a member")),
            *((m.pk, m.label()) for m in members),
        ]


class ProfileForm(GovukForm):
    date_of_birth = person_fields.date_of_birth_field(required=False)
    contact_by = forms.ChoiceField(
        label=_("How they like to be contacted"),
        choices=ContactBy.choices,
        widget=forms.RadioSelect(attrs={"legend_size": "s"}),
    )
    contact_times = forms.CharField(
        label=_("Best times to contact them (optional)"), max_length=200, required=False
    )
    access_needs = NeedsForm.base_fields["access_needs"]
    access_needs_notes = NeedsForm.base_fields["access_needs_notes"]
    interests = forms.MultipleChoiceField(
        label=_("Interests"),
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"legend_size": "s", "small": "1"}),
    )
    own_interests = InterestsForm.base_fields["own_interests"]
    emergency_name = EmergencyForm.base_fields["emergency_name"]
    emergency_phone = EmergencyForm.base_fields["emergency_phone"]
    emergency_relationship = EmergencyForm.base_fields["emergency_relationship"]

    def __init__(self, *args, interests=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["interests"].choices = [(str(i.pk), i.name) for i in interests]  # type: ignore[attr-defined]

    clean_emergency_phone = EmergencyForm.clean_emergency_phone


class ConsentForm(GovukForm):
    kind = forms.ChoiceField(
        label=_("What is it about?"),
        choices=Consent.Kind.choices,
        widget=forms.RadioSelect(attrs={"legend_size": "s"}),
        error_messages={"required": _("Choose what they are agreeing to.")},
    )
    service = forms.CharField(
        label=_("Named service (for sharing only)"), max_length=150, required=False
    )
    given = forms.ChoiceField(
        label=_("Their answer"),
        choices=[("yes", _("Yes, they agree")), ("no", _("No, they do not agree"))],
        widget=forms.RadioSelect(attrs={"legend_size": "s"}),
        error_messages={"required": _("Choose their answer.")},
    )
    how = forms.ChoiceField(
        label=_("How did they give it?"),
        choices=Consent.How.choices,
        widget=forms.RadioSelect(attrs={"legend_size": "s"}),
        error_messages={"required": _("Choose how they gave their answer.")},
    )

    def clean(self):
        data = cast(dict[str, Any], super().clean())
        if (
            data.get("kind") == Consent.Kind.SHARING
            and not (data.get("service") or "").strip()
        ):
            self.add_error("service", _("Enter the name of the service."))
        return data


class OwnConsentForm(GovukForm):
    consent_introductions = ConsentsForm.base_fields["consent_introductions"]
    consent_photographs = ConsentsForm.base_fields["consent_photographs"]


class NoteForm(GovukForm):
    text = forms.CharField(
        label=_("Add a note"),
        help_text=_("Only coordinators see notes."),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Enter the note.")},
    )


class SupporterInviteForm(GovukForm):
    name = forms.CharField(
        label=_("Their name"),
        max_length=150,
        error_messages={"required": _("Enter their name.")},
    )
    relationship = forms.CharField(
        label=_("Who are they to the member?"),
        help_text=_("For example, ‘daughter’ or ‘friend’."),
        max_length=60,
        widget=forms.TextInput(attrs={"width": "20"}),
        error_messages={"required": _("Enter who they are to the member.")},
    )
    email = forms.EmailField(
        label=_("Their email address"),
        required=False,
        max_length=254,
        help_text=_("We send the invitation here, or to their mobile."),
        widget=forms.EmailInput(attrs={"spellcheck": "false"}),
        error_messages={
            "invalid": _(
                "Enter an email address in the right form, like name@example.com."
            )
        },
    )
    mobile = forms.CharField(
        label=_("Or their mobile number"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "width": "20"}),
    )
    shares = forms.MultipleChoiceField(
        label=_("What may they do?"),
        choices=[
            ("share_visits", _("See the member’s coming visits and help requests")),
            ("ask_for_help", _("Ask for help and sign up for activities for them")),
            ("see_credits", _("See the member’s credits and what they were spent on")),
            ("get_notifications", _("Get the member’s reminders and messages too")),
        ],
        widget=forms.CheckboxSelectMultiple(attrs={"legend_size": "s"}),
        error_messages={
            "required": _("Choose at least one thing the supporter can do.")
        },
    )

    def clean_mobile(self) -> str:
        value = self.cleaned_data["mobile"].strip()
        if not value:
            return ""
        try:
            return mobile_normalise(value)
        except ValidationError:
            raise

    def clean(self):
        data = cast(dict[str, Any], super().clean())
        if (
            not data.get("email")
            and not data.get("mobile")
            and not self.errors.get("email")
            and not self.errors.get("mobile")
        ):
            self.add_error(
                "email",
                _(
                    "Enter their email address or mobile number, so we can send the "
                    "invitation."
                ),
            )
        return data


class PhoneAcceptForm(GovukForm):
    person = forms.TypedChoiceField(
        label=_("Who is the supporter?"),
        coerce=int,
        help_text=_(
            "Add them as a person with the supporter role first if they are not listed."
        ),
        error_messages={"required": _("Choose the supporter.")},
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose a person")),
            *(
                (p.pk, f"{p.full_name}{' (' + p.email + ')' if p.email else ''}")
                for p in people
            ),
        ]


class PlanFormAdmin(GovukForm):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        error_messages={"required": _("Enter the plan’s name.")},
    )
    description = forms.CharField(
        label=_("Description (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    yearly_fee = forms.DecimalField(
        label=_("Yearly fee in pounds"),
        min_value=0,
        max_value=10000,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "width": "5"}),
        error_messages={
            "required": _("Enter the yearly fee."),
            "invalid": _("Enter the fee as a number, like 25 or 12.50."),
        },
    )
    concession_fee = forms.DecimalField(
        label=_("Concession fee in pounds"),
        min_value=0,
        max_value=10000,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "width": "5"}),
        error_messages={
            "required": _("Enter the concession fee."),
            "invalid": _("Enter the fee as a number, like 10 or 7.50."),
        },
    )
    minimum_age = forms.IntegerField(
        label=_("Minimum age"),
        min_value=0,
        max_value=120,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "width": "3"}),
        error_messages={
            "required": _("Enter the minimum age."),
            "invalid": _("Enter the age as a whole number."),
        },
    )
    joining_credits = forms.IntegerField(
        label=_("Credits included on joining"),
        min_value=0,
        max_value=100,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "width": "3"}),
        error_messages={
            "required": _("Enter the number of credits, or 0."),
            "invalid": _("Enter a whole number."),
        },
    )
    is_open = forms.BooleanField(label=_("Open to new members"), required=False)


class InterestAddForm(GovukForm):
    name = forms.CharField(
        label=_("Add an interest to the list"),
        max_length=60,
        error_messages={"required": _("Enter the interest.")},
    )


class SupporterCodeForm(GovukForm):
    """The code sent to the invitation's address, and the name for the new
    account (the member's spelling to start with)."""

    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "width": "5",
                "spellcheck": "false",
            }
        ),
        error_messages={"required": _("Enter the code.")},
    )
    full_name = forms.CharField(
        label=_("Your full name"),
        help_text=_("As you would like us to write it."),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )
