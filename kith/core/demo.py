"""What every part's demo loader shares: a refusal is never swallowed.

The demo is what a new person first sees, so a record the loader planned but
could not make (a service refused it, a rule was broken) must stop the whole
load, saying what and why, rather than leave a demo that quietly cannot show
a journey. The loader runs in one transaction, so nothing is left behind.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied, ValidationError

from kith.core.errors import ApplicationError


class DemoLoadError(Exception):
    """The demo could not make something it planned: ``what`` and why."""

    def __init__(self, what: str, why: str) -> None:
        super().__init__(f"The demo could not create {what}: {why}")
        self.what = what
        self.why = why


@contextmanager
def demo_step(what: str) -> Iterator[None]:
    """Run one step of a demo loader; turn a refusal into DemoLoadError
    naming ``what`` was being made and the refusal's own words."""
    try:
        yield
    except ApplicationError as error:
        raise DemoLoadError(what, error.message) from error
    except ValidationError as error:
        raise DemoLoadError(what, "; ".join(error.messages)) from error
    except PermissionDenied as error:
        raise DemoLoadError(what, f"permission refused ({error})") from error
