from django import forms
from django.utils.translation import gettext_lazy as _

from kith.core.forms import GovukForm
from kith.notify.models import Call, Channel, Message


class MessageFilterForm(GovukForm):
    q = forms.CharField(label=_("Name, address or template"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any")), *Message.Status.choices],
    )
    channel = forms.ChoiceField(
        label=_("Sent by"),
        required=False,
        choices=[("", _("Any")), *Channel.choices],
    )


class CallOutcomeForm(GovukForm):
    outcome = forms.ChoiceField(
        label=_("How did the call go?"),
        choices=Call.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how the call went.")},
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        help_text=_("For example, what they said, or when to try again."),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
