"""Feedback both ways and concerns about a visit."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kith.accounts.models import User
from kith.accounts.permissions import Perm, require_perm
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.help.models import Concern, Feedback, Visit
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


@transaction.atomic
def concern_raise(*, actor: User, visit: Visit, text: str) -> Concern:
    """A helper raises a worry about a member's wellbeing. It goes to the
    coordinators' queue at once, marked as a possible safeguarding matter."""
    request = visit.request
    if visit.helper.user_id != actor.pk:
        require_perm(actor, Perm.HELP_MANAGE, request.locality)
    if not text.strip():
        raise ApplicationError(_("Say what worried you."), field="text")
    concern = Concern.objects.create(
        locality=request.locality,
        membership=request.membership,
        visit=visit,
        raised_by=actor,
        text=text.strip(),
    )
    audit_record(
        actor=actor,
        action="safeguarding_concern_raised",
        target=concern,
        locality=request.locality,
    )
    return concern


@transaction.atomic
def concern_close(*, actor: User, concern: Concern, outcome: str) -> Concern:
    require_perm(actor, Perm.HELP_MANAGE, concern.locality)
    concern = Concern.objects.select_for_update().get(pk=concern.pk)
    if concern.status == Concern.Status.CLOSED:
        raise ApplicationError(_("This concern has already been dealt with."))
    if not outcome.strip():
        raise ApplicationError(_("Say what was done."), field="outcome")
    concern.status = Concern.Status.CLOSED
    concern.outcome = outcome.strip()
    concern.handled_by = actor
    concern.save()
    audit_record(
        actor=actor,
        action="safeguarding_concern_closed",
        target=concern,
        locality=concern.locality,
    )
    return concern
