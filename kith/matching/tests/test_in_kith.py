"""Matching inside Kith: the shortlist on a request's page, plans built from
the database, reviewed, sent, planned again after a decline, and overnight."""

from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from kith.core.errors import ApplicationError
from kith.core.models import AuditEvent
from kith.help import services as help_services
from kith.help.models import HelpRequest, Visit
from kith.help.tests.conftest import circle, tomorrow_window  # noqa: F401
from kith.helpers.models import HelperProfile, HelperStatus
from kith.helpers.tests.factories import active_helper, skills_for
from kith.helpers.vetting import VettingLevel
from kith.matching import selectors, services
from kith.matching.models import MatchingPlan, PlanItem
from kith.places.models import Postcode

ALL_WEEK = [(day, time(8), time(20)) for day in range(7)]


@pytest.fixture
def town(circle):  # noqa: F811
    """The circle with three helpers free all week at known distances from
    the member (who lives at SE17 2AA, 51.49 N 0.09 W)."""
    ward_code = circle.ward.ons_code
    for postcode, lat in (
        ("SE17 3AA", 51.495),
        ("SE17 4AA", 51.50),
        ("SE1 9ZZ", 51.60),
    ):
        Postcode.objects.create(
            postcode=postcode, latitude=lat, longitude=-0.09, ward_code=ward_code
        )
    gardening = skills_for(circle.locality)[0]
    company = circle.categories["Company"]
    company.skill = None
    company.save()
    circle.near = active_helper(
        circle,
        VettingLevel.ENHANCED,
        full_name="Nia Near",
        postcode="SE17 3AA",
        availability=ALL_WEEK,
        skills={gardening.pk: "good"},
    )
    circle.middle = active_helper(
        circle,
        VettingLevel.ENHANCED,
        full_name="Mo Middle",
        postcode="SE17 4AA",
        availability=ALL_WEEK,
    )
    circle.far = active_helper(
        circle,
        VettingLevel.ENHANCED,
        full_name="Fay Far",
        postcode="SE1 9ZZ",
        availability=ALL_WEEK,
    )
    # Sam and Bea (from the help fixture) live next door to the member but
    # are free only some days: paused here, so the ranking does not depend on
    # which day the tests run.
    HelperProfile.objects.filter(
        pk__in=[circle.helper_profile.pk, circle.basic_helper.pk]
    ).update(status=HelperStatus.PAUSED)
    return circle


def ask(circle, category="Company", **kwargs):  # noqa: F811
    values = {
        "details": "A chat and a walk to the park",
        "minutes": 60,
        "windows": [tomorrow_window()],
    }
    values.update(kwargs)
    return help_services.request_create(
        actor=circle.membership.person,
        membership=circle.membership,
        category=circle.categories[category],
        **values,
    )


# --- the shortlist -------------------------------------------------------


def test_the_shortlist_ranks_the_nearest_first_with_reasons(town):
    request = ask(town)
    shortlist = selectors.shortlist_for(actor=town.coordinator, request=request)
    names = [entry.helper.user.full_name for entry in shortlist.suggestions]
    assert names[:2] == ["Nia Near", "Mo Middle"]
    first = shortlist.suggestions[0]
    assert first.reasons[0] == "0.6 km away."
    assert "No visits in the last 28 days." in first.reasons
    assert any(reason.startswith("Free ") for reason in first.reasons)


def test_the_shortlist_says_why_others_do_not_suit(town):
    request = ask(town)
    shortlist = selectors.shortlist_for(actor=town.coordinator, request=request)
    others = {o.helper.user.full_name: o for o in shortlist.others}
    far = others["Fay Far"]
    assert far.reasons == ["Lives 12.2 km away; travels up to 1.6 km."]
    assert far.can_offer  # distance alone may be overruled on the phone


def test_a_helper_without_the_vetting_cannot_be_offered_from_the_list(town):
    request = ask(town, category="Shopping")  # needs the barred list checked
    shortlist = selectors.shortlist_for(actor=town.coordinator, request=request)
    others = {o.helper.user.full_name: o for o in shortlist.others}
    near = others["Nia Near"]
    assert "Vetting is enhanced; this needs enhanced with barred list." in near.reasons
    assert not near.can_offer


def test_the_shortlist_leaves_out_a_helper_who_said_no(town):
    request = ask(town)
    visit = help_services.visit_offer(
        actor=town.coordinator, request=request, helper=town.near
    )
    help_services.visit_decline(actor=town.near.user, visit=visit, reason="Away")
    shortlist = selectors.shortlist_for(actor=town.coordinator, request=request)
    assert shortlist.suggestions[0].helper == town.middle
    others = {o.helper.user.full_name: o for o in shortlist.others}
    assert others["Nia Near"].reasons == ["Said no to this request."]
    assert not others["Nia Near"].can_offer


