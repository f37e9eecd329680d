"""Writes for matching: build a plan in the background, send its offers,
plan again after a decline, and the nightly plan.

A plan is solved outside any transaction (it can take seconds at a city's
scale) and written in one: a crash half-way leaves a plan "being built",
which is put aside as failed once it is older than ``STALE_AFTER``, so the
next build is never blocked for good.
"""

import logging
from collections.abc import Callable
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.models import User
from kith.accounts.permissions import Perm, require_perm
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.help.models import HelpRequest, Visit
from kith.matching import engine
from kith.matching.build import Built, build_problem
from kith.matching.models import MatchingPlan, PlanItem
from kith.matching.selectors import suggestion_reasons
from kith.places.models import Locality

log = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=15)


def _enqueue_build(plan_id: int) -> None:
    from kith.matching.tasks import plan_build_task

    plan_build_task.enqueue(plan_id)


def _put_aside_stale_builds(locality: Locality) -> None:
    MatchingPlan.objects.filter(
        locality=locality,
        status=MatchingPlan.Status.BUILDING,
        created_at__lt=timezone.now() - STALE_AFTER,
    ).update(
        status=MatchingPlan.Status.FAILED,
        error=_("The plan was not finished: the worker may have stopped."),
        updated_at=timezone.now(),
    )


@transaction.atomic
def plan_request(*, actor: User, locality: Locality) -> MatchingPlan:
    """A coordinator asks for a plan of every open request. It is built by
    the task worker; while one is being built, asking again returns it
    rather than building a second."""
    require_perm(actor, Perm.MATCHING_PLAN, locality)
    _put_aside_stale_builds(locality)
    building = MatchingPlan.objects.filter(
        locality=locality, status=MatchingPlan.Status.BUILDING
    ).first()
    if building is not None:
        return building
    try:
        with transaction.atomic():
            plan = MatchingPlan.objects.create(
                locality=locality,
                trigger=MatchingPlan.Trigger.COORDINATOR,
                created_by=actor,
                policy=_policy_dict(engine.Policy()),
            )
    except IntegrityError:
        # Someone else's click won the race: theirs is the plan.
        return MatchingPlan.objects.get(
            locality=locality, status=MatchingPlan.Status.BUILDING
        )
    audit_record(actor=actor, action="matching_plan_requested", target=plan)
    transaction.on_commit(lambda: _enqueue_build(plan.pk))
    return plan


def _policy_dict(policy: engine.Policy) -> dict[str, int]:
    return {
        "continuity_bonus_m": policy.continuity_bonus_m,
        "fairness_step_m": policy.fairness_step_m,
    }


def plan_build(*, plan_id: int) -> MatchingPlan:
    """Solve a plan that is being built and record what it proposes. Does
    nothing to a plan that is not being built (a retried task). A failure is
    recorded on the plan, never lost."""
    plan = MatchingPlan.objects.select_related("locality").get(pk=plan_id)
    if plan.status != MatchingPlan.Status.BUILDING:
        return plan
    request_ids = None
    if plan.replans_id is not None:
        request_ids = [plan.replans.request_id]  # type: ignore[union-attr]
    try:
        policy = engine.Policy(**plan.policy) if plan.policy else engine.Policy()
        built = build_problem(plan.locality, request_ids=request_ids, policy=policy)
        solved = engine.solve(built.problem)
    except Exception as exc:
        log.exception("Matching plan %s could not be built", plan_id)
        MatchingPlan.objects.filter(
            pk=plan_id, status=MatchingPlan.Status.BUILDING
        ).update(
            status=MatchingPlan.Status.FAILED,
            error=_("The plan could not be built: %(error)s") % {"error": exc},
            updated_at=timezone.now(),
        )
        plan.refresh_from_db()
        return plan
    return _plan_record(plan_id, built, solved)


