"""Middleware that needs the parts above core: which locality a request is
about and whom the person is acting for."""

from collections.abc import Callable, Collection

from django.http import HttpRequest, HttpResponse

from kith.accounts.http import KithRequest
from kith.accounts.permissions import roles_of
from kith.accounts.selectors import acting_for_resolve
from kith.core.context import context_updated
from kith.core.middleware import (
    ACTING_FOR_SESSION_KEY,
    LOCALITY_SESSION_KEY,
    client_ip,
)
from kith.places.selectors import locality_for_request


class RequestContextMiddleware:
    """Works out the locality and the person being acted for, and makes the
    address and acting-for known to services for the length of the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: KithRequest) -> HttpResponse:
        held: Collection[int] = roles_of(request.user)
        chosen_id = request.session.get(LOCALITY_SESSION_KEY)
        user = request.user
        if chosen_id and user.is_superuser and user.is_active:
            # A deployment administrator may go to any locality, archived
            # ones included (docs/adr/0041).
            held = {*held, chosen_id}
        request.locality = locality_for_request(
            host=request.get_host(), held=held, chosen_id=chosen_id
        )
        acting_for = None
        acting_id = request.session.get(ACTING_FOR_SESSION_KEY)
        if acting_id:
            acting_for = acting_for_resolve(actor=request.user, person_id=acting_id)
            if acting_for is None:
                # The right to act has gone (role removed, person left): stop.
                request.session.pop(ACTING_FOR_SESSION_KEY, None)
        request.acting_for = acting_for
        with context_updated(
            ip_address=client_ip(request),
            acting_for_id=acting_for.pk if acting_for else None,
            locality_id=request.locality.pk if request.locality else None,
            user_id=request.user.pk,
        ):
            return self.get_response(request)