def test_the_shortlist_is_for_coordinators_only(town, elsewhere):
    from django.core.exceptions import PermissionDenied

    request = ask(town)
    for actor in (town.membership.person, town.near.user, elsewhere.coordinator):
        with pytest.raises(PermissionDenied):
            selectors.shortlist_for(actor=actor, request=request)


def test_the_request_page_offers_with_one_click(client, town):
    request = ask(town)
    client.force_login(town.coordinator)
    page = client.get(reverse("help:request", args=[request.pk])).content.decode()
    assert "1. Nia Near" in page and "0.6 km away." in page
    assert "Lives 12.2 km away; travels up to 1.6 km." in page
    response = client.post(
        reverse("help:offer", args=[request.pk]), {"helper": town.near.pk}
    )
    assert response.status_code == 302
    assert Visit.objects.get(request=request).helper == town.near


def test_a_member_does_not_see_the_shortlist(client, town):
    request = ask(town)
    client.force_login(town.membership.person)
    page = client.get(reverse("help:request", args=[request.pk])).content.decode()
    assert "Nia Near" not in page and "Offer to a helper" not in page


# --- plans ---------------------------------------------------------------


def build(town, actor=None):
    """A plan asked for and built (as the task worker does after commit)."""
    plan = services.plan_request(
        actor=actor or town.coordinator, locality=town.locality
    )
    return services.plan_build(plan_id=plan.pk)


def test_a_plan_is_built_in_the_background_and_recorded(
    town, django_capture_on_commit_callbacks
):
    first, second = ask(town), ask(town, details="Help with the shopping list")
    with django_capture_on_commit_callbacks(execute=True):
        plan = services.plan_request(actor=town.coordinator, locality=town.locality)
    plan.refresh_from_db()
    assert plan.status == MatchingPlan.Status.PROPOSED
    assert plan.created_by == town.coordinator
    assert plan.objective["matched"] == 2
    assert plan.stats["requests"] == 2 and plan.stats["candidate_pairs"] >= 2
    items = {item.request_id: item for item in plan.items.all()}
    assert set(items) == {first.pk, second.pk}
    # Nia is nearest, and free for both: a second visit costs her
    # fairness_step_m more, still less than Mo's distance.
    assert items[first.pk].helper == items[second.pk].helper == town.near
    assert all(item.reasons for item in items.values())
    assert AuditEvent.objects.filter(action="matching_plan_built").exists()
    assert not Visit.objects.exists()  # nothing is sent before review


def test_asking_twice_while_building_builds_one_plan(town):
    ask(town)
    one = services.plan_request(actor=town.coordinator, locality=town.locality)
    two = services.plan_request(actor=town.coordinator, locality=town.locality)
    assert one.pk == two.pk
    assert MatchingPlan.objects.count() == 1


def test_a_plan_left_half_built_is_put_aside_and_does_not_block(town):
    ask(town)
    stale = MatchingPlan.objects.create(
        locality=town.locality, trigger="coordinator", created_by=town.coordinator
    )
    MatchingPlan.objects.filter(pk=stale.pk).update(
        created_at=timezone.now() - timedelta(hours=1)
    )
    fresh = services.plan_request(actor=town.coordinator, locality=town.locality)
    assert fresh.pk != stale.pk
    stale.refresh_from_db()
    assert stale.status == MatchingPlan.Status.FAILED and "worker" in stale.error


def test_unmatched_requests_say_why(town):
    ask(town, category="Shopping")  # only Sam has the barred list: paused
    plan = services.plan_build(
        plan_id=MatchingPlan.objects.create(
            locality=town.locality, trigger="coordinator"
        ).pk
    )
    (item,) = plan.items.all()
    assert item.outcome == PlanItem.Outcome.UNMATCHED
    assert item.helper is None
    assert item.reasons == ["No helper who does this has the vetting it needs."]


