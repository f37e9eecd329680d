"""The demo locality's participatory budgeting: a finished round with its
results published, and one open for voting.

Rounds, proposals, checks, ballots and counts all go through the services.
Only the dates are moved, after each phase, to give the finished round its
history (a round's phases follow the calendar, and the demo cannot wait).
Any refusal stops the whole load (kith.core.demo).
"""

import random
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from kith.accounts.models import Role, RoleAssignment
from kith.budgeting import services
from kith.budgeting.models import Channel, Proposal, Round
from kith.budgeting.selectors import proposal_won
from kith.core.demo import DemoLoadError, demo_step
from kith.places.models import Locality, Postcode, Ward

FINISHED = [
    # heading, amount, [(title, description, place, cost or None if not feasible)]
    (
        "North of the river",
        20_000,
        [
            (
                "Benches along the towpath",
                "Six benches with arms, every 200 metres.",
                "Towpath, Mill Lane to the lock",
                4_800,
            ),
            (
                "Youth club kit",
                "Table tennis, a pool table and games for the youth club.",
                "St Mary's Church Hall",
                3_500,
            ),
            (
                "Community fridge",
                "A fridge and a rota so surplus food is shared.",
                "Riverside Library",
                2_500,
            ),
            (
                "Play area resurfacing",
                "Soft surface under the swings and slide.",
                "Albion Park",
                12_000,
            ),
            (
                "Free swimming lessons for over-60s",
                "Twenty weeks of lessons.",
                "",
                6_000,
            ),
            (
                "Heated bus shelter",
                "A heated shelter at the High Street stop.",
                "High Street",
                None,
            ),
        ],
    ),
    (
        "South of the river",
        15_000,
        [
            (
                "Street trees on Wharf Road",
                "Twelve street trees with guards.",
                "Wharf Road",
                7_200,
            ),
            (
                "Repair café",
                "Tools and a year of sessions to fix things.",
                "The Riverside Café",
                3_000,
            ),
            (
                "Lighting on the footbridge",
                "Lights along the footbridge steps.",
                "Footbridge",
                9_500,
            ),
            (
                "Chairs for the lunch club",
                "Thirty sturdy chairs with arms.",
                "St Mary's Church Hall",
                2_100,
            ),
        ],
    ),
]

OPEN = [
    (
        "Wildflower meadow",
        "Sow and look after a wildflower meadow.",
        "Albion Park",
        2_400,
    ),
    ("Outdoor gym", "Simple outdoor exercise equipment.", "Albion Park", 6_500),
    ("Pond dipping platform", "A safe platform for school visits.", "Mill Pond", 3_800),
    (
        "New goal posts",
        "Two sets of goal posts for the playing field.",
        "Playing field",
        1_900,
    ),
]

PROPOSING = [
    (
        "Music studio for young people",
        "Recording kit in the youth club's back room.",
        "St Mary's Church Hall",
        5_000,
    ),
    ("Skate park repairs", "Fix the cracked ramps.", "Albion Park", 8_000),
]

NAMES = [
    "Amir",
    "Beth",
    "Chen",
    "Dee",
    "Esi",
    "Fran",
    "Gita",
    "Hal",
    "Ivy",
    "Jon",
    "Kemi",
    "Lou",
    "Mo",
    "Nia",
    "Ola",
    "Pat",
    "Rui",
    "Sol",
    "Tia",
    "Uma",
]
SURNAMES = ["Ali", "Brown", "Cole", "Doyle", "Evans", "Fox", "Green", "Hill", "Khan"]


def _move(round_: Round, phase: str) -> Round:
    """Set the round's dates so that now falls in ``phase``."""
    now = timezone.now()
    day = timedelta(days=1)
    start = {
        "proposing": now - day,
        "checking": now - 29 * day,
        "voting": now - 43 * day,
        "counting": now - 72 * day,
    }[phase]
    Round.objects.filter(pk=round_.pk).update(
        proposing_opens=start,
        proposing_closes=start + 28 * day,
        voting_opens=start + 42 * day,
        voting_closes=start + 70 * day,
    )
    round_.refresh_from_db()
    return round_


#: News of the first winning proposals, as an officer would post it.
DELIVERY_NEWS = (
    (
        ("in_progress", "The council’s parks team has ordered the materials."),
        ("delivered", "Done, and opened by the residents who proposed it."),
    ),
    (("in_progress", "Work starts next month, after the ground is surveyed."),),
)


