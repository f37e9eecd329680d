"""Helpers that social's pages share: the locality, and the memberships
someone may act for.
"""

from typing import Any

from django.http import Http404, HttpRequest

from kith.accounts.http import AuthenticatedRequest
from kith.members.models import Membership
from kith.members.selectors import membership_current_for
from kith.social import selectors


def _locality(request: HttpRequest) -> Any:
    locality = request.locality  # type: ignore[attr-defined]
    if locality is None:
        raise Http404
    return locality


def _for_whom(request: HttpRequest) -> list[Membership]:
    """The members this person may sign up or answer for: the member a
    coordinator is acting for, or themselves and those they support."""
    return selectors.members_to_sign_up(
        actor=request.user,  # type: ignore[arg-type]
        locality=_locality(request),
        acting_for=getattr(request, "acting_for", None),
    )


def _own_membership(request: AuthenticatedRequest) -> Membership:
    """The member whose introductions are shown: the one a coordinator is
    acting for, or the person signed in."""
    locality = _locality(request)
    person = getattr(request, "acting_for", None) or request.user
    return membership_current_for(person=person, locality=locality)
