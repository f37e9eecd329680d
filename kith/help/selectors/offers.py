"""Which helpers a request may be offered to, and why not."""

from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.models import User
from kith.accounts.permissions import Perm, require_perm
from kith.help.models import (
    HelpRequest,
    Visit,
)
from kith.helpers.models import HelperProfile, HelperStatus, PayBasis
from kith.helpers.sharing import shared_helpers_near, sharing_on, sharing_partners
from kith.helpers.vetting import level_at_least
from kith.places.selectors import postcode_locate


def request_vetting_day(request: HelpRequest) -> date:
    """The day a helper's vetting is judged for a request: its first day
    (today, if that has passed). An offer and a request's shortlist judge it
    on this day; a plan for many requests judges it on the day it is built,
    and each offer it sends is checked again on this day."""
    first_day = min(
        (w.starts_at for w in request.windows.all()), default=timezone.now()
    )
    return max(timezone.localdate(), timezone.localtime(first_day).date())


def helper_unsuitable_reason(
    *, helper: HelperProfile, request: HelpRequest
) -> str | None:
    """Why ``helper`` may not be offered ``request``, in plain words; None
    when they may."""
    shared = helper.locality_id != request.locality_id
    if shared:
        refused = _shared_unsuitable_reason(helper=helper, request=request)
        if refused:
            return refused
    if helper.status != HelperStatus.ACTIVE:
        return _("They are not an active helper (%(status)s).") % {
            "status": helper.get_status_display()
        }
    level = helper.level_on(request_vetting_day(request))
    if not level_at_least(level, request.category.vetting_level):
        return _(
            "Their vetting level (%(level)s) is below what %(category)s needs."
        ) % {
            "level": level.label,
            "category": request.category.name,
        }
    skill_id = request.category.skill_id
    needed = request.category.skill if skill_id else None
    has_skill = (
        needed is None
        or (
            # A shared helper listed their home locality's skills: the same
            # skill is the one of the same name (ADR 0042).
            helper.skills.filter(skill__name__iexact=needed.name)
            if shared
            else helper.skills.filter(skill_id=needed.pk)
        ).exists()
    )
    if not has_skill:
        return _("They have not said they can do %(category)s.") % {
            "category": request.category.name
        }
    if request.visits.filter(helper=helper, status=Visit.Status.DECLINED).exists():
        return _("They declined this request.")
    return None


def _shared_unsuitable_reason(
    *, helper: HelperProfile, request: HelpRequest
) -> str | None:
    """Why a helper of another locality may not be offered ``request``, or
    None when they are shared with its locality and live within the agreed
    distance of the member's home. Says nothing of why a helper is not
    available at home (a pause or a safeguarding hold is their locality's
    business)."""
    if sharing_on(locality=request.locality_id, other=helper.locality_id) is None:
        return _(
            "They are not a helper in this locality, and their locality does not "
            "share helpers with this one."
        )
    if (
        helper.status != HelperStatus.ACTIVE
        or helper.safeguarding_hold
        or helper.pay_basis != PayBasis.VOLUNTEER
    ):
        return _("Their locality does not offer them for visits here at present.")
    home = postcode_locate(postcode=request.membership.person.postcode)
    if home is None:
        return _(
            "The member’s postcode is not in the postcode directory, so no "
            "neighbouring locality’s helper can be offered this."
        )
    near = shared_helpers_near(
        locality=request.locality,
        position=(home.latitude, home.longitude),
        only=[helper.pk],
    )
    if helper.pk not in near:
        return _(
            "They live further from the member’s home than the two localities "
            "agreed to share helpers."
        )
    return None


def helper_for_offer(*, request: HelpRequest, pk: Any) -> HelperProfile | None:
    """The helper with this id who might be offered ``request``: one of its
    locality's, or one of a locality sharing helpers with it now; None
    otherwise. The caller (the offer service) checks the rest."""
    try:
        number = int(str(pk))
    except ValueError:
        return None
    if not 0 < number < 2**31:
        return None
    localities = [request.locality_id, *sharing_partners(locality=request.locality)]
    return (
        HelperProfile.objects.select_related("user")
        .filter(pk=number, locality_id__in=localities)
        .first()
    )


def suitable_helpers(
    *, actor: User, request: HelpRequest
) -> list[tuple[HelperProfile, str | None]]:
    """Every active helper of the locality, with why each may not be offered
    this request (None for those who may). Coordinators only."""
    require_perm(actor, Perm.HELP_MANAGE, request.locality)
    helpers = (
        HelperProfile.objects.filter(
            locality=request.locality, status=HelperStatus.ACTIVE
        )
        .select_related("user")
        .prefetch_related("skills")
        .order_by("user__full_name")
    )
    return [
        (helper, helper_unsuitable_reason(helper=helper, request=request))
        for helper in helpers
    ]
