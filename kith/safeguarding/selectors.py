"""Reads of safeguarding concerns, scoped to who may see what (ADR 0033):

- a safeguarding lead of the locality reads every concern there, and each
  time one is opened it is audited ("safeguarding_concern_viewed");
- the person who raised a concern sees that it was received, and when;
- a coordinator sees that a member has an open concern, never what it says.
"""

from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from kith.accounts.models import User
from kith.accounts.permissions import Perm, has_perm, require_perm
from kith.core.services import audit_record
from kith.help.models import Visit
from kith.helpers.models import HelperProfile
from kith.members.models import Membership
from kith.places.models import Locality
from kith.safeguarding.models import Concern, ConcernAction, SafeguardingSettings

#: How far back a helper's visits make a member someone they can raise a
#: concern about from the general page (a visit's own page always can).
VISITED_WITHIN = timedelta(days=365)


def settings_for(locality: Locality) -> SafeguardingSettings:
    """The locality's safeguarding settings (the defaults until a lead
    changes them)."""
    found = SafeguardingSettings.objects.filter(locality=locality).first()
    return found or SafeguardingSettings(locality=locality)


def concerns_for_lead(
    *, actor: User, locality: Locality, closed: bool = False
) -> QuerySet[Concern]:
    """The locality's concerns for its safeguarding leads: open ones, late
    ones first, or closed ones, newest first. Only who, when and the state
    of the work; a concern's content is read on its own page (audited).
    Raises PermissionDenied."""
    require_perm(actor, Perm.SAFEGUARDING_LEAD, locality)
    found = Concern.objects.filter(locality=locality).select_related(
        "membership__person", "helper__user", "raised_by"
    )
    if closed:
        return found.filter(status=Concern.Status.CLOSED).order_by("-closed_at", "-pk")
    # Not yet acknowledged first (the oldest due first), on both databases.
    return found.filter(status=Concern.Status.OPEN).order_by(
        F("acknowledged_at").asc(nulls_first=True), "acknowledge_by", "pk"
    )


def concern_get_for(
    *, actor: User, locality: Locality, pk: int, audit: bool = True
) -> Concern:
    """One concern with everything recorded on it, for a safeguarding lead of
    its locality. Each opening is audited. Raises PermissionDenied for anyone
    else (the raiser included) and Http404 when there is no such concern
    here."""
    require_perm(actor, Perm.SAFEGUARDING_LEAD, locality)
    concern = (
        Concern.objects.filter(locality=locality, pk=pk)
        .select_related(
            "membership__person",
            "helper__user",
            "raised_by",
            "visit__request__category",
            "acknowledged_by",
            "referral_decided_by",
            "dbs_decided_by",
            "closed_by",
        )
        .prefetch_related("notes__written_by", "sharings", "actions")
        .first()
    )
    if concern is None:
        raise Http404
    if audit:
        audit_record(
            actor=actor,
            action="safeguarding_concern_viewed",
            target=concern,
            locality=locality,
        )
    return concern


def concern_action_get_for(
    *, actor: User, locality: Locality, pk: int, action_pk: int
) -> ConcernAction:
    """One action agreed on a concern, for a safeguarding lead of its
    locality. Raises PermissionDenied or Http404."""
    require_perm(actor, Perm.SAFEGUARDING_LEAD, locality)
    action = (
        ConcernAction.objects.filter(
            concern__locality=locality, concern_id=pk, pk=action_pk
        )
        .select_related("concern__locality")
        .first()
    )
    if action is None:
        raise Http404
    return action


def concerns_raised_by(*, actor: User, locality: Locality) -> QuerySet[Concern]:
    """The concerns ``actor`` raised here: the page shows when each was
    received and about whom, never what followed."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    return (
        Concern.objects.filter(locality=locality, raised_by=actor)
        .select_related("membership__person", "helper__user")
        .order_by("-created_at", "-pk")
    )


def members_visited_by(*, actor: User, locality: Locality) -> QuerySet[Membership]:
    """Members ``actor`` has visited (or is going to) as a helper in the last
    year: the members a helper may name when raising a concern from the
    general page."""
    since = timezone.now() - VISITED_WITHIN
    return (
        Membership.objects.filter(
            locality=locality,
            pk__in=Visit.objects.filter(
                helper__user=actor,
                request__locality=locality,
                offered_at__gte=since,
            ).values("request__membership_id"),
        )
        .select_related("person")
        .order_by("person__full_name", "pk")
    )


def member_for_raising(*, actor: User, locality: Locality, pk: int) -> Membership:
    """A member ``actor`` may raise a concern about by name: any member here
    for coordinators and leads, members they visited for a helper.
    Raises Http404."""
    if has_perm(actor, Perm.MEMBERS_MANAGE, locality) or has_perm(
        actor, Perm.SAFEGUARDING_LEAD, locality
    ):
        found = Membership.objects.filter(locality=locality)
    else:
        found = members_visited_by(actor=actor, locality=locality)
    membership = found.select_related("person").filter(pk=pk).first()
    if membership is None:
        raise Http404
    return membership


def helper_for_raising(*, actor: User, locality: Locality, pk: int) -> HelperProfile:
    """A helper ``actor`` may raise a concern about by their record: those
    who manage helpers and leads. Raises PermissionDenied or Http404."""
    if not (
        has_perm(actor, Perm.HELPERS_MANAGE, locality)
        or has_perm(actor, Perm.SAFEGUARDING_LEAD, locality)
    ):
        raise PermissionDenied
    profile = (
        HelperProfile.objects.filter(locality=locality, pk=pk)
        .select_related("user")
        .first()
    )
    if profile is None:
        raise Http404
    return profile


def helpers_for_linking(*, actor: User, locality: Locality) -> QuerySet[HelperProfile]:
    """The locality's helpers who have not left, for a lead who finds that a
    concern raised about "someone else" is about one of them."""
    require_perm(actor, Perm.SAFEGUARDING_LEAD, locality)
    return (
        HelperProfile.objects.filter(locality=locality)
        .exclude(status="left")
        .select_related("user")
        .order_by("user__full_name", "pk")
    )


def open_concern_count(*, membership: Membership) -> int:
    return Concern.objects.filter(
        membership=membership, status=Concern.Status.OPEN
    ).count()


def member_page_flag(*, actor: Any, membership: Membership) -> dict | None:
    """For a member's record (members' ``member_page_sections`` hook): that a
    safeguarding concern about them is open, never what it says, and a link
    to raise one. Leads are also given the way to the concerns."""
    locality = membership.locality
    if not has_perm(actor, Perm.SAFEGUARDING_RAISE, locality):
        return None
    return {
        "template": "safeguarding/_member_flag.html",
        "open_concerns": open_concern_count(membership=membership),
        "is_lead": has_perm(actor, Perm.SAFEGUARDING_LEAD, locality),
    }


def late_count(*, actor: User, locality: Locality) -> int:
    """Open concerns not acknowledged in time, for the leads' page."""
    require_perm(actor, Perm.SAFEGUARDING_LEAD, locality)
    return Concern.objects.filter(
        Q(locality=locality, status=Concern.Status.OPEN)
        & Q(acknowledged_at=None, acknowledge_by__lt=timezone.now())
    ).count()
