from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from kith.accounts.models import Role
from kith.core.errors import ApplicationError
from kith.core.models import AuditEvent
from kith.help import selectors, services
from kith.help.models import HelpRequest, Visit
from kith.help.tests.conftest import tomorrow_window
from kith.notify.models import Message
from tests.factories import VisitFactory


def ask(circle, actor=None, category="Company", **kwargs):
    values = {
        "details": "A chat and a walk to the park",
        "minutes": 60,
        "windows": [tomorrow_window()],
    }
    values.update(kwargs)
    return services.request_create(
        actor=actor or circle.membership.person,
        membership=circle.membership,
        category=circle.categories[category],
        **values,
    )


def arranged(circle, **kwargs):
    return VisitFactory(
        request=ask(circle, **kwargs),
        helper=circle.helper_profile,
        coordinator=circle.coordinator,
        confirmed=True,
    )


# --- asking ------------------------------------------


def test_a_member_asks_for_help_and_the_timeline_says_so(circle):
    request = ask(circle)
    assert request.status == HelpRequest.Status.OPEN and request.asked_how == "online"
    assert [e.text for e in request.events.all()] == ["Joan Member asked for help."]
    assert AuditEvent.objects.filter(action="help_requested").exists()


def test_a_coordinator_asks_for_a_member_and_the_record_says_who(circle):
    request = ask(circle, actor=circle.coordinator)
    assert request.asked_how == "phone" and request.asked_by == circle.coordinator
    assert "asked for help for Joan Member" in request.events.first().text


def test_a_supporter_may_ask_only_if_the_member_allowed_it(circle):
    from kith.members.models import SupporterLink

    link = SupporterLink.objects.create(
        membership=circle.membership,
        supporter=circle.supporter,
        name="S",
        relationship="son",
        status="active",
        consent_how="online",
        ask_for_help=False,
    )
    with pytest.raises(PermissionDenied):
        ask(circle, actor=circle.supporter)
    link.ask_for_help = True
    link.save()
    assert ask(circle, actor=circle.supporter).asked_how == "supporter"


@pytest.mark.parametrize(
    "role", [Role.HELPER, Role.COUNCIL_OFFICER, Role.ORGANISATION_EDITOR, Role.ADMIN]
)
def test_others_cannot_ask_for_a_member(circle, role):
    with pytest.raises(PermissionDenied):
        ask(circle, actor=circle.by_role(role))


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"details": "  "}, "details"),
        ({"minutes": 5}, "minutes"),
        ({"windows": []}, "when"),
        ({"at_home": False, "place": ""}, "place"),
    ],
)
def test_bad_requests_change_nothing(circle, kwargs, field):
    with pytest.raises(ApplicationError) as raised:
        ask(circle, **kwargs)
    assert raised.value.field == field
    assert not HelpRequest.objects.exists()


def test_times_must_be_in_the_future_and_long_enough(circle):
    past = tomorrow_window(days=-2)
    with pytest.raises(ApplicationError, match="future"):
        ask(circle, windows=[past])
    short = tomorrow_window(hours=(10, 10))
    short = services.Window(short.starts_at, short.starts_at + timedelta(minutes=30))
    with pytest.raises(ApplicationError, match="at least as long"):
        ask(circle, windows=[short])


def test_the_same_submission_twice_makes_one_request(circle):
    first = ask(circle, submission_key="abc")
    second = ask(circle, submission_key="abc")
    assert first.pk == second.pk and HelpRequest.objects.count() == 1


def test_a_member_who_has_not_started_cannot_book(circle):
    circle.membership.status = "applied"
    circle.membership.save()
    with pytest.raises(ApplicationError, match="membership has started"):
        ask(circle)


# --- offering ------------------------------------------


def test_a_helper_is_never_offered_a_visit_above_their_level(circle):
    request = ask(circle, category="Shopping")
    with pytest.raises(ApplicationError, match="vetting level"):
        services.visit_offer(
            actor=circle.coordinator, request=request, helper=circle.basic_helper
        )
    assert not Visit.objects.exists()
    outdoor = ask(circle, category="Gardening", details="Hedge")
    visit = services.visit_offer(
        actor=circle.coordinator, request=outdoor, helper=circle.basic_helper
    )
    assert visit.status == "offered"


