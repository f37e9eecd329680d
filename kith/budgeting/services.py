"""Writes for participatory budgeting: rounds, proposals, ballots, counts.

Every service checks who may act, refuses with a reason people can read
(ApplicationError) and changes nothing when it refuses, audits what staff
do, and owns its transaction. The rules of a round are frozen once voting
opens (:func:`_require_not_frozen`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from kith.accounts.models import ContactCode
from kith.accounts.permissions import Perm, has_perm, require_perm
from kith.accounts.services import contact_code_send, contact_code_verify
from kith.budgeting import counting
from kith.budgeting.models import (
    Ballot,
    Channel,
    Eligibility,
    Heading,
    Phase,
    Proposal,
    Result,
    Round,
    Voter,
)
from kith.budgeting.words import SPOILT_REASONS
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.members.models import Membership
from kith.places.models import Postcode, Ward
from kith.places.postcodes import postcode_normalise

#: The fields of a round that make up its rules, frozen once voting opens.
RULE_FIELDS = (
    "ballot_type",
    "max_choices",
    "counting_method",
    "eligibility",
    "minimum_age",
    "voting_opens",
    "voting_closes",
)
#: The other fields a manager may change while the round is open.
OTHER_FIELDS = (
    "title",
    "description",
    "owner_organisation",
    "proposing_opens",
    "proposing_closes",
)


# --- rounds ------------------------------------------------------------------


def _require_not_frozen(round_: Round) -> None:
    if round_.rules_frozen():
        raise ApplicationError(
            _(
                "Voting opened on %(date)s, so the round’s rules (headings, "
                "amounts, ballot, who may take part and counting method) can no "
                "longer change."
            )
            % {"date": timezone.localtime(round_.voting_opens).strftime("%-d %B %Y")},
            code="frozen",
        )


def _save(instance: Any) -> None:
    try:
        instance.full_clean()
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise ApplicationError(
            messages[0], field=None if field == "__all__" else field
        ) from error
    instance.save()


@transaction.atomic
def round_create(
    *,
    actor: Any,
    locality: Any,
    title: str,
    ballot_type: str,
    counting_method: str,
    proposing_opens: datetime,
    proposing_closes: datetime,
    voting_opens: datetime,
    voting_closes: datetime,
    max_choices: int | None = None,
    eligibility: str = Eligibility.ANYONE,
    wards: Sequence[Ward] = (),
    minimum_age: int | None = None,
    owner_organisation: Any = None,
    description: str = "",
) -> Round:
    """Set up a round. Its headings are added with :func:`heading_add`."""
    require_perm(actor, Perm.BUDGETING_MANAGE, locality)
    if not (proposing_opens <= proposing_closes <= voting_opens < voting_closes):
        raise ApplicationError(
            _(
                "The dates must be in order: proposals open, proposals close, "
                "voting opens, voting closes."
            )
        )
    if voting_opens <= timezone.now():
        raise ApplicationError(
            _("Voting must open in the future."), field="voting_opens"
        )
    _check_owner(locality, owner_organisation)
    round_ = Round(
        locality=locality,
        title=title,
        description=description,
        owner_organisation=owner_organisation,
        ballot_type=ballot_type,
        max_choices=max_choices if ballot_type == counting.APPROVAL else None,
        counting_method=counting_method,
        eligibility=eligibility,
        minimum_age=minimum_age,
        proposing_opens=proposing_opens,
        proposing_closes=proposing_closes,
        voting_opens=voting_opens,
        voting_closes=voting_closes,
        created_by=actor,
    )
    if ballot_type == counting.APPROVAL and not max_choices:
        raise ApplicationError(
            _("Say how many projects a voter may choose."), field="max_choices"
        )
    _save(round_)
    _set_wards(round_, eligibility, wards)
    audit_record(actor=actor, action="budgeting.round_create", target=round_)
    return round_


def _check_owner(locality: Any, owner_organisation: Any) -> None:
    if owner_organisation is not None and owner_organisation.locality_id != getattr(
        locality, "pk", locality
    ):
        raise ApplicationError(
            _("Choose an organisation in this area."), field="owner_organisation"
        )


def _set_wards(round_: Round, eligibility: str, wards: Sequence[Ward]) -> None:
    if eligibility == Eligibility.WARDS:
        if not wards:
            raise ApplicationError(_("Choose at least one ward."), field="wards")
        if any(ward.locality_id != round_.locality_id for ward in wards):
            raise ApplicationError(_("Choose wards in this area."), field="wards")
        round_.wards.set(wards)
    else:
        round_.wards.clear()


@transaction.atomic
def round_update(
    *, actor: Any, round_: Round, wards: Sequence[Ward] | None = None, **changes: Any
) -> Round:
    """Change a round. Its rules (RULE_FIELDS, the wards) are refused once
    voting has opened, with the reason; anything else may change until the
    results are published."""
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    require_perm(actor, Perm.BUDGETING_MANAGE, round_.locality)
    unknown = set(changes) - set(RULE_FIELDS) - set(OTHER_FIELDS)
    if unknown:
        raise ValueError(f"Not a field of a round: {sorted(unknown)}")
    # Only what differs counts as a change, so a form sent back whole after
    # voting opens may still change the title.
    changes = {k: v for k, v in changes.items() if getattr(round_, k) != v}
    if wards is not None and {w.pk for w in wards} == set(
        round_.wards.values_list("pk", flat=True)
    ):
        wards = None
    rules = {k for k in changes if k in RULE_FIELDS} | (
        {"wards"} if wards is not None else set()
    )
    if rules:
        _require_not_frozen(round_)
    if round_.published_at:
        raise ApplicationError(_("The results are published: the round is closed."))
    if "owner_organisation" in changes:
        _check_owner(round_.locality, changes["owner_organisation"])
    for key, value in changes.items():
        setattr(round_, key, value)
    if round_.ballot_type == counting.APPROVAL and not round_.max_choices:
        raise ApplicationError(
            _("Say how many projects a voter may choose."), field="max_choices"
        )
    if not (
        round_.proposing_opens
        <= round_.proposing_closes
        <= round_.voting_opens
        < round_.voting_closes
    ):
        raise ApplicationError(
            _(
                "The dates must be in order: proposals open, proposals close, "
                "voting opens, voting closes."
            )
        )
    _save(round_)
    if wards is not None or "eligibility" in changes:
        _set_wards(
            round_,
            round_.eligibility,
            list(wards) if wards is not None else list(round_.wards.all()),
        )
    audit_record(
        actor=actor,
        action="budgeting.round_update",
        target=round_,
        data={"changed": sorted(changes) + (["wards"] if wards is not None else [])},
    )
    return round_


@transaction.atomic
def heading_add(*, actor: Any, round_: Round, name: str, amount: int) -> Heading:
    """Add a heading with its amount (whole pounds); refused once voting opens."""
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    require_perm(actor, Perm.BUDGETING_MANAGE, round_.locality)
    _require_not_frozen(round_)
    if round_.headings.filter(name=name).exists():
        raise ApplicationError(_("There is already a heading called that."))
    heading = Heading(round=round_, name=name, amount=amount)
    _save(heading)
    audit_record(
        actor=actor,
        action="budgeting.heading_add",
        target=round_,
        data={"heading": name, "amount": amount},
    )
    return heading


@transaction.atomic
def heading_change(*, actor: Any, heading: Heading, amount: int) -> Heading:
    """Change a heading's amount; refused once voting opens."""
    round_ = Round.objects.select_for_update().get(pk=heading.round_id)
    require_perm(actor, Perm.BUDGETING_MANAGE, round_.locality)
    _require_not_frozen(round_)
    heading = Heading.objects.get(pk=heading.pk)
    before = heading.amount
    heading.amount = amount
    _save(heading)
    audit_record(
        actor=actor,
        action="budgeting.heading_change",
        target=round_,
        data={"heading": heading.name, "from": before, "to": amount},
    )
    return heading


