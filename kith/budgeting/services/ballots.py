"""Ballots: cast online with a code, or entered by staff from paper or the phone."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.models import ContactCode
from kith.accounts.permissions import Perm, require_perm
from kith.accounts.services import contact_code_send, contact_code_verify
from kith.budgeting import counting
from kith.budgeting.models import (
    Ballot,
    Channel,
    Phase,
    Round,
    Voter,
)
from kith.budgeting.services.voters import (
    _ballots_checked,
    _require_voting_open,
    _seal,
    voter_eligibility,
    voter_identity,
)
from kith.budgeting.words import SPOILT_REASONS
from kith.core.errors import ApplicationError
from kith.core.services import audit_record

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
