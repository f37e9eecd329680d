"""Feedback both ways on a visit."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kith.accounts.models import User
from kith.accounts.permissions import Perm, require_perm
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.help.models import Feedback, Visit
from kith.help.services.common import _event


@transaction.atomic
def feedback_record(
    *, actor: User, visit: Visit, rating: int, comment: str = ""
) -> Feedback:
    """The member rates a visit that happened, or a coordinator records
    their rating from a call. Once per visit."""
    request = visit.request
    by_member = actor.pk == request.membership.person_id
    if not by_member:
        require_perm(actor, Perm.HELP_MANAGE, request.locality)
    if visit.status not in (Visit.Status.DONE, Visit.Status.SETTLED):
        raise ApplicationError(_("A visit can be rated once it has happened."))
    if not 1 <= rating <= 5:
        raise ApplicationError(_("Choose how it went."), field="rating")
    try:
        with transaction.atomic():
            feedback = Feedback.objects.create(
                visit=visit,
                rating=rating,
                comment=comment.strip(),
                given_by=actor,
                by_phone=not by_member,
            )
    except IntegrityError as exc:
        raise ApplicationError(_("This visit has already been rated.")) from exc
    _event(
        request,
        _("Rated %(rating)d out of 5.") % {"rating": rating},
        actor=actor,
        visit=visit,
    )
    audit_record(
        actor=actor,
        action="visit_rated",
        target=visit,
        on_behalf_of=request.membership.person if not by_member else None,
        locality=request.locality,
    )
    return feedback
