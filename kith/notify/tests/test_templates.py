"""Every message template renders with example data, and docs/notify.md
lists them all as they are now."""

import pytest
from django.conf import settings

from kith.notify.docs import example_values, notify_doc
from kith.notify.templates_text import TEMPLATES, fields, render

REQUIRED = [
    "welcome",
    "sign_in_code",
    "membership_renewal",
    "visit_offered",
    "visit_confirmed",
    "visit_reminder",
    "visit_cancelled",
    "how_did_it_go",
    "low_credit_balance",
    "vetting_check_lapsing",
    "activity_reminder",
    "monthly_letter",
]


def test_every_message_the_service_promises_has_a_template():
    assert set(REQUIRED) <= set(TEMPLATES)


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_each_template_renders_with_example_data(template):
    values = example_values(template)
    subject, body = render(template, values)
    assert subject and body
    assert "{" not in subject + body and "}" not in subject + body
    if "locality_name" in fields(template):
        # Signed by the locality.
        assert body.rstrip().endswith(("Riverside Circle", "020 7946 0000"))
    assert len(subject) <= 120


def test_a_missing_value_is_a_programming_error():
    with pytest.raises(KeyError):
        render("visit_reminder", {"name": "Joan"})


def test_fields_are_listed_in_order_of_use():
    assert fields("visit_reminder")[:2] == ["when", "name"]


def test_docs_notify_md_is_up_to_date():
    doc = settings.BASE_DIR / "docs" / "notify.md"
    assert doc.read_text(encoding="utf-8") == notify_doc(), (
        "docs/notify.md is out of date: run `python manage.py notify_docs`"
    )


def test_the_doc_uses_notify_personalisation_syntax():
    text = notify_doc()
    assert "((locality_name))" in text and "{locality_name}" not in text
    for name in TEMPLATES:
        assert f"## `{name}`" in text
