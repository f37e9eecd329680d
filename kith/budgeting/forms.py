"""Forms for participatory budgeting. Rules live in the services; these only
turn what was typed into values."""

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kith.budgeting.models import (
    BallotType,
    Channel,
    CountingMethod,
    Delivery,
    Eligibility,
    Heading,
    Proposal,
    Round,
)
from kith.core.forms import (
    GovukDateField,
    GovukForm,
    GovukModelMultipleChoiceField,
    SubmissionKeyField,
)
from kith.directory.models import Organisation
from kith.places.models import Ward


def _heading_field_name(heading: Heading) -> str:
    return f"heading_{heading.pk}"


class ChoicesMixin:
    """A checkbox list of each heading's feasible proposals."""

    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def add_choices(self, round_: Round, *, required: bool) -> None:
        self.headings = list(round_.headings.all())
        proposals = list(
            round_.proposals.filter(feasibility=Proposal.Feasibility.FEASIBLE)
        )
        for heading in self.headings:
            options = [
                (str(p.number), f"{p.number}. {p.title} (£{p.cost:,})")
                for p in proposals
                if p.heading_id == heading.pk
            ]
            hint = (
                _("Choose up to %(n)s.") % {"n": round_.max_choices}
                if round_.ballot_type == "approval"
                else _("Choose projects costing no more than £%(amount)s in all.")
                % {"amount": f"{heading.amount:,}"}
            )
            self.fields[_heading_field_name(heading)] = forms.MultipleChoiceField(
                label=_("%(heading)s: £%(amount)s")
                % {
                    "heading": heading.name,
                    "amount": f"{heading.amount:,}",
                },
                choices=options,
                required=False,
                help_text=hint,
                widget=forms.CheckboxSelectMultiple,
            )

    def choices(self) -> dict[int, list[int]]:
        return {
            heading.pk: [
                int(n) for n in self.cleaned_data[_heading_field_name(heading)]
            ]
            for heading in self.headings
            if self.cleaned_data.get(_heading_field_name(heading))
        }


class VoterForm(GovukForm):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "postal-code", "class": "govuk-input--width-10"}
        ),
    )
    born = GovukDateField(
        label=_("Date of birth"), past=True, help_text=_("For example, 27 3 1950.")
    )


class CodeForm(GovukForm):
    to = forms.CharField(
        label=_("Email address or mobile number"),
        max_length=128,
        help_text=_("We will send you a code to confirm it is you."),
    )


