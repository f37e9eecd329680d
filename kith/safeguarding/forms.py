from django import forms
from django.utils.translation import gettext_lazy as _

from kith.core.forms import GovukDateField, GovukForm, SubmissionKeyField
from kith.helpers.forms.common import CheckboxesField
from kith.safeguarding.models import AbuseKind, Concern

_TEXT = 5000
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _area(label, *, help_text="", required=False, rows=3, **kwargs):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=_TEXT,
        widget=forms.Textarea(attrs={"rows": rows}),
        **kwargs,
    )


class RaiseForm(GovukForm):
    """A safeguarding concern, in the parts the guidance keeps apart. Who it
    is about is chosen by the view: ``subjects`` are the members the person
    may name (a helper: those they visited), with "someone else"."""

    subject = forms.ChoiceField(
        label=_("Who is it about?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose who it is about.")},
    )
    about_name = forms.CharField(
        label=_("If someone else, or a situation: who or what?"),
        help_text=_("Their name, or a few words about the situation."),
        max_length=200,
        required=False,
    )
    by_phone = forms.ChoiceField(
        label=_("Did someone phone to tell you?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        initial="no",
        error_messages={"required": _("Choose yes or no.")},
    )
    told_by = forms.CharField(
        label=_("If so, who phoned?"),
        help_text=_("Their name, and how they know the person."),
        max_length=200,
        required=False,
    )
    happened_on = GovukDateField(
        label=_("When did it happen? (optional)"),
        help_text=_("For example, 27 3 2026."),
        required=False,
    )
    happened_time = forms.TimeField(
        label=_("At what time? (optional)"),
        help_text=_("24-hour clock, for example 14:30."),
        input_formats=["%H:%M", "%H.%M"],
        required=False,
        error_messages={"invalid": _("Enter the time like 14:30.")},
    )
    happened_where = forms.CharField(
        label=_("Where? (optional)"), max_length=200, required=False
    )
    present = _area(_("Who was there? (optional)"), rows=2)
    facts = _area(
        _("What did you see or hear yourself?"),
        help_text=_(
            "Only facts: what you saw, and what was said, in the words used if you can."
        ),
        required=True,
        rows=6,
        error_messages={"required": _("Say what was seen or said.")},
    )
    hearsay = _area(
        _("What did other people tell you? (optional)"),
        help_text=_("Say who told you."),
    )
    opinion = _area(
        _("What do you think is happening? (optional)"),
        help_text=_("Your own view, kept apart from the facts."),
    )
    kinds = CheckboxesField(
        label=_("What kind of harm might it be? (optional)"),
        help_text=_("Choose any that may apply."),
        choices=AbuseKind.choices,
        required=False,
    )
    immediate_risk = forms.ChoiceField(
        label=_("Is anyone in danger now?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether anyone is in danger now.")},
    )
    risk_action = _area(
        _("If so, what has been done?"),
        help_text=_("For example: I called 999 at 14:10 and stayed with her."),
    )
    adult_views = _area(
        _("What does the person say about it? (optional)"),
    )
    adult_outcomes = _area(
        _("What would they like to happen? (optional)"),
    )
    consent = forms.ChoiceField(
        label=_("Did they agree to this being shared?"),
        choices=Concern.Consent.choices,
        widget=forms.RadioSelect,
        initial=Concern.Consent.NOT_ASKED,
        error_messages={"required": _("Choose one.")},
    )
    capacity = forms.ChoiceField(
        label=_("Can they make their own decisions about this?"),
        choices=Concern.Capacity.choices,
        widget=forms.RadioSelect,
        initial=Concern.Capacity.NOT_KNOWN,
        error_messages={"required": _("Choose one.")},
    )
    submission_key = SubmissionKeyField()

    def __init__(self, *args, subjects, phone: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = subjects  # type: ignore[attr-defined]
        if len(subjects) == 1:
            self.fields["subject"].initial = subjects[0][0]
            self.fields["subject"].widget = forms.HiddenInput()
        if not phone:
            del self.fields["by_phone"]
            del self.fields["told_by"]

    def clean(self):
        data = super().clean() or {}
        if data.get("happened_time") and not data.get("happened_on"):
            self.add_error("happened_on", _("Enter the date it happened."))
        if (
            data.get("subject") == "other"
            and not (data.get("about_name") or "").strip()
        ):
            self.add_error("about_name", _("Say who or what it is about."))
        if data.get("by_phone") == "yes" and not (data.get("told_by") or "").strip():
            self.add_error("told_by", _("Say who phoned."))
        if (
            data.get("immediate_risk") == "yes"
            and not (data.get("risk_action") or "").strip()
        ):
            self.add_error(
                "risk_action",
                _(
                    "Say what was done about the danger, for example that you "
                    "called 999."
                ),
            )
        return data


class NoteForm(GovukForm):
    text = _area(
        _("Add a note"),
        help_text=_("Notes cannot be changed later: to correct one, add another."),
        required=True,
        error_messages={"required": _("Write the note.")},
    )


class ReferralForm(GovukForm):
    referred = forms.ChoiceField(
        label=_("Refer to the council's adult social care (section 42 enquiry)?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose yes or no.")},
    )
    rationale = _area(
        _("Why?"),
        required=True,
        error_messages={"required": _("Say why you decided this.")},
    )
    reference = forms.CharField(
        label=_("Reference adult social care gave (optional)"),
        max_length=100,
        required=False,
    )