def test_sending_offers_the_chosen_and_records_the_rest(
    town, django_capture_on_commit_callbacks
):
    ask(town), ask(town, details="Another chat")
    with django_capture_on_commit_callbacks(execute=True):
        plan = services.plan_request(actor=town.coordinator, locality=town.locality)
    plan.refresh_from_db()
    keep, leave = plan.items.order_by("pk")
    plan = services.plan_send(actor=town.coordinator, plan=plan, item_ids={keep.pk})
    assert plan.status == MatchingPlan.Status.SENT and plan.sent_by == town.coordinator
    keep.refresh_from_db()
    leave.refresh_from_db()
    assert keep.outcome == PlanItem.Outcome.SENT and keep.visit.helper == keep.helper
    assert leave.outcome == PlanItem.Outcome.LEFT and leave.visit is None
    assert HelpRequest.objects.get(pk=keep.request_id).status == "offered"
    assert HelpRequest.objects.get(pk=leave.request_id).status == "open"
    with pytest.raises(ApplicationError, match="already been sent"):
        services.plan_send(actor=town.coordinator, plan=plan, item_ids={keep.pk})
    assert Visit.objects.count() == 1


def test_sending_nothing_is_refused_and_changes_nothing(town):
    ask(town)
    plan = build(town)
    with pytest.raises(ApplicationError, match="at least one"):
        services.plan_send(actor=town.coordinator, plan=plan, item_ids=set())
    plan.refresh_from_db()
    assert plan.status == MatchingPlan.Status.PROPOSED and not Visit.objects.exists()


def test_an_offer_that_can_no_longer_be_made_is_recorded_and_the_rest_go(town):
    first, second = ask(town), ask(town, details="Another chat")
    plan = build(town)
    # Meanwhile a coordinator offers the first request by hand.
    help_services.visit_offer(actor=town.coordinator, request=first, helper=town.far)
    items = set(plan.items.values_list("pk", flat=True))
    services.plan_send(actor=town.coordinator, plan=plan, item_ids=items)
    outcomes = dict(plan.items.values_list("request_id", "outcome"))
    assert outcomes == {first.pk: "failed", second.pk: "sent"}
    note = plan.items.get(request=first).outcome_note
    assert "not waiting for a helper" in note


def test_a_decline_plans_that_request_again_without_that_helper(
    town, django_capture_on_commit_callbacks
):
    request = ask(town)
    plan = build(town)
    (item,) = plan.items.all()
    assert item.helper == town.near
    services.plan_send(actor=town.coordinator, plan=plan, item_ids={item.pk})
    item.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        help_services.visit_decline(
            actor=town.near.user, visit=item.visit, reason="Ill"
        )
    replan = MatchingPlan.objects.get(replans=item)
    assert replan.trigger == MatchingPlan.Trigger.DECLINE
    assert replan.status == MatchingPlan.Status.SENT
    (again,) = replan.items.all()
    assert again.helper == town.middle and again.outcome == PlanItem.Outcome.SENT
    assert again.visit.status == Visit.Status.OFFERED
    request.refresh_from_db()
    assert request.status == HelpRequest.Status.OFFERED
    # Running the re-plan again (a retried task) plans nothing more.
    assert services.decline_replan(visit_id=item.visit_id) == replan
    assert MatchingPlan.objects.filter(trigger="decline").count() == 1


def test_a_decline_of_a_hand_made_offer_is_not_planned_again(
    town, django_capture_on_commit_callbacks
):
    request = ask(town)
    visit = help_services.visit_offer(
        actor=town.coordinator, request=request, helper=town.near
    )
    with django_capture_on_commit_callbacks(execute=True):
        help_services.visit_decline(actor=town.near.user, visit=visit, reason="Away")
    assert not MatchingPlan.objects.exists()


def test_the_nightly_plan_is_built_once_a_night(town):
    ask(town)
    today = timezone.localdate()
    (plan,) = services.nightly_plans_build(today=today)
    assert plan.trigger == "nightly" and plan.status == "proposed"
    assert plan.created_by is None
    assert services.nightly_plans_build(today=today) == []
    assert len(services.nightly_plans_build(today=today + timedelta(days=1))) == 1


def test_the_nightly_plan_skips_localities_with_nothing_open(town):
    assert services.nightly_plans_build() == []


def test_the_nightly_plan_is_a_scheduled_job(town):
    from kith.notify.schedule import jobs

    ask(town)
    job = jobs()["matching_nightly"]
    assert import_string(job.path)() == "1 plan(s) built"


def test_putting_a_plan_aside_sends_nothing(town):
    ask(town)
    plan = build(town)
    services.plan_discard(actor=town.coordinator, plan=plan)
    plan.refresh_from_db()
    assert plan.status == "discarded" and plan.closed_by == town.coordinator
    with pytest.raises(ApplicationError):
        services.plan_send(
            actor=town.coordinator,
            plan=plan,
            item_ids=set(plan.items.values_list("pk", flat=True)),
        )


# --- pages -----------------------------------------------------------------


