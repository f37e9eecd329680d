"""Reads about help shared by its pages: the kinds of help, the settings,
who may ask."""

from datetime import timedelta
from typing import Any

from django.db.models import (
    QuerySet,
)
from django.http import Http404
from django.utils import timezone

from kith.accounts.models import User
from kith.accounts.permissions import Perm
from kith.help.models import (
    HelpCategory,
    HelpRequest,
    HelpSettings,
    Visit,
)
from kith.members.access import (
    ActingAs,
    SupporterMay,
    acting_as,
    require_may_act_for,
    sees_all,
)
from kith.members.models import Membership
from kith.places.models import Locality

CONTACT_WINDOW = timedelta(hours=24)
LIVE = [Visit.Status.OFFERED, Visit.Status.ACCEPTED, Visit.Status.CONFIRMED]


def _require_may_see_requests(*, actor: User, membership: Membership) -> bool:
    """A member's help requests and visits are seen by the member, a
    coordinator, or a supporter allowed to ask for help or to see visits (the
    rule is ``kith.members.access``'s); raises ``PermissionDenied``.

    Returns whether they see all of them: a supporter allowed only to ask
    for help sees just the requests they asked for themself (ADR 0021)."""
    how = require_may_act_for(
        actor=actor,
        membership=membership,
        coordinator_perm=Perm.HELP_MANAGE,
        supporter_may=(SupporterMay.ASK_FOR_HELP, SupporterMay.SEE_VISITS),
    )
    return sees_all(
        actor=actor, membership=membership, how=how, may=SupporterMay.SEE_VISITS
    )


def categories_for(*, locality: Locality) -> QuerySet[HelpCategory]:
    return HelpCategory.objects.filter(locality=locality, is_active=True)


def all_categories_for(*, locality: Locality) -> QuerySet[HelpCategory]:
    """Every kind of help in the locality, stopped ones too, with its skill."""
    return HelpCategory.objects.filter(locality=locality).select_related("skill")


def category_get_for(*, locality: Locality, pk: int) -> HelpCategory:
    """One kind of help in the locality, stopped or not. Raises Http404 when
    there is no such kind here."""
    category = HelpCategory.objects.filter(pk=pk, locality=locality).first()
    if category is None:
        raise Http404
    return category


def help_settings_for(*, locality: Locality) -> HelpSettings:
    """The locality's rules for visits: the saved ones, or the defaults (not
    saved here) when none have been saved yet."""
    found = HelpSettings.objects.filter(locality=locality).first()
    return found if found is not None else HelpSettings(locality=locality)


def visit_cancel_is_late(*, visit: Visit) -> bool:
    """Whether cancelling this confirmed visit now is a late cancellation:
    within the locality's late-cancellation hours of its start."""
    if visit.starts_at is None or visit.status != Visit.Status.CONFIRMED:
        return False
    hours = help_settings_for(locality=visit.request.locality).late_cancellation_hours
    return visit.starts_at - timezone.now() < timedelta(hours=hours)


def can_ask_for(*, actor: Any, membership: Membership) -> str | None:
    """How ``actor`` may ask for help for ``membership``: "online" (the
    member), "supporter", "phone" (a coordinator), or None. The rule is
    ``kith.members.access``'s."""
    how = acting_as(
        actor=actor,
        membership=membership,
        coordinator_perm=Perm.HELP_MANAGE,
        supporter_may=SupporterMay.ASK_FOR_HELP,
    )
    if how is None:
        return None
    return _ASKED_HOW[how]


_ASKED_HOW = {
    ActingAs.MEMBER: HelpRequest.AskedHow.ONLINE,
    ActingAs.COORDINATOR: HelpRequest.AskedHow.PHONE,
    ActingAs.SUPPORTER: HelpRequest.AskedHow.SUPPORTER,
}
