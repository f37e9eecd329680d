"""Forms of the projects part. Each only collects answers; the services
decide."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kith.core.forms import GovukDateField, GovukForm, SubmissionKeyField
from kith.projects.models import Asset, Nomination, Pledge, Project


class PoundsField(forms.DecimalField):
    """An amount in pounds, given back as whole pence."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 10_000_000)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("max_digits", 10)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.replace("£", "").replace(",", "").strip()
        return super().to_python(value)

    def clean(self, value: Any) -> int | None:
        amount = super().clean(value)
        return None if amount is None else int(amount * 100)


def _organisation_choices(organisations: Any) -> list[tuple[str, Any]]:
    return [("", _("None"))] + [(str(o.pk), str(o)) for o in organisations]


class AssetForm(GovukForm):
    name = forms.CharField(label=_("Name"), max_length=150)
    kind = forms.ChoiceField(
        label=_("What is it?"), choices=Asset.Kind.choices, widget=forms.RadioSelect
    )
    part_of = forms.TypedChoiceField(
        label=_("If it is a room, which building is it in?"),
        coerce=int,
        required=False,
        empty_value=None,
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=Asset.Status.choices, widget=forms.RadioSelect
    )
    condition = forms.ChoiceField(label=_("Condition"), choices=Asset.Condition.choices)
    owner = forms.TypedChoiceField(
        label=_("Owner"), coerce=int, required=False, empty_value=None
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea, required=False, max_length=4000
    )
    address = forms.CharField(
        label=_("Address"), widget=forms.Textarea, required=False, max_length=500
    )
    postcode = forms.CharField(label=_("Postcode"), max_length=10, required=False)
    size_square_metres = forms.IntegerField(
        label=_("Size in square metres"),
        required=False,
        min_value=1,
        max_value=100_000_000,
    )
    let_to = forms.TypedChoiceField(
        label=_("If it is let: the group it is let to"),
        coerce=int,
        required=False,
        empty_value=None,
    )
    let_terms = forms.ChoiceField(
        label=_("Licence or lease"),
        choices=[("", _("Not let")), *list(Asset.Terms.choices)],
        required=False,
    )
    let_from = GovukDateField(label=_("Let from"), required=False)
    let_until = GovukDateField(label=_("Let until"), required=False)
    public = forms.BooleanField(
        label=_("Show it to the public on the list and the map"), required=False
    )

    def __init__(
        self, *args: Any, organisations: Any, buildings: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = _organisation_choices(organisations)
        self.fields["owner"].choices = choices  # type: ignore[attr-defined]
        self.fields["let_to"].choices = choices  # type: ignore[attr-defined]
        self.fields["part_of"].choices = [("", _("Not a room"))] + [  # type: ignore[attr-defined]
            (str(b.pk), str(b)) for b in buildings
        ]


class PhotoForm(GovukForm):
    photo = forms.FileField(label=_("Photo"), help_text=_("A JPEG, PNG or WebP image."))
    description = forms.CharField(label=_("What the photo shows"), max_length=200)


class QuoteForm(GovukForm):
    quote = forms.FileField(
        label=_("The quote"),
        help_text=_("A PDF, or a photo of a paper quote (JPEG, PNG or WebP)."),
    )
    description = forms.CharField(
        label=_("What the quote is for, and who gave it"),
        help_text=_("For example, timber for raised beds, from Barnet Timber."),
        max_length=200,
    )


class NominationForm(GovukForm):
    group_name = forms.CharField(
        label=_("Name of the group nominating"), max_length=200
    )
    group_kind = forms.ChoiceField(
        label=_("Kind of group"),
        choices=Nomination.GroupKind.choices,
        widget=forms.RadioSelect,
    )
    local_voters = forms.IntegerField(
        label=_("People in the group on the local electoral roll"),
        help_text=_("Needed for a group that is not incorporated: at least 21."),
        required=False,
        min_value=0,
        max_value=1_000_000,
    )
    reasons = forms.CharField(
        label=_("Why it matters to the community"),
        widget=forms.Textarea,
        max_length=4000,
    )
    received_on = GovukDateField(label=_("Date the nomination was received"))


class NominationSubmitForm(GovukForm):
    """A group's nomination sent online (the officer's own form, above,
    records one that came by post or email)."""

    organisation = forms.ChoiceField(
        label=_("Which group is nominating?"), widget=forms.RadioSelect
    )
    group_name = forms.CharField(
        label=_("If another group: its name"), max_length=200, required=False
    )
    group_kind = forms.ChoiceField(
        label=_("What kind of group is it?"),
        help_text=_(
            "Only these groups can nominate. A charity, company or co-operative "
            "must have a local connection: its work is in the area."
        ),
        choices=Nomination.GroupKind.choices,
        widget=forms.RadioSelect,
    )
    local_voters = forms.IntegerField(
        label=_("How many of the group's members are on the local electoral roll?"),
        help_text=_("Needed for a group that is not incorporated: at least 21."),
        required=False,
        min_value=0,
        max_value=1_000_000,
    )
    reasons = forms.CharField(
        label=_("Why does this place matter to the community?"),
        help_text=_(
            "What it is used for now or was used for recently, and how it helps "
            "people's wellbeing or interests."
        ),
        widget=forms.Textarea,
        max_length=4000,
    )
    group_contact = forms.CharField(
        label=_("How can the council contact the group?"),
        help_text=_("A postal address, and a phone number or email address."),
        widget=forms.Textarea,
        max_length=1000,
    )
    authorised = forms.BooleanField(
        label=_(
            "The group has asked me to send this nomination, and it is one of "
            "the groups that can nominate."
        ),
        required=False,
    )

    def __init__(self, *args: Any, organisations: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [  # type: ignore[attr-defined]
            (str(o.pk), str(o)) for o in organisations
        ] + [("", _("Another group"))]
        self.fields["organisation"].required = False
        if not organisations:
            del self.fields["organisation"]
            self.fields["group_name"].label = _("Name of the group")
            self.fields["group_name"].required = True

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            not cleaned.get("organisation")
            and not (cleaned.get("group_name") or "").strip()
        ):
            self.add_error("group_name", _("Enter the name of the group."))
        return cleaned


class DecisionForm(GovukForm):
    listed = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("yes", _("List it")), ("no", _("Do not list it"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    decided_on = GovukDateField(label=_("Date of the decision"))
    reason = forms.CharField(
        label=_("Reasons for the decision"), widget=forms.Textarea, max_length=4000
    )


class DisposalForm(GovukForm):
    notified_on = GovukDateField(label=_("Date the owner gave notice"))
    bid_requested_on = GovukDateField(
        label=_("Date a community group asked in writing to bid (if any)"),
        required=False,
    )
    bid_requested_by = forms.CharField(
        label=_("The group asking to bid"), max_length=200, required=False
    )


# --- proposing a project (question pages) ----------------------------------------


class WhoForm(GovukForm):
    """Asked only of someone who edits an organisation in the directory."""

    organisation = forms.ChoiceField(
        label=_("Who is proposing the project?"), widget=forms.RadioSelect
    )

    def __init__(
        self, *args: Any, organisations: Any = (), person_name: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [  # type: ignore[attr-defined]
            ("self", _("%(name)s, as a resident") % {"name": person_name})
        ] + [(str(o.pk), str(o)) for o in organisations]


class AboutForm(GovukForm):
    title = forms.CharField(
        label=_("Name of the project"),
        help_text=_("For example, Elm Road community garden."),
        max_length=150,
    )
    what = forms.CharField(
        label=_("What do you want to do?"), widget=forms.Textarea, max_length=4000
    )
    why = forms.CharField(
        label=_("Why is it needed?"), widget=forms.Textarea, max_length=4000
    )
    who_for = forms.CharField(
        label=_("Who is it for?"), widget=forms.Textarea, max_length=2000
    )
    group_name = forms.CharField(
        label=_("If you are proposing it with a group of neighbours, the group's name"),
        help_text=_("For example, Friends of Elm Road. Leave it empty if not."),
        max_length=150,
        required=False,
    )


class WhereForm(GovukForm):
    asset = forms.ChoiceField(
        label=_("Is it on one of these pieces of land or buildings?"),
        widget=forms.RadioSelect,
    )
    where = forms.CharField(
        label=_("Where is it? (if somewhere else)"),
        required=False,
        max_length=500,
    )

    def __init__(self, *args: Any, assets: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["asset"].choices = [  # type: ignore[attr-defined]
            (str(a.uuid), str(a)) for a in assets
        ] + [("", _("Somewhere else"))]
        self.fields["asset"].required = False

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("asset") and not (cleaned.get("where") or "").strip():
            self.add_error("where", _("Say where the project is."))
        return cleaned


class MoneyForm(GovukForm):
    target = PoundsField(
        label=_("How much money does it need, in pounds?"),
        help_text=_("Money and the value of materials count towards it."),
        min_value=1,
    )
    funding_model = forms.ChoiceField(
        label=_("If the target is not reached by the closing date"),
        choices=Project.FundingModel.choices,
        widget=forms.RadioSelect,
    )
    deadline = GovukDateField(label=_("Date pledges close"), future=True)


class CostsForm(GovukForm):
    """Up to three cost items, each with who quoted for it."""

    item_1 = forms.CharField(label=_("First thing to buy"), max_length=200)
    cost_1 = PoundsField(label=_("Its cost, in pounds"))
    quote_1 = forms.CharField(label=_("Who quoted for it"), max_length=200)
    item_2 = forms.CharField(
        label=_("Second thing to buy (if any)"), max_length=200, required=False
    )
    cost_2 = PoundsField(label=_("Its cost, in pounds"), required=False)
    quote_2 = forms.CharField(
        label=_("Who quoted for it"), max_length=200, required=False
    )
    item_3 = forms.CharField(
        label=_("Third thing to buy (if any)"), max_length=200, required=False
    )
    cost_3 = PoundsField(label=_("Its cost, in pounds"), required=False)
    quote_3 = forms.CharField(
        label=_("Who quoted for it"), max_length=200, required=False
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for n in (1, 2, 3):
            if cleaned.get(f"item_{n}") and not cleaned.get(f"cost_{n}"):
                self.add_error(f"cost_{n}", _("Enter what it costs."))
        return cleaned

    def lines(self) -> list[Any]:
        from kith.projects.services import CostLine

        return [
            CostLine(
                self.cleaned_data[f"item_{n}"],
                self.cleaned_data[f"cost_{n}"] or 0,
                self.cleaned_data.get(f"quote_{n}") or "",
            )
            for n in (1, 2, 3)
            if self.cleaned_data.get(f"item_{n}")
        ]


class PermissionsForm(GovukForm):
    permissions_needed = forms.CharField(
        label=_("What permissions are needed?"),
        help_text=_("For example, the owner's licence to use the land, or planning."),
        widget=forms.Textarea,
        max_length=2000,
    )
    milestones = forms.CharField(
        label=_("What are the main steps, and when?"),
        widget=forms.Textarea,
        max_length=2000,
        required=False,
    )
    involves_people_at_risk = forms.TypedChoiceField(
        label=_("Will it involve children or adults at risk?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )


class CheckForm(GovukForm):
    quotes_checked = forms.BooleanField(
        label=_("The quotes are attached and reasonable"), required=False
    )
    owner_permission = forms.BooleanField(
        label=_("The owner has given permission"), required=False
    )
    safeguarding_checked = forms.BooleanField(
        label=_("Safeguarding is in place (if it involves children or adults at risk)"),
        required=False,
    )
    insurance_checked = forms.BooleanField(
        label=_("Insurance is in place"), required=False
    )
    publish = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Publish it")), ("no", _("Ask for changes"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("If asking for changes, what needs to change"),
        widget=forms.Textarea,
        required=False,
        max_length=2000,
    )


class PledgeForm(GovukForm):
    source = forms.ChoiceField(label=_("Who is pledging?"), widget=forms.RadioSelect)
    kind = forms.ChoiceField(
        label=_("What are you pledging?"),
        choices=Pledge.Kind.choices,
        widget=forms.RadioSelect,
    )
    amount = PoundsField(
        label=_("Amount of money, or what the materials are worth, in pounds"),
        required=False,
    )
    description = forms.CharField(
        label=_("What materials or equipment (if any)"), max_length=200, required=False
    )
    hours = forms.IntegerField(
        label=_("Hours of your time (if giving time)"),
        min_value=1,
        max_value=1000,
        required=False,
    )
    release_if_missed = forms.BooleanField(
        label=_("Release this pledge if the target is not reached"), required=False
    )
    on_paper = forms.BooleanField(
        label=_("Entered from a paper pledge form"), required=False
    )
    submission_key = SubmissionKeyField()

    def __init__(
        self, *args: Any, sources: list[tuple[str, Any]], staff: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = sources  # type: ignore[attr-defined]
        if len(sources) == 1:
            self.fields["source"].initial = sources[0][0]
        if not staff:
            del self.fields["on_paper"]


class ReceivedForm(GovukForm):
    received_on = GovukDateField(label=_("Date it was received"))


# --- volunteers, updates, the story ------------------------------------------------


def _times() -> list[tuple[str, str]]:
    return [
        (f"{h:02d}:{m:02d}", f"{h:02d}:{m:02d}") for h in range(7, 21) for m in (0, 30)
    ]


class WorkDayForm(GovukForm):
    starts_on = GovukDateField(label=_("Date"), future=True)
    start_time = forms.ChoiceField(label=_("Start time"), choices=_times)
    minutes = forms.TypedChoiceField(
        label=_("How long"),
        coerce=int,
        choices=[
            (120, _("2 hours")),
            (180, _("3 hours")),
            (240, _("4 hours")),
            (360, _("6 hours")),
        ],
    )
    places = forms.IntegerField(
        label=_("How many volunteers can come"), min_value=1, max_value=200
    )
    description = forms.CharField(
        label=_("What will people do? What should they bring?"),
        widget=forms.Textarea,
        required=False,
        max_length=2000,
    )


class TaskForm(GovukForm):
    title = forms.CharField(
        label=_("What needs doing?"),
        help_text=_("For example, water the beds in August."),
        max_length=150,
    )
    description = forms.CharField(
        label=_("More about it (if needed)"),
        widget=forms.Textarea,
        required=False,
        max_length=2000,
    )
    people_needed = forms.IntegerField(
        label=_("How many people does it need?"), min_value=1, max_value=100
    )


class HoursForm(GovukForm):
    person = forms.TypedChoiceField(label=_("Who"), coerce=int)
    given_on = GovukDateField(label=_("Day"))
    hours = forms.DecimalField(
        label=_("Hours given"),
        min_value=0,
        max_value=24,
        decimal_places=1,
        max_digits=3,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    on_paper = forms.BooleanField(
        label=_("Entered from a paper sign-up sheet"), required=False
    )

    def __init__(
        self, *args: Any, people: list[tuple[int, str]], staff: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = people  # type: ignore[attr-defined]
        if not staff:
            del self.fields["on_paper"]


class UpdateForm(GovukForm):
    words = forms.CharField(
        label=_("What happened?"), widget=forms.Textarea, max_length=4000
    )
    photo = forms.FileField(
        label=_("A photo (if you have one)"),
        help_text=_("A JPEG, PNG or WebP image. Location data is removed."),
        required=False,
    )
    photo_description = forms.CharField(
        label=_("What the photo shows"), max_length=200, required=False
    )


class DoneForm(GovukForm):
    story = forms.CharField(
        label=_("What we did"),
        help_text=_("A short story: what you made, who helped, what it means."),
        widget=forms.Textarea,
        max_length=6000,
    )
    people_served = forms.IntegerField(
        label=_("About how many people does it serve?"),
        min_value=0,
        max_value=10_000_000,
        required=False,
    )
    done_on = GovukDateField(label=_("Date it was finished"))
    before = forms.FileField(label=_("A photo from before"), required=False)
    before_description = forms.CharField(
        label=_("What the before photo shows"), max_length=200, required=False
    )
    after = forms.FileField(label=_("A photo from after"), required=False)
    after_description = forms.CharField(
        label=_("What the after photo shows"), max_length=200, required=False
    )


class FundForm(GovukForm):
    name = forms.CharField(label=_("Name of the fund"), max_length=150)
    organisation = forms.TypedChoiceField(
        label=_("Organisation it belongs to"), coerce=int
    )
    cap = PoundsField(label=_("Most it gives one project, in pounds"), min_value=1)
    cap_percent = forms.IntegerField(
        label=_("Most share of a project's target, in per cent"),
        min_value=1,
        max_value=100,
    )
    budget = PoundsField(
        label=_("Budget across all projects, in pounds (if it has one)"),
        help_text=_(
            "The most it pledges to all projects together this year. Leave it "
            "empty for no overall limit."
        ),
        min_value=1,
        required=False,
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [  # type: ignore[attr-defined]
            (str(o.pk), str(o)) for o in organisations
        ]


class ProjectSettingsForm(GovukForm):
    volunteering_earns_credits = forms.BooleanField(
        label=_("Volunteering on a community project earns time credits"),
        required=False,
    )
