"""Rounds and their headings: set up, changed, and frozen once voting opens."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.permissions import Perm, require_perm
from kith.budgeting import counting
from kith.budgeting.models import (
    Eligibility,
    Heading,
    Round,
)
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.places.models import Ward

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