class OnlineBallotForm(ChoicesMixin, VoterForm):
    code = forms.RegexField(
        label=_("The 6-digit code we sent you"),
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        error_messages={"invalid": _("Enter the 6 numbers from your message.")},
    )

    def __init__(self, *args: Any, round_: Round, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_choices(round_, required=True)


class PaperBallotForm(ChoicesMixin, VoterForm):
    channel = forms.ChoiceField(
        label=_("How did they vote?"),
        choices=[(Channel.PAPER, _("On paper")), (Channel.PHONE, _("By phone"))],
        widget=forms.RadioSelect,
        initial=Channel.PAPER,
    )
    paper_number = forms.IntegerField(
        label=_("Paper number"),
        required=False,
        min_value=1,
        max_value=10_000_000,
        help_text=_("The number printed on the paper. Leave empty for a phone vote."),
    )

    def __init__(self, *args: Any, round_: Round, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_choices(round_, required=False)
        for heading in self.headings:
            self.fields[_heading_field_name(heading)].help_text = _(
                "Tick what the voter chose, even if it breaks the rules: "
                "Kith records such a ballot as spoiled."
            )


# --- proposing: one question a page (kith.core.questions) -------------------


class ProposeHeadingForm(GovukForm):
    heading = forms.ChoiceField(
        label=_("Which part of the money is it for?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose which part of the money it is for.")},
    )

    def __init__(self, *args: Any, headings: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["heading"].choices = [  # type: ignore[attr-defined]
            (str(h.pk), f"{h.name} (£{h.amount:,})") for h in headings
        ]


class ProposeIdeaForm(GovukForm):
    title = forms.CharField(
        label=_("Name of your idea"),
        max_length=120,
        error_messages={"required": _("Give your idea a name.")},
    )
    description = forms.CharField(
        label=_("What would the money pay for?"),
        widget=forms.Textarea,
        max_length=4000,
        error_messages={"required": _("Say what the money would pay for.")},
    )


class ProposeWhereForm(GovukForm):
    asset = forms.ChoiceField(
        label=_("Is it on one of these pieces of land or buildings?"),
        widget=forms.RadioSelect,
        required=False,
    )
    place = forms.CharField(
        label=_("Where is it? (if somewhere else, or leave empty)"),
        required=False,
        max_length=200,
    )

    def __init__(self, *args: Any, assets: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.assets = {str(a.uuid): a for a in assets}
        self.fields["asset"].choices = [  # type: ignore[attr-defined]
            (key, str(a)) for key, a in self.assets.items()
        ] + [("", _("Somewhere else, or nowhere in particular"))]


class ProposeProjectForm(GovukForm):
    project = forms.ChoiceField(
        label=_("Is it part of a community project?"),
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(self, *args: Any, projects: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.projects = {str(p.uuid): p for p in projects}
        self.fields["project"].choices = [  # type: ignore[attr-defined]
            (key, str(p)) for key, p in self.projects.items()
        ] + [("", _("No, or I do not know"))]


class ProposeCostForm(GovukForm):
    estimated_cost = forms.IntegerField(
        label=_("What do you think it would cost, in pounds? (optional)"),
        help_text=_("An officer will work out the cost. A guess helps."),
        required=False,
        min_value=1,
        max_value=100_000_000,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": _("Enter the cost in whole pounds, like 500."),
            "min_value": _("Enter a cost of £1 or more."),
            "max_value": _("Enter a cost under £100,000,000."),
        },
    )


class ProposeProposerForm(GovukForm):
    """Who proposes: checked against the round's rules (its wards, minimum
    age, members only), and not kept beyond the name."""

    proposer_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        error_messages={"required": _("Enter the full name.")},
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "postal-code", "class": "govuk-input--width-10"}
        ),
        error_messages={"required": _("Enter the postcode.")},
    )
    born = GovukDateField(
        label=_("Date of birth"),
        past=True,
        required=False,
        help_text=_("For example, 27 3 1950."),
    )

    def __init__(self, *args: Any, minimum_age: int | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if minimum_age:
            self.fields["born"].required = True
            self.fields["born"].help_text = _(
                "Only people aged %(age)s or over can take part. For example, "
                "27 3 1950."
            ) % {"age": minimum_age}
        else:
            del self.fields["born"]


class UpdateForm(GovukForm):
    """News of a winning proposal."""

    delivery = forms.ChoiceField(
        label=_("How far has it got?"),
        choices=Delivery.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how far it has got.")},
    )
    text = forms.CharField(
        label=_("What has happened?"),
        help_text=_("Everyone will see this."),
        widget=forms.Textarea,
        max_length=4000,
        error_messages={"required": _("Say what has happened.")},
    )
    submission_key = SubmissionKeyField()


class LinkForm(GovukForm):
    """An officer links a proposal to a place on the map and a project."""

    asset = forms.ChoiceField(label=_("Place on the map"), required=False)
    project = forms.ChoiceField(label=_("Community project"), required=False)

    def __init__(
        self, *args: Any, assets: Any = (), projects: Any = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.assets = {str(a.uuid): a for a in assets}
        self.projects = {str(p.uuid): p for p in projects}
        self.fields["asset"].choices = [("", _("None"))] + [  # type: ignore[attr-defined]
            (key, str(a)) for key, a in self.assets.items()
        ]
        self.fields["project"].choices = [("", _("None"))] + [  # type: ignore[attr-defined]
            (key, str(p)) for key, p in self.projects.items()
        ]


class CheckForm(GovukForm):
    feasible = forms.TypedChoiceField(
        label=_("Can it be done?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_("Everyone will see this."),
        widget=forms.Textarea,
        max_length=2000,
    )
    cost = forms.IntegerField(
        label=_("Cost in pounds"),
        required=False,
        min_value=1,
        max_value=100_000_000,
    )


class DrawForm(GovukForm):
    order = forms.CharField(
        label=_("Proposal numbers in the order drawn"),
        help_text=_("Separate them with commas, for example 4, 1, 7."),
        max_length=2000,
    )

    def clean_order(self) -> list[int]:
        parts = [p.strip() for p in self.cleaned_data["order"].split(",") if p.strip()]
        if not parts or not all(p.isdigit() and len(p) < 9 for p in parts):
            raise forms.ValidationError(_("Enter numbers separated by commas."))
        return [int(p) for p in parts]


class RoundForm(GovukForm):
    """A round's details and rules; the dates are whole days."""

    DATE_FIELDS = (
        "proposing_opens",
        "proposing_closes",
        "voting_opens",
        "voting_closes",
    )

    title = forms.CharField(label=_("Name of the round"), max_length=150)
    description = forms.CharField(
        label=_("What is it for?"),
        widget=forms.Textarea,
        required=False,
        max_length=4000,
    )
    owner_organisation = forms.ModelChoiceField(
        label=_("Who is putting up the money?"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("The council"),
    )
    ballot_type = forms.ChoiceField(
        label=_("Ballot"), choices=BallotType.choices, widget=forms.RadioSelect
    )
    max_choices = forms.IntegerField(
        label=_("Most projects a voter may choose"),
        help_text=_("For a ballot where voters choose up to a number."),
        required=False,
        min_value=1,
        max_value=100,
    )
    counting_method = forms.ChoiceField(
        label=_("Counting method"),
        choices=CountingMethod.choices,
        widget=forms.RadioSelect,
    )
    eligibility = forms.ChoiceField(
        label=_("Who may take part?"),
        choices=Eligibility.choices,
        widget=forms.RadioSelect,
    )
    wards = GovukModelMultipleChoiceField(
        label=_("Wards"),
        queryset=Ward.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only when residents of chosen wards may take part."),
    )
    minimum_age = forms.IntegerField(
        label=_("Minimum age (optional)"), required=False, min_value=1, max_value=120
    )
    proposing_opens = GovukDateField(label=_("Proposals open on"))
    proposing_closes = GovukDateField(label=_("Proposals close at the end of"))
    voting_opens = GovukDateField(label=_("Voting opens on"))
    voting_closes = GovukDateField(label=_("Voting closes at the end of"))

    def __init__(self, *args: Any, locality: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_organisation"] = forms.ModelChoiceField(
            label=_("Who is putting up the money?"),
            queryset=Organisation.objects.filter(locality=locality),
            required=False,
            empty_label=_("The council"),
        )
        self.fields["wards"] = GovukModelMultipleChoiceField(
            label=_("Wards"),
            queryset=Ward.objects.filter(locality=locality),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=_("Only when residents of chosen wards may take part."),
        )
        self.order_fields(list(type(self).base_fields))

    def times(self) -> dict[str, Any]:
        """The dates as moments: a phase opens at the start of its first day
        and closes at the end of its last."""
        data = self.cleaned_data

        def start(day: date) -> datetime:
            return timezone.make_aware(datetime.combine(day, time.min))

        return {
            "proposing_opens": start(data["proposing_opens"]),
            "proposing_closes": start(data["proposing_closes"] + timedelta(days=1)),
            "voting_opens": start(data["voting_opens"]),
            "voting_closes": start(data["voting_closes"] + timedelta(days=1)),
        }


class HeadingForm(GovukForm):
    name = forms.CharField(label=_("Name of the heading"), max_length=100)
    amount = forms.IntegerField(
        label=_("Amount in pounds"), min_value=1, max_value=1_000_000_000
    )
