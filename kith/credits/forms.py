"""Forms for credits. Amounts are typed as credits (``5``, ``2.5``) and held
as whole minutes; money is typed in pounds and held in pence."""

import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kith.core.forms import GovukDateField, GovukForm
from kith.credits.models import PaymentMethod


def new_key() -> str:
    """A fresh idempotency key for a form: kept in a hidden field, so a
    double click or a resent form moves credits once."""
    return uuid.uuid4().hex


class CreditsField(forms.Field):
    """A number of credits, returned as whole minutes."""

    def __init__(self, *, minutes_per_credit: int = 60, **kwargs: Any) -> None:
        self.minutes_per_credit = minutes_per_credit
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "width": "5"})
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        text = str(value).strip() if value is not None else ""
        if not text:
            return None
        if len(text) > 10:
            raise ValidationError(_("Enter the number of credits, like 5 or 2.5."))
        try:
            number = Decimal(str(text).strip().replace(",", "."))
        except InvalidOperation as exc:
            raise ValidationError(
                _("Enter the number of credits, like 5 or 2.5."), code="invalid"
            ) from exc
        if not number.is_finite() or number <= 0:
            raise ValidationError(_("Enter a number of credits more than 0."))
        minutes = number * self.minutes_per_credit
        if minutes != minutes.to_integral_value():
            raise ValidationError(
                _("Enter a number of credits that is a whole number of minutes.")
            )
        if minutes > 100 * 60:
            raise ValidationError(_("That is more than 100 hours. Check the number."))
        return int(minutes)