def test_offering_tells_the_helper_and_only_coordinators_offer(circle):
    request = ask(circle)
    with pytest.raises(PermissionDenied):
        services.visit_offer(
            actor=circle.helper_profile.user,
            request=request,
            helper=circle.helper_profile,
        )
    services.visit_offer(
        actor=circle.coordinator, request=request, helper=circle.helper_profile
    )
    message = Message.objects.get(template="visit_offered")
    assert message.recipient == circle.helper_profile.user
    assert "Wharf" not in str(message.personalisation)


def test_a_request_is_offered_to_one_helper_at_a_time(circle):
    request = ask(circle)
    services.visit_offer(
        actor=circle.coordinator, request=request, helper=circle.helper_profile
    )
    with pytest.raises(ApplicationError, match="not waiting"):
        services.visit_offer(
            actor=circle.coordinator, request=request, helper=circle.helper_profile
        )


def test_a_decline_sends_the_request_back_but_not_to_that_helper(circle):
    request = ask(circle)
    visit = services.visit_offer(
        actor=circle.coordinator, request=request, helper=circle.helper_profile
    )
    with pytest.raises(ApplicationError):
        services.visit_decline(actor=circle.helper_profile.user, visit=visit, reason="")
    services.visit_decline(
        actor=circle.helper_profile.user, visit=visit, reason="Away that week"
    )
    request.refresh_from_db()
    assert request.status == "open"
    with pytest.raises(ApplicationError, match="declined"):
        services.visit_offer(
            actor=circle.coordinator, request=request, helper=circle.helper_profile
        )


def test_accepting_needs_a_time_inside_a_window(circle):
    request = ask(circle)
    visit = services.visit_offer(
        actor=circle.coordinator, request=request, helper=circle.helper_profile
    )
    window = request.windows.first()
    with pytest.raises(ApplicationError) as raised:
        services.visit_accept(
            actor=circle.helper_profile.user,
            visit=visit,
            starts_at=window.ends_at - timedelta(minutes=30),
        )
    assert raised.value.field == "starts_at"
    services.visit_accept(
        actor=circle.helper_profile.user, visit=visit, starts_at=window.starts_at
    )
    with pytest.raises(ApplicationError, match="already been answered"):
        services.visit_accept(
            actor=circle.helper_profile.user, visit=visit, starts_at=window.starts_at
        )


def test_another_helper_cannot_answer_an_offer(circle):
    request = ask(circle, category="Gardening")
    visit = services.visit_offer(
        actor=circle.coordinator, request=request, helper=circle.helper_profile
    )
    with pytest.raises(PermissionDenied):
        services.visit_decline(actor=circle.basic_helper.user, visit=visit, reason="x")


def test_confirming_tells_both_sides(circle):
    visit = arranged(circle)
    assert visit.status == "confirmed"
    recipients = set(
        Message.objects.filter(template="visit_confirmed").values_list(
            "recipient_id", flat=True
        )
    )
    assert recipients == {circle.membership.person_id, circle.helper_profile.user_id}
    assert visit.request.status == "arranged"


def test_regular_help_makes_a_weekly_series(circle):
    visit = arranged(circle, repeat_weeks=4)
    visits = list(visit.request.visits.order_by("occurrence"))
    assert [v.occurrence for v in visits] == [1, 2, 3, 4]
    assert all(v.status == "confirmed" and v.helper == visit.helper for v in visits)
    assert visits[3].starts_at - visits[0].starts_at == timedelta(weeks=3)


def test_a_coordinator_reassigns_a_visit(circle):
    from kith.helpers.tests.factories import active_helper
    from kith.helpers.vetting import VettingLevel

    other = active_helper(circle, VettingLevel.ENHANCED, full_name="Other Helper")
    visit = arranged(circle)
    new = services.visit_reassign(
        actor=circle.coordinator, visit=visit, helper=other, reason="Sam is ill"
    )
    visit.refresh_from_db()
    assert (
        visit.status == "cancelled" and new.helper == other and new.status == "offered"
    )


