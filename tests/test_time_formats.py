"""Times are written one way (10am, 2:30pm, midday, midnight), in local time,
through one filter in templates (``clock``) and kith.core.times in code. This
test keeps other ways from coming back: a template that formats a time
itself, or code that formats one with strftime or a format string."""

import re
from pathlib import Path

KITH = Path(__file__).resolve().parent.parent / "kith"

# Django's time format characters: a A b B f g G h H i P s u e O T Z c r U.
TIME_CHARS = "aAfgGhHiPsuOTZcrU"
TEMPLATE_RULES = [
    (re.compile(r"\|\s*time\b"), "the time filter"),
    (
        re.compile(r"\|\s*date\s*:\s*[\"']([^\"']*)[\"']"),
        "a date format with a time in it",
    ),
    (re.compile(r"\{%\s*now\s+[\"']([^\"']*)[\"']"), "a now tag with a time in it"),
    (re.compile(r"\|\s*(naturaltime)\b"), "naturaltime"),
]
CODE_RULES = [
    (re.compile(r"strftime\([^)]*%[HIMpklSr]"), "strftime with a time"),
    # A time for people has a colon or am/pm; machine keys (%Y%m%d%H%M) do not.
    (
        re.compile(r"\{[^{}:]+:[^{}]*(%H:%M|%-?I|%p)[^{}]*\}"),
        "an f-string time format",
    ),
    (re.compile(r"\bTIME_FORMAT\b|\bTIME_INPUT_FORMATS\b"), "a time format setting"),
    (re.compile(r"time_format\("), "django's time_format"),
]
# Written for machines, not people: file names, CSV, JSON and calendar feeds.
CODE_ALLOWED = {
    "kith/core/times.py",
    "kith/notify/channels.py",
    "kith/social/ical.py",
    "kith/matching/engine.py",  # the engine's own words, for the command line
    "kith/openreferral/records.py",  # Open Referral UK's opens_at: "HH:MM:SS"
}


def _has_time_chars(fmt: str) -> bool:
    # Backslash-escaped characters are literal text, not format characters.
    fmt = re.sub(r"\\.", "", fmt)
    return any(char in TIME_CHARS for char in fmt)


def template_offences(text: str) -> list[str]:
    found = []
    for rule, name in TEMPLATE_RULES:
        for match in rule.finditer(text):
            if match.groups() and not _has_time_chars(match.group(1)):
                continue
            found.append(f"{name}: {match.group(0)}")
    return found


def code_offences(text: str) -> list[str]:
    return [
        f"{name}: {match.group(0)}"
        for rule, name in CODE_RULES
        for match in rule.finditer(text)
    ]


def test_the_checks_catch_each_old_way():
    assert template_offences('{{ v.starts_at|time:"g:i a" }}')
    assert template_offences("{{ v.starts_at|time }}")
    assert template_offences('{{ e.created_at|date:"j M Y H:i" }}')
    assert template_offences('{% blocktranslate with when=c.at|date:"H:i" %}')
    assert template_offences('{% now "j F Y H:i" %}')
    assert not template_offences(
        '{{ v.starts_at|date:"l j F" }}, {{ v.starts_at|clock }}'
    )
    assert not template_offences('{{ a.starts_on|date:"j F Y" }}')
    assert code_offences('local.strftime("%-I:%M%p")')
    assert code_offences('f"{start:%a} {start.day} {start:%b}, {start:%H:%M}"')
    assert not code_offences('f"{first:%Y-%m}"')
    assert not code_offences("date.fromisoformat(value)")


def test_no_template_formats_a_time_but_through_clock():
    found = {
        str(path.relative_to(KITH.parent)): offences
        for path in KITH.rglob("templates/**/*.html")
        if (offences := template_offences(path.read_text()))
    }
    assert found == {}


def test_no_code_formats_a_time_but_through_kith_core_times():
    found = {}
    for path in KITH.rglob("*.py"):
        name = str(path.relative_to(KITH.parent))
        if "/tests/" in name or "/migrations/" in name or name in CODE_ALLOWED:
            continue
        if offences := code_offences(path.read_text()):
            found[name] = offences
    assert found == {}
