"""Filters for showing people's details, in every template (a builtin, like
kith.core.templatetags.govuk): ``{{ role|role_label }}``, ``{{ number|phone }}``."""

from django import template

from kith.accounts.models import Role
from kith.accounts.phones import phone_display
from kith.core.templatetags.govuk import humanise

register = template.Library()


@register.filter
def role_label(value: str) -> str:
    try:
        return str(Role(value).label)
    except ValueError:
        return humanise(value)


@register.filter
def phone(value: str) -> str:
    return phone_display(value or "")
