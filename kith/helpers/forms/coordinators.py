"""Coordinators' forms: the list's filters, the skills list, and merging
two records."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kith.core.forms import GovukForm
from kith.helpers.forms.common import _radios
from kith.helpers.models import SHARING_DISTANCES, HelperStatus
from kith.helpers.vetting import VettingLevel


class HelperFilterForm(GovukForm):
    q = forms.CharField(
        label=_("Name, email, phone number, postcode or date of birth"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    ward = forms.TypedChoiceField(
        label=_("Ward"), required=False, coerce=int, empty_value=None
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *HelperStatus.choices],
    )
    skill = forms.TypedChoiceField(
        label=_("Skill"), required=False, coerce=int, empty_value=None
    )
    level = forms.ChoiceField(
        label=_("Vetting level today"),
        required=False,
        choices=[("", _("Any level")), *VettingLevel.choices],
    )
    expiring = forms.BooleanField(
        label=_("Only those with a check running out in the next 30 days"),
        required=False,
    )

    def __init__(self, *args, wards=(), skills=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ward"].choices = [  # type: ignore[attr-defined]
            ("", _("Any ward")),
            *((ward.pk, ward.name) for ward in wards),
        ]
        self.fields["skill"].choices = [  # type: ignore[attr-defined]
            ("", _("Any skill")),
            *((skill.pk, skill.name) for skill in skills),
        ]


class SkillForm(GovukForm):
    name = forms.CharField(
        label=_("Name"),
        help_text=_("Short and plain, like “Gardening” or “Help with letters”."),
        max_length=80,
        error_messages={"required": _("Enter the name of the skill.")},
    )
    description = forms.CharField(
        label=_("Description (optional)"),
        max_length=200,
        required=False,
    )


class SkillEditForm(SkillForm):
    retired = forms.BooleanField(
        label=_("No longer offered"),
        help_text=_(
            "Helpers who have it keep it, but nobody can add it and it is not "
            "offered when applying."
        ),
        required=False,
    )


class MergeForm(GovukForm):
    decision = forms.ChoiceField(
        label=_("What do you want to do?"),
        widget=_radios("m"),
        error_messages={"required": _("Choose what to do.")},
    )

    def __init__(self, *args, this=None, other=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [  # type: ignore[attr-defined]
            (
                "keep_this",
                _("They are the same person: keep the record of %(name)s (#%(pk)s)")
                % {"name": this.full_name, "pk": this.pk},
            ),
            (
                "keep_other",
                _("They are the same person: keep the record of %(name)s (#%(pk)s)")
                % {"name": other.full_name, "pk": other.pk},
            ),
            ("keep_both", _("They are different people: keep both")),
        ]


class SharingAgreeForm(GovukForm):
    """Agreeing to share helpers with a neighbouring locality."""

    partner = forms.TypedChoiceField(
        label=_("Neighbouring locality"),
        coerce=int,
        error_messages={
            "required": _("Choose the neighbouring locality to share helpers with."),
            "invalid_choice": _(
                "Choose the neighbouring locality to share helpers with."
            ),
        },
    )
    max_distance_m = forms.TypedChoiceField(
        label=_("How far from the member’s home may a shared helper live?"),
        help_text=_(
            "The smaller of the two localities’ distances is used. A helper "
            "still goes no further than they said they would travel."
        ),
        coerce=int,
        choices=SHARING_DISTANCES,
        widget=_radios(),
        error_messages={
            "required": _(
                "Choose how far from the member’s home a shared helper may live."
            ),
            "invalid_choice": _(
                "Choose how far from the member’s home a shared helper may live."
            ),
        },
    )

    def __init__(self, *args, partners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose a locality")),
            *((locality.pk, locality.name) for locality in partners),
        ]


class SharingWithdrawForm(GovukForm):
    partner = forms.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Choose the locality to stop sharing with."),
            "invalid": _("Choose the locality to stop sharing with."),
        },
    )
