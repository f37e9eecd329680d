"""Forms for recording vetting checks, DBS status checks and withdrawals."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kith.core.forms import GovukDateField, GovukForm
from kith.helpers.forms.common import (
    YES_NO,
    CheckboxesField,
    SubmissionKeyMixin,
    _radios,
)
from kith.helpers.models import CheckOutcome, IdentityDocument, StatusResult
from kith.helpers.vetting import CheckKind, DbsType


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

    def __init__(self, *args, referees=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referee"].choices = [  # type: ignore[attr-defined]
            (referee.pk, referee.full_name) for referee in referees
        ]
        self.fields["checked_on"].label = _("Date the reference was received")


class TrainingCheckForm(_CheckForm):
    def __init__(self, *args, **kwargs):
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

    def __init__(self, *args, **kwargs):
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
