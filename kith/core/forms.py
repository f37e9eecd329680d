"""GOV.UK Design System form rendering for Django forms.

``{{ form }}`` and ``{{ form.field.as_field_group }}`` render each field the
GOV.UK way: label, hint, error message and input with the right classes.
Errors also appear in an error summary at the top of the page
(``core/_error_summary.html``).
"""

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates
from django.utils import timezone
from django.utils.translation import gettext as _


class GovukFormRenderer(DjangoTemplates):
    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"


class GovukForm(forms.Form):
    """Base for Kith's forms: errors say what to do, in the GOV.UK way."""

    def add_application_error(self, error: Exception) -> None:
        """Put an ApplicationError's message next to its field (or at the top)."""
        field = getattr(error, "field", None)
        message = getattr(error, "message", str(error))
        self.add_error(field if field in self.fields else None, message)


class GovukDateInput(forms.MultiWidget):
    """The GOV.UK date input: day, month and year boxes."""

    template_name = "core/forms/date_widget.html"

    def __init__(self, attrs=None):
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            "day": forms.TextInput(attrs={"inputmode": "numeric"}),
            "month": forms.TextInput(attrs={"inputmode": "numeric"}),
            "year": forms.TextInput(attrs={"inputmode": "numeric"}),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        if isinstance(value, str) and value.count("-") == 2:
            year, month, day = value.split("-")
            return [day, month, year]
        return [None, None, None]


class GovukDateField(forms.Field):
    """A date typed as day, month and year, with the GOV.UK error messages.

    ``past`` refuses today and later dates; ``future`` refuses earlier ones.
    """

    widget = GovukDateInput

    def __init__(self, *, past: bool = False, future: bool = False, **kwargs):
        self.past, self.future = past, future
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                value = [None, None, None]
        day, month, year = (
            (str(part).strip() if part is not None else "")
            for part in value or [None] * 3
        )
        label = str(self.label or _("The date"))
        if not (day or month or year):
            if self.required:
                raise ValidationError(
                    _("Enter %(label)s.") % {"label": label.lower()}, code="required"
                )
            return None
        missing = [
            name
            for name, part in (
                (_("a day"), day),
                (_("a month"), month),
                (_("a year"), year),
            )
            if not part
        ]
        if missing:
            raise ValidationError(
                _("%(label)s must include %(parts)s.")
                % {"label": label, "parts": _(" and ").join(missing)},
                code="incomplete",
            )
        if not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:
            raise ValidationError(
                _("%(label)s must be a real date.") % {"label": label}, code="invalid"
            )
        try:
            return date(int(year), int(month), int(day))
        except (ValueError, OverflowError) as exc:
            # A day or month too big for the machine's integers is no real
            # date either: the same message, never a server error.
            raise ValidationError(
                _("%(label)s must be a real date.") % {"label": label}, code="invalid"
            ) from exc

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        today = timezone.localdate()
        label = str(self.label or _("The date"))
        if self.past and value >= today:
            raise ValidationError(
                _("%(label)s must be in the past.") % {"label": label}, code="not_past"
            )
        if self.future and value < today:
            raise ValidationError(
                _("%(label)s must be today or in the future.") % {"label": label},
                code="not_future",
            )
        if value.year < 1900:
            raise ValidationError(
                _("%(label)s must be after 1900.") % {"label": label}, code="too_early"
            )

    def prepare_value(self, value):
        return value


#: The largest whole number the databases hold (a 64-bit signed integer).
_LARGEST_KEY = 2**63 - 1


class GovukModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, except that a value no record could have (not a
    whole number, or too big for the database) is refused as not one of the
    choices, rather than reaching the database and failing there."""

    def _check_values(self, value: Any) -> Any:
        if self.to_field_name is None:
            for key in value:
                text = str(key).strip()
                if not text.lstrip("-").isdigit() or abs(int(text)) > _LARGEST_KEY:
                    raise ValidationError(
                        self.error_messages["invalid_choice"],
                        code="invalid_choice",
                        params={"value": key},
                    )
        return super()._check_values(value)  # type: ignore[misc]


class SubmissionKeyField(forms.Field):
    """The hidden token a form page carries so that a double click or a retry
    makes one record, not two.

    Only a token the page itself could have made (32 hex digits) is kept;
    anything else, including a tampered or missing value, is treated as no
    token at all rather than shown as an error on a field nobody can see.
    """

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        text = value if isinstance(value, str) else ""
        if len(text) == 32 and all(c in "0123456789abcdef" for c in text):
            return text
        return ""
