"""Reads for the privacy part: the rights register, the breach log, what
blocks an erasure, and everything held about one person."""

from typing import Any

from django.apps import apps
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from kith.accounts.models import STAFF_ROLES, RoleAssignment, User
from kith.accounts.permissions import Perm, require_perm
from kith.accounts.services import signin_identifier_digest
from kith.credits.models import Account
from kith.help.models import Visit
from kith.helpers.models import HelperProfile, HelperStatus
from kith.members.models import Membership
from kith.privacy.catalogue import HOLDINGS, Holding
from kith.privacy.models import Breach, RightsRequest
from kith.safeguarding.models import Concern


def rights_requests_for(*, actor: Any, locality: Any, status: str = "") -> QuerySet:
    """The locality's rights requests, soonest due first; open ones by
    default."""
    require_perm(actor, Perm.PRIVACY_MANAGE, locality)
    requests = RightsRequest.objects.filter(locality=locality).select_related("person")
    if status:
        requests = requests.filter(status=status)
    return requests.order_by("status", "due_on", "pk")


def rights_request_get_for(*, actor: Any, locality: Any, pk: int) -> RightsRequest:
    require_perm(actor, Perm.PRIVACY_MANAGE, locality)
    try:
        return RightsRequest.objects.select_related(
            "person", "received_by", "identity_checked_by", "closed_by"
        ).get(locality=locality, pk=pk)
    except RightsRequest.DoesNotExist:
        raise Http404 from None


def breaches_for(*, actor: Any, locality: Any) -> QuerySet:
    require_perm(actor, Perm.BREACH_LOG, locality)
    return Breach.objects.filter(locality=locality).select_related("recorded_by")


def breach_get_for(*, actor: Any, locality: Any, pk: int) -> Breach:
    require_perm(actor, Perm.BREACH_LOG, locality)
    try:
        return Breach.objects.select_related("recorded_by", "reported_by").get(
            locality=locality, pk=pk
        )
    except Breach.DoesNotExist:
        raise Http404 from None


def person_in_locality(*, actor: Any, locality: Any, pk: int) -> User:
    """A person with a record in ``locality`` (a role, a membership or a
    helper's profile there), for staff who handle their requests."""
    require_perm(actor, Perm.PRIVACY_MANAGE, locality)
    person = (
        User.objects.filter(pk=pk)
        .filter(
            Q(roles__locality=locality)
            | Q(memberships__locality=locality)
            | Q(helper_profiles__locality=locality)
        )
        .distinct()
        .first()
    )
    if person is None:
        raise Http404
    return person


def legal_holds(*, person: User) -> list[str]:
    """Why ``person``'s data may not be erased now, in plain words; empty
    when nothing stands in the way. Each reason is a legal reason to keep
    the data (UK GDPR article 17(3)) or work that must be finished first so
    that nothing is lost (credits, visits)."""
    reasons: list[str] = []
    if RoleAssignment.objects.filter(user=person, role__in=STAFF_ROLES).exists():
        reasons.append(
            _("They work for the circle (a staff role): take their roles away first.")
        )
    about_them = Q(membership__person=person) | Q(helper__user=person)
    if Concern.objects.filter(about_them, status=Concern.Status.OPEN).exists():
        reasons.append(
            _(
                "A safeguarding concern about them is still open: it must be closed "
                "first."
            )
        )
    if Concern.objects.filter(
        about_them, helper_decision=Concern.HelperDecision.STOP
    ).exists():
        reasons.append(
            _(
                "They were stopped from helping after a safeguarding concern: the "
                "record of the duty to refer them to the Disclosure and Barring "
                "Service must be kept."
            )
        )
    if Membership.objects.filter(
        person=person, status__in=[Membership.Status.ACTIVE, Membership.Status.APPLIED]
    ).exists():
        reasons.append(_("They are still a member: end their membership first."))
    if HelperProfile.objects.filter(
        user=person,
        status__in=[HelperStatus.ACTIVE, HelperStatus.PAUSED, HelperStatus.VETTING],
    ).exists():
        reasons.append(_("They are still a helper: record that they have left first."))
    unfinished = [
        Visit.Status.OFFERED,
        Visit.Status.ACCEPTED,
        Visit.Status.CONFIRMED,
        Visit.Status.DONE,
    ]
    if Visit.objects.filter(
        Q(request__membership__person=person) | Q(helper__user=person),
        status__in=unfinished,
    ).exists():
        reasons.append(
            _(
                "They have visits that are arranged or not yet paid for: "
                "finish or cancel them first."
            )
        )
    if Account.objects.filter(person=person).exclude(balance_minutes=0).exists():
        reasons.append(
            _(
                "They still have credits (or owe some): move or settle them "
                "first, so the ledger stays whole."
            )
        )
    return reasons


def sign_in_identifiers(person: User) -> list[str]:
    """How sign-in attempts with ``person``'s email or mobile are recorded
    (a keyed digest, never the address itself)."""
    return [
        signin_identifier_digest(value)
        for value in (person.email, person.mobile)
        if value
    ]


def holding_rows(holding: Holding, person: User) -> QuerySet:
    """The rows of ``holding``'s model about ``person``."""
    model = apps.get_model(holding.model)
    if not holding.subjects:
        return model.objects.none()
    about = Q()
    for lookup in holding.subjects:
        about |= Q(**{lookup: person.pk if lookup == "pk" else person})
    return model._base_manager.filter(about).distinct()


def everything_about(*, person: User) -> list[tuple[Holding, list[Any]]]:
    """Every row in Kith about ``person``, by holding."""
    found = []
    for holding in HOLDINGS:
        rows = list(holding_rows(holding, person).order_by("pk"))
        if rows:
            found.append((holding, rows))
    return found
