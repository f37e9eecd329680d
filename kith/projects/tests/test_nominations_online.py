"""Assets of Community Value nominated online by an eligible group, and
decided by a council officer within the decision period."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from kith.core.errors import ApplicationError
from kith.projects import services
from kith.projects.models import Asset, Nomination
from kith.projects.tests import factories


def _answers(**overrides):
    values = {
        "group_kind": Nomination.GroupKind.UNINCORPORATED,
        "group_name": "Friends of Elm Road",
        "local_voters": 25,
        "reasons": "The plot was our allotments for 40 years.",
        "group_contact": "1 Elm Road, SE17 2AA. 020 7946 0000.",
        "authorised": True,
    }
    values.update(overrides)
    return services.NominationAnswers(**values)


def test_a_group_of_21_local_voters_nominates_and_the_decision_is_due_in_8_weeks(
    testford,
):
    plot = factories.asset(testford)
    nomination = services.nomination_submit(
        actor=testford.member, asset=plot, answers=_answers()
    )
    assert nomination.received_on == factories.today()
    assert nomination.decision_due_on == factories.today() + timedelta(weeks=8)
    assert nomination.nominated_by == testford.member
    assert nomination.recorded_by is None
    assert nomination.status == Nomination.Status.RECEIVED
    # The council's officers are told, once each.
    from kith.notify.models import Message

    told = Message.objects.filter(template="acv_nomination_received")
    assert [m.recipient_id for m in told] == [testford.council_officer.pk]
    # The officer decides it as any other.
    services.nomination_decide(
        actor=testford.council_officer,
        nomination=nomination,
        listed=True,
        decided_on=factories.today(),
        reason="Furthers the social wellbeing of the community.",
    )
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.LISTED


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"local_voters": 20}, "at least 21"),
        ({"group_kind": "club"}, "Choose the kind of group"),
        ({"authorised": False}, "has asked you to send this"),
        ({"reasons": " "}, "matters to the community"),
        ({"group_contact": ""}, "contact the group"),
        ({"group_name": ""}, "name of the group"),
    ],
)
def test_an_ineligible_or_incomplete_nomination_is_refused(
    testford, overrides, message
):
    plot = factories.asset(testford)
    with pytest.raises(ApplicationError, match=message):
        services.nomination_submit(
            actor=testford.member, asset=plot, answers=_answers(**overrides)
        )
    assert not Nomination.objects.exists()


def test_an_asset_listed_or_waiting_cannot_be_nominated_again(testford):
    plot = factories.asset(testford)
    services.nomination_submit(actor=testford.member, asset=plot, answers=_answers())
    with pytest.raises(ApplicationError, match="already listed or waiting"):
        services.nomination_submit(
            actor=testford.supporter, asset=plot, answers=_answers()
        )
    assert Nomination.objects.count() == 1


def test_only_an_organisations_editor_names_it(testford):
    plot = factories.asset(testford)
    charity = factories.organisation(testford, "Elm Road Trust", "voluntary")
    answers = _answers(
        group_kind=Nomination.GroupKind.CHARITY,
        organisation=charity,
        group_name="",
        local_voters=None,
    )
    with pytest.raises(PermissionDenied):
        services.nomination_submit(actor=testford.member, asset=plot, answers=answers)
    charity.editors.add(testford.organisation_editor)
    nomination = services.nomination_submit(
        actor=testford.organisation_editor, asset=plot, answers=answers
    )
    assert nomination.organisation == charity
    assert nomination.group_name == "Elm Road Trust"


def test_a_private_or_disposed_asset_cannot_be_nominated_online(testford):
    hidden = factories.asset(testford, name="Depot", public=False)
    sold = factories.asset(testford, name="Old library", status=Asset.Status.DISPOSED)
    for asset in (hidden, sold):
        with pytest.raises(PermissionDenied):
            services.nomination_submit(
                actor=testford.member, asset=asset, answers=_answers()
            )
    assert not Nomination.objects.exists()


def test_the_pages_by_role(client, testford):
    plot = factories.asset(testford)
    url = reverse("projects:nomination_submit", args=[plot.uuid])
    # Anyone signed in may nominate for a group; the public is asked to sign in.
    assert client.get(url).status_code == 302
    client.force_login(testford.council_officer)
    assert url not in client.get(plot.get_absolute_url()).text
    assert client.get(url).status_code == 404
    client.force_login(testford.member)
    assert url in client.get(plot.get_absolute_url()).text
    refused = client.post(
        url,
        {
            "group_name": "Friends of Elm Road",
            "group_kind": "unincorporated",
            "local_voters": "12",
            "reasons": "Allotments.",
            "group_contact": "1 Elm Road",
            "authorised": "on",
        },
    )
    assert "at least 21 members" in refused.text
    assert not Nomination.objects.exists()
    response = client.post(
        url,
        {
            "group_name": "Friends of Elm Road",
            "group_kind": "unincorporated",
            "local_voters": "30",
            "reasons": "Allotments for 40 years.",
            "group_contact": "1 Elm Road",
            "authorised": "on",
        },
        follow=True,
    )
    assert "Nomination sent. The council will decide by" in response.text
    assert "Waiting for a decision" in response.text
    home = client.get(reverse("projects:home")).text
    assert "Nominations you sent" in home and "Friends of Elm Road" in home
    # Others do not see a nomination waiting; the officer sees it with contacts.
    client.force_login(testford.supporter)
    page = client.get(plot.get_absolute_url()).text
    assert "Friends of Elm Road" not in page and url not in page
    client.force_login(testford.council_officer)
    page = client.get(plot.get_absolute_url()).text
    assert "1 Elm Road" in page and testford.member.full_name in page
    register = client.get(reverse("projects:register")).text
    assert "Land behind Elm Road" in register
