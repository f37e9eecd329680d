"""The demo's call list: built once the other parts have queued their
messages, so a coordinator signing in has people to phone."""

import random
from typing import Any

from django.utils.module_loading import import_string

from kith.notify.schedule import jobs


def demo_load(*, locality: Any, rng: random.Random) -> None:
    # The call list is a job of help's (kith/help/jobs.py): run it now, by
    # the name it is registered under, rather than waiting for the scheduler.
    import_string(jobs()["call_list"].path)()
