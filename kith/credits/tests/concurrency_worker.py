"""Runs in a child process for the concurrency test and the benchmark: sets
Django up against the database named by ``database_url`` and moves credits.

Nothing here imports Django at module level, so a 'spawn' child can load it
before Django is set up.
"""

import os
import random
from functools import partial
from typing import Any


def django_setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kith.settings")
    import django

    django.setup()


def settle_and_top_up(
    database_url: str,
    *,
    worker: int,
    operations: int,
    locality_id: int,
    member_ids: list[int],
    helper_ids: list[int],
    coordinator_id: int,
    seed: int,
) -> list[tuple[str, str, int | None]]:
    """Random settlements, top-ups and shared-key retries. Returns (key,
    outcome, transfer id) for each: outcome ``ok``, ``limit``, ``refused``
    (another ApplicationError) or ``error: ...`` (anything else)."""
    django_setup(database_url)
    from datetime import date

    from kith.accounts.models import User
    from kith.core.errors import ApplicationError
    from kith.credits import services
    from kith.places.models import Locality

    rng = random.Random(seed)
    locality = Locality.objects.get(pk=locality_id)
    members = list(User.objects.filter(pk__in=member_ids).order_by("pk"))
    helpers = list(User.objects.filter(pk__in=helper_ids).order_by("pk"))
    coordinator = User.objects.get(pk=coordinator_id)
    results: list[tuple[str, str, int | None]] = []
    for i in range(operations):
        roll = rng.random()
        call: Any
        if roll < 0.2:
            # A key every worker uses, with the same details: one transfer.
            n = i % 10
            key = f"visit:shared:{n}"
            call = partial(
                services.visit_credits_settle,
                actor=coordinator,
                locality=locality,
                visit_key=f"shared:{n}",
                member=members[n % len(members)],
                helper=helpers[n % len(helpers)],
                minutes=15,
                description="shared",
                occurred_on=date(2026, 3, 3),
            )
        elif roll < 0.4:
            key = f"topup:w{worker}:{i}"
            minutes = rng.choice([30, 60])
            call = partial(
                services.topup_record,
                actor=coordinator,
                locality=locality,
                member=rng.choice(members),
                minutes=minutes,
                amount_pence=minutes * 15,
                method="cash",
                key=key,
            )
        else:
            key = f"visit:w{worker}:{i}"
            call = partial(
                services.visit_credits_settle,
                actor=None,
                locality=locality,
                visit_key=f"w{worker}:{i}",
                member=rng.choice(members),
                helper=rng.choice(helpers),
                minutes=rng.choice([15, 30, 45, 60]),
                description="odd jobs",
                occurred_on=date(2026, 3, 3),
            )
        try:
            made = call()
        except ApplicationError as exc:
            results.append((key, "limit" if exc.code == "limit" else "refused", None))
        except Exception as exc:  # reported to the test, which fails
            results.append((key, f"error: {type(exc).__name__}: {exc}", None))
        else:
            results.append((key, "ok", made.pk))
    from django.db import connection

    connection.close()
    return results


def give_and_reverse(
    database_url: str,
    *,
    worker: int,
    operations: int,
    locality_id: int,
    helper_ids: list[int],
    gift_ids: list[int],
    coordinator_id: int,
    seed: int,
) -> list[tuple[str, str, int | None]]:
    """Gifts to the pot and corrections of earlier gifts (every worker tries
    to correct the same ones, with the same reason), which take credits back
    out of the pot. Returns (key, outcome, transfer id) as above."""
    django_setup(database_url)
    from kith.accounts.models import User
    from kith.core.errors import ApplicationError
    from kith.credits import services
    from kith.credits.models import Transfer
    from kith.places.models import Locality

    rng = random.Random(seed)
    locality = Locality.objects.get(pk=locality_id)
    helpers = list(User.objects.filter(pk__in=helper_ids).order_by("pk"))
    coordinator = User.objects.get(pk=coordinator_id)
    gifts = list(Transfer.objects.filter(pk__in=gift_ids))
    results: list[tuple[str, str, int | None]] = []
    for i in range(operations):
        call: Any
        if rng.random() < 0.5:
            key = f"gift:w{worker}:{i}"
            call = partial(
                services.gift_give,
                actor=coordinator,
                locality=locality,
                helper=rng.choice(helpers),
                minutes=rng.choice([15, 30]),
                key=key,
            )
        else:
            gift = rng.choice(gifts)
            key = f"reversal:{gift.pk}"
            call = partial(
                services.transfer_reverse,
                actor=coordinator,
                transfer=gift,
                reason="given by mistake",
            )
        try:
            made = call()
        except ApplicationError as exc:
            results.append((key, "limit" if exc.code == "limit" else "refused", None))
        except Exception as exc:  # reported to the test, which fails
            results.append((key, f"error: {type(exc).__name__}: {exc}", None))
        else:
            results.append((key, "ok", made.pk))
    from django.db import connection

    connection.close()
    return results