def test_plans_are_for_coordinators_only(client, town, elsewhere):
    ask(town)
    plan = build(town)
    for person in (town.membership.person, town.near.user, town.council_officer):
        client.force_login(person)
        assert client.get(reverse("matching:plans")).status_code == 403
        assert client.get(plan.get_absolute_url()).status_code == 403
        assert client.post(reverse("matching:plan_build")).status_code == 403
        send = client.post(reverse("matching:plan_send", args=[plan.pk]))
        assert send.status_code == 403
    # Another locality's coordinator sees only their own locality's plans.
    client.force_login(elsewhere.coordinator)
    assert (
        "No plan has been built yet."
        in client.get(reverse("matching:plans")).content.decode()
    )
    assert client.get(plan.get_absolute_url()).status_code == 404
    assert client.post(reverse("matching:plan_send", args=[plan.pk])).status_code == 404
    assert MatchingPlan.objects.count() == 1
    plan.refresh_from_db()
    assert plan.status == MatchingPlan.Status.PROPOSED


def test_the_coordinator_builds_reviews_and_sends_a_plan(
    client, town, django_capture_on_commit_callbacks
):
    ask(town)
    client.force_login(town.coordinator)
    page = client.get(reverse("matching:plans")).content.decode()
    assert "No plan has been built yet." in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("matching:plan_build"))
    plan = MatchingPlan.objects.get()
    assert response.url == plan.get_absolute_url()
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "Nia Near" in page and "0.6 km away." in page
    assert "Ready to review" in page
    item = plan.items.get()
    # Nothing ticked: a clear message, nothing sent.
    response = client.post(reverse("matching:plan_send", args=[plan.pk]), {})
    assert response.status_code == 400
    assert "Choose at least one offer to send." in response.content.decode()
    response = client.post(
        reverse("matching:plan_send", args=[plan.pk]), {"items": [item.pk]}
    )
    assert response.status_code == 302
    page = client.get(plan.get_absolute_url(), follow=True).content.decode()
    assert "1 offer sent to a helper." in page
    assert Visit.objects.get().helper == town.near


def test_the_plans_list_runs_the_same_queries_for_more_plans(
    client, town, django_assert_max_num_queries
):
    ask(town)
    client.force_login(town.coordinator)
    for _n in range(2):
        plan = build(town)
        services.plan_discard(actor=town.coordinator, plan=plan)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("matching:plans"))
    for _n in range(6):
        plan = build(town)
        services.plan_discard(actor=town.coordinator, plan=plan)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("matching:plans"))


def test_a_building_plan_page_waits_for_it(client, town):
    ask(town)
    plan = MatchingPlan.objects.create(
        locality=town.locality, trigger="coordinator", created_by=town.coordinator
    )
    client.force_login(town.coordinator)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "The plan is being built." in page and 'hx-trigger="every 2s"' in page
    partial = client.get(plan.get_absolute_url(), headers={"HX-Request": "true"})
    assert "being built" in partial.content.decode()
    services.plan_build(plan_id=plan.pk)
    done = client.get(plan.get_absolute_url(), headers={"HX-Request": "true"})
    assert done.status_code == 204 and done["HX-Refresh"] == "true"


def test_the_shortlist_judges_vetting_on_the_requests_day_as_the_offer_does(town):
    from datetime import date

    from kith.helpers.vetting import TRAINING_YEARS

    today = timezone.localdate()
    # Training done almost a year ago: enhanced for five more days.
    on = date(today.year - TRAINING_YEARS, today.month, min(today.day, 28))
    on += timedelta(days=6)
    lapsing = active_helper(
        town,
        VettingLevel.ENHANCED,
        on=on,
        full_name="Lee Lapsing",
        postcode="SE17 3AA",
        availability=ALL_WEEK,
    )
    last = lapsing.level_until(today)
    assert last is not None and today < last < today + timedelta(days=8)
    company = town.categories["Company"]
    company.vetting_level = VettingLevel.ENHANCED
    company.save()

    soon = ask(town, windows=[tomorrow_window()])
    later = ask(town, windows=[tomorrow_window(days=(last - today).days + 2)])

    def suggested(request):
        shortlist = selectors.shortlist_for(actor=town.coordinator, request=request)
        return (
            [e.helper for e in shortlist.suggestions],
            {o.helper: o for o in shortlist.others},
        )

    helpers, _ = suggested(soon)
    assert lapsing in helpers
    helpers, others = suggested(later)
    assert lapsing not in helpers
    assert not others[lapsing].can_offer
    assert any("Vetting" in reason for reason in others[lapsing].reasons)
    with pytest.raises(ApplicationError):
        help_services.visit_offer(actor=town.coordinator, request=later, helper=lapsing)