@transaction.atomic
def _plan_record(plan_id: int, built: Built, solved: engine.Plan) -> MatchingPlan:
    plan = MatchingPlan.objects.select_for_update().get(pk=plan_id)
    if plan.status != MatchingPlan.Status.BUILDING:
        return plan
    by_id = {r.id: r for r in built.problem.requests}
    helpers = {h.id: h for h in built.problem.helpers}
    items = []
    for assignment in sorted(
        solved.assignments,
        key=lambda a: (-by_id[a.request_id].priority, a.distance_m, a.request_id),
    ):
        request = built.requests[assignment.request_id]
        helper = helpers[assignment.helper_id]
        engine_request = by_id[assignment.request_id]
        suggestion = engine.Suggestion(
            helper=helper,
            distance_m=assignment.distance_m,
            marginal_cost=assignment.cost,
            helped_before=assignment.continuity,
            recent_visits=helper.load,
            free=engine.free_parts(engine_request, helper),
        )
        items.append(
            PlanItem(
                plan=plan,
                request=request,
                helper=built.helpers[assignment.helper_id],
                distance_m=assignment.distance_m,
                cost=assignment.cost,
                reasons=suggestion_reasons(
                    suggestion, member_name=request.membership.person.display_name
                ),
            )
        )
    for unmatched in solved.unmatched:
        items.append(
            PlanItem(
                plan=plan,
                request=built.requests[unmatched.request_id],
                outcome=PlanItem.Outcome.UNMATCHED,
                reasons=[_unmatched_words(unmatched.reason)],
            )
        )
    left_out = {int(pk): why for pk, why in built.left_out.items()}
    for request in HelpRequest.objects.filter(pk__in=left_out):
        items.append(
            PlanItem(
                plan=plan,
                request=request,
                outcome=PlanItem.Outcome.UNMATCHED,
                reasons=[
                    _("Cannot be planned: %(why)s.") % {"why": left_out[request.pk]}
                ],
            )
        )
    PlanItem.objects.bulk_create(items)
    plan.status = MatchingPlan.Status.PROPOSED
    plan.built_at = timezone.now()
    plan.objective = {
        "matched": solved.matched,
        "priority": solved.priority,
        "cost": solved.cost,
    }
    plan.stats = {
        "requests": len(built.problem.requests) + len(built.left_out),
        "helpers": len(built.problem.helpers),
        "candidate_pairs": solved.candidate_pairs,
        "seconds": round(solved.seconds, 3),
    }
    plan.save()
    audit_record(
        actor=plan.created_by,
        action="matching_plan_built",
        target=plan,
        locality=plan.locality,
        data=plan.objective,
    )
    return plan


def _unmatched_words(reason: engine.UnmatchedReason) -> str:
    words = {
        engine.UnmatchedReason.SHORT_WINDOW: _(
            "The times the member gave are shorter than the visit."
        ),
        engine.UnmatchedReason.NO_SKILL: _(
            "No active helper has said they can do this kind of help."
        ),
        engine.UnmatchedReason.VETTING: _(
            "No helper who does this has the vetting it needs."
        ),
        engine.UnmatchedReason.DISTANCE: _(
            "No helper who could do it lives near enough to the member."
        ),
        engine.UnmatchedReason.WINDOW: _(
            "No helper who could do it is free at the times the member gave."
        ),
        engine.UnmatchedReason.DECLINED: _(
            "Every helper who could do it has said no to it."
        ),
        engine.UnmatchedReason.NO_CAPACITY: _(
            "Every helper who could do it is paused or has no room this week."
        ),
        engine.UnmatchedReason.FULL: _(
            "Every helper who could do it is given other requests in this plan."
        ),
    }
    return words[reason]


@transaction.atomic
def plan_send(*, actor: User, plan: MatchingPlan, item_ids: set[int]) -> MatchingPlan:
    """Offer each chosen proposal to its helper; the rest are recorded as not
    sent. Each offer is checked again as it is made (the request may have been
    offered by hand since, or the helper's checks lapsed): one that can no
    longer be made is recorded with why, and the others still go. Sending a
    plan twice sends nothing the second time."""
    from kith.help.services import visit_offer

    require_perm(actor, Perm.MATCHING_PLAN, plan.locality)
    plan = MatchingPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status == MatchingPlan.Status.SENT:
        raise ApplicationError(_("The offers in this plan have already been sent."))
    if plan.status != MatchingPlan.Status.PROPOSED:
        raise ApplicationError(
            _("This plan cannot be sent (it is %(status)s).")
            % {"status": plan.get_status_display().lower()}
        )
    items = list(
        plan.items.filter(outcome=PlanItem.Outcome.PROPOSED).select_related(
            "request__locality", "request__category", "helper__user"
        )
    )
    if not any(item.pk in item_ids for item in items):
        raise ApplicationError(_("Choose at least one offer to send."), field="items")
    _send_items(actor=actor, items=items, chosen=item_ids, offer=visit_offer)
    plan.status = MatchingPlan.Status.SENT
    plan.sent_at = timezone.now()
    plan.sent_by = actor
    plan.save(update_fields=["status", "sent_at", "sent_by", "updated_at"])
    audit_record(
        actor=actor,
        action="matching_plan_sent",
        target=plan,
        data={
            "sent": sum(1 for i in items if i.outcome == PlanItem.Outcome.SENT),
            "not_sent": sum(1 for i in items if i.outcome != PlanItem.Outcome.SENT),
        },
    )
    return plan