# --- proposals ---------------------------------------------------------------


@transaction.atomic
def proposal_submit(
    *,
    actor: Any,
    round_: Round,
    heading: Heading,
    title: str,
    description: str,
    proposer_name: str,
    place: str = "",
    estimated_cost: int | None = None,
) -> Proposal:
    """A resident's proposal, or one a coordinator takes on the phone.

    Refused outside the proposing phase. ``actor`` is the resident (signed
    in) or the coordinator entering it (who needs BALLOTS_ENTER); numbers
    follow the order of submission.
    """
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if round_.phase() != Phase.PROPOSING:
        raise ApplicationError(_("This round is not taking proposals now."))
    if heading.round_id != round_.pk:
        raise ApplicationError(_("Choose a heading of this round."), field="heading")
    staff = has_perm(actor, Perm.BALLOTS_ENTER, round_.locality)
    number = (round_.proposals.aggregate(n=Max("number"))["n"] or 0) + 1
    proposal = Proposal(
        round=round_,
        heading=heading,
        number=number,
        title=title.strip(),
        description=description.strip(),
        place=place.strip(),
        estimated_cost=estimated_cost,
        proposer=None if staff else actor,
        proposer_name=proposer_name.strip(),
        via=Proposal.Via.PHONE if staff else Proposal.Via.ONLINE,
        entered_by=actor if staff else None,
    )
    _save(proposal)
    audit_record(
        actor=actor,
        action="budgeting.proposal_submit",
        target=round_,
        data={"proposal": number},
    )
    return proposal


