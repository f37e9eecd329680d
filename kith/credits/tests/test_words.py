from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kith.credits.words import (
    LineFacts,
    credits_number,
    credits_text,
    day_text,
    describe_minutes,
    statement_text,
    what_happened,
)


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (0, "0 minutes"),
        (1, "1 minute"),
        (45, "45 minutes"),
        (60, "1 hour"),
        (90, "1 hour 30 minutes"),
        (120, "2 hours"),
        (135, "2 hours 15 minutes"),
        (-90, "1 hour 30 minutes"),
    ],
)
def test_time_is_said_in_hours_and_minutes(minutes, text):
    assert describe_minutes(minutes, 60) == text


@pytest.mark.parametrize(
    ("minutes", "per_credit", "text"),
    [
        (60, 60, "1 credit"),
        (0, 60, "0 credits"),
        (90, 60, "1.5 credits"),
        (45, 60, "0.75 credits"),
        (15, 60, "0.25 credits"),
        (300, 60, "5 credits"),
        (20, 60, "0.33 credits"),
        (40, 60, "0.67 credits"),
        (-30, 60, "minus 0.5 credits"),
        (30, 30, "1 credit"),
        (45, 30, "1.5 credits"),
    ],
)
def test_credits_are_plain_numbers(minutes, per_credit, text):
    assert credits_text(minutes, per_credit) == text


@given(
    minutes=st.integers(min_value=-100_000, max_value=100_000),
    per_credit=st.integers(min_value=1, max_value=480),
)
def test_credits_number_is_the_rounded_quotient(minutes, per_credit):
    text = credits_number(minutes, per_credit)
    assert abs(float(text) - minutes / per_credit) <= 0.005 + 1e-9
    assert not text.endswith(".") and (("." not in text) or not text.endswith("0"))


@given(st.integers(min_value=0, max_value=100_000))
def test_time_words_add_back_up(minutes):
    words = describe_minutes(minutes).split()
    total = 0
    for number, unit in zip(words[::2], words[1::2], strict=True):
        total += int(number) * (60 if unit.startswith("hour") else 1)
    assert total == minutes


def test_a_date_says_the_year_only_when_it_is_not_this_year():
    assert day_text(date(2026, 3, 3), today=date(2026, 5, 1)) == "Tuesday 3 March"
    assert day_text(date(2025, 3, 3), today=date(2026, 5, 1)) == "Monday 3 March 2025"


@pytest.mark.parametrize(
    ("facts", "text"),
    [
        (
            LineFacts(
                kind="visit",
                minutes=60,
                incoming=False,
                description="gardening with Sam",
            ),
            "1 hour of gardening with Sam",
        ),
        (
            LineFacts(kind="visit", minutes=90, incoming=True, other_name="Joan"),
            "1 hour 30 minutes helping Joan",
        ),
        (
            LineFacts(
                kind="topup", minutes=300, incoming=True, payment_method="cheque"
            ),
            "credits bought by cheque",
        ),
        (
            LineFacts(
                kind="topup",
                minutes=300,
                incoming=True,
                payment_method="card",
                paid_by_name="Sarah Smith",
            ),
            "credits bought by card over the phone, paid for by Sarah Smith",
        ),
        (
            LineFacts(
                kind="grant", minutes=60, incoming=True, description="Winter fund"
            ),
            "credits from the council: Winter fund",
        ),
        (
            LineFacts(kind="joining", minutes=120, incoming=True),
            "credits included with membership",
        ),
        (
            LineFacts(kind="gift", minutes=60, incoming=False, other_kind="pot"),
            "credits given to the circle’s pot",
        ),
        (
            LineFacts(kind="gift", minutes=60, incoming=True, other_name="Sam Okafor"),
            "a gift of credits from Sam Okafor",
        ),
        (
            LineFacts(
                kind="adjustment",
                minutes=30,
                incoming=False,
                description="late cancellation: gardening with Sam",
            ),
            "late cancellation: gardening with Sam",
        ),
    ],
)
def test_statement_lines_in_plain_words(facts, text):
    assert what_happened(facts) == text


def test_a_whole_line_reads_as_a_sentence():
    assert (
        statement_text("Tuesday 3 March", "1 hour of gardening with Sam", "1 credit")
        == "Tuesday 3 March: 1 hour of gardening with Sam — 1 credit"
    )
