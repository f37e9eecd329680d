"""GOV.UK Design System form rendering for Django forms.

``{{ form }}`` and ``{{ form.field.as_field_group }}`` render each field the
GOV.UK way: label, hint, error message and input with the right classes.
Errors also appear in an error summary at the top of the page
(``core/_error_summary.html``).
"""

from django import forms
from django.forms.renderers import DjangoTemplates


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