@transaction.atomic
def proposal_check(
    *,
    actor: Any,
    proposal: Proposal,
    feasible: bool,
    reason: str,
    cost: int | None = None,
) -> Proposal:
    """An officer says whether a proposal can be done, with a public reason,
    and sets its cost. Refused once voting opens (the ballot is then fixed)."""
    round_ = Round.objects.select_for_update().get(pk=proposal.round_id)
    require_perm(actor, Perm.BUDGETING_MANAGE, round_.locality)
    _require_not_frozen(round_)
    if not reason.strip():
        raise ApplicationError(
            _("Give the reason, which everyone will see."), field="reason"
        )
    if feasible and not cost:
        raise ApplicationError(_("Enter the cost in pounds."), field="cost")
    proposal = Proposal.objects.get(pk=proposal.pk)
    proposal.feasibility = (
        Proposal.Feasibility.FEASIBLE if feasible else Proposal.Feasibility.NOT_FEASIBLE
    )
    proposal.feasibility_reason = reason.strip()
    proposal.cost = cost if feasible else (cost or None)
    proposal.checked_by = actor
    proposal.checked_at = timezone.now()
    _save(proposal)
    audit_record(
        actor=actor,
        action="budgeting.proposal_check",
        target=round_,
        data={"proposal": proposal.number, "feasible": feasible, "cost": cost},
    )
    return proposal


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
    *, round_: Round, full_name: str, postcode: str, born: date
) -> tuple[str, Ward | None]:
    """The voter's postcode as written properly and their ward.

    Raises ApplicationError saying why they may not take part: a postcode
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
        age = _age_on(born, timezone.localdate(round_.voting_opens))
        if age < round_.minimum_age:
            raise ApplicationError(
                _("You need to be %(age)s or older to take part.")
                % {"age": round_.minimum_age},
                field="born",
                code="not_eligible",
            )
    if round_.eligibility == Eligibility.MEMBERS:
        members = Membership.objects.filter(
            locality_id=round_.locality_id,
            status=Membership.Status.ACTIVE,
            person__postcode__in=[postcode, postcode.replace(" ", "")],
        ).select_related("person")
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


# --- online ------------------------------------------------------------------

BALLOT_CODE_PURPOSE = "budgeting_vote"


def _purpose(round_: Round) -> str:
    return f"{BALLOT_CODE_PURPOSE}:{round_.pk}"


@transaction.atomic
def ballot_code_send(*, round_: Round, to: str) -> ContactCode:
    """Send a one-time code to the voter's email address or mobile number,
    so they can vote without an account. Refused when voting is closed or
    after 5 codes in an hour."""
    _require_voting_open(round_)
    to = to.strip()
    if not to:
        raise ApplicationError(
            _("Enter your email address or mobile number."), field="to"
        )
    sent = contact_code_send(to=to, purpose=_purpose(round_), locality=round_.locality)
    if sent is None:
        raise ApplicationError(
            _("We have sent 5 codes in the last hour. Wait a while, or phone us."),
            code="throttled",
        )
    return sent


@transaction.atomic
def ballot_online_cast(
    *,
    round_: Round,
    to: str,
    code_id: int,
    code: str,
    full_name: str,
    postcode: str,
    born: date,
    choices: Mapping[int, Sequence[int]],
) -> Voter:
    """Cast, or change, an online ballot once the code sent to ``to`` checks.

    Choices that break the rules are refused with the reason (the voter can
    put them right; only paper ballots are recorded as spoiled). A person who
    voted on paper or by phone is refused. An online voter who votes again
    before voting closes replaces their choices.
    """
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    _require_voting_open(round_)
    postcode, ward = voter_eligibility(
        round_=round_, full_name=full_name, postcode=postcode, born=born
    )
    checked = _ballots_checked(round_, choices)
    for heading, _picked, reason in checked:
        if reason:
            raise ApplicationError(
                _("%(heading)s: %(reason)s")
                % {"heading": heading.name, "reason": SPOILT_REASONS[reason]},
                code=reason,
            )
    if not checked:
        raise ApplicationError(_("Choose at least one project."), code="empty")
    contact_code_verify(
        code_id=code_id,
        code=code,
        to=to.strip(),
        purpose=_purpose(round_),
        locality=round_.locality,
    )
    identity = voter_identity(
        round_=round_, full_name=full_name, postcode=postcode, born=born
    )
    existing = Voter.objects.filter(
        round=round_, identity=identity, status=Voter.Status.VOTED
    ).first()
    if existing is not None and existing.channel != Channel.ONLINE:
        raise ApplicationError(
            _("You have already voted %(how)s, so you cannot vote online.")
            % {"how": existing.get_channel_display().lower()},
            code="already_voted",
        )
    if existing is None:
        voter = Voter.objects.create(
            round=round_,
            identity=identity,
            full_name=full_name.strip(),
            postcode=postcode,
            ward=ward,
            channel=Channel.ONLINE,
        )
    else:
        voter = existing
        voter.changed_at = timezone.now()
        voter.save(update_fields=["changed_at"])
        Ballot.objects.filter(round=round_, seal=_seal(voter)).delete()
    seal = _seal(voter)
    Ballot.objects.bulk_create(
        [
            Ballot(
                round=round_,
                heading=heading,
                channel=Channel.ONLINE,
                choices=picked,
                seal=seal,
            )
            for heading, picked, _reason in checked
        ]
    )
    audit_record(
        actor=None,
        action="budgeting.ballot_change" if existing else "budgeting.ballot_cast",
        target=round_,
        data={"channel": Channel.ONLINE},
    )
    return voter


# --- paper and phone ---------------------------------------------------------


@dataclass(frozen=True)
class Entered:
    """A ballot staff entered: who voted, and why it is spoiled if it is."""

    voter: Voter
    spoiled: tuple[str, ...]


@transaction.atomic
def ballot_enter(
    *,
    actor: Any,
    round_: Round,
    channel: str,
    full_name: str,
    postcode: str,
    born: date,
    choices: Mapping[int, Sequence[int]],
    paper_number: int | None = None,
) -> Entered:
    """Staff enter a paper ballot (with its number) or one taken by phone.

    A ballot whose choices break the rules is recorded as spoiled with the
    reason, not corrected. A second ballot from a person who has voted is
    recorded as a duplicate and not counted. A paper number entered before
    is refused (the same paper twice). A person who may not take part is
    refused with the reason and nothing is recorded.
    """
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    require_perm(actor, Perm.BALLOTS_ENTER, round_.locality)
    if channel not in (Channel.PAPER, Channel.PHONE):
        raise ValueError(f"Staff enter paper or phone ballots, not {channel!r}")
    _require_voting_open_or_paper_late(round_, channel)
    if channel == Channel.PAPER:
        if not paper_number:
            raise ApplicationError(
                _("Enter the number printed on the paper."), field="paper_number"
            )
        if Voter.objects.filter(round=round_, paper_number=paper_number).exists():
            raise ApplicationError(
                _("Paper %(number)s has already been entered.")
                % {"number": paper_number},
                field="paper_number",
                code="paper_entered",
            )
    else:
        paper_number = None  # a phone ballot has no paper
    postcode, ward = voter_eligibility(
        round_=round_, full_name=full_name, postcode=postcode, born=born
    )
    checked = _ballots_checked(round_, choices)
    if not checked:
        checked = [
            (heading, [], counting.SPOILT_EMPTY) for heading in round_.headings.all()
        ]
    identity = voter_identity(
        round_=round_, full_name=full_name, postcode=postcode, born=born
    )
    earlier = Voter.objects.filter(
        round=round_, identity=identity, status=Voter.Status.VOTED
    ).first()
    duplicate = earlier is not None
    voter = Voter(
        round=round_,
        identity=identity,
        full_name=full_name.strip(),
        postcode=postcode,
        ward=ward,
        channel=channel,
        paper_number=paper_number,
        entered_by=actor,
        status=Voter.Status.DUPLICATE if duplicate else Voter.Status.VOTED,
        reason=(
            _("Already voted %(how)s.") % {"how": earlier.get_channel_display().lower()}
            if earlier is not None
            else ""
        ),
    )
    try:
        with transaction.atomic():
            voter.save()
    except IntegrityError as error:  # pragma: no cover - the lock makes it rare
        raise ApplicationError(
            _("This ballot was entered at the same time.")
        ) from error
    Ballot.objects.bulk_create(
        [
            Ballot(
                round=round_,
                heading=heading,
                channel=channel,
                choices=picked,
                status=(
                    Ballot.Status.DUPLICATE
                    if duplicate
                    else Ballot.Status.SPOILED
                    if reason
                    else Ballot.Status.COUNTED
                ),
                reason="duplicate" if duplicate else reason,
            )
            for heading, picked, reason in checked
        ]
    )
    audit_record(
        actor=actor,
        action="budgeting.ballot_enter",
        target=round_,
        data={
            "channel": channel,
            "paper": paper_number,
            "duplicate": duplicate,
            "spoiled": sorted({r for _h, _p, r in checked if r}),
        },
    )
    spoiled = () if duplicate else tuple(sorted({r for _h, _p, r in checked if r}))
    return Entered(voter=voter, spoiled=spoiled)


def _require_voting_open_or_paper_late(round_: Round, channel: str) -> None:
    """Paper ballots cast in time may be entered after voting closes, until
    the ballots are sealed for counting; phone ballots only while open."""
    phase = round_.phase()
    if phase == Phase.VOTING:
        return
    if channel == Channel.PAPER and phase == Phase.COUNTING and not round_.sealed_at:
        return
    raise ApplicationError(_("Ballots cannot be entered in this round now."))


# --- counting ----------------------------------------------------------------


@transaction.atomic
def round_seal(*, actor: Any, round_: Round) -> Round:
    """After voting closes and every paper is entered: wipe the seals that
    let online voters change their ballots, so nothing joins a ballot to a
    person, and stop further entry."""
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    require_perm(actor, Perm.BUDGETING_MANAGE, round_.locality)
    if round_.phase() != Phase.COUNTING:
        raise ApplicationError(_("Voting has not closed yet."))
    if round_.sealed_at:
        return round_
    Ballot.objects.filter(round=round_).exclude(seal="").update(seal="")
    round_.sealed_at = timezone.now()
    round_.save(update_fields=["sealed_at"])
    audit_record(actor=actor, action="budgeting.round_seal", target=round_)
    return round_


@transaction.atomic
def round_draw_record(*, actor: Any, round_: Round, order: Sequence[int]) -> Round:
    """Record the public draw (proposal numbers, first drawn first), used
    only when projects tie on votes, cost and submission."""
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    require_perm(actor, Perm.BUDGETING_MANAGE, round_.locality)
    if round_.counted_at:
        raise ApplicationError(_("The round has been counted: the draw is fixed."))
    numbers = set(round_.proposals.values_list("number", flat=True))
    if len(set(order)) != len(order) or not set(order) <= numbers:
        raise ApplicationError(
            _("List each proposal’s number once, in the order drawn."), field="order"
        )
    round_.draw = list(order)
    round_.draw_recorded_at = timezone.now()
    round_.save(update_fields=["draw", "draw_recorded_at"])
    audit_record(
        actor=actor,
        action="budgeting.draw_record",
        target=round_,
        data={"order": list(order)},
    )
    return round_


def election_for(heading: Heading) -> counting.Election:
    """A heading's counted ballots as plain data for ``counting``."""
    round_ = heading.round
    projects = tuple(
        # A feasible proposal always has a cost (a database constraint).
        counting.Project(str(number), cost or 0, number)
        for number, cost in heading.proposals.filter(
            feasibility=Proposal.Feasibility.FEASIBLE
        ).values_list("number", "cost")
    )
    ballots = [
        [str(n) for n in choices]
        for choices in heading.ballots.filter(status=Ballot.Status.COUNTED)
        .values_list("choices", flat=True)
        .iterator(chunk_size=5000)
    ]
    return counting.Election(
        amount=heading.amount,
        projects=projects,
        ballots=ballots,
        draw=tuple(str(n) for n in round_.draw),
    )


