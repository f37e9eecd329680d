"""Reading a matching problem from JSON, refusing anything malformed.

The format is in docs/matching.md. Every error names the item and the field,
such as ``requests[3] (id "r9"): latitude 200 is not between -90 and 90``;
all errors found are reported together (up to ``MAX_ERRORS``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from kith.matching.engine import Helper, Policy, Problem, Request, Vetting

MAX_ERRORS = 50
# Upper limits that keep every cost well inside 64-bit integers.
MAX_POLICY_M = 1_000_000
MAX_LOAD = 100_000
MAX_CAPACITY = 100_000
MAX_MINUTES = 60 * 24 * 366

REQUEST_FIELDS = (
    "id",
    "member",
    "lat",
    "lon",
    "skill",
    "priority",
    "earliest",
    "latest",
    "minutes",
    "vetting",
)
HELPER_FIELDS = (
    "id",
    "lat",
    "lon",
    "skills",
    "max_km",
    "capacity",
    "vetting",
    "load",
    "available",
    "declined",
    "helped_members",
)
POLICY_FIELDS = ("continuity_bonus_m", "fairness_step_m")
REQUEST_LEVELS = ("basic", "enhanced", "enhanced_barred")
HELPER_LEVELS = ("none", *REQUEST_LEVELS)

T = TypeVar("T")


class ProblemError(ValueError):
    """The problem is malformed. ``errors`` holds one message per fault."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


class _Invalid(Exception):
    """One field is wrong; the message says how."""


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number(name: str, value: Any) -> float:
    if not _is_number(value):
        raise _Invalid(f"{name} must be a number, not {_show(value)}")
    number = float(value)
    if not math.isfinite(number):
        raise _Invalid(f"{name} must be a finite number")
    return number


def _whole(name: str, value: Any, low: int, high: int) -> int:
    if not _is_number(value) or (isinstance(value, float) and not value.is_integer()):
        raise _Invalid(f"{name} must be a whole number, not {_show(value)}")
    number = int(value)
    if number < low:
        raise _Invalid(f"{name} must be {low} or more, not {number}")
    if number > high:
        raise _Invalid(f"{name} must be {high} or less, not {number}")
    return number


