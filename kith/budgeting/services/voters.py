"""Who may vote: eligibility, a voter's identity, ballots checked by the rules."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from kith.budgeting import counting
from kith.budgeting.models import (
    Eligibility,
    Heading,
    Phase,
    Proposal,
    Round,
    Voter,
)
from kith.core.errors import ApplicationError
from kith.members.models import Membership
from kith.places.models import Postcode, Ward
from kith.places.postcodes import postcode_normalise

# --- who may vote ------------------------------------------------------------


def _normal_name(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip().casefold()


def voter_identity(*, round_: Round, full_name: str, postcode: str, born: date) -> str:
    """The same keyed digest for the same person in a round, whatever channel."""
    return salted_hmac(
        "kith.budgeting.voter",
        f"{round_.pk}:{_normal_name(full_name)}:{postcode}:{born.isoformat()}",
    ).hexdigest()


def _seal(voter: Voter) -> str:
    return salted_hmac("kith.budgeting.seal", f"{voter.pk}").hexdigest()


def _age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def voter_eligibility(
    *, round_: Round, full_name: str, postcode: str, born: date | None
) -> tuple[str, Ward | None]:
    """The voter's postcode as written properly and their ward.

    The same rules say who may propose (``proposal_submit``). Raises
    ApplicationError saying why they may not take part: a postcode
    that is not one, outside the round's wards, under the minimum age, not a
    member of the circle.
    """
    try:
        postcode = postcode_normalise(postcode)
    except ValidationError as error:
        raise ApplicationError(error.messages[0], field="postcode") from error
    if not _normal_name(full_name):
        raise ApplicationError(_("Enter the voter’s full name."), field="full_name")
    ward_code = (
        Postcode.objects.filter(postcode=postcode)
        .values_list("ward_code", flat=True)
        .first()
    )
    ward = (
        Ward.objects.filter(locality_id=round_.locality_id, ons_code=ward_code).first()
        if ward_code
        else None
    )
    if round_.eligibility == Eligibility.WARDS:
        allowed = set(round_.wards.values_list("pk", flat=True))
        if ward is None or ward.pk not in allowed:
            raise ApplicationError(
                _(
                    "Only people living in %(wards)s can take part, and %(postcode)s "
                    "is not in one of them."
                )
                % {
                    "wards": ", ".join(w.name for w in round_.wards.all()),
                    "postcode": postcode,
                },
                field="postcode",
                code="not_eligible",
            )
    if round_.minimum_age:
        if born is None:
            raise ApplicationError(
                _("Enter the date of birth: this round has a minimum age."),
                field="born",
            )
        age = _age_on(born, timezone.localdate(round_.voting_opens))
        if age < round_.minimum_age:
            raise ApplicationError(
                _("You need to be %(age)s or older to take part.")
                % {"age": round_.minimum_age},
                field="born",
                code="not_eligible",
            )
    if round_.eligibility == Eligibility.MEMBERS:
        members = (
            Membership.objects.filter(
                locality_id=round_.locality_id,
                status=Membership.Status.ACTIVE,
            )
            .filter(
                Q(person__postcode__iexact=postcode)
                | Q(person__postcode__iexact=postcode.replace(" ", ""))
            )
            .select_related("person")
        )
        if not any(
            _normal_name(m.person.full_name) == _normal_name(full_name) for m in members
        ):
            raise ApplicationError(
                _(
                    "Only members of the circle can take part. We could not find a "
                    "member with that name and postcode."
                ),
                code="not_eligible",
            )
    return postcode, ward


def _ballots_checked(
    round_: Round, choices: Mapping[int, Sequence[int]]
) -> list[tuple[Heading, list[int], str]]:
    """Each heading's choices with the reason it is spoiled ('' if valid)."""
    headings = list(round_.headings.all())
    known = {h.pk for h in headings}
    if set(choices) - known:
        raise ApplicationError(_("Choose projects from this round’s ballot."))
    costs_by_heading: dict[int, dict[str, int]] = {h.pk: {} for h in headings}
    for number, heading_id, cost in round_.proposals.filter(
        feasibility=Proposal.Feasibility.FEASIBLE
    ).values_list("number", "heading_id", "cost"):
        costs_by_heading[heading_id][str(number)] = cost or 0
    checked = []
    for heading in headings:
        if heading.pk not in choices:
            continue
        picked = [str(n) for n in choices[heading.pk]]
        rules = counting.BallotRules(
            ballot_type=round_.ballot_type,
            costs=costs_by_heading[heading.pk],
            max_choices=round_.max_choices,
            amount=heading.amount,
        )
        reason = counting.ballot_check(picked, rules) or ""
        checked.append((heading, [int(n) for n in picked], reason))
    return checked


def _require_voting_open(round_: Round) -> None:
    if round_.phase() != Phase.VOTING:
        raise ApplicationError(_("Voting is not open in this round."), code="closed")