def _staff(locality: Locality, role: str):
    found = (
        RoleAssignment.objects.filter(locality=locality, role=role)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if found is None:
        raise DemoLoadError("the budgeting rounds", f"there is no {role} to run them")
    return found.user


def _round(locality, officer, *, title, **rules) -> Round:
    now = timezone.now()
    return services.round_create(
        actor=officer,
        locality=locality,
        title=title,
        proposing_opens=now + timedelta(days=1),
        proposing_closes=now + timedelta(days=29),
        voting_opens=now + timedelta(days=43),
        voting_closes=now + timedelta(days=71),
        **rules,
    )


def _propose_and_check(round_, member, officer, headings_and_ideas, proposer):
    _move(round_, "proposing")
    made = []
    for heading, ideas in headings_and_ideas:
        for title, description, place, cost in ideas:
            proposal = services.proposal_submit(
                actor=member,
                round_=round_,
                heading=heading,
                title=title,
                description=description,
                place=place,
                proposer_name=member.full_name,
                **proposer,
            )
            made.append((proposal, cost))
    _move(round_, "checking")
    for proposal, cost in made:
        if cost is None:
            services.proposal_check(
                actor=officer,
                proposal=proposal,
                feasible=False,
                reason="The bus stop belongs to the transport authority, who are "
                "replacing it next year.",
            )
        else:
            services.proposal_check(
                actor=officer,
                proposal=proposal,
                feasible=True,
                reason="The council’s parks and highways teams can deliver this.",
                cost=cost,
            )
    return [p for p, cost in made if cost is not None]


def _voters(rng: random.Random, postcodes: list[str], n: int):
    for i in range(n):
        name = f"{rng.choice(NAMES)} {rng.choice(SURNAMES)} {i + 1}"
        born = date(rng.randint(1935, 2005), rng.randint(1, 12), rng.randint(1, 28))
        yield name, rng.choice(postcodes), born


def demo_load(*, locality: Locality, rng: random.Random) -> None:
    officer = _staff(locality, Role.COUNCIL_OFFICER)
    coordinator = _staff(locality, Role.COORDINATOR)
    member = _staff(locality, Role.MEMBER)
    wards = list(Ward.objects.filter(locality=locality).order_by("name"))
    postcodes = list(
        Postcode.objects.filter(ward_code__in=[w.ons_code for w in wards])
        .order_by("postcode")
        .values_list("postcode", flat=True)
    )
    if not wards or not postcodes:
        raise DemoLoadError("the budgeting rounds", "the demo has no wards")
    # The demo member proposes, living in a ward of the area.
    proposer: dict[str, Any] = {"postcode": postcodes[0], "born": date(1950, 3, 27)}

    with demo_step("the finished budgeting round"):
        finished = _round(
            locality,
            officer,
            title="Riverside Community Chest 2026",
            description="£35,000 from the council for residents’ ideas, north and "
            "south of the river.",
            ballot_type="approval",
            max_choices=3,
            counting_method="equal_shares",
            eligibility="wards",
            wards=wards,
            minimum_age=16,
        )
        headings = [
            services.heading_add(
                actor=officer, round_=finished, name=name, amount=amount
            )
            for name, amount, _ideas in FINISHED
        ]
        proposals = _propose_and_check(
            finished,
            member,
            officer,
            [(h, ideas) for h, (_n, _a, ideas) in zip(headings, FINISHED, strict=True)],
            proposer,
        )
        _move(finished, "voting")
        by_heading = {
            h.pk: [p.number for p in proposals if p.heading_id == h.pk]
            for h in headings
        }
        voters = list(_voters(rng, postcodes, 160))
        for n, (name, postcode, born) in enumerate(voters, start=1):
            choices = {
                pk: rng.sample(numbers[: 3 + n % 3], rng.randint(1, 3))
                for pk, numbers in by_heading.items()
            }
            if n % 40 == 0:  # a paper with too many ticks: spoiled
                first = headings[0].pk
                choices[first] = by_heading[first][:4]
            services.ballot_enter(
                actor=coordinator,
                round_=finished,
                channel=Channel.PHONE if n % 5 == 0 else Channel.PAPER,
                full_name=name,
                postcode=postcode,
                born=born,
                choices=choices,
                paper_number=None if n % 5 == 0 else 1000 + n,
            )
        # The same person's second paper: recorded as a duplicate.
        name, postcode, born = voters[0]
        services.ballot_enter(
            actor=coordinator,
            round_=finished,
            channel=Channel.PAPER,
            full_name=name,
            postcode=postcode,
            born=born,
            choices={headings[0].pk: by_heading[headings[0].pk][:1]},
            paper_number=2000,
        )
        _move(finished, "counting")
        services.round_seal(actor=officer, round_=finished)
        services.round_count(actor=officer, round_=finished)
        services.round_publish(actor=officer, round_=finished)

    with demo_step("updates on the finished round's winning proposals"):
        winners = [
            p
            for p in Proposal.objects.filter(round=finished).order_by("number")
            if proposal_won(p)
        ]
        for proposal, news in zip(winners, DELIVERY_NEWS, strict=False):
            for delivery, text in news:
                services.proposal_update_post(
                    actor=officer, proposal=proposal, delivery=delivery, text=text
                )

    with demo_step("the budgeting round open for voting"):
        open_round = _round(
            locality,
            officer,
            title="Riverside Parks Fund",
            description="£10,000 for the borough’s parks and green spaces. "
            "Choose the projects you would fund with it.",
            ballot_type="knapsack",
            counting_method="greedy",
            eligibility="anyone",
        )
        heading = services.heading_add(
            actor=officer, round_=open_round, name="Parks", amount=10_000
        )
        proposals = _propose_and_check(
            open_round, member, officer, [(heading, OPEN)], proposer
        )
        _move(open_round, "voting")
        numbers = [p.number for p in proposals]
        for n, (name, postcode, born) in enumerate(
            _voters(rng, postcodes, 12), start=1
        ):
            services.ballot_enter(
                actor=coordinator,
                round_=open_round,
                channel=Channel.PAPER,
                full_name=name,
                postcode=postcode,
                born=born,
                choices={heading.pk: rng.sample(numbers[:2], rng.randint(1, 2))},
                paper_number=n,
            )

    with demo_step("the budgeting round taking proposals"):
        proposing = _round(
            locality,
            officer,
            title="Riverside Youth Fund",
            description="£8,000 for ideas from and for young people. Propose yours.",
            ballot_type="approval",
            max_choices=2,
            counting_method="greedy",
            eligibility="anyone",
            minimum_age=11,
        )
        heading = services.heading_add(
            actor=officer, round_=proposing, name="Youth", amount=8_000
        )
        _move(proposing, "proposing")
        for title, description, place, estimated in PROPOSING:
            services.proposal_submit(
                actor=member,
                round_=proposing,
                heading=heading,
                title=title,
                description=description,
                place=place,
                estimated_cost=estimated,
                proposer_name=member.full_name,
                **proposer,
            )
