"""The periodic job of matching (registered with the scheduler, which finds
this module): a plan of every open request, ready for the morning's review."""

from datetime import time

from kith.matching.services import plans_nightly_job
from kith.notify.schedule import scheduled

scheduled("matching_nightly", at=time(6, 0))(plans_nightly_job)
