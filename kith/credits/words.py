"""How credits and time are said to people: pure functions, no database.

Amounts are held in minutes. People read them as time ("1 hour 30 minutes")
and as credits ("1.5 credits"), in the locality's minutes per credit.
"""

from dataclasses import dataclass
from datetime import date

from django.utils import dateformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def describe_minutes(minutes: int, minutes_per_credit: int = 60) -> str:
    """Time as people say it: ``90`` → ``1 hour 30 minutes``; ``45`` →
    ``45 minutes``; ``120`` → ``2 hours``; ``0`` → ``0 minutes``.

    The sign is dropped (the caller says whether time was given or used).
    ``minutes_per_credit`` is accepted so callers can pass the same pair to
    this and :func:`credits_text`; time is always said in hours and minutes.
    """
    total = abs(int(minutes))
    hours, rest = divmod(total, 60)
    parts = []
    if hours:
        parts.append(ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours})
    if rest or not hours:
        parts.append(ngettext("%(n)d minute", "%(n)d minutes", rest) % {"n": rest})
    return " ".join(parts)


def credits_number(minutes: int, minutes_per_credit: int) -> str:
    """The number of credits as digits: ``90, 60`` → ``1.5``; at most two
    decimal places, rounded, with no trailing zeros."""
    if minutes_per_credit <= 0:
        raise ValueError("minutes_per_credit must be positive")
    whole, rest = divmod(abs(int(minutes)), minutes_per_credit)
    if rest == 0:
        text = str(whole)
    else:
        # Round half up on the exact fraction, not on a binary float.
        hundredths = (abs(int(minutes)) * 100 * 2 + minutes_per_credit) // (
            2 * minutes_per_credit
        )
        text = f"{hundredths // 100}.{hundredths % 100:02d}".rstrip("0").rstrip(".")
    return f"-{text}" if minutes < 0 and text != "0" else text


def credits_text(minutes: int, minutes_per_credit: int) -> str:
    """Credits in plain words: ``60, 60`` → ``1 credit``; ``90, 60`` →
    ``1.5 credits``; ``45, 60`` → ``0.75 credits``; ``-30, 60`` →
    ``minus 0.5 credits``. Only exactly one credit is singular."""
    number = credits_number(abs(int(minutes)), minutes_per_credit)
    exactly_one = abs(int(minutes)) == minutes_per_credit
    text = ngettext("%(n)s credit", "%(n)s credits", 1 if exactly_one else 2) % {
        "n": number
    }
    if minutes < 0:
        return _("minus %(amount)s") % {"amount": text}
    return text


def day_text(day: date, *, today: date | None = None) -> str:
    """``Tuesday 3 March``, with the year when it is not this year."""
    if today is not None and day.year != today.year:
        return dateformat.format(day, "l j F Y")
    return dateformat.format(day, "l j F")


@dataclass(frozen=True)
class LineFacts:
    """What one statement line says, as plain data.

    ``incoming`` is whether credits came into the account being read;
    ``other_name`` and ``other_kind`` describe the account on the other side
    (the helper for a visit seen by a member, and so on).
    """

    kind: str
    minutes: int
    incoming: bool
    description: str = ""
    payment_method: str = ""
    paid_by_name: str = ""
    other_name: str = ""
    other_kind: str = ""
    reversal_of: "LineFacts | None" = None
    reversal_of_day: str = ""


def what_happened(facts: LineFacts) -> str:
    """The words of a statement line, without its date or amount.

    ``1 hour of gardening with Sam``, ``credits bought by cheque``,
    ``credits from the council: winter fund``, ``a gift from Sam Jones``.
    """
    from kith.credits.models import PaymentMethod, TransferKind

    kind = facts.kind
    if kind == TransferKind.VISIT:
        time = describe_minutes(facts.minutes)
        if facts.incoming:
            if facts.other_name:
                return _("%(time)s helping %(name)s") % {
                    "time": time,
                    "name": facts.other_name,
                }
            return _("%(time)s of help given") % {"time": time}
        if facts.description:
            return _("%(time)s of %(what)s") % {
                "time": time,
                "what": facts.description,
            }
        return _("%(time)s of help") % {"time": time}
    if kind == TransferKind.TOPUP:
        bought: dict[str, str] = {
            PaymentMethod.CASH: _("credits bought with cash"),
            PaymentMethod.CHEQUE: _("credits bought by cheque"),
            PaymentMethod.CARD: _("credits bought by card over the phone"),
            PaymentMethod.BANK: _("credits bought by bank transfer"),
        }
        text = bought.get(facts.payment_method, _("credits bought"))
        if facts.paid_by_name:
            text = _("%(text)s, paid for by %(name)s") % {
                "text": text,
                "name": facts.paid_by_name,
            }
        return text
    if kind == TransferKind.GRANT:
        if facts.description:
            return _("credits from the council: %(why)s") % {"why": facts.description}
        return _("credits from the council")
    if kind == TransferKind.JOINING:
        return _("credits included with membership")
    if kind == TransferKind.GIFT:
        if facts.incoming:
            if facts.other_name:
                return _("a gift of credits from %(name)s") % {"name": facts.other_name}
            return _("a gift of credits")
        if facts.other_kind == "pot":
            return _("credits given to the circle’s pot")
        if facts.other_name:
            return _("credits given to %(name)s") % {"name": facts.other_name}
        return _("credits given")
    if kind == TransferKind.LEAVING:
        if facts.incoming:
            if facts.other_name:
                return _("credits left to you by %(name)s") % {"name": facts.other_name}
            return _("credits of a member who left")
        if facts.other_kind == "pot":
            return _("credits given to the circle’s pot on leaving")
        if facts.other_kind == "outside":
            return _("credits refunded on leaving")
        if facts.other_name:
            return _("credits given to %(name)s on leaving") % {
                "name": facts.other_name
            }
        return _("credits moved on leaving")
    if kind == TransferKind.REVERSAL:
        if facts.reversal_of is not None:
            text = _("correction to %(day)s (%(what)s)") % {
                "day": facts.reversal_of_day,
                "what": what_happened(facts.reversal_of),
            }
        else:
            text = _("correction")
        if facts.description:
            text = _("%(text)s: %(why)s") % {"text": text, "why": facts.description}
        return text
    return facts.description or _("adjustment")


def statement_text(day: str, what: str, amount: str) -> str:
    """One line as a sentence: ``Tuesday 3 March: 1 hour of gardening with
    Sam — 1 credit``."""
    return _("%(day)s: %(what)s — %(amount)s") % {
        "day": day,
        "what": what,
        "amount": amount,
    }
