"""The periodic job of matching (registered with the scheduler, which finds
this module): a plan of every open request, ready for the morning's review."""

from datetime import time

from kith.matching.services import nightly_plans_build
from kith.notify.schedule import scheduled


@scheduled("matching_nightly", at=time(6, 0))
def nightly_plans_build_job() -> str:
    """The scheduler's nightly job: build the plans, say how many."""
    built = nightly_plans_build()
    return f"{len(built)} plan(s) built"
