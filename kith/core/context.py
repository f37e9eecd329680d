"""What the current request tells services without being passed around.

The request middleware sets this; services read it so that every audit event
records the address a change came from and the person a coordinator was acting
for, even when a service is called deep inside another.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any


@dataclass(frozen=True)
class RequestContext:
    ip_address: str | None = None
    acting_for_id: int | None = None
    locality_id: int | None = None
    #: For the logs: which request (or scheduled job) a line belongs to, and
    #: whose it was, by number only (kith.core.logging).
    request_id: str = ""
    user_id: int | None = None
    job: str = ""


_current: ContextVar[RequestContext] = ContextVar(
    "kith_request",
    default=RequestContext(),  # noqa: B039 - frozen, so never mutated
)


def current() -> RequestContext:
    return _current.get()


@contextmanager
def request_context(context: RequestContext) -> Iterator[RequestContext]:
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


@contextmanager
def context_updated(**changes: Any) -> Iterator[RequestContext]:
    """The current context with some fields changed, for a block."""
    with request_context(replace(_current.get(), **changes)) as context:
        yield context
