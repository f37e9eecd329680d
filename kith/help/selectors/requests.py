"""Help requests and visits as the member, their supporters and staff see them."""

from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Prefetch,
    QuerySet,
)
from django.http import Http404
from django.utils import timezone

from kith.accounts.models import User
from kith.help.models import (
    HelpRequest,
    Visit,
)
from kith.help.selectors.common import _require_may_see_requests
from kith.members.access import (
    SupporterMay,
    may_act_for,
    memberships_actor_may_act_for,
)
from kith.members.models import Membership
from kith.places.models import Locality


def visit_get_for_member_side(*, actor: User, pk: int) -> Visit:
    """A visit seen from the member's side of its request: its helper may
    open it, and so may whoever may open the request (the member, their
    supporter, a coordinator). Raises Http404 or PermissionDenied as
    ``request_get_for`` does."""
    visit = (
        Visit.objects.select_related(
            "request__membership__person", "request__locality", "helper__user"
        )
        .filter(pk=pk)
        .first()
    )
    if visit is None:
        raise Http404
    if visit.helper.user_id == actor.pk:
        return visit
    request_get_for(actor=actor, pk=visit.request_id)
    return visit


def request_just_asked(*, pk: int | None) -> HelpRequest | None:
    """The request whose id the session keeps after asking, for the page
    that says it is sent. Never for an id from a request."""
    return (
        HelpRequest.objects.select_related("membership__person", "locality")
        .filter(pk=pk)  # type: ignore[misc]  # pk=None is valid: finds nothing
        .first()
    )


def _request_detail(queryset: QuerySet[HelpRequest]) -> QuerySet[HelpRequest]:
    return queryset.select_related(
        "membership__person", "membership__ward", "category", "asked_by", "locality"
    ).prefetch_related(
        "windows",
        Prefetch(
            "visits",
            queryset=Visit.objects.select_related("helper__user", "feedback").order_by(
                "occurrence", "pk"
            ),
        ),
        "events__actor",
        "events__on_behalf_of",
    )


def request_get_for(*, actor: User, pk: int) -> HelpRequest:
    """A request as its member, a coordinator of its locality, or their
    supporter sees it: one allowed to see visits sees any of the member's
    requests, one allowed only to ask for help just those they asked.
    Raises ``PermissionDenied`` for anyone else."""
    request = _request_detail(HelpRequest.objects.filter(pk=pk)).first()
    if request is None:
        raise Http404
    if (
        not _require_may_see_requests(actor=actor, membership=request.membership)
        and request.asked_by_id != actor.pk
    ):
        raise PermissionDenied
    return request


def requests_for_member(
    *, actor: User, membership: Membership
) -> QuerySet[HelpRequest]:
    """The member's requests, or only those the actor asked when they are a
    supporter allowed to ask for help but not to see visits."""
    found = HelpRequest.objects.filter(membership=membership)
    if not _require_may_see_requests(actor=actor, membership=membership):
        found = found.filter(asked_by=actor)
    return _request_detail(found)


def coming_visits_for_member(*, actor: User, membership: Membership) -> QuerySet[Visit]:
    """Confirmed visits still to come, for the member, a supporter who may see
    visits, or a coordinator; a supporter allowed only to ask for help sees
    the visits of the requests they asked."""
    found = Visit.objects.filter(
        request__membership=membership,
        status=Visit.Status.CONFIRMED,
        starts_at__gte=timezone.now() - timedelta(hours=2),
    )
    if not _require_may_see_requests(actor=actor, membership=membership):
        found = found.filter(request__asked_by=actor)
    return found.select_related("helper__user", "request__category").order_by(
        "starts_at"
    )


def members_to_ask_for(
    *, actor: User, locality: Locality, acting_for: User | None = None
) -> list[Membership]:
    """The members this person may ask for help for: themselves, the members
    they support (if allowed), or the one a coordinator is acting for."""
    return memberships_actor_may_act_for(
        actor=actor,
        locality=locality,
        supporter_may=SupporterMay.ASK_FOR_HELP,
        acting_for=acting_for,
    )


def members_to_show(
    *, actor: User, locality: Locality, acting_for: User | None = None
) -> list[Membership]:
    """The members whose help this person follows on the help page:
    themselves, the members they support (if allowed to ask for help or to
    see visits), or the one a coordinator is acting for."""
    return memberships_actor_may_act_for(
        actor=actor,
        locality=locality,
        supporter_may=(SupporterMay.ASK_FOR_HELP, SupporterMay.SEE_VISITS),
        acting_for=acting_for,
    )


def supporting_page_visits(*, actor: User, link: Any) -> dict[str, Any]:
    """For the page of a member a supporter supports (members'
    ``supporting_page_extras`` hook): the member's coming visits, when the
    member allowed the supporter to see them; nothing otherwise."""
    membership = link.membership
    if not may_act_for(
        actor=actor, membership=membership, supporter_may=SupporterMay.SEE_VISITS
    ):
        return {}
    return {
        "coming_visits": list(
            coming_visits_for_member(actor=actor, membership=membership)[:20]
        )
    }
