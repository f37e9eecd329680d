"""The demo's call list: built once the other parts have queued their
messages, so a coordinator signing in has people to phone."""

import random
from typing import Any

from kith.notify.jobs import call_list_prepare


def demo_load(*, locality: Any, rng: random.Random) -> None:
    call_list_prepare()