def _text(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise _Invalid(f"{name} must be a non-empty string, not {_show(value)}")
    return value


def _texts(name: str, value: Any) -> frozenset[str]:
    if not isinstance(value, list):
        raise _Invalid(f"{name} must be a list of strings, not {_show(value)}")
    for n, item in enumerate(value):
        if not isinstance(item, str) or not item:
            raise _Invalid(f"{name}[{n}] must be a non-empty string, not {_show(item)}")
    return frozenset(value)


def _latitude(value: Any) -> float:
    number = _number("lat", value)
    if not -90 <= number <= 90:
        raise _Invalid(f"latitude {_show(value)} is not between -90 and 90")
    return number


def _longitude(value: Any) -> float:
    number = _number("lon", value)
    if not -180 <= number <= 180:
        raise _Invalid(f"longitude {_show(value)} is not between -180 and 180")
    return number


def _time(name: str, value: Any) -> datetime:
    if not isinstance(value, str):
        raise _Invalid(f"{name} must be an ISO 8601 time string, not {_show(value)}")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _Invalid(
            f"{name} {_show(value)} is not an ISO 8601 time such as "
            '"2026-12-01T09:00:00Z"'
        ) from None
    if moment.tzinfo is None:
        raise _Invalid(f"{name} {_show(value)} needs a UTC offset or Z")
    return moment


def _priority(value: Any) -> int:
    if _is_number(value) and value in (1, 2, 3):
        return int(value)
    raise _Invalid(f"priority must be 1, 2 or 3, not {_show(value)}")


def _vetting(value: Any, allowed: tuple[str, ...]) -> Vetting:
    if value not in allowed:
        raise _Invalid(f"vetting {_show(value)} is not one of {', '.join(allowed)}")
    return Vetting.from_code(value)


class _Reader:
    """Collects errors, so that one run reports every fault it can."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def fail(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}" if where else message)

    def field(
        self, where: str, item: dict[str, Any], name: str, read: Callable[[Any], T]
    ) -> T | None:
        if name not in item:
            self.fail(where, f'field "{name}" is missing')
            return None
        try:
            return read(item[name])
        except _Invalid as error:
            self.fail(where, str(error))
            return None

    def unknown(self, where: str, item: dict[str, Any], known: tuple[str, ...]) -> None:
        for name in item:
            if name not in known:
                self.fail(where, f'field "{name}" is not one this format has')


def _where(kind: str, n: int, item: Any) -> str:
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        return f"{kind}[{n}] (id {json.dumps(item['id'], ensure_ascii=False)})"
    return f"{kind}[{n}]"


def _request(reader: _Reader, where: str, item: dict[str, Any]) -> Request | None:
    reader.unknown(where, item, REQUEST_FIELDS)
    values = {
        "id": reader.field(where, item, "id", lambda v: _text("id", v)),
        "member": reader.field(where, item, "member", lambda v: _text("member", v)),
        "lat": reader.field(where, item, "lat", _latitude),
        "lon": reader.field(where, item, "lon", _longitude),
        "skill": reader.field(where, item, "skill", lambda v: _text("skill", v)),
        "priority": reader.field(where, item, "priority", _priority),
        "earliest": reader.field(
            where, item, "earliest", lambda v: _time("earliest", v)
        ),
        "latest": reader.field(where, item, "latest", lambda v: _time("latest", v)),
        "minutes": reader.field(
            where, item, "minutes", lambda v: _whole("minutes", v, 0, MAX_MINUTES)
        ),
        "vetting": reader.field(
            where, item, "vetting", lambda v: _vetting(v, REQUEST_LEVELS)
        ),
    }
    earliest, latest = values["earliest"], values["latest"]
    # A window shorter than the visit is well-formed: the request simply
    # cannot be matched, and the plan says so (engine.explain_unmatched).
    if (
        isinstance(earliest, datetime)
        and isinstance(latest, datetime)
        and latest < earliest
    ):
        reader.fail(
            where, f"latest {item['latest']} is before earliest {item['earliest']}"
        )
        return None
    if any(v is None for v in values.values()):
        return None
    return Request(**values)  # type: ignore[arg-type]


def _intervals(value: Any) -> tuple[tuple[datetime, datetime], ...]:
    if not isinstance(value, list):
        raise _Invalid(
            f"available must be a list of [start, end] pairs, not {_show(value)}"
        )
    out = []
    for n, pair in enumerate(value):
        name = f"available[{n}]"
        if not isinstance(pair, list) or len(pair) != 2:
            raise _Invalid(f"{name} must be a [start, end] pair, not {_show(pair)}")
        start = _time(f"{name} start", pair[0])
        end = _time(f"{name} end", pair[1])
        if end < start:
            raise _Invalid(f"{name} ends ({pair[1]}) before it starts ({pair[0]})")
        out.append((start, end))
    return tuple(out)


def _helper(reader: _Reader, where: str, item: dict[str, Any]) -> Helper | None:
    reader.unknown(where, item, HELPER_FIELDS)

    def max_km(v: Any) -> float:
        number = _number("max_km", v)
        if number < 0:
            raise _Invalid(f"max_km must be 0 or more, not {_show(v)}")
        return number

    values = {
        "id": reader.field(where, item, "id", lambda v: _text("id", v)),
        "lat": reader.field(where, item, "lat", _latitude),
        "lon": reader.field(where, item, "lon", _longitude),
        "skills": reader.field(where, item, "skills", lambda v: _texts("skills", v)),
        "max_km": reader.field(where, item, "max_km", max_km),
        "capacity": reader.field(
            where, item, "capacity", lambda v: _whole("capacity", v, 0, MAX_CAPACITY)
        ),
        "vetting": reader.field(
            where, item, "vetting", lambda v: _vetting(v, HELPER_LEVELS)
        ),
        "load": reader.field(
            where, item, "load", lambda v: _whole("load", v, 0, MAX_LOAD)
        ),
        "available": reader.field(where, item, "available", _intervals),
        "declined": reader.field(
            where, item, "declined", lambda v: _texts("declined", v)
        ),
        "helped_members": reader.field(
            where, item, "helped_members", lambda v: _texts("helped_members", v)
        ),
    }
    if any(v is None for v in values.values()):
        return None
    return Helper(**values)  # type: ignore[arg-type]


def _policy(reader: _Reader, value: Any) -> Policy:
    if not isinstance(value, dict):
        reader.fail("policy", f"must be an object, not {_show(value)}")
        return Policy()
    reader.unknown("policy", value, POLICY_FIELDS)
    values: dict[str, int] = {}
    for name in POLICY_FIELDS:
        if name in value:
            number = reader.field("policy", value, name, _policy_metres(name))
            if number is not None:
                values[name] = number
    return Policy(**values)


def _policy_metres(name: str) -> Callable[[Any], int]:
    return lambda value: _whole(name, value, 0, MAX_POLICY_M)


def _items(
    reader: _Reader, document: dict[str, Any], kind: str, read: Callable[..., T | None]
) -> list[T]:
    if kind not in document:
        reader.fail("", f'field "{kind}" is missing')
        return []
    items = document[kind]
    if not isinstance(items, list):
        reader.fail(kind, f"must be a list, not {_show(items)}")
        return []
    out = []
    seen: dict[str, int] = {}
    for n, item in enumerate(items):
        where = _where(kind, n, item)
        if not isinstance(item, dict):
            reader.fail(where, f"must be an object, not {_show(item)}")
            continue
        ident = item.get("id")
        if isinstance(ident, str):
            if ident in seen:
                reader.fail(
                    where, f"id {_show(ident)} is also the id of {kind}[{seen[ident]}]"
                )
            else:
                seen[ident] = n
        value = read(reader, where, item)
        if value is not None:
            out.append(value)
    return out


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def parse_problem(text: str | bytes) -> Problem:
    """The problem written as JSON in ``text``. Raises ProblemError listing
    every fault found (up to MAX_ERRORS)."""
    try:
        document = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise ProblemError(
            [f"not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"]
        ) from None
    except (ValueError, RecursionError) as error:
        raise ProblemError([f"not valid JSON: {error}"]) from None
    return problem_from_dict(document)


def problem_from_dict(document: Any) -> Problem:
    """The problem in an already-decoded JSON ``document``; raises
    ProblemError as ``parse_problem`` does."""
    reader = _Reader()
    if not isinstance(document, dict):
        raise ProblemError(
            [f"the problem must be a JSON object, not {_show(document)}"]
        )
    reader.unknown("", document, ("requests", "helpers", "policy"))
    requests = _items(reader, document, "requests", _request)
    helpers = _items(reader, document, "helpers", _helper)
    policy = _policy(reader, document["policy"]) if "policy" in document else Policy()
    if reader.errors:
        errors = reader.errors
        if len(errors) > MAX_ERRORS:
            errors = [
                *errors[:MAX_ERRORS],
                f"... and {len(errors) - MAX_ERRORS} more errors",
            ]
        raise ProblemError(errors)
    return Problem(requests=requests, helpers=helpers, policy=policy)
