"""The coordinators' help dashboard: each part's rows and counts."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.models import User
from kith.accounts.permissions import Perm, require_perm
from kith.help.models import (
    Feedback,
    HelpRequest,
    Visit,
)
from kith.members.models import Membership
from kith.places.models import Locality

# --- coordinators ------------------------------------------


#: Rows of each part of the dashboard; "see all" pages the rest.
DASHBOARD_ROWS = 10


class DashboardSection(StrEnum):
    """The parts of the help dashboard, each a list that can be paged."""

    OPEN = "open"
    TODAY = "today"
    OFFERED = "offered"
    TO_CONFIRM = "to-confirm"
    NO_SHOWS = "no-shows"
    LOW_RATINGS = "low-ratings"
    UNSETTLED = "unsettled"
    LOW_CREDIT = "low-credit"
    TO_REASSIGN = "to-reassign"

    @property
    def heading(self) -> str:
        return {
            DashboardSection.OPEN: _("Open requests"),
            DashboardSection.TODAY: _("Visits today"),
            DashboardSection.OFFERED: _("Offers waiting for a helper’s answer"),
            DashboardSection.TO_CONFIRM: _("Accepted, to confirm with the member"),
            DashboardSection.NO_SHOWS: _("Visits that did not happen"),
            DashboardSection.LOW_RATINGS: _("Low ratings"),
            DashboardSection.UNSETTLED: _("Done visits not settled"),
            DashboardSection.LOW_CREDIT: _("Members low on credit with visits booked"),
            DashboardSection.TO_REASSIGN: _(
                "Visits to give to another helper (their helper is paused)"
            ),
        }[self]


@dataclass
class DashboardPart:
    section: DashboardSection
    rows: list[Any]
    count: int

    @property
    def more(self) -> int:
        return self.count - len(self.rows)


URGENCY_ORDER = {"urgent": 0, "soon": 1, "routine": 2}

_URGENCY_RANK = Case(
    *(When(urgency=code, then=Value(rank)) for code, rank in URGENCY_ORDER.items()),
    default=Value(3),
    output_field=IntegerField(),
)


def _dashboard_visits(locality: Locality) -> QuerySet[Visit]:
    return Visit.objects.filter(request__locality=locality).select_related(
        "helper__user", "request__membership__person", "request__category"
    )


def dashboard_section_rows(
    *, actor: User, locality: Locality, section: DashboardSection
) -> QuerySet[Any]:
    """One part of the help dashboard as an ordered queryset, for the
    dashboard's first rows and for the page that lists them all.
    Coordinators only; raises PermissionDenied."""
    require_perm(actor, Perm.HELP_MANAGE, locality)
    now = timezone.now()
    start = timezone.make_aware(
        datetime.combine(timezone.localdate(), datetime.min.time())
    )
    recent = now - timedelta(days=28)
    visits = _dashboard_visits(locality)
    if section is DashboardSection.OPEN:
        return (
            HelpRequest.objects.filter(
                locality=locality, status=HelpRequest.Status.OPEN
            )
            .select_related("membership__person", "category")
            .annotate(urgency_rank=_URGENCY_RANK)
            .order_by("urgency_rank", "created_at", "pk")
        )
    if section is DashboardSection.TODAY:
        return visits.filter(
            status__in=[
                Visit.Status.CONFIRMED,
                Visit.Status.DONE,
                Visit.Status.SETTLED,
            ],
            starts_at__gte=start,
            starts_at__lt=start + timedelta(days=1),
        ).order_by("starts_at", "pk")
    if section is DashboardSection.OFFERED:
        return visits.filter(status=Visit.Status.OFFERED).order_by("offered_at", "pk")
    if section is DashboardSection.TO_CONFIRM:
        return visits.filter(status=Visit.Status.ACCEPTED).order_by("starts_at", "pk")
    if section is DashboardSection.NO_SHOWS:
        return visits.filter(
            status=Visit.Status.NO_SHOW, updated_at__gte=recent
        ).order_by("-updated_at", "pk")
    if section is DashboardSection.LOW_RATINGS:
        return (
            Feedback.objects.filter(
                visit__request__locality=locality, rating__lte=2, created_at__gte=recent
            )
            .select_related("visit__helper__user", "visit__request__membership__person")
            .order_by("-created_at", "pk")
        )
    if section is DashboardSection.UNSETTLED:
        return visits.filter(status=Visit.Status.DONE).order_by("done_at", "pk")
    if section is DashboardSection.TO_REASSIGN:
        # A safeguarding concern holds the helper (ADR 0034): the visits they
        # were offered or will make must go to someone else.
        return visits.filter(
            helper__safeguarding_hold=True,
            status__in=[
                Visit.Status.OFFERED,
                Visit.Status.ACCEPTED,
                Visit.Status.CONFIRMED,
            ],
        ).order_by("starts_at", "pk")
    return _members_low_on_credit(locality)


def dashboard_for(*, actor: User, locality: Locality) -> dict[str, DashboardPart]:
    """Open requests by urgency and age, visits today, offers waiting for an
    answer, and problems (no-shows, low ratings, unsettled visits, members
    low on credit): the first rows of each and how many there are, so the
    page costs the same however busy the circle. Coordinators only."""
    keys: dict[DashboardSection, list[tuple[int, int]]] = {}
    other_rows: dict[DashboardSection, list[Any]] = {}
    for section in DashboardSection:
        rows = dashboard_section_rows(actor=actor, locality=locality, section=section)
        # The first rows' keys and how many there are, in one query without
        # the joins for what the rows show (a database joins every row
        # before it cuts the list); then only those rows, with their joins.
        keys[section] = list(
            rows.annotate(section_count=Window(Count("pk"))).values_list(
                "pk", "section_count"
            )[:DASHBOARD_ROWS]
        )
        if keys[section] and rows.model is not Visit:
            other_rows[section] = list(
                rows.filter(pk__in=[pk for pk, _n in keys[section]])
            )
    # The visits of every part at once.
    wanted = {
        pk
        for section, found in keys.items()
        for pk, _n in found
        if section not in other_rows
    }
    visits = (
        {v.pk: v for v in _dashboard_visits(locality).filter(pk__in=wanted)}
        if wanted
        else {}
    )
    parts = {}
    for section, found in keys.items():
        first = other_rows.get(section) or [
            visits[pk] for pk, _n in found if pk in visits
        ]
        parts[section.name.lower()] = DashboardPart(
            section=section, rows=first, count=found[0][1] if found else 0
        )
    return parts


def _members_low_on_credit(locality: Locality) -> QuerySet[Membership]:
    """Active members with a confirmed visit to come whose balance is under
    an hour, lowest first (``balance`` in minutes)."""
    from kith.credits.models import Account

    balance = Subquery(
        Account.objects.filter(
            locality=locality, kind="member", person_id=OuterRef("person_id")
        ).values("balance_minutes")[:1]
    )
    return (
        Membership.objects.filter(locality=locality, status=Membership.Status.ACTIVE)
        # From the confirmed visits (a few) rather than every member (many).
        .filter(
            pk__in=Visit.objects.filter(
                request__locality=locality, status=Visit.Status.CONFIRMED
            ).values("request__membership_id")
        )
        .annotate(balance=Coalesce(balance, Value(0)))
        .filter(balance__lt=60)
        .select_related("person")
        .order_by("balance", "pk")
    )
