"""A request's shortlist is remembered, and never shown once stale: any
change to a helper, the request or a visit shows on the next view."""

from datetime import timedelta

from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache

from kith.help import services as help_services
from kith.help.tests.conftest import circle  # noqa: F401
from kith.helpers.models import AvailabilitySlot, CheckKind, VettingCheck
from kith.helpers.services import availability, checks, status
from kith.matching import freshness, selectors
from kith.matching.tests.test_in_kith import ALL_WEEK, ask, town  # noqa: F401
from kith.places.hooks import postcodes_changed
from kith.places.models import Postcode


def names(shortlist):
    return [entry.helper.user.full_name for entry in shortlist.suggestions]


def view(town, request):  # noqa: F811
    return selectors.shortlist_for(actor=town.coordinator, request=request)


def test_a_second_view_is_remembered_and_the_same(
    town,  # noqa: F811
    django_assert_max_num_queries,
):
    request = ask(town)
    first = view(town, request)

    with django_assert_max_num_queries(2):  # the permission, the helpers shown
        again = view(town, request)

    assert names(again) == names(first) == ["Nia Near", "Mo Middle"]
    assert [e.reasons for e in again.suggestions] == [
        e.reasons for e in first.suggestions
    ]
    assert [(o.helper.pk, o.reasons) for o in again.others] == [
        (o.helper.pk, o.reasons) for o in first.others
    ]


def test_a_helper_s_times_changing_shows_at_once(town):  # noqa: F811
    request = ask(town)
    assert names(view(town, request))[0] == "Nia Near"

    for slot in AvailabilitySlot.objects.filter(profile=town.near):
        availability.availability_slot_remove(
            actor=town.coordinator, profile=town.near, slot_id=slot.pk
        )
    assert "Nia Near" not in names(view(town, request))

    for weekday, starts, ends in ALL_WEEK:
        availability.availability_slot_add(
            actor=town.coordinator,
            profile=town.near,
            weekday=weekday,
            starts_at=starts,
            ends_at=ends,
        )
    assert names(view(town, request))[0] == "Nia Near"


def test_a_helper_s_vetting_or_status_changing_shows_at_once(town):  # noqa: F811
    request = ask(town)
    assert names(view(town, request))[0] == "Nia Near"

    dbs = VettingCheck.objects.get(profile=town.near, kind=CheckKind.DBS)
    checks.vetting_check_withdraw(
        actor=town.coordinator, check=dbs, reason="Recorded against the wrong person."
    )
    shortlist = view(town, request)
    assert names(shortlist) == ["Mo Middle"]
    (nia,) = [o for o in shortlist.others if o.helper.pk == town.near.pk]
    assert "this needs" in nia.reasons[0]

    status.helper_pause(actor=town.coordinator, profile=town.middle, reason="Away.")
    assert names(view(town, request)) == []


def test_the_request_changing_shows_at_once(town):  # noqa: F811
    request = ask(town)
    assert names(view(town, request))

    # Any writer, not only a service: the request's time is cut to half an
    # hour, too short for its hour of help.
    window = request.windows.get()
    window.ends_at = window.starts_at + timedelta(minutes=30)
    window.save()
    request.refresh_from_db()

    assert names(view(town, request)) == []


def test_offering_and_cancelling_a_visit_shows_at_once(town):  # noqa: F811
    request = ask(town)
    town.near.max_visits_per_week = 1
    town.near.save()
    assert names(view(town, request))[0] == "Nia Near"

    # Nia's one visit this week goes to another request: no room for this.
    other = ask(town, details="Help with the shopping list")
    visit = help_services.visit_offer(
        actor=town.coordinator, request=other, helper=town.near
    )
    assert "Nia Near" not in names(view(town, request))

    help_services.visit_cancel(
        actor=town.coordinator, visit=visit, reason="The member found a friend."
    )
    assert names(view(town, request))[0] == "Nia Near"


def test_a_helper_saying_no_shows_at_once(town):  # noqa: F811
    request = ask(town)
    assert names(view(town, request))[0] == "Nia Near"
    visit = help_services.visit_offer(
        actor=town.coordinator, request=request, helper=town.near
    )
    help_services.visit_decline(actor=town.near.user, visit=visit, reason="Away.")
    request.refresh_from_db()

    assert "Nia Near" not in names(view(town, request))


def test_a_postcode_moving_shows_at_once(town):  # noqa: F811
    request = ask(town)
    assert names(view(town, request))[0] == "Nia Near"

    # The directory's rows are written by the importer in raw SQL: it runs
    # the places hook, on which matching forgets.
    Postcode.objects.filter(postcode="SE17 3AA").update(latitude=51.65)
    postcodes_changed.run()

    assert names(view(town, request)) == ["Mo Middle"]


def test_the_version_changes_again_when_the_change_commits(
    town,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    # A view reading the rows before the commit, and remembering what it
    # found under the version the change set at once, is not used after it.
    before = freshness.shortlists_version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        status.helper_pause(actor=town.coordinator, profile=town.far, reason="Away.")
        during = freshness.shortlists_version()
    after = freshness.shortlists_version()

    assert callbacks
    assert len({before, during, after}) == 3


def test_signing_in_forgets_nothing(town, rf):  # noqa: F811
    request = ask(town)
    view(town, request)
    version = freshness.shortlists_version()

    user_logged_in.send(
        sender=type(town.coordinator), request=rf.get("/"), user=town.coordinator
    )

    assert freshness.shortlists_version() == version


def test_a_lost_cache_loses_nothing(town):  # noqa: F811
    request = ask(town)
    first = names(view(town, request))
    cache.clear()

    assert names(view(town, request)) == first
