from typing import Any, cast

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from kith.accounts import person_fields
from kith.accounts.models import Role
from kith.core.forms import GovukForm


class SignInForm(GovukForm):
    email = forms.CharField(
        label=_("Email address"),
        max_length=254,
        widget=forms.TextInput(
            attrs={"autocomplete": "email", "spellcheck": "false", "inputmode": "email"}
        ),
        error_messages={"required": _("Enter your email address.")},
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=200,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your password.")},
    )


class CodeRequestForm(GovukForm):
    identifier = forms.CharField(
        label=_("Email address or mobile number"),
        help_text=_("We will send a 6-digit code to it."),
        max_length=254,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "spellcheck": "false"}
        ),
        error_messages={"required": _("Enter your email address or mobile number.")},
    )


class CodeForm(GovukForm):
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


class SecondFactorForm(GovukForm):
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        help_text=_("Or enter one of your recovery codes."),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "width": "10",
                "spellcheck": "false",
            }
        ),
        error_messages={"required": _("Enter the code from your authenticator app.")},
    )


class NewPasswordForm(GovukForm):
    new_password = forms.CharField(
        label=_("New password"),
        help_text=_(
            "Use at least 10 characters. A long password is best: three random "
            "words work well. Do not use one you use anywhere else."
        ),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Enter a new password.")},
    )
    new_password_again = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Enter the new password again.")},
    )

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        data = cast(dict[str, Any], super().clean())
        first, second = data.get("new_password"), data.get("new_password_again")
        if first and second and first != second:
            self.add_error(
                "new_password_again", _("The two passwords are not the same.")
            )
        elif first:
            try:
                password_validation.validate_password(first, self.user)
            except forms.ValidationError as exc:
                self.add_error("new_password", exc)
        return data


class ChangePasswordForm(NewPasswordForm):
    current_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your current password.")},
    )
    field_order = ["current_password", "new_password", "new_password_again"]

    def clean_current_password(self):
        value = self.cleaned_data["current_password"]
        if not self.user.check_password(value):
            raise forms.ValidationError(_("Your current password is not right."))
        return value


class ResetRequestForm(GovukForm):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _(
                "Enter an email address in the right form, like name@example.com."
            ),
        },
    )


class ContactDetailsForm(GovukForm):
    full_name = person_fields.full_name_field()
    preferred_name = person_fields.preferred_name_field(
        label=_("What they like to be called (optional)")
    )
    email = person_fields.email_field()
    mobile = person_fields.mobile_field(
        help_text=_("For text messages, like 07700 900 982.")
    )
    phone = person_fields.phone_field()
    address_line_1 = person_fields.address_line_1_field(
        label=_("Address line 1 (optional)")
    )
    address_line_2 = person_fields.address_line_2_field()
    town = person_fields.town_field(label=_("Town or city (optional)"))
    postcode = person_fields.postcode_field(label=_("Postcode (optional)"))


class PersonCreateForm(ContactDetailsForm):
    role = forms.ChoiceField(
        label=_("What are they joining as?"),
        choices=[],
        widget=forms.RadioSelect(attrs={"legend_size": "m"}),
        error_messages={"required": _("Choose what they are joining as.")},
    )
    field_order = ["role", "full_name"]

    def __init__(self, *args, roles: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [  # type: ignore[attr-defined]
            (value, label) for value, label in Role.choices if value in roles
        ]


class PeopleSearchForm(GovukForm):
    q = forms.CharField(
        label=_("Name, email, phone number or postcode"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        required=False,
        choices=[("", _("Any role")), *Role.choices],
    )


class RoleForm(GovukForm):
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Role.choices,
        error_messages={"required": _("Choose a role.")},
    )


class LocalityChoiceForm(GovukForm):
    locality = forms.TypedChoiceField(
        label=_("Which locality are you working in?"),
        coerce=int,
        widget=forms.RadioSelect(attrs={"legend_size": "m"}),
        error_messages={"required": _("Choose a locality.")},
    )

    def __init__(self, *args, localities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["locality"].choices = [(loc.pk, loc.name) for loc in localities]  # type: ignore[attr-defined]