@transaction.atomic
def round_count(*, actor: Any, round_: Round) -> list[Result]:
    """Count every heading by the round's method and store the results.

    Refused before the ballots are sealed. When projects tie all the way to
    the draw and none is recorded, refused with the proposals to draw.
    """
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    require_perm(actor, Perm.BUDGETING_MANAGE, round_.locality)
    if not round_.sealed_at:
        raise ApplicationError(
            _("Close the ballot box first: voting must be closed and sealed.")
        )
    if round_.published_at:
        raise ApplicationError(_("The results are published already."))
    method = (
        counting.count_greedy
        if round_.counting_method == counting.GREEDY
        else counting.count_equal_shares
    )
    results = []
    Result.objects.filter(heading__round=round_).delete()
    for heading in round_.headings.select_related("round"):
        try:
            outcome = method(election_for(heading))
        except counting.DrawNeeded as tie:
            raise ApplicationError(
                _(
                    "Proposals %(numbers)s tie on votes, cost and submission. Hold "
                    "and record a public draw, then count again."
                )
                % {"numbers": ", ".join(tie.keys)},
                code="draw_needed",
            ) from tie
        statuses = Counter(heading.ballots.values_list("status", flat=True))
        results.append(
            Result.objects.create(
                heading=heading,
                method=round_.counting_method,
                winners=[int(k) for k in outcome.winners],
                votes=dict(outcome.votes),
                tie_breaks=[
                    {"first": int(t.first), "second": int(t.second), "rule": t.rule}
                    for t in outcome.tie_breaks
                ],
                completed=[int(k) for k in outcome.completed],
                share=str(outcome.share) if outcome.share is not None else "",
                spent=outcome.spent,
                left=outcome.left,
                ballots_counted=statuses[Ballot.Status.COUNTED],
                ballots_spoiled=statuses[Ballot.Status.SPOILED],
                ballots_duplicate=statuses[Ballot.Status.DUPLICATE],
                counted_by=actor,
            )
        )
    round_.counted_at = timezone.now()
    round_.save(update_fields=["counted_at"])
    audit_record(actor=actor, action="budgeting.round_count", target=round_)
    return results


@transaction.atomic
def round_publish(*, actor: Any, round_: Round) -> Round:
    """Publish the counted results to everyone."""
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    require_perm(actor, Perm.BUDGETING_MANAGE, round_.locality)
    if not round_.counted_at:
        raise ApplicationError(_("Count the round before publishing the results."))
    if round_.published_at:
        return round_
    round_.published_at = timezone.now()
    round_.save(update_fields=["published_at"])
    audit_record(actor=actor, action="budgeting.round_publish", target=round_)
    return round_
