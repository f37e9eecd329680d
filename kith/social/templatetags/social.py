"""Social's template library. Times are shown with the ``clock`` filter, a
builtin from kith.core.templatetags.govuk; this library is kept so that
templates that load it still render."""

from django import template

register = template.Library()
