"""Loads the demo locality, Riverside, deterministically from a seed.

Each part adds its own demo data with a ``demo_load(*, locality, rng)``
function in ``kith/<part>/demo.py``; this module runs them in the order of
DEMO_PARTS, once: loading again leaves existing data alone.

Nothing a part planned is ever skipped: a refusal anywhere raises
DemoLoadError, saying what could not be made and why, and the whole load
rolls back (kith/core/demo.py).
"""

import importlib
import random

from django.db import transaction

from kith.accounts.demo import DEMO_LOGINS, DEMO_PASSWORD, DemoLogin, demo_people_load
from kith.core.demo import demo_step
from kith.places.demo import demo_places_load
from kith.places.models import Locality

DEMO_SLUG = "riverside"
DEFAULT_SEED = 2026
#: Parts that add to the demo after places and people, in order.
DEMO_PARTS = [
    "members",
    "helpers",
    "credits",
    "help",
    "social",
    "directory",
    "budgeting",
    # Before notify, whose demo builds the call list: surveys due go on it.
    "reports",
    "notify",
    "projects",
    "safeguarding",
    "privacy",
]


def demo_loaded() -> bool:
    return Locality.objects.filter(slug=DEMO_SLUG).exists()


@transaction.atomic
def demo_load(*, seed: int = DEFAULT_SEED) -> list[DemoLogin] | None:
    """Create the demo locality. Returns None, changing nothing, if it exists.
    Raises DemoLoadError (having changed nothing) if any part could not make
    what it planned."""
    if demo_loaded():
        return None
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    with demo_step("the demo's places"):
        locality = demo_places_load(rng=rng)
    with demo_step("the demo's people"):
        logins = demo_people_load(locality=locality, rng=rng)
    for part in DEMO_PARTS:
        module = importlib.import_module(f"kith.{part}.demo")
        with demo_step(f"the demo's {part}"):
            module.demo_load(locality=locality, rng=random.Random(f"{seed}:{part}"))  # noqa: S311
    return logins


def demo_logins_table() -> str:
    rows = [("Role", "Email", "Password")] + [
        (
            str(login.role.label) if hasattr(login.role, "label") else login.role,
            login.email,
            DEMO_PASSWORD,
        )
        for login in DEMO_LOGINS
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
