"""How the words a coordinator types into a search box become what to look
for: a phone number in any spacing or form, a postcode in any spacing or
case, a date of birth written the way people write dates, or parts of a name.

Pure functions: the selectors turn the result into one filter on the
``search_text`` column that the database keeps (``User.search_text``), so a
search stays one scan of one column however it was typed. And what is
shown beside a name so that two people with the same name are told apart.
"""

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kith.accounts.phones import phone_display

_POSTCODE = re.compile(r"[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}")
_NUMBERISH = re.compile(r"\+?[\d()\-.]+")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}


@dataclass(frozen=True)
class SearchTerms:
    """``texts``: each must appear in the person's ``search_text``.
    ``born``: the query was a date, so look for that date of birth."""

    texts: tuple[str, ...] = ()
    born: date | None = None

    def __bool__(self) -> bool:
        return bool(self.texts) or self.born is not None


def phone_digits(raw: str) -> str:
    """The digits of a UK phone number (or part of one) as written from 0:
    ``+44 (0)20 7946 5229``, ``0044 20 7946 5229`` and ``020-7946-5229`` all
    give ``02079465229``; a part such as ``7946 5229`` gives its digits."""
    compact = re.sub(r"[\s\-().]", "", raw.replace("(0)", ""))
    if compact.startswith("+44"):
        return "0" + compact[3:].lstrip("0")
    if compact.startswith("0044"):
        return "0" + compact[4:].lstrip("0")
    return compact.lstrip("+")


def _year(text: str, today: date) -> int | None:
    if len(text) == 4:
        return int(text)
    if len(text) == 2:
        # A date of birth is in the past: '44' is 1944, not 2044.
        year = 2000 + int(text)
        return year if year <= today.year else year - 100
    return None


def date_parse(text: str, *, today: date | None = None) -> date | None:
    """A date written as people write a date of birth (day first):
    ``3/4/1944``, ``03/04/1944``, ``3-4-44``, ``3.4.1944``, ``3 April 1944``,
    ``3rd Apr 1944``, ``April 3 1944`` or ``1944-04-03``. None when it is not
    a whole, real date."""
    today = today or date.today()  # noqa: DTZ011 (only the century matters)
    cleaned = text.strip().lower().replace(",", " ")
    day = month = year = None
    if match := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", cleaned):
        year, month, day = (int(part) for part in match.groups())
    elif match := re.fullmatch(
        r"(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*\2\s*(\d{2}|\d{4})", cleaned
    ):
        day, month = int(match[1]), int(match[3])
        year = _year(match[4], today)
    elif match := re.fullmatch(
        r"(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([a-z]+)\.?\s+(\d{2}|\d{4})", cleaned
    ):
        day, month = int(match[1]), _MONTHS.get(match[2])
        year = _year(match[3], today)
    elif match := re.fullmatch(
        r"([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?\s+(\d{2}|\d{4})", cleaned
    ):
        month, day = _MONTHS.get(match[1]), int(match[2])
        year = _year(match[3], today)
    if day is None or month is None or year is None:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _postcode(text: str) -> str | None:
    compact = re.sub(r"\s+", "", text).upper()
    return compact.lower() if _POSTCODE.fullmatch(compact) else None


def search_terms(query: str, *, today: date | None = None) -> SearchTerms:
    """What ``query`` asks for.

    A whole date is a date of birth. Otherwise the query is read word by
    word, except that neighbouring words that together are a phone number
    (four digits or more, with ``+44`` or ``0044`` or not) become one number
    in the stored form, and two words that together are a full postcode
    become that postcode without its space. Every other word is a part of a
    name, email or postcode to find, in any case.
    """
    query = query.strip()
    if not query:
        return SearchTerms()
    born = date_parse(query, today=today)
    if born is not None:
        return SearchTerms(born=born)
    words = query.split()
    texts: list[str] = []
    i = 0
    while i < len(words):
        run = i
        while run < len(words) and _NUMBERISH.fullmatch(words[run]):
            run += 1
        if run > i:
            digits = phone_digits("".join(words[i:run]))
            if len(digits) >= 4:
                texts.append(digits)
            else:
                texts.extend(word.lower() for word in words[i:run])
            i = run
            continue
        if i + 1 < len(words) and (pair := _postcode(words[i] + words[i + 1])):
            texts.append(pair)
            i += 2
            continue
        texts.append(_postcode(words[i]) or words[i].lower())
        i += 1
    return SearchTerms(texts=tuple(texts))


def person_search_q(texts: tuple[str, ...] | list[str], prefix: str = "") -> Q:
    """People whose ``search_text`` holds every one of ``texts``.
    ``prefix`` reaches the person from another model (``"person__"``)."""
    match = Q()
    for text in texts:
        match &= Q(**{f"{prefix}search_text__contains": text})
    return match


def person_tell_apart(person: Any, *, born: date | None = None, today: date) -> str:
    """What tells this person apart from another with the same name, in
    one line: ``born 3 April 1944 (82), SE17 2AA, 020 7946 5229``. Empty
    when nothing is known."""
    parts = []
    if born is not None:
        age = (
            today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        )
        parts.append(
            _("born %(date)s (%(age)s)")
            % {"date": date_format(born, "j F Y"), "age": age}
        )
    if person.postcode:
        parts.append(person.postcode)
    number = person.mobile or person.phone
    if number:
        parts.append(phone_display(number))
    return ", ".join(parts)
