"""Forms of reports: a survey's answers, a refusal, the figures' chooser,
the council's proxy values and prices of help."""

import uuid
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kith.core.forms import GovukForm, SubmissionKeyField
from kith.reports.models import Instrument, Survey

STAFF_HOW = [
    (Survey.How.PHONE, _("By phone")),
    (Survey.How.PAPER, _("On paper")),
]


def item_field_name(item_id: int) -> str:
    return f"item_{item_id}"


class _Keyed(GovukForm):
    key = SubmissionKeyField()

    def __init__(self, *args: Any, staff: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("key", uuid.uuid4().hex)
        if staff:
            self.fields["how"] = forms.ChoiceField(
                label=_("How did the member answer?"),
                choices=STAFF_HOW,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose how the member answered.")},
            )
            self.order_fields(["how"])

    def how(self) -> str:
        return str(self.cleaned_data.get("how") or Survey.How.ONLINE)


class SurveyForm(_Keyed):
    """Every item of the instruments asked now, each optional: an item left
    unanswered is recorded as not answered."""

    def __init__(
        self, *args: Any, instruments: list[Instrument], staff: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, staff=staff, **kwargs)
        self.instruments = instruments
        for instrument in instruments:
            for item in instrument.items.all():
                self.fields[item_field_name(item.pk)] = forms.TypedChoiceField(
                    label=item.text,
                    choices=[(str(score), words) for score, words in item.answers],
                    coerce=int,
                    required=False,
                    empty_value=None,
                    widget=forms.RadioSelect(
                        attrs={"small": True} if len(item.answers) > 5 else {}
                    ),
                    help_text=_("Leave it blank if they would rather not answer."),
                )

    def sections(self) -> list[tuple[Instrument, list[Any]]]:
        """Each instrument with its items' bound fields, for the page."""
        return [
            (
                instrument,
                [self[item_field_name(item.pk)] for item in instrument.items.all()],
            )
            for instrument in self.instruments
        ]

    def answers(self) -> dict[int, int | None]:
        return {
            item.pk: self.cleaned_data.get(item_field_name(item.pk))
            for instrument in self.instruments
            for item in instrument.items.all()
        }


class DeclineForm(_Keyed):
    stop_asking = forms.BooleanField(
        label=_("Do not ask them again"),
        required=False,
        help_text=_("Otherwise they are asked again at the next survey."),
    )


class PeriodForm(forms.Form):
    """The reports' chooser, read from the address: a bad value is reported
    and the default used, never a server error."""

    start = forms.CharField(required=False)
    end = forms.CharField(required=False)


class PoundsField(forms.DecimalField):
    """Pounds and pence, typed with or without a pound sign and commas;
    cleaned to whole pence."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.replace("£", "").replace(",", "").strip()
        return super().to_python(value)

    def clean(self, value: Any) -> int | None:
        amount = super().clean(value)
        return None if amount is None else int(amount * 100)


class ProxyValueForm(GovukForm):
    """A proxy value, added or changed. The service checks the rules again
    (ranges, the licence, an outcome already valued)."""

    key = SubmissionKeyField()
    outcome = forms.CharField(
        label=_("Outcome it values"),
        max_length=150,
        help_text=_("For example, “Feeling in control of life”."),
        error_messages={"required": _("Enter the outcome it values.")},
    )
    value_pence = PoundsField(
        label=_("Value for one person, in pounds"),
        min_value=Decimal(0),
        max_value=Decimal(1_000_000),
        error_messages={
            "required": _("Enter the value for one person, in pounds."),
            "invalid": _("Enter the value as pounds and pence, like 1250.00."),
            "min_value": _("The value cannot be less than £0."),
            "max_value": _("Enter a value of at most £1,000,000."),
            "max_decimal_places": _("Enter the value to the penny at most."),
        },
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=300,
        help_text=_("Where the value comes from: the publication and its table."),
        error_messages={"required": _("Enter where the value comes from.")},
    )
    year = forms.IntegerField(
        label=_("Year of its prices"),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": _("Enter the year of its prices, like 2024."),
            "invalid": _("Enter the year as a number, like 2024."),
        },
    )
    licence = forms.CharField(
        label=_("Licence"),
        max_length=200,
        help_text=_(
            "The licence under which the council may use and publish it, "
            "with its reference."
        ),
        error_messages={
            "required": _("Enter the licence under which the council may use it.")
        },
    )
    deadweight_percent = forms.DecimalField(
        label=_("Deadweight, as a percentage"),
        help_text=_(
            "The share of the outcome that would have happened anyway, 0 to 100."
        ),
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=2,
        max_digits=5,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={
            "required": _("Enter the deadweight, 0 if there is none."),
            "invalid": _("Enter the deadweight as a number from 0 to 100."),
            "min_value": _("Enter the deadweight as a percentage from 0 to 100."),
            "max_value": _("Enter the deadweight as a percentage from 0 to 100."),
            "max_decimal_places": _("Enter the deadweight to two decimal places."),
            "max_digits": _("Enter the deadweight as a percentage from 0 to 100."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("key", uuid.uuid4().hex)

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("key", None)
        return data


class HelpValueForm(GovukForm):
    pence_per_hour = PoundsField(
        label=_("What a business would charge for an hour, in pounds"),
        min_value=Decimal("0.01"),
        max_value=Decimal(1000),
        required=False,
        help_text=_("Leave it empty to take the price away."),
        error_messages={
            "invalid": _("Enter the price as pounds and pence, like 18.50."),
            "min_value": _("Enter a price of at least 1p."),
            "max_value": _("Enter a price of at most £1,000 an hour."),
            "max_decimal_places": _("Enter the price to the penny at most."),
        },
    )
    source = forms.CharField(
        label=_("Where the price comes from"),
        max_length=300,
        required=False,
        help_text=_("For example, the rates of local home-help firms in 2026."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("pence_per_hour") is not None
            and not (data.get("source") or "").strip()
        ):
            self.add_error("source", _("Enter where the price comes from."))
        return data
