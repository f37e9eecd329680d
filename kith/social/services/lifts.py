"""Lifts to an activity: asking the help part for a lift there and back, and
cancelling it when someone drops out or the activity is cancelled.
"""

from datetime import timedelta
from typing import Any

from django.utils.translation import gettext as _

from kith.accounts.models import User
from kith.core.errors import ApplicationError
from kith.members.models import Membership
from kith.places.models import Locality
from kith.social import words
from kith.social.models import SignUp


def _lift_category(locality: Locality) -> Any:
    from kith.help.models import HelpCategory

    return (
        HelpCategory.objects.filter(
            locality=locality, is_active=True, name__istartswith="lift"
        )
        .order_by("position")
        .first()
    )


def _ask_for_lift(actor: User, made: SignUp, membership: Membership) -> None:
    """Ask the help part for a lift there and back, from an hour before the
    activity until an hour after it."""

    occurrence = made.occurrence
    activity = occurrence.activity
    category = _lift_category(activity.locality)
    if category is None:
        raise ApplicationError(
            _(
                "We cannot arrange lifts online here yet. Phone %(phone)s and we "
                "will try to help."
            )
            % {"phone": activity.locality.phone},
            field="needs_lift",
        )
    minutes = min(480, activity.minutes + 120)
    try:
        request = _lift_request_create(
            actor, made, membership, category=category, minutes=minutes
        )
    except ApplicationError as exc:
        raise ApplicationError(
            _(
                "We could not ask for a lift for this date (%(why)s) so nothing "
                "has changed. Sign up without a lift, or phone %(phone)s."
            )
            % {
                "why": (exc.message[:1].lower() + exc.message[1:]).rstrip("."),
                "phone": activity.locality.phone,
            },
            field="needs_lift",
        ) from exc
    made.lift_request = request
    made.save(update_fields=["lift_request", "updated_at"])


def _lift_request_create(
    actor: User, made: SignUp, membership: Membership, *, category: Any, minutes: int
) -> Any:
    from kith.help import services as help_services

    occurrence = made.occurrence
    activity = occurrence.activity
    return help_services.request_create(
        actor=actor,
        membership=membership,
        category=category,
        details=_("A lift to %(title)s at %(place)s on %(when)s, and home again.")
        % {
            "title": activity.title,
            "place": activity.venue.name,
            "when": words.when_text(occurrence.starts_at),
        },
        minutes=minutes,
        windows=[
            help_services.Window(
                occurrence.starts_at - timedelta(hours=1),
                occurrence.starts_at - timedelta(hours=1) + timedelta(minutes=minutes),
            )
        ],
        at_home=False,
        place=f"{activity.venue.name}, {activity.venue.address}",
        submission_key=f"social-lift-{made.pk}",
    )


def _cancel_lift(actor: Any, made: SignUp, *, reason: str) -> None:
    from kith.help import services as help_services
    from kith.help.models import HelpRequest

    request = made.lift_request
    if request is None or request.status in (
        HelpRequest.Status.DONE,
        HelpRequest.Status.CANCELLED,
    ):
        return
    if help_services.can_ask_for(actor=actor, membership=request.membership) is None:
        # A host cancelling cannot cancel other people's help: coordinators
        # see the request on their dashboard with the activity cancelled.
        return
    help_services.request_cancel(actor=actor, request=request, reason=reason)
