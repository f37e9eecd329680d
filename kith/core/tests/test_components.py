"""The shared GOV.UK components: summary lists and rows are written once,
in kith/core/templatetags/components.py, and nowhere by hand."""

import re
from pathlib import Path

from django.template import Context, Template

KITH = Path(__file__).resolve().parents[2]


def render(text: str, **context) -> str:
    return Template("{% load components %}" + text).render(Context(context))


def test_rows_without_actions_say_so_only_beside_rows_with_them():
    mixed = render(
        "{% summary_list %}"
        '{% summary_row "Name" change="/name/" %}Joan{% endsummary_row %}'
        '{% summary_row "Born" %}1944{% endsummary_row %}'
        "{% endsummary_list %}"
    )
    assert mixed.count("govuk-summary-list__row--no-actions") == 1
    assert '<a class="govuk-link" href="/name/">Change' in mixed
    assert '<span class="govuk-visually-hidden"> name</span>' in mixed
    plain = render(
        '{% summary_list %}{% summary_row "Born" %}1944{% endsummary_row %}'
        "{% endsummary_list %}"
    )
    assert "no-actions" not in plain and "\x00" not in plain


def test_a_key_with_markup_is_written_as_a_block():
    page = render(
        '{% summary_list "govuk-summary-list--no-border" %}'
        '{% summary_row change=url hidden="her answer" %}<a href="/m/1/">{{ name }}</a>'
        "{% summary_value %}Yes{% endsummary_row %}{% endsummary_list %}",
        name="Joan <Smith>",
        url="/answer/",
    )
    assert '<dl class="govuk-summary-list govuk-summary-list--no-border">' in page
    assert (
        '<dt class="govuk-summary-list__key"><a href="/m/1/">Joan &lt;Smith&gt;</a>'
        in page
    )
    assert '<dd class="govuk-summary-list__value">Yes</dd>' in page
    assert "> her answer</span>" in page


def test_no_template_writes_a_summary_list_by_hand():
    written = {
        str(path.relative_to(KITH.parent)): len(
            re.findall(r'class="govuk-summary-list(__row)?["\s]', path.read_text())
        )
        for path in KITH.rglob("templates/**/*.html")
    }
    assert {name: n for name, n in written.items() if n} == {}