# --- the address rule ------------------------------------------


def test_a_helper_sees_the_address_only_around_a_confirmed_visit(circle):
    request = ask(circle)
    visit = services.visit_offer(
        actor=circle.coordinator, request=request, helper=circle.helper_profile
    )
    helper = circle.helper_profile.user
    assert selectors.member_contact_for_helper(actor=helper, visit=visit) is None
    start = request.windows.first().starts_at + timedelta(hours=1)
    services.visit_accept(actor=helper, visit=visit, starts_at=start)
    visit.refresh_from_db()
    assert selectors.member_contact_for_helper(actor=helper, visit=visit) is None
    services.visit_confirm(actor=circle.coordinator, visit=visit)
    visit.refresh_from_db()
    for now, shown in [
        (start - timedelta(hours=25), False),
        (start - timedelta(hours=23), True),
        (start + timedelta(hours=23), True),
        (start + timedelta(hours=25), False),
    ]:
        contact = selectors.member_contact_for_helper(
            actor=helper, visit=visit, now=now
        )
        assert (contact is not None) is shown, now
        if contact:
            assert "9 Wharf Road" in contact.address_lines
    assert (
        selectors.member_contact_for_helper(
            actor=circle.basic_helper.user, visit=visit, now=start
        )
        is None
    )


# --- cancelling and no-shows ---------------------------------------------------------


def test_a_member_cancelling_early_pays_nothing_and_the_helper_is_told(circle):
    visit = arranged(circle)
    from kith.help.models import Visit as VisitModel

    VisitModel.objects.filter(pk=visit.pk).update(
        starts_at=timezone.now() + timedelta(days=3)
    )
    visit.refresh_from_db()
    services.visit_cancel(
        actor=circle.membership.person, visit=visit, reason="Feeling unwell"
    )
    visit.refresh_from_db()
    assert (
        visit.status == "cancelled"
        and visit.cancelled_by == "member"
        and not visit.late_cancellation
    )
    assert visit.request.status == "cancelled"
    assert Message.objects.filter(
        template="visit_cancelled", recipient=circle.helper_profile.user
    ).exists()


def test_a_helper_cancelling_sends_the_request_back(circle):
    visit = arranged(circle)
    Visit.objects.filter(pk=visit.pk).update(
        starts_at=timezone.now() + timedelta(hours=3)
    )
    visit.refresh_from_db()
    services.visit_cancel(
        actor=circle.helper_profile.user, visit=visit, reason="Car broke down"
    )
    visit.refresh_from_db()
    assert visit.cancelled_by == "helper" and visit.late_cancellation
    assert visit.request.status == "open"
    assert Message.objects.filter(
        template="visit_cancelled", recipient=circle.membership.person
    ).exists()


def test_no_show_needs_a_visit_in_the_past(circle):
    visit = arranged(circle)
    with pytest.raises(ApplicationError, match="not happened yet"):
        services.visit_no_show(actor=circle.coordinator, visit=visit, party="helper")
    Visit.objects.filter(pk=visit.pk).update(
        starts_at=timezone.now() - timedelta(hours=2)
    )
    visit.refresh_from_db()
    services.visit_no_show(actor=circle.coordinator, visit=visit, party="helper")
    visit.refresh_from_db()
    assert visit.status == "no_show" and visit.request.status == "open"


def test_the_dashboard_lists_open_requests_urgent_first(circle):
    # No rush and three weeks away: a request for tomorrow is urgent anyway.
    ask(circle, urgency="routine", details="First", windows=[tomorrow_window(days=21)])
    ask(circle, urgency="urgent", details="Second")
    board = selectors.dashboard_for(actor=circle.coordinator, locality=circle.locality)
    assert [r.details for r in board["open"].rows] == ["Second", "First"]
    assert board["open"].count == 2 and board["open"].more == 0
    with pytest.raises(PermissionDenied):
        selectors.dashboard_for(actor=circle.helper, locality=circle.locality)
