"""Forms of reports: a survey's answers, a refusal, the figures' chooser."""

import uuid
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
