"""The funding rules of a project, as pure functions over plain numbers
(ADR 0030). Money is whole pence.

- What counts towards the target: money and the value of materials; time
  is counted in hours, not pounds.
- All or nothing: nothing is collected unless the counted pledges reach the
  target by the deadline; if they do not, every pledge is released.
- Keep what you raise: every pledge is kept, except those of partners who
  asked for theirs to be released if the target is missed.
- A fund's caps: at most ``cap_pence`` in all to one project, and at most
  ``cap_percent`` of its target (rounded down to the penny); and, if it has
  one, at most its budget across all projects together (ADR 0036).
"""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from kith.core.money import pounds

ALL_OR_NOTHING = "all_or_nothing"
KEEP = "keep"


def fund_allowance(
    *, target_pence: int, cap_pence: int, cap_percent: int, already_pence: int = 0
) -> int:
    """How much more a fund may pledge to a project (never below 0).

    With a cap of £10,000 and 50%, a £15,000 project may have £7,500."""
    by_share = target_pence * cap_percent // 100
    return max(0, min(cap_pence, by_share) - already_pence)


def fund_refusal(
    *,
    amount_pence: int,
    target_pence: int,
    cap_pence: int,
    cap_percent: int,
    already_pence: int = 0,
) -> str | None:
    """Why a fund may not pledge ``amount_pence``, or None if it may."""
    allowed = fund_allowance(
        target_pence=target_pence,
        cap_pence=cap_pence,
        cap_percent=cap_percent,
        already_pence=already_pence,
    )
    if amount_pence <= allowed:
        return None
    by_share = target_pence * cap_percent // 100
    if by_share <= cap_pence:
        limit = _(
            "The fund gives at most %(percent)s%% of a project's target, which "
            "is %(limit)s for this project."
        ) % {"percent": cap_percent, "limit": pounds(by_share)}
    else:
        limit = _("The fund gives at most %(limit)s to one project.") % {
            "limit": pounds(cap_pence)
        }
    if already_pence:
        limit += " " + _("It has already pledged %(already)s.") % {
            "already": pounds(already_pence)
        }
    return (
        _("%(amount)s is more than the fund may pledge (%(allowed)s).")
        % {"amount": pounds(amount_pence), "allowed": pounds(allowed)}
        + " "
        + limit
    )


def fund_budget_left(*, budget_pence: int | None, pledged_pence: int) -> int | None:
    """What is left of a fund's budget (never below 0), or None for a fund
    with no overall limit."""
    if budget_pence is None:
        return None
    return max(0, budget_pence - pledged_pence)


def fund_budget_refusal(
    *, amount_pence: int, budget_pence: int | None, pledged_pence: int
) -> str | None:
    """Why a fund may not pledge ``amount_pence`` more given what it has
    already pledged across all projects, or None if it may."""
    left = fund_budget_left(budget_pence=budget_pence, pledged_pence=pledged_pence)
    if left is None or amount_pence <= left:
        return None
    return _(
        "%(amount)s is more than is left in the fund's budget: %(left)s of "
        "%(budget)s is left for all projects."
    ) % {
        "amount": pounds(amount_pence),
        "left": pounds(left),
        "budget": pounds(budget_pence or 0),
    }


def pledge_refusal(
    *, status: str, deadline: date, today: date, published: str = "published"
) -> str | None:
    """Why no pledge may be made to a project now, or None if one may."""
    if status != published:
        return _("This project is not taking pledges: it is not open.")
    if today > deadline:
        return _("This project stopped taking pledges on %(day)s.") % {
            "day": f"{deadline.day} {deadline:%B %Y}"
        }
    return None


@dataclass(frozen=True)
class PledgeLine:
    """One pledge, as the funding rules see it."""

    pence: int
    release_if_missed: bool = False


@dataclass(frozen=True)
class Outcome:
    reached: bool
    counted_pence: int
    #: Indexes of the pledges released, in the order given.
    released: tuple[int, ...]


def funding_outcome(
    *, funding_model: str, target_pence: int, pledges: list[PledgeLine]
) -> Outcome:
    """What happens to the pledges when pledging closes (at the deadline)."""
    if funding_model not in (ALL_OR_NOTHING, KEEP):
        raise ValueError(f"unknown funding model {funding_model!r}")
    counted = sum(line.pence for line in pledges)
    reached = counted >= target_pence
    if reached:
        released: tuple[int, ...] = ()
    elif funding_model == ALL_OR_NOTHING:
        released = tuple(range(len(pledges)))
    else:
        released = tuple(i for i, line in enumerate(pledges) if line.release_if_missed)
    return Outcome(reached=reached, counted_pence=counted, released=released)


def percent_of_target(counted_pence: int, target_pence: int) -> int:
    """Whole per cent, rounded down, so 99.9% is never shown as 100%."""
    if target_pence <= 0:
        return 0
    return counted_pence * 100 // target_pence