def _send_items(
    *,
    actor: User,
    items: list[PlanItem],
    chosen: set[int],
    offer: Callable[..., Visit],
) -> None:
    for item in items:
        if item.pk not in chosen:
            item.outcome = PlanItem.Outcome.LEFT
            item.outcome_note = _("Left out by %(name)s.") % {"name": actor.full_name}
        else:
            try:
                visit = offer(actor=actor, request=item.request, helper=item.helper)
            except ApplicationError as error:
                item.outcome = PlanItem.Outcome.FAILED
                item.outcome_note = str(error.message)[:300]
            else:
                item.outcome = PlanItem.Outcome.SENT
                item.visit = visit
        item.save(update_fields=["outcome", "outcome_note", "visit"])


@transaction.atomic
def plan_discard(*, actor: User, plan: MatchingPlan) -> MatchingPlan:
    """Put a plan aside without sending anything."""
    require_perm(actor, Perm.MATCHING_PLAN, plan.locality)
    plan = MatchingPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != MatchingPlan.Status.PROPOSED:
        raise ApplicationError(
            _("Only a plan ready to review can be put aside (this one is %(status)s).")
            % {"status": plan.get_status_display().lower()}
        )
    plan.status = MatchingPlan.Status.DISCARDED
    plan.closed_by = actor
    plan.save(update_fields=["status", "closed_by", "updated_at"])
    audit_record(actor=actor, action="matching_plan_put_aside", target=plan)
    return plan


# --- after a decline --------------------------------------------------------


def decline_replan_queue(*, visit: Visit) -> None:
    """Called as a helper says no: when the offer came from a sent plan, plan
    that request again (without them) once the decline is committed."""
    if PlanItem.objects.filter(
        visit=visit, plan__status=MatchingPlan.Status.SENT
    ).exists():
        from kith.matching.tasks import replan_after_decline_task

        transaction.on_commit(lambda: replan_after_decline_task.enqueue(visit.pk))


def decline_replan(*, visit_id: int) -> MatchingPlan | None:
    """Plan a declined request again, without the helper who said no, and
    offer it to the best helper left, on behalf of the coordinator who sent
    the first plan (they chose to offer it). Recorded as a plan of its own;
    running twice plans once. None when there is nothing to plan (the
    request is no longer open, or the offer did not come from a plan)."""
    item = (
        PlanItem.objects.select_related("plan__sent_by", "plan__locality", "request")
        .filter(visit_id=visit_id, plan__status=MatchingPlan.Status.SENT)
        .first()
    )
    if item is None:
        return None
    existing = MatchingPlan.objects.filter(replans=item).first()
    if existing is not None:
        return existing
    if item.request.status != HelpRequest.Status.OPEN:
        return None
    try:
        with transaction.atomic():
            plan = MatchingPlan.objects.create(
                locality=item.plan.locality,
                trigger=MatchingPlan.Trigger.DECLINE,
                replans=item,
                policy=item.plan.policy,
            )
    except IntegrityError:
        # Built by a twin task, or another plan is being built: the request
        # stays open on the dashboard and in the next plan.
        return MatchingPlan.objects.filter(replans=item).first()
    plan = plan_build(plan_id=plan.pk)
    sender = item.plan.sent_by
    if plan.status != MatchingPlan.Status.PROPOSED or sender is None:
        return plan
    proposed = set(
        plan.items.filter(outcome=PlanItem.Outcome.PROPOSED).values_list(
            "pk", flat=True
        )
    )
    if proposed:
        try:
            plan = plan_send(actor=sender, plan=plan, item_ids=proposed)
        except ApplicationError:
            log.info("Plan %s after a decline could not be sent", plan.pk)
    return plan


# --- overnight ---------------------------------------------------------------


def nightly_plans_build(*, today: date | None = None) -> list[MatchingPlan]:
    """One plan a night for each locality with open requests, ready for the
    coordinators to review in the morning. Running it twice in a night
    builds nothing more."""
    today = today or timezone.localdate()
    # Not in a paused or archived locality (ADR 0041).
    localities = Locality.objects.filter(
        status=Locality.Status.ACTIVE,
        pk__in=HelpRequest.objects.filter(status=HelpRequest.Status.OPEN).values(
            "locality_id"
        ),
    )
    built = []
    for locality in localities:
        _put_aside_stale_builds(locality)
        try:
            with transaction.atomic():
                plan = MatchingPlan.objects.create(
                    locality=locality,
                    trigger=MatchingPlan.Trigger.NIGHTLY,
                    nightly_on=today,
                    policy=_policy_dict(engine.Policy()),
                )
        except IntegrityError:
            continue  # built already tonight, or a coordinator's is building
        built.append(plan_build(plan_id=plan.pk))
    return built
