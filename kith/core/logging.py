"""Structured logs: one JSON object per line, for a log collector.

Each line carries the time, level, logger and message, and, from the request
context (kith.core.context), the request id, the locality's and the signed-in
person's numbers and the scheduled job's name, so that every line of one
request or one job can be found together. Nothing else about the person: no
names, addresses, email addresses or paths (a path can hold a sign-in token).

An exception is logged as its type and the frames of its traceback, not its
message: a database error's message can quote the row it refused (PostgreSQL's
DETAIL names the values), and that row may be someone's email address.
"""

import json
import logging
import traceback
from datetime import UTC, datetime
from typing import Any

from kith.core.context import current

#: Attributes every LogRecord has; anything else was passed as ``extra=``.
_STANDARD = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", None, None)).keys()
    | {"message", "asctime", "taskName"}
)


def _frames(exc_info: Any) -> list[str]:
    _kind, _value, tb = exc_info
    return [
        f"{frame.filename}:{frame.lineno} in {frame.name}"
        for frame in traceback.extract_tb(tb)
    ]


def _plain(value: Any) -> bool:
    """Only plain values given as ``extra=`` are written: Django passes the
    request object itself, whose text would include the path."""
    return value is None or isinstance(value, str | int | float | bool)


def _message(record: logging.LogRecord) -> str:
    # Django's request logger says "<reason>: <path>"; the path can hold a
    # token or a name someone searched for, so only the reason is kept (the
    # access line says which page it was by its route).
    if (
        record.name == "django.request"
        and isinstance(record.args, tuple)
        and record.args
    ):
        return str(record.args[0])
    return record.getMessage()


class JsonFormatter(logging.Formatter):
    """Formats a record as one line of JSON (see the module's docstring)."""

    def format(self, record: logging.LogRecord) -> str:
        context = current()
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": _message(record),
        }
        if context.request_id:
            line["request_id"] = context.request_id
        if context.locality_id is not None:
            line["locality_id"] = context.locality_id
        if context.user_id is not None:
            line["user_id"] = context.user_id
        if context.job:
            line["job"] = context.job
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in line and _plain(value):
                line[key] = value
        if record.exc_info and record.exc_info[0] is not None:
            line["exception"] = record.exc_info[0].__name__
            line["frames"] = _frames(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)
