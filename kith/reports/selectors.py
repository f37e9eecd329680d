"""Reads of reports' personal data (members' surveys) and of the council's
values, scoped to the actor. The published figures are read in
kith/reports/figures/."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from kith.accounts.permissions import Perm, has_perm, require_perm
from kith.help.models import HelpCategory
from kith.members.models import Membership
from kith.places.models import Locality
from kith.reports import services
from kith.reports.models import HelpValue, Instrument, ProxyValue, Survey


def membership_for_survey(*, actor: Any, locality: Locality, pk: int) -> Membership:
    """A member of ``locality`` whose survey staff may enter. Raises
    PermissionDenied without the permission, Http404 for anyone else's
    member."""
    require_perm(actor, Perm.SURVEYS_RECORD, locality)
    found = (
        Membership.objects.filter(locality=locality, pk=pk)
        .exclude(status=Membership.Status.LEFT)
        .select_related("person", "locality", "ward")
        .first()
    )
    if found is None:
        raise Http404
    return found


def own_membership(*, actor: Any, locality: Locality) -> Membership:
    """The signed-in person's own current membership of ``locality``; Http404
    if they have none."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    found = (
        Membership.objects.filter(locality=locality, person=actor)
        .exclude(status=Membership.Status.LEFT)
        .select_related("person", "locality")
        .first()
    )
    if found is None:
        raise Http404
    return found


def survey_due_now(*, membership: Membership, today: date) -> services.Due | None:
    """The survey this member is due to answer now, if any."""
    rows = list(
        Survey.objects.filter(membership=membership).values_list("wave", "stop_asking")
    )
    return services.survey_due_for(
        membership,
        today=today,
        settings=services.survey_settings_for(membership.locality),
        recorded={wave for wave, _stop in rows},
        stopped=any(stop for _wave, stop in rows),
    )


def surveys_due(*, actor: Any, locality: Locality, today: date) -> list[services.Due]:
    """Every survey due in ``locality``, for staff who enter them."""
    require_perm(actor, Perm.SURVEYS_RECORD, locality)
    return services.surveys_due_in(locality, today=today)


def surveys_recorded(*, actor: Any, membership: Membership) -> list[Survey]:
    """When this member was asked and what happened (not their answers)."""
    if not (
        actor.pk == membership.person_id
        or has_perm(actor, Perm.SURVEYS_RECORD, membership.locality)
    ):
        raise PermissionDenied
    return list(
        Survey.objects.filter(membership=membership)
        .select_related("recorded_by")
        .order_by("wave")
    )


def instruments_asked() -> list[Instrument]:
    return services.instruments_asked()


def own_survey_due(
    *, actor: Any, locality: Locality, today: date
) -> services.Due | None:
    """The survey the signed-in member is due to answer, or None (also for
    anyone who is not a current member here)."""
    if not getattr(actor, "is_authenticated", False):
        return None
    membership = (
        Membership.objects.filter(locality=locality, person=actor)
        .exclude(status=Membership.Status.LEFT)
        .select_related("locality")
        .first()
    )
    if membership is None:
        return None
    return survey_due_now(membership=membership, today=today)


# --- the council's values -----------------------------------------------------


def proxy_values_for(*, actor: Any, locality: Locality) -> list[ProxyValue]:
    """The locality's proxy values, in use first then retired, for those
    who keep them (the reports permission; PermissionDenied otherwise)."""
    require_perm(actor, Perm.REPORTS_VIEW, locality)
    return sorted(
        ProxyValue.objects.filter(locality=locality),
        key=lambda p: (p.retired_at is not None, p.outcome.lower(), p.pk),
    )


def proxy_value_for(*, actor: Any, locality: Locality, pk: int) -> ProxyValue:
    """One of the locality's proxy values. PermissionDenied without the
    reports permission, Http404 for another locality's."""
    require_perm(actor, Perm.REPORTS_VIEW, locality)
    found = (
        ProxyValue.objects.filter(locality=locality, pk=pk)
        .select_related("locality")
        .first()
    )
    if found is None:
        raise Http404
    return found


def help_values_for(
    *, actor: Any, locality: Locality
) -> list[tuple[HelpCategory, HelpValue | None]]:
    """Each kind of help the locality offers with its commercial price, if
    set (two queries)."""
    require_perm(actor, Perm.REPORTS_VIEW, locality)
    prices = {v.category_id: v for v in HelpValue.objects.filter(locality=locality)}
    return [
        (category, prices.get(category.pk))
        for category in HelpCategory.objects.filter(locality=locality).order_by(
            "position", "name"
        )
    ]


def help_category_for(
    *, actor: Any, locality: Locality, pk: int
) -> tuple[HelpCategory, HelpValue | None]:
    """A kind of help of ``locality`` with its price. PermissionDenied
    without the reports permission, Http404 for another locality's."""
    require_perm(actor, Perm.REPORTS_VIEW, locality)
    category = (
        HelpCategory.objects.filter(locality=locality, pk=pk)
        .select_related("locality")
        .first()
    )
    if category is None:
        raise Http404
    return category, HelpValue.objects.filter(category=category).first()
