from django import forms
from django.utils.translation import gettext_lazy as _

from kith.core.forms import GovukForm, SubmissionKeyField


class LocalityForm(GovukForm):
    name = forms.CharField(
        label=_("Name of the locality"),
        help_text=_("As people there call it, for example ‘Southwark Circle’."),
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
    submission_key = SubmissionKeyField()
