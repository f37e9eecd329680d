"""Helpers' records: offers accepted, visits done, cancellations, no-shows, ratings."""

from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Avg,
    Count,
    Q,
)
from django.utils.translation import gettext as _

from kith.accounts.models import User
from kith.accounts.permissions import Perm, require_perm
from kith.help.models import (
    Visit,
)
from kith.helpers.models import HelperProfile, HelperStatus
from kith.helpers.sharing import sharing_partners
from kith.places.models import Locality


def _record_counts() -> dict[str, Any]:
    """A helper's record, as annotations of their profile: offers answered,
    accepted, visits done, late cancellations, no-shows, average rating."""
    return {
        "n_offers": Count(
            "visits", filter=~Q(visits__status=Visit.Status.OFFERED), distinct=True
        ),
        "n_accepted": Count(
            "visits",
            filter=~Q(visits__status__in=[Visit.Status.OFFERED, Visit.Status.DECLINED]),
            distinct=True,
        ),
        "n_done": Count(
            "visits",
            filter=Q(visits__status__in=[Visit.Status.DONE, Visit.Status.SETTLED]),
            distinct=True,
        ),
        "n_late": Count(
            "visits",
            filter=Q(
                visits__late_cancellation=True,
                visits__cancelled_by=Visit.Party.HELPER,
            ),
            distinct=True,
        ),
        "n_no_show": Count(
            "visits",
            filter=Q(
                visits__status=Visit.Status.NO_SHOW,
                visits__no_show_by=Visit.Party.HELPER,
            ),
            distinct=True,
        ),
        "rating": Avg("visits__feedback__rating"),
    }


def _profiles() -> Any:
    """Helpers' profiles, to be annotated with ``_record_counts`` (typed
    loosely: the type checker cannot see annotations given as a mapping)."""
    return HelperProfile.objects.all()


@dataclass
class Reliability:
    helper: HelperProfile
    offers: int
    accepted: int
    done: int
    late_cancellations: int
    no_shows: int
    average_rating: float | None

    @property
    def acceptance_percent(self) -> int | None:
        answered = self.offers
        return round(100 * self.accepted / answered) if answered else None


def reliability_for(*, actor: User, locality: Locality) -> list[Reliability]:
    """Each helper's record: offers accepted, visits done, late
    cancellations, no-shows and average rating. Coordinators only."""
    require_perm(actor, Perm.HELP_MANAGE, locality)
    helpers = (
        _profiles()
        .filter(locality=locality)
        .exclude(status=HelperStatus.LEFT)
        .select_related("user")
        .annotate(**_record_counts())
        .order_by("user__full_name")
    )
    return [
        Reliability(
            helper=h,
            offers=h.n_offers,
            accepted=h.n_accepted,
            done=h.n_done,
            late_cancellations=h.n_late,
            no_shows=h.n_no_show,
            average_rating=round(h.rating, 1) if h.rating is not None else None,
        )
        for h in helpers
    ]


def shared_helpers_record(
    *, actor: User, locality: Locality, ids: list[int]
) -> dict[int, str]:
    """The record of each helper among ``ids`` shared with ``locality`` by a
    neighbouring locality, in one sentence: visits done, offers accepted,
    late cancellations and no-shows, and their average rating, over every
    visit they made here or at home (ADR 0042). Figures only, nothing of
    any member. Coordinators of ``locality`` only (PermissionDenied);
    helpers not shared with it now are left out. Two queries."""
    require_perm(actor, Perm.HELP_MANAGE, locality)
    partners = sharing_partners(locality=locality)
    if not partners or not ids:
        return {}
    rows = (
        _profiles()
        .filter(pk__in=ids, locality_id__in=list(partners))
        .annotate(**_record_counts())
        .values_list(
            "pk", "n_offers", "n_accepted", "n_done", "n_late", "n_no_show", "rating"
        )
    )
    out = {}
    for pk, offers, accepted, done, late, no_show, rating in rows:
        missed = late + no_show  # a visit cancelled late never also went unmet
        parts = [
            _("visits done: %(done)d") % {"done": done},
            _("offers accepted: %(accepted)d of %(offers)d")
            % {"accepted": accepted, "offers": offers},
            _("late cancellations or visits missed: %(missed)d") % {"missed": missed},
        ]
        if rating is not None:
            parts.append(
                _("average rating: %(rating)s out of 5") % {"rating": round(rating, 1)}
            )
        out[pk] = _("Their record: %(parts)s.") % {"parts": ", ".join(parts)}
    return out
