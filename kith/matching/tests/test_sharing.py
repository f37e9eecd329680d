"""Neighbouring circles sharing helpers (ADR 0042): a neighbour's helper near
the boundary is on a request's shortlist, ranked by the same engine, and can
be offered it and accept it; each circle sees only its own members; a
withdrawal or a hold at home stops new offers at once."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from kith.core.errors import ApplicationError
from kith.help import selectors as help_selectors
from kith.help import services as help_services
from kith.help.models import HelpRequest, Visit
from kith.help.services import categories_create_defaults
from kith.help.tests.conftest import circle, tomorrow_window  # noqa: F401
from kith.helpers import services as helper_services
from kith.helpers import sharing
from kith.helpers.models import PayBasis
from kith.helpers.tests.factories import active_helper, skills_for
from kith.helpers.vetting import VettingLevel
from kith.matching import selectors
from kith.matching.tests.test_in_kith import ALL_WEEK, ask, town  # noqa: F401
from kith.places.models import Postcode
from tests.factories import MembershipFactory


@pytest.fixture
def shared(town, elsewhere):  # noqa: F811
    """Town (Testford) and Elsewhere agree to share within 2 km. Elsewhere
    has Sol, 0.9 km north of Testford's member (between Nia and Mo), and Dee,
    4.5 km north; both volunteers, free all week, who travel up to 8 km."""
    code = elsewhere.ward.ons_code
    for postcode, lat in (("EW1 2AA", 51.498), ("EW1 7AA", 51.53)):
        Postcode.objects.create(
            postcode=postcode, latitude=lat, longitude=-0.09, ward_code=code
        )
    gardening, odd_jobs = skills_for(elsewhere.locality)[:2]
    elsewhere.sol = active_helper(
        elsewhere,
        VettingLevel.ENHANCED_BARRED,
        full_name="Sol Shared",
        postcode="EW1 2AA",
        availability=ALL_WEEK,
        skills={gardening.pk: "good"},
        travel_distance_m=8000,
    )
    elsewhere.dee = active_helper(
        elsewhere,
        VettingLevel.ENHANCED,
        full_name="Dee Distant",
        postcode="EW1 7AA",
        availability=ALL_WEEK,
        skills={odd_jobs.pk: "good"},
        travel_distance_m=8000,
    )
    for one, other, metres in ((town, elsewhere, 2000), (elsewhere, town, 3000)):
        helper_services.sharing_agree(
            actor=one.coordinator,
            locality=one.locality,
            partner=other.locality,
            max_distance_m=metres,
        )
    town.elsewhere = elsewhere
    return town


def names(shortlist):
    return [entry.helper.user.full_name for entry in shortlist.suggestions]


def everyone(shortlist):
    return names(shortlist) + [o.helper.user.full_name for o in shortlist.others]


def view(town, request):  # noqa: F811
    return selectors.shortlist_for(actor=town.coordinator, request=request)


def test_a_shared_helper_is_ranked_among_the_localitys_own(shared):
    request = ask(shared)

    shortlist = view(shared, request)

    # The same engine: by distance here (no loads, no past visits).
    assert names(shortlist) == ["Nia Near", "Sol Shared", "Mo Middle"]
    sol = shortlist.suggestions[1]
    assert sol.helper == shared.elsewhere.sol
    assert sol.distance_m == 890
    assert sol.reasons[0] == "A helper of Elsewhere Circle, shared with this locality."
    assert sol.reasons[1].startswith("Vetting: Enhanced with barred list")
    assert sol.reasons[2] == "Can do: gardening."
    assert sol.reasons[3] == (
        "Their record: visits done: 0, offers accepted: 0 of 0, late "
        "cancellations or visits missed: 0."
    )
    assert sol.reasons[4] == "0.9 km away."
    # Dee lives beyond the 2 km both agreed: never shown, not even as an
    # "other" helper, however far she would travel.
    assert "Dee Distant" not in everyone(shortlist)


def test_one_side_alone_shares_nothing(shared):
    helper_services.sharing_withdraw(
        actor=shared.elsewhere.coordinator,
        locality=shared.elsewhere.locality,
        partner=shared.locality,
    )
    request = ask(shared)

    assert "Sol Shared" not in everyone(view(shared, request))
    with pytest.raises(ApplicationError, match="does not share helpers"):
        help_services.visit_offer(
            actor=shared.coordinator, request=request, helper=shared.elsewhere.sol
        )


def test_the_smaller_distance_bounds_who_is_shared(shared):
    request = ask(shared, category="Odd jobs in the home")
    with pytest.raises(ApplicationError, match="further from the member’s home"):
        help_services.visit_offer(
            actor=shared.coordinator, request=request, helper=shared.elsewhere.dee
        )

    # Testford widens its side to 5 km: Elsewhere's 3 km still holds.
    helper_services.sharing_agree(
        actor=shared.coordinator,
        locality=shared.locality,
        partner=shared.elsewhere.locality,
        max_distance_m=5000,
    )
    assert (
        sharing.sharing_on(locality=shared.locality, other=shared.elsewhere.locality)
        == 3000
    )
    assert "Dee Distant" not in everyone(view(shared, request))

    helper_services.sharing_agree(
        actor=shared.elsewhere.coordinator,
        locality=shared.elsewhere.locality,
        partner=shared.locality,
        max_distance_m=5000,
    )
    assert "Dee Distant" in names(view(shared, request))


def test_skills_are_matched_by_name_across_localities(shared):
    gardening = skills_for(shared.locality)[0]
    kind = shared.categories["Gardening"]
    kind.skill = gardening
    kind.save()
    request = ask(shared, category="Gardening")

    shortlist = view(shared, request)

    # Sol listed Elsewhere's "Gardening"; Dee only odd jobs.
    assert "Sol Shared" in names(shortlist)
    assert (
        help_selectors.helper_unsuitable_reason(
            helper=shared.elsewhere.sol, request=request
        )
        is None
    )


def test_a_shared_helper_is_offered_accepts_and_sees_the_visit(client, shared):
    request = ask(shared)
    client.force_login(shared.coordinator)
    response = client.post(
        reverse("help:offer", args=[request.pk]),
        {"helper": shared.elsewhere.sol.pk},
        follow=True,
    )
    assert "Offered to Sol Shared." in response.content.decode()
    visit = Visit.objects.get(request=request)
    assert visit.helper == shared.elsewhere.sol

    # Sol answers from home, as for any visit.
    sol = shared.elsewhere.sol.user
    client.force_login(sol)
    page = client.get(reverse("help:my_visits")).content.decode()
    assert reverse("help:visit", args=[visit.pk]) in page
    assert "For Testford Circle" in page
    start = request.windows.get().starts_at + timedelta(hours=1)
    help_services.visit_accept(actor=sol, visit=visit, starts_at=start)
    help_services.visit_confirm(actor=shared.coordinator, visit=visit)
    page = client.get(reverse("help:visit", args=[visit.pk])).content.decode()
    assert "Joan" in page
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CONFIRMED
    assert visit.request.status == HelpRequest.Status.ARRANGED


def test_each_circle_sees_only_its_own(client, shared):
    elsewhere = shared.elsewhere
    request = ask(shared)
    visit = help_services.visit_offer(
        actor=shared.coordinator, request=request, helper=elsewhere.sol
    )
    # Sol's visit at home, for one of Elsewhere's members.
    categories_create_defaults(locality=elsewhere.locality)
    home_member = MembershipFactory(locality=elsewhere.locality)
    home_request = help_services.request_create(
        actor=elsewhere.coordinator,
        membership=home_member,
        category=help_selectors.categories_for(locality=elsewhere.locality).get(
            name="Company"
        ),
        details="A chat",
        minutes=60,
        windows=[tomorrow_window()],
    )
    home_visit = help_services.visit_offer(
        actor=elsewhere.coordinator, request=home_request, helper=elsewhere.sol
    )

    # Testford's coordinator: not Sol's record, not her visits at home, not
    # Elsewhere's members.
    client.force_login(shared.coordinator)
    for url in (
        reverse("helpers:detail", args=[elsewhere.sol.pk]),
        reverse("help:visit", args=[home_visit.pk]),
        reverse("help:request", args=[home_request.pk]),
        reverse("members:member", args=[home_member.pk]),
    ):
        assert client.get(url).status_code in (403, 404), url

    # Elsewhere's coordinator: not Testford's request, member or visit, even
    # though their own helper makes it.
    client.force_login(elsewhere.coordinator)
    for url in (
        reverse("help:visit", args=[visit.pk]),
        reverse("help:request", args=[request.pk]),
        reverse("members:member", args=[shared.membership.pk]),
    ):
        assert client.get(url).status_code in (403, 404), url

    # Sol sees her Testford visit, and nothing else of Testford.
    client.force_login(elsewhere.sol.user)
    assert client.get(reverse("help:visit", args=[visit.pk])).status_code == 200
    for url in (
        reverse("help:request", args=[request.pk]),
        reverse("members:member", args=[shared.membership.pk]),
    ):
        assert client.get(url).status_code in (403, 404), url


def test_what_a_neighbour_reads_of_a_shared_helper(shared):
    elsewhere = shared.elsewhere
    facts = sharing.shared_helpers_for(
        actor=shared.coordinator,
        locality=shared.locality,
        ids=[elsewhere.sol.pk, shared.near.pk],
    )
    # Only the shared helper (not Testford's own), and only these fields.
    assert list(facts) == [elsewhere.sol.pk]
    sol = facts[elsewhere.sol.pk]
    assert sol.name == "Sol Shared"
    assert sol.home_locality == "Elsewhere Circle"
    assert sol.vetting_level == VettingLevel.ENHANCED_BARRED
    assert sol.skills == ("Gardening",)

    # Nobody but the neighbour's coordinators reads it.
    for actor in (elsewhere.coordinator, shared.membership.person, elsewhere.sol.user):
        with pytest.raises(PermissionDenied):
            sharing.shared_helpers_for(
                actor=actor, locality=shared.locality, ids=[elsewhere.sol.pk]
            )
        with pytest.raises(PermissionDenied):
            help_selectors.shared_helpers_record(
                actor=actor, locality=shared.locality, ids=[elsewhere.sol.pk]
            )
    # Once sharing stops, nothing at all.
    helper_services.sharing_withdraw(
        actor=shared.coordinator,
        locality=shared.locality,
        partner=elsewhere.locality,
    )
    assert (
        sharing.shared_helpers_for(
            actor=shared.coordinator, locality=shared.locality, ids=[elsewhere.sol.pk]
        )
        == {}
    )


def test_withdrawing_stops_new_offers_and_visits_stand(shared):
    request = ask(shared)
    visit = help_services.visit_offer(
        actor=shared.coordinator, request=request, helper=shared.elsewhere.sol
    )
    helper_services.sharing_withdraw(
        actor=shared.elsewhere.admin,
        locality=shared.elsewhere.locality,
        partner=shared.locality,
    )

    later = ask(shared, details="A second walk")
    assert "Sol Shared" not in everyone(view(shared, later))
    with pytest.raises(ApplicationError, match="does not share helpers"):
        help_services.visit_offer(
            actor=shared.coordinator, request=later, helper=shared.elsewhere.sol
        )
    # The offer already made stands: Sol may still accept it.
    start = request.windows.get().starts_at + timedelta(hours=1)
    accepted = help_services.visit_accept(
        actor=shared.elsewhere.sol.user, visit=visit, starts_at=start
    )
    assert accepted.status == Visit.Status.ACCEPTED


def test_a_helper_held_or_paused_at_home_is_offered_nowhere(shared):
    request = ask(shared)
    assert "Sol Shared" in names(view(shared, request))
    offered = help_services.visit_offer(
        actor=shared.coordinator,
        request=ask(shared, details="An earlier walk"),
        helper=shared.elsewhere.sol,
    )
    helper_services.helper_safeguarding_hold(
        actor=shared.elsewhere.coordinator, profile=shared.elsewhere.sol
    )
    shared.elsewhere.sol.refresh_from_db()

    assert "Sol Shared" not in everyone(view(shared, request))
    with pytest.raises(ApplicationError) as refused:
        help_services.visit_offer(
            actor=shared.coordinator, request=request, helper=shared.elsewhere.sol
        )
    # Testford is not told why (a concern is Elsewhere's business).
    assert "safeguarding" not in refused.value.message.lower()
    assert "does not offer them for visits here" in refused.value.message
    # The visit already offered is on Testford's list to give to someone else.
    to_reassign = help_selectors.dashboard_section_rows(
        actor=shared.coordinator,
        locality=shared.locality,
        section=help_selectors.DashboardSection.TO_REASSIGN,
    )
    assert list(to_reassign) == [offered]


def test_a_paid_helper_is_not_shared(shared):
    sol = shared.elsewhere.sol
    sol.pay_basis = PayBasis.PAID
    sol.save()
    request = ask(shared)

    assert "Sol Shared" not in everyone(view(shared, request))
    with pytest.raises(ApplicationError, match="does not offer them"):
        help_services.visit_offer(actor=shared.coordinator, request=request, helper=sol)


def test_the_remembered_shortlist_follows_the_agreement(shared):
    request = ask(shared)
    assert "Sol Shared" in names(view(shared, request))
    assert "Sol Shared" in names(view(shared, request))  # remembered

    helper_services.sharing_withdraw(
        actor=shared.coordinator,
        locality=shared.locality,
        partner=shared.elsewhere.locality,
    )
    assert "Sol Shared" not in everyone(view(shared, request))


def test_a_shared_helpers_visit_is_settled_in_the_ledger_where_it_happened(shared):
    from kith.credits.models import Account, AccountKind
    from kith.credits.services import topup_record
    from kith.credits.tests.factories import assert_ledger_balances
    from kith.help.selectors import helper_visits_for
    from tests.factories import VisitFactory

    joan = shared.membership.person
    topup_record(
        actor=shared.coordinator,
        locality=shared.locality,
        member=joan,
        minutes=120,
        amount_pence=2000,
        method="cash",
        key="shared-topup",
    )
    sol = shared.elsewhere.sol
    request = ask(shared)
    visit = VisitFactory(
        request=request, helper=sol, state="settled", coordinator=shared.coordinator
    )

    assert visit.status == Visit.Status.SETTLED
    # Testford's ledger: Joan paid, and Sol holds what she earned here.
    earned = Account.objects.get(
        locality=shared.locality, kind=AccountKind.HELPER, person=sol.user
    )
    assert earned.balance_minutes == 60
    # Nothing moved in Elsewhere's ledger; each balances on its own.
    assert not Account.objects.filter(
        locality=shared.elsewhere.locality, person=sol.user, balance_minutes__gt=0
    ).exists()
    assert_ledger_balances(shared.locality)
    assert_ledger_balances(shared.elsewhere.locality)
    # At home, Sol's recent visits list it, as any visit.
    recent = helper_visits_for(actor=sol.user, helper=sol).recent
    assert [item.visit.pk for item in recent] == [visit.pk]


def test_the_shortlist_reads_the_same_whatever_the_number_of_shared_helpers(shared):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    request = ask(shared)

    def queries():
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            shortlist = view(shared, request)
        return len(captured), shortlist

    one, shortlist = queries()
    assert names(shortlist).count("Sol Shared") == 1
    for n in range(3):
        active_helper(
            shared.elsewhere,
            VettingLevel.ENHANCED,
            full_name=f"Neighbour {n}",
            postcode="EW1 2AA",
            availability=ALL_WEEK,
        )
    four, shortlist = queries()
    assert sum(name.startswith("Neighbour") for name in names(shortlist)) == 3
    assert four == one


def test_the_home_coordinators_print_of_the_helpers_week_leaves_out_the_neighbours(
    shared,
):
    from kith.help.print_sheets import helper_week_for
    from tests.factories import VisitFactory

    sol = shared.elsewhere.sol
    visit = VisitFactory(
        request=ask(shared),
        helper=sol,
        state="confirmed",
        coordinator=shared.coordinator,
    )
    start = timezone.localtime(visit.starts_at).date()

    def printed(actor, helper_pk):
        week = helper_week_for(
            actor=actor,
            locality=shared.elsewhere.locality,
            helper_pk=helper_pk,
            start=start,
        )
        return [v.pk for _day, visits in week.days for v in visits]

    assert printed(sol.user, None) == [visit.pk]
    assert printed(shared.elsewhere.coordinator, sol.pk) == []
