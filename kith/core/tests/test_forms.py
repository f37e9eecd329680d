"""The GOV.UK date input: the error messages the Design System asks for."""

import pytest

from kith.core.forms import GovukDateField, GovukForm


class F(GovukForm):
    born = GovukDateField(label="Date of birth", past=True)


@pytest.mark.parametrize(
    ("data", "ok", "msg"),
    [
        ({"born_day": "3", "born_month": "4", "born_year": "1950"}, True, ""),
        (
            {"born_day": "", "born_month": "", "born_year": ""},
            False,
            "Enter date of birth.",
        ),
        (
            {"born_day": "3", "born_month": "", "born_year": "1950"},
            False,
            "must include a month",
        ),
        (
            {"born_day": "31", "born_month": "2", "born_year": "1950"},
            False,
            "must be a real date",
        ),
        (
            {"born_day": "1", "born_month": "1", "born_year": "2099"},
            False,
            "must be in the past",
        ),
        # Numbers too big for a date: a clear message, never a server error.
        (
            {"born_day": "9" * 30, "born_month": "4", "born_year": "1950"},
            False,
            "Date of birth must be a real date.",
        ),
        (
            {"born_day": "3", "born_month": "9" * 20, "born_year": "1950"},
            False,
            "Date of birth must be a real date.",
        ),
        (
            {"born_day": "3", "born_month": "4", "born_year": "0001"},
            False,
            "must be after 1900",
        ),
        (
            {"born_day": "3", "born_month": "4", "born_year": "9" * 5000},
            False,
            "Date of birth must be a real date.",
        ),
        (
            {"born_day": "\u00b2", "born_month": "4", "born_year": "1950"},
            False,
            "Date of birth must be a real date.",
        ),
    ],
)
def test_date(data, ok, msg):
    f = F(data)
    assert f.is_valid() == ok, f.errors
    if not ok:
        assert msg in str(f.errors)
    html = str(f["born"].as_field_group())
    assert 'name="born_day"' in html


def test_checkbox_groups_render_as_checkboxes_and_radios_as_radios():
    from django import forms

    class Choices(GovukForm):
        many = forms.MultipleChoiceField(
            label="Many",
            choices=[("a", "A"), ("b", "B")],
            widget=forms.CheckboxSelectMultiple,
        )
        one = forms.ChoiceField(
            label="One", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect
        )

    html = str(Choices())
    assert html.count('type="checkbox"') == 2
    assert html.count('type="radio"') == 2
