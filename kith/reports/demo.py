"""The demo locality's wellbeing surveys and the council's prices for help.

Every active member who joined more than a few weeks ago answered (or
declined) the baseline and each follow-up whose date has passed, entered
through the survey service on the day it was due (so waves, scores and the
audit trail are the app's own). Answers drift a little better at each
follow-up, as a circle would hope. Some of the latest surveys are left
unanswered, so the coordinator's call list and the surveys page have people
to ask, and the demo member has one to answer online. Any refusal stops the
whole load (kith.core.demo).
"""

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from kith.accounts.models import Role, RoleAssignment, User
from kith.core.demo import DemoLoadError
from kith.help.models import HelpCategory
from kith.members.models import Membership
from kith.places.models import Locality
from kith.reports import scoring, services
from kith.reports.models import HelpValue, ProxyValue

MEMBER_LOGIN = "member@riverside.example"
#: Illustrative commercial prices an hour, in pence, by words in the kind
#: of help's name; the council sets its own.
PRICES = [
    ("garden", 2200),
    ("odd job", 3000),
    ("diy", 3000),
    ("phone", 3500),
    ("computer", 3500),
    ("lift", 1800),
    ("shopping", 1800),
]
DEFAULT_PRICE = 2000


def demo_load(*, locality: Locality, rng: random.Random) -> None:
    services.shipped_instruments_ensure()
    services.survey_settings_for(locality)
    _prices(locality)
    _proxies(locality)
    coordinator = User.objects.get(
        pk=RoleAssignment.objects.filter(locality=locality, role=Role.COORDINATOR)
        .order_by("pk")
        .values_list("user_id", flat=True)[0]
    )
    items = {
        item.key: item.pk
        for instrument in services.instruments_asked()
        for item in instrument.items.all()
    }
    if len(items) < 8:
        raise DemoLoadError("the demo's surveys", "the ONS measures are missing")
    settings = services.survey_settings_for(locality)
    today = timezone.localdate()
    members = Membership.objects.filter(
        locality=locality,
        status=Membership.Status.ACTIVE,
        started_on__lte=today - timedelta(days=21),
    ).select_related("person", "locality")
    recorded = 0
    for membership in members.order_by("pk"):
        assert membership.started_on is not None  # noqa: S101 - filtered above
        latest = scoring.wave_now(
            membership.started_on,
            today,
            first=settings.first_follow_up_months,
            every=settings.then_every_months,
        )
        person = membership.person
        # How this member feels when they join, and how much the circle helps.
        life = rng.choice([3, 4, 4, 5, 5, 6, 6, 7, 7, 8])
        lonely = rng.choice([1, 1, 2, 2, 3, 4])
        lift = rng.choice([0, 0, 1, 1, 1, 2])
        for wave in range(0, (latest or 0) + 1):
            due = scoring.wave_due_on(
                membership.started_on,
                wave,
                first=settings.first_follow_up_months,
                every=settings.then_every_months,
            )
            answered_on = min(due + timedelta(days=rng.randint(0, 20)), today)
            is_latest = wave == latest
            if person.email == MEMBER_LOGIN and is_latest:
                continue  # Joan answers hers online in the demo.
            roll = rng.random()
            if is_latest and roll < 0.12:
                continue  # still to ask: on the call list
            online = person.email is not None and rng.random() < 0.3
            how = "online" if online else rng.choice(["phone", "phone", "paper"])
            actor = person if online else coordinator
            if roll > 0.95:
                services.survey_decline(
                    actor=actor,
                    membership=membership,
                    how=how,
                    stop_asking=False,
                    today=answered_on,
                )
                recorded += 1
                continue
            step = lift * min(wave, 2)
            scores = {
                scoring.LIFE_SATISFACTION: _clip(life + step + rng.randint(-1, 1)),
                scoring.WORTHWHILE: _clip(life + 1 + step + rng.randint(-1, 1)),
                scoring.HAPPINESS: _clip(life + step + rng.randint(-2, 1)),
                scoring.ANXIETY: _clip(7 - life - step + rng.randint(-1, 2)),
                scoring.LONELY_DIRECT: min(
                    5, lonely + (1 if step and rng.random() < 0.5 else 0)
                ),
                scoring.UCLA_COMPANIONSHIP: _ucla(lonely, step, rng),
                scoring.UCLA_LEFT_OUT: _ucla(lonely, step, rng),
                # Now and then an item is left blank: no UCLA total then.
                scoring.UCLA_ISOLATED: None
                if rng.random() < 0.04
                else _ucla(lonely, step, rng),
            }
            services.survey_record(
                actor=actor,
                membership=membership,
                how=how,
                answers={items[key]: value for key, value in scores.items()},
                today=answered_on,
            )
            recorded += 1
    if recorded < 50:
        raise DemoLoadError("the demo's surveys", f"only {recorded} were recorded")


def _clip(value: int) -> int:
    return max(0, min(10, value))


def _ucla(lonely: int, step: int, rng: random.Random) -> int:
    # Lonelier people (1 = often) score higher; a better year scores lower.
    base = 3 if lonely <= 1 else 2 if lonely <= 3 else 1
    return max(1, min(3, base - (1 if step and rng.random() < 0.5 else 0)))


def _prices(locality: Locality) -> None:
    for category in HelpCategory.objects.filter(locality=locality):
        name = category.name.lower()
        price = next((p for word, p in PRICES if word in name), DEFAULT_PRICE)
        HelpValue.objects.get_or_create(
            category=category,
            defaults={
                "locality": locality,
                "pence_per_hour": price,
                "source": "Demo: an illustrative local price, to be replaced by "
                "the council's own",
            },
        )


#: Made-up proxy values, so the demo's page of values has something to
#: change and retire. Invented for the demo and labelled so: Kith ships no
#: value from a published bank.
DEMO_PROXIES = [
    ("Feeling part of the neighbourhood (demo)", 85000, Decimal("20"), False),
    ("Going out more often (demo)", 42000, Decimal("35"), True),
]


def _proxies(locality: Locality) -> None:
    for outcome, pence, deadweight, retired in DEMO_PROXIES:
        ProxyValue.objects.get_or_create(
            locality=locality,
            outcome=outcome,
            defaults={
                "value_pence": pence,
                "source": "Demo only: an invented figure, not from any published "
                "source",
                "year": 2025,
                "licence": "Demo data: replace with the council's licensed values",
                "deadweight_percent": deadweight,
                "retired_at": timezone.now() if retired else None,
            },
        )
