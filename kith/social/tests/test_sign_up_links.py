"""Activity pages lead each person only where they may go: the sign-up
button only for those who may sign someone up, a way to give up a place
where the page says there is one, and the large-print month."""

from django.urls import reverse

from kith.accounts.models import Role
from kith.social import services
from kith.social.tests import factories


def test_the_waiting_list_page_has_the_way_off_it_that_it_speaks_of(
    client, testford, joan, pat
):
    occurrence = factories.activity(testford, places=1).occurrences.get()
    services.sign_up_create(actor=joan.person, occurrence=occurrence, membership=joan)
    waiting = services.sign_up_create(
        actor=pat.person, occurrence=occurrence, membership=pat, waiting_list=True
    )
    client.force_login(pat.person)
    page = client.get(reverse("social:place", args=[waiting.pk])).content.decode()
    assert "leave the waiting list below" in page
    assert reverse("social:place_give_up", args=[waiting.pk]) in page


def test_the_booked_page_has_the_give_up_link_it_speaks_of(client, testford, joan):
    occurrence = factories.activity(testford).occurrences.get()
    booked = services.sign_up_create(
        actor=joan.person, occurrence=occurrence, membership=joan
    )
    client.force_login(joan.person)
    page = client.get(reverse("social:place", args=[booked.pk])).content.decode()
    assert "give up the place below" in page
    assert reverse("social:place_give_up", args=[booked.pk]) in page


def test_the_sign_up_button_shows_only_to_those_who_may_sign_up(client, testford, joan):
    occurrence = factories.activity(testford).occurrences.get()
    url = reverse("social:occurrence", args=[occurrence.pk])
    sign_up = reverse("social:sign_up", args=[occurrence.pk])

    client.force_login(joan.person)
    assert sign_up in client.get(url).content.decode()

    for role in (Role.HELPER, Role.ORGANISATION_EDITOR):
        client.force_login(testford.by_role(role))
        page = client.get(url).content.decode()
        assert sign_up not in page, role
        assert "Activities are for members" in page

    client.force_login(testford.coordinator)
    page = client.get(url).content.decode()
    assert sign_up not in page
    assert "Act for them" in page and reverse("accounts:people") in page


def test_a_coordinator_acting_for_a_member_gets_the_button(client, testford, joan):
    from kith.core.middleware import ACTING_FOR_SESSION_KEY

    occurrence = factories.activity(testford).occurrences.get()
    client.force_login(testford.coordinator)
    session = client.session
    session[ACTING_FOR_SESSION_KEY] = joan.person.pk
    session.save()
    page = client.get(
        reverse("social:occurrence", args=[occurrence.pk])
    ).content.decode()
    assert reverse("social:sign_up", args=[occurrence.pk]) in page


def test_the_calendar_links_the_large_print_month_for_those_signed_in(client, testford):
    client.force_login(testford.coordinator)
    page = client.get(reverse("social:calendar")).content.decode()
    assert reverse("notify:print_activities") in page
    client.logout()
    assert (
        reverse("notify:print_activities")
        not in client.get(reverse("social:calendar")).content.decode()
    )