class PoundsField(forms.DecimalField):
    """Pounds and pence, returned as pence."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", Decimal("0.01"))
        kwargs.setdefault("max_value", Decimal("10000"))
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "width": "5"})
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Any:
        amount = super().clean(value)
        return None if amount is None else int(amount * 100)


class TopupForm(GovukForm):
    """A payment for credits, taken by a coordinator."""

    credits = CreditsField(
        label=_("How many credits did they buy?"),
        help_text=_("For example, 5, or 2.5 for two and a half hours."),
        error_messages={"required": _("Enter how many credits they bought.")},
    )
    amount = PoundsField(
        label=_("How much was paid, in pounds?"),
        help_text=_("For example, 45 or 22.50."),
        error_messages={
            "required": _("Enter how much was paid."),
            "invalid": _("Enter the amount as a number, like 45 or 22.50."),
            "min_value": _("Enter an amount more than £0."),
            "max_value": _("Enter an amount of £10,000 or less."),
        },
    )
    method = forms.ChoiceField(
        label=_("How was it paid?"),
        choices=PaymentMethod.choices,
        widget=forms.RadioSelect(attrs={"legend_size": "s"}),
        error_messages={"required": _("Choose how it was paid.")},
    )
    reference = forms.CharField(
        label=_("Payment reference"),
        help_text=_(
            "The cheque number, card receipt or bank reference. Not needed for cash."
        ),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"width": "20"}),
    )
    paid_by = forms.ChoiceField(
        label=_("Who paid?"),
        widget=forms.RadioSelect(attrs={"legend_size": "s"}),
        error_messages={"required": _("Choose who paid.")},
    )
    paid_by_other = forms.CharField(
        label=_("Name of the person who paid, if someone else"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    paid_on = GovukDateField(label=_("Date paid"), help_text=_("For example, 7 3 2026"))
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(
        self,
        *args: Any,
        member_name: str,
        supporters: list[Any],
        minutes_per_credit: int,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["credits"].minutes_per_credit = minutes_per_credit  # type: ignore[attr-defined]
        self.supporters = {f"supporter:{link.pk}": link for link in supporters}
        self.fields["paid_by"].choices = [  # type: ignore[attr-defined]
            ("member", member_name),
            *(
                (value, _("%(name)s, their supporter") % {"name": link.name})
                for value, link in self.supporters.items()
            ),
            ("other", _("Someone else")),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        paid_by = data.get("paid_by")
        if paid_by == "other" and not data.get("paid_by_other", "").strip():
            self.add_error("paid_by_other", _("Enter the name of the person who paid."))
        return data

    def paid_by_name(self) -> str:
        paid_by = self.cleaned_data["paid_by"]
        if paid_by in self.supporters:
            return str(self.supporters[paid_by].name)
        if paid_by == "other":
            return str(self.cleaned_data["paid_by_other"]).strip()
        return ""


class GrantForm(GovukForm):
    credits = CreditsField(
        label=_("How many credits?"),
        help_text=_("For example, 5, or 2.5 for two and a half hours."),
        error_messages={"required": _("Enter how many credits to grant.")},
    )
    reason = forms.CharField(
        label=_("What is the grant for?"),
        help_text=_(
            "The member sees this on their statement. For example, winter support fund."
        ),
        max_length=200,
        error_messages={"required": _("Enter what the grant is for.")},
    )
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, minutes_per_credit: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["credits"].minutes_per_credit = minutes_per_credit  # type: ignore[attr-defined]


class GiftForm(GovukForm):
    to = forms.ChoiceField(
        label=_("Who would you like to give credits to?"),
        choices=[
            ("pot", _("The circle’s pot, for members who need help and cannot pay")),
            ("member", _("A member I know")),
        ],
        widget=forms.RadioSelect(attrs={"legend_size": "m"}),
        error_messages={"required": _("Choose who to give credits to.")},
    )
    name = forms.CharField(
        label=_("The member’s full name, if you chose a member"),
        help_text=_("As they would write it, for example Joan Smith."),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    credits = CreditsField(
        label=_("How many credits?"),
        help_text=_("1 credit is 1 hour of help. For example, 1 or 2.5."),
        error_messages={"required": _("Enter how many credits to give.")},
    )

    def __init__(self, *args: Any, minutes_per_credit: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["credits"].minutes_per_credit = minutes_per_credit  # type: ignore[attr-defined]
        self.fields["credits"].help_text = _(
            "1 credit is %(time)s of help. For example, 1 or 2.5."
        ) % {"time": _time(minutes_per_credit)}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("to") == "member" and not data.get("name", "").strip():
            self.add_error("name", _("Enter the member’s full name."))
        return data


def _time(minutes: int) -> str:
    from kith.credits.words import describe_minutes

    return describe_minutes(minutes)


class ReverseForm(GovukForm):
    reason = forms.CharField(
        label=_("Why is this being put right?"),
        help_text=_(
            "The member sees this on their statement. For example, entered twice."
        ),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Enter why this is being put right.")},
    )


class PeriodForm(GovukForm):
    start = GovukDateField(label=_("From"), help_text=_("For example, 1 3 2026"))
    end = GovukDateField(label=_("To"), help_text=_("For example, 31 3 2026"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error(
                    "end",
                    _("The end date must be the same as or after the start date."),
                )
            elif (end - start).days > 366:
                self.add_error("end", _("Choose a period of a year or less."))
        return data


class SearchForm(GovukForm):
    q = forms.CharField(
        label=_("Name, phone number, postcode or date of birth"),
        required=False,
        max_length=100,
    )
    low = forms.BooleanField(
        label=_("Only members with less than 1 credit"), required=False
    )


class OverdraftForm(GovukForm):
    choice = forms.ChoiceField(
        label=_("How far below nothing may they go?"),
        widget=forms.RadioSelect(attrs={"legend_size": "m"}),
        error_messages={"required": _("Choose an overdraft.")},
    )
    minutes = forms.IntegerField(
        label=_("Their own overdraft, in minutes"),
        help_text=_("For example, 60 for one hour. Only if you chose their own."),
        min_value=0,
        max_value=6000,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "width": "4"}),
        error_messages={
            "invalid": _("Enter a whole number of minutes."),
            "min_value": _("Enter 0 or more minutes."),
            "max_value": _("Enter 6000 minutes (100 hours) or fewer."),
        },
    )

    def __init__(self, *args: Any, locality_limit: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["choice"].choices = [  # type: ignore[attr-defined]
            (
                "locality",
                _("The circle’s usual limit (%(limit)s)") % {"limit": locality_limit},
            ),
            ("own", _("Their own limit")),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("choice") == "own" and data.get("minutes") is None:
            self.add_error("minutes", _("Enter their overdraft in minutes."))
        return data


class SettingsForm(GovukForm):
    minutes_per_credit = forms.IntegerField(
        label=_("How many minutes of help is one credit?"),
        help_text=_("Usually 60: one credit is one hour."),
        min_value=15,
        max_value=480,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "width": "3"}),
        error_messages={
            "required": _("Enter the minutes in one credit."),
            "invalid": _("Enter a whole number of minutes."),
            "min_value": _("A credit must be at least 15 minutes."),
            "max_value": _("A credit must be 480 minutes (8 hours) or less."),
        },
    )
    overdraft_limit_minutes = forms.IntegerField(
        label=_("How far below nothing may members go, in minutes?"),
        help_text=_("0 means members cannot have help they have no credits for."),
        min_value=0,
        max_value=6000,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "width": "4"}),
        error_messages={
            "required": _("Enter the overdraft in minutes, or 0."),
            "invalid": _("Enter a whole number of minutes."),
            "min_value": _("Enter 0 or more minutes."),
            "max_value": _("Enter 6000 minutes (100 hours) or fewer."),
        },
    )
