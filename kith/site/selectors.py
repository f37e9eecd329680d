"""Reads for the home page, which draws on several parts. Each is scoped to
the person signed in: a member sees only their own visits, credits,
activities and introductions."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from kith.accounts.models import User
from kith.credits.models import AccountKind
from kith.credits.selectors import Balance, balance_summary, own_account
from kith.help.models import Visit
from kith.members.models import Membership
from kith.places.models import Locality
from kith.social.models import Introduction, SignUp
from kith.social.services.common import LIVE_SIGN_UPS
from kith.social.words import first_name

#: How far ahead "this week" reaches: today and the six days after it.
WEEK = timedelta(days=7)


@dataclass(frozen=True)
class NextVisit:
    visit: Visit
    helper_first_name: str


@dataclass(frozen=True)
class MemberHome:
    """What matters most to a member, for the top of their home page."""

    membership: Membership
    next_visit: NextVisit | None
    balance: Balance
    sign_ups: list[SignUp]
    introductions_waiting: list[Introduction]


def member_home_for(
    *, actor: User, locality: Locality, now: datetime | None = None
) -> MemberHome | None:
    """The signed-in member's next confirmed visit (and who is coming), their
    balance, their places and waiting-list places in the next seven days, and
    the introductions waiting for their answer; ``None`` when ``actor`` is
    not a current member here. The same handful of queries however much
    there is."""
    if not actor.is_authenticated:
        return None
    membership = (
        Membership.objects.filter(person=actor, locality=locality)
        .exclude(status=Membership.Status.LEFT)
        .first()
    )
    if membership is None:
        return None
    now = now or timezone.now()
    visit = (
        Visit.objects.filter(
            request__membership=membership,
            status=Visit.Status.CONFIRMED,
            starts_at__gte=now,
        )
        .select_related("helper__user", "request__category")
        .order_by("starts_at", "pk")
        .first()
    )
    sign_ups = list(
        SignUp.objects.filter(
            person=actor,
            status__in=LIVE_SIGN_UPS,
            occurrence__activity__locality=locality,
            occurrence__ends_at__gte=now,
            occurrence__starts_at__lt=now + WEEK,
        )
        .select_related("occurrence__activity__venue")
        .order_by("occurrence__starts_at", "pk")
    )
    waiting = list(
        Introduction.objects.filter(status=Introduction.Status.ASKED)
        .filter(
            Q(first=membership, first_answer=Introduction.Answer.WAITING)
            | Q(second=membership, second_answer=Introduction.Answer.WAITING)
        )
        .order_by("asked_at", "pk")
    )
    account = own_account(actor=actor, locality=locality, kind=AccountKind.MEMBER)
    return MemberHome(
        membership=membership,
        next_visit=NextVisit(
            visit=visit, helper_first_name=first_name(visit.helper.user)
        )
        if visit
        else None,
        balance=balance_summary(account, locality),
        sign_ups=sign_ups,
        introductions_waiting=waiting,
    )


def localities_overview() -> list[Locality]:
    """Every locality with how many wards and people (holding any role) it
    has, for the deployment's administrators. No one's personal details."""
    from django.db.models import Count

    return list(
        Locality.objects.defer("logo")
        .annotate(
            ward_count=Count("wards", distinct=True),
        )
        .order_by("name")
    )
