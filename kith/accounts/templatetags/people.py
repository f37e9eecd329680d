"""Filters for showing people's details, in every template (a builtin, like
kith.core.templatetags.govuk): ``{{ role|role_label }}``, ``{{ number|phone }}``,
``{% tell_apart person born %}``."""

from datetime import date
from typing import Any

from django import template
from django.utils import timezone

from kith.accounts.models import Role
from kith.accounts.phones import phone_display
from kith.accounts.search import person_tell_apart
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


@register.simple_tag
def tell_apart(person: Any, born: date | None = None) -> str:
    """``{% tell_apart person born %}``: date of birth and age, postcode and
    phone, so that two people with the same name are told apart."""
    return person_tell_apart(person, born=born, today=timezone.localdate())
