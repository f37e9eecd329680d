"""Template helpers for GOV.UK Frontend markup."""

from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField

from kith.core.times import clock_text

register = template.Library()


@register.filter
def widget_type(field: BoundField) -> str:
    from kith.core.forms import GovukDateInput

    widget = field.field.widget
    if isinstance(widget, GovukDateInput):
        return "date"
    # CheckboxSelectMultiple is a subclass of RadioSelect: test it first.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    return "input"


@register.filter
def input_type(field: BoundField) -> str:
    return getattr(field.field.widget, "input_type", "text") or "text"


@register.filter
def widget_attr(field: BoundField, name: str) -> str:
    return str(field.field.widget.attrs.get(name, ""))


@register.filter
def is_checked(value: object, choice: object) -> bool:
    """Whether ``choice`` is the field's value, or among its values."""
    if isinstance(value, list | tuple | set):
        return str(choice) in {str(v) for v in value}
    return value is not None and str(value) == str(choice)


@register.simple_tag
def error_id(field: BoundField) -> str:
    return f"{field.html_name}-error"


@register.filter
def first_widget_id(field: BoundField) -> str:
    """The id the error summary links to: the first option of a group."""
    if widget_type(field) in {"radios", "checkboxes"}:
        return f"{field.auto_id}_0"
    if widget_type(field) == "date":
        return f"{field.auto_id}_day"
    return field.auto_id


@register.filter
def humanise(value: str) -> str:
    """``person_created`` → ``Person created``."""
    text = str(value or "").replace("_", " ").strip()
    return text[:1].upper() + text[1:]


@register.filter
def date_parts(field: BoundField) -> list[tuple[str, str, str, str]]:
    """(suffix, label, value, width) for each box of a GOV.UK date input."""
    value = field.value()
    if isinstance(value, list | tuple):
        parts = [str(part or "") for part in value]
    else:
        parts = [str(part or "") for part in field.field.widget.decompress(value)]
    return [
        ("day", "Day", parts[0], "2"),
        ("month", "Month", parts[1], "2"),
        ("year", "Year", parts[2], "4"),
    ]


@register.filter
def pounds(pence: int | None) -> str:
    """``1250`` → ``£12.50``; ``1000`` → ``£10``."""
    from kith.core.money import pounds as format_pounds

    return format_pounds(int(pence or 0))


@register.filter
def clock(value: Any) -> str:
    """A time the GOV.UK way, in local time: ``10am``, ``2:30pm``, ``midday``,
    ``midnight``. The one way templates show a time (see kith.core.times)."""
    return clock_text(value) if value is not None and value != "" else ""
