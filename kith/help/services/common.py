"""Helpers that several of help's writes use: the locality's settings,
the request's timeline, who coordinates and messages.
"""

from typing import Any

from kith.accounts.models import User
from kith.accounts.permissions import Perm, require_perm
from kith.core.times import when_text as when_text  # one wording, kept here for help
from kith.help.models import HelpRequest, HelpSettings, RequestEvent, Visit
from kith.notify.services import message_queue_for_person
from kith.places.models import Locality


def settings_for(locality: Locality) -> HelpSettings:
    found, _created = HelpSettings.objects.get_or_create(locality=locality)
    return found


def _event(
    request: HelpRequest, text: str, *, actor: Any, visit: Visit | None = None
) -> None:
    from kith.core import context

    acting_for = context.current().acting_for_id
    RequestEvent.objects.create(
        request=request,
        visit=visit,
        actor=actor if actor is not None and actor.pk else None,
        on_behalf_of_id=acting_for
        if acting_for and actor and acting_for != actor.pk
        else None,
        text=text,
    )


def _notify(person: User, template: str, locality: Locality, **values: Any) -> None:
    message_queue_for_person(
        person=person,
        template=template,
        personalisation={
            "locality_name": locality.name,
            "locality_phone": locality.phone,
            **values,
        },
        locality=locality,
    )


def _require_helper_or_coordinator(actor: User, visit: Visit) -> None:
    if visit.helper.user_id == actor.pk:
        return
    require_perm(actor, Perm.HELP_MANAGE, visit.request.locality)


def _lock_visit(visit: Visit) -> Visit:
    return (
        Visit.objects.select_for_update()
        .select_related(
            "request__membership__person",
            "request__category",
            "helper__user",
            "request__locality",
        )
        .get(pk=visit.pk)
    )