class SharingForm(GovukForm):
    shared_with = forms.CharField(
        label=_("Shared with"),
        help_text=_("The organisation and the person, for example 'GP, Dr Lee'."),
        max_length=200,
        error_messages={"required": _("Say who it was shared with.")},
    )
    shared_on = GovukDateField(label=_("Date shared"))
    with_consent = forms.ChoiceField(
        label=_("Did the person agree to it being shared?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose yes or no.")},
    )
    why = _area(
        _("Why was it shared?"),
        help_text=_(
            "Without their consent, say why it was justified: a risk to them or to "
            "others, a crime, or a legal duty."
        ),
        required=True,
        error_messages={"required": _("Say why it was shared.")},
    )


class ActionForm(GovukForm):
    what = forms.CharField(
        label=_("What is to be done?"),
        max_length=300,
        error_messages={"required": _("Say what is to be done.")},
    )
    owner = forms.CharField(
        label=_("Who does it?"),
        max_length=200,
        error_messages={"required": _("Say who does it.")},
    )
    due_on = GovukDateField(label=_("By when?"))


class HelperDecisionForm(GovukForm):
    decision = forms.ChoiceField(
        label=_("May the helper carry on helping?"),
        choices=Concern.HelperDecision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what they may do.")},
    )
    reason = forms.CharField(
        label=_("Why?"),
        help_text=_("If they must stop, the helper and coordinators read this."),
        max_length=300,
        error_messages={"required": _("Say why.")},
    )


class LinkHelperForm(GovukForm):
    helper = forms.TypedChoiceField(
        label=_("Which helper is it about?"),
        coerce=int,
        error_messages={"required": _("Choose the helper.")},
    )

    def __init__(self, *args, helpers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["helper"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose a helper"))
        ] + [(h.pk, h.user.full_name) for h in helpers]


class DbsForm(GovukForm):
    dbs_referred = forms.ChoiceField(
        label=_("Was the helper referred to the Disclosure and Barring Service?"),
        help_text=_(
            "The law says to refer someone who was removed from work with adults "
            "because they harmed, or might harm, an adult."
        ),
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose yes or no.")},
    )
    decided_on = GovukDateField(label=_("Date of the decision"))
    dbs_reason = _area(
        _("Why?"), required=True, error_messages={"required": _("Say why.")}
    )


class CloseForm(GovukForm):
    outcome = _area(
        _("What was the outcome?"),
        required=True,
        error_messages={"required": _("Say what the outcome was.")},
    )
    wishes_met = forms.ChoiceField(
        label=_("Were the person's wishes met?"),
        choices=Concern.WishesMet.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether their wishes were met.")},
    )


class SettingsForm(GovukForm):
    acknowledge_working_days = forms.IntegerField(
        label=_("Working days to acknowledge a new concern"),
        min_value=1,
        max_value=10,
        error_messages={
            "required": _("Enter a number of working days from 1 to 10."),
            "invalid": _("Enter a whole number."),
            "min_value": _("Enter a number of working days from 1 to 10."),
            "max_value": _("Enter a number of working days from 1 to 10."),
        },
    )
