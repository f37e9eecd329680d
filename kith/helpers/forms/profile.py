"""Forms for changing a helper's profile and status."""

from datetime import time

from django import forms
from django.utils.translation import gettext_lazy as _

from kith.core.forms import GovukDateField, GovukForm
from kith.helpers.forms.applying import (
    PayForm,
    TravelDistanceForm,
    TravelModesForm,
    VisitsForm,
)
from kith.helpers.forms.common import time_choices
from kith.helpers.models import WEEKDAYS, SkillLevel


class ProfileSkillsForm(GovukForm):
    """Every skill on the locality's list, with "not offered" or a level."""

    NOT_OFFERED = ""

    def __init__(self, *args, skills=(), **kwargs):
        super().__init__(*args, **kwargs)
        for skill in skills:
            self.fields[f"level_{skill.pk}"] = forms.ChoiceField(
                label=skill.name,
                choices=[(self.NOT_OFFERED, _("Not offered")), *SkillLevel.choices],
                required=False,
                widget=forms.RadioSelect(attrs={"legend_size": "s", "small": "1"}),
            )

    def levels(self) -> dict[int, str]:
        return {
            int(name.removeprefix("level_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("level_") and value
        }


class DetailsForm(GovukForm):
    travel_distance_m = TravelDistanceForm.base_fields["travel_distance_m"]
    travel_modes = TravelModesForm.base_fields["travel_modes"]
    max_visits_per_week = VisitsForm.base_fields["max_visits_per_week"]
    pay_basis = PayForm.base_fields["pay_basis"]


class SlotForm(GovukForm):
    weekday = forms.TypedChoiceField(
        label=_("Day"),
        choices=[("", _("Choose a day")), *WEEKDAYS],
        coerce=int,
        error_messages={"required": _("Choose a day.")},
    )
    starts_at = forms.ChoiceField(
        label=_("From"),
        choices=time_choices,
        initial="09:00",
        error_messages={"required": _("Choose a start time.")},
    )
    ends_at = forms.ChoiceField(
        label=_("To"),
        choices=time_choices,
        initial="12:00",
        error_messages={"required": _("Choose an end time.")},
    )

    def times(self) -> tuple[time, time]:
        return (
            time.fromisoformat(self.cleaned_data["starts_at"]),
            time.fromisoformat(self.cleaned_data["ends_at"]),
        )


class TimeAwayForm(GovukForm):
    starts_on = GovukDateField(
        label=_("First day away"), help_text=_("For example, 27 3 2027")
    )
    ends_on = GovukDateField(
        label=_("Last day away"), help_text=_("For example, 10 4 2027")
    )
    reason = forms.CharField(
        label=_("Reason (optional)"),
        help_text=_("For example, a holiday."),
        max_length=150,
        required=False,
    )


class ReasonForm(GovukForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": "3"}),
        error_messages={"required": _("Enter the reason.")},
    )


class OptionalReasonForm(GovukForm):
    reason = forms.CharField(
        label=_("Anything to note? (optional)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": "3"}),
    )
