from django import forms
from django.utils.translation import gettext_lazy as _

from kith.core.forms import GovukDateField, GovukForm, SubmissionKeyField
from kith.privacy.catalogue import KINDS
from kith.privacy.models import RightsRequest

_TEXT = 2000


class PersonSearchForm(GovukForm):
    q = forms.CharField(
        label=_("Whose data is it about?"),
        help_text=_("Their name, phone number, email address or postcode."),
        max_length=200,
        required=False,
    )


class RightsRequestForm(GovukForm):
    kind = forms.ChoiceField(
        label=_("What are they asking for?"),
        choices=RightsRequest.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what they are asking for.")},
    )
    received_on = GovukDateField(
        label=_("Date received"),
        help_text=_("For example, 27 3 2026. The month to answer starts on this day."),
    )
    received_how = forms.ChoiceField(
        label=_("How did it come?"),
        choices=RightsRequest.ReceivedHow.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how the request came.")},
    )
    requested_by_name = forms.CharField(
        label=_("Asked by someone else for them (optional)"),
        help_text=_(
            "Their name and how they are related, for example 'Ann Lee, daughter'."
        ),
        max_length=200,
        required=False,
    )
    notes = forms.CharField(
        label=_("Notes (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=_TEXT,
        required=False,
    )
    submission_key = SubmissionKeyField()


class IdentityCheckForm(GovukForm):
    checked_on = GovukDateField(label=_("Date checked"))
    how = forms.CharField(
        label=_("How was their identity, or the asker's authority, checked?"),
        help_text=_(
            "For example: called them back on the number we hold and asked their date "
            "of birth."
        ),
        max_length=200,
        error_messages={"required": _("Say how their identity was checked.")},
    )


class ExtendForm(GovukForm):
    reason = forms.CharField(
        label=_("Why does it need longer?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=_TEXT,
        error_messages={"required": _("Say why it needs longer.")},
    )
    told_on = GovukDateField(label=_("Date the person was told, with the reason"))


class CloseForm(GovukForm):
    status = forms.ChoiceField(
        label=_("How did it end?"),
        choices=[
            (RightsRequest.Status.DONE, _("Done")),
            (RightsRequest.Status.REFUSED, _("Refused, with the reason given to them")),
            (RightsRequest.Status.WITHDRAWN, _("They withdrew it")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how the request ended.")},
    )
    outcome = forms.CharField(
        label=_("What was done, or why not"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=_TEXT,
        error_messages={"required": _("Say what was done, or why not.")},
    )


class EraseForm(GovukForm):
    confirm = forms.BooleanField(
        label=_("I understand their details will be removed for good."),
        error_messages={
            "required": _("Confirm that their details will be removed for good.")
        },
    )


class BreachForm(GovukForm):
    what = forms.CharField(
        label=_("What happened?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=_TEXT,
        error_messages={"required": _("Say what happened.")},
    )
    found_on = GovukDateField(label=_("Date it was found"))
    found_time = forms.TimeField(
        label=_("Time it was found"),
        help_text=_("24-hour clock, for example 14:30."),
        input_formats=["%H:%M", "%H.%M"],
        error_messages={
            "required": _("Enter the time it was found."),
            "invalid": _("Enter the time like 14:30."),
        },
    )
    people_affected = forms.IntegerField(
        label=_("How many people are affected?"),
        min_value=0,
        max_value=10_000_000,
        error_messages={
            "required": _("Enter how many people are affected (0 if none)."),
            "invalid": _("Enter a whole number."),
            "min_value": _("Enter 0 or more."),
            "max_value": _("Enter a smaller number."),
        },
    )
    data_kinds = forms.MultipleChoiceField(
        label=_("What kinds of data? (optional)"),
        choices=[(kind.code, kind.title) for kind in KINDS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class BreachDecideForm(GovukForm):
    reportable = forms.ChoiceField(
        label=_("Must it be reported to the ICO?"),
        help_text=_(
            "Yes, unless it is unlikely to put anyone's rights and freedoms at risk."
        ),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose yes or no.")},
    )
    reason = forms.CharField(
        label=_("If not, why not"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=_TEXT,
        required=False,
    )


class BreachReportedForm(GovukForm):
    reported_on = GovukDateField(label=_("Date reported"))
    reported_time = forms.TimeField(
        label=_("Time reported"),
        help_text=_("24-hour clock, for example 14:30."),
        input_formats=["%H:%M", "%H.%M"],
        error_messages={
            "required": _("Enter the time it was reported."),
            "invalid": _("Enter the time like 14:30."),
        },
    )
    reference = forms.CharField(
        label=_("ICO reference (optional)"), max_length=100, required=False
    )


class BreachCloseForm(GovukForm):
    actions = forms.CharField(
        label=_("What was done?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=_TEXT,
        error_messages={"required": _("Say what was done.")},
    )
