"""Forms of the projects part. Each only collects answers; the services
decide."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kith.core.forms import GovukDateField, GovukForm
from kith.projects.models import Asset, Nomination


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
