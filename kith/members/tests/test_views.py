import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kith.accounts.models import Role, User
from kith.core.models import AuditEvent
from kith.members import services
from kith.members.models import Membership, SupporterLink
from kith.notify.models import Message

STEPS = [
    ("postcode", {"postcode": "se17 2aa"}),
    (
        "birth",
        {
            "date_of_birth_day": "27",
            "date_of_birth_month": "3",
            "date_of_birth_year": "1948",
        },
    ),
    ("name", {"full_name": "Iris Bennett", "preferred_name": "Iris"}),
    ("address", {"address_line_1": "4 Mill Lane", "town": "Testford"}),
    ("contact", {"contact_by": "phone", "phone": "020 7946 0100"}),
    ("plan", None),
    ("needs", {"access_needs": ["hearing"]}),
    ("interests", {}),
    ("emergency", {}),
    ("consents", {"consent_introductions": "yes", "consent_photographs": "no"}),
]


def _walk(client, plans, prefix="members:join", start=True):
    if start:
        client.post(reverse(f"{prefix}_start"))
    for slug, data in STEPS:
        if data is None:
            data = {"plan": plans["full"].pk, "concession": "no"}
        response = client.post(reverse(f"{prefix}_step", args=[slug]), data)
        assert response.status_code == 302, (slug, response.content.decode()[:2000])
    return response


def test_joining_online_from_start_to_finish(client, testford, plans):
    response = _walk(client, plans)
    assert response["Location"] == reverse("members:join_check")
    page = client.get(response["Location"]).content.decode()
    assert "Iris Bennett" in page and "SE17 2AA" in page and "27 March 1948" in page
    assert "Full: £30 a year" in page
    response = client.post(reverse("members:join_check"))
    assert response["Location"] == reverse("members:join_done")
    page = client.get(response["Location"]).content.decode()
    assert (
        "Application sent" in page and "within 3 working days" in page and "£30" in page
    )
    membership = Membership.objects.get()
    assert (
        membership.person.full_name == "Iris Bennett"
        and membership.access_needs == ["hearing"]
    )
    # A second click on "Confirm" changes nothing.
    response = client.post(reverse("members:join_check"))
    assert response["Location"] == reverse("members:join_done")
    assert Membership.objects.count() == 1


def test_joining_online_with_an_email_on_file_gives_the_same_answer(
    client, testford, plans
):
    import re

    from django.test import Client

    def walk(browser, email, name):
        browser.post(reverse("members:join_start"))
        for slug, data in STEPS:
            if data is None:
                data = {"plan": plans["full"].pk, "concession": "no"}
            if slug == "name":
                data = {"full_name": name}
            if slug == "contact":
                data = {"contact_by": "email", "email": email}
            response = browser.post(reverse("members:join_step", args=[slug]), data)
            assert response.status_code == 302, response.content.decode()[:2000]
        response = browser.post(reverse("members:join_check"), follow=True)
        return re.sub(
            r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode()
        ).replace(name, "NAME")

    helper = testford.helper
    fresh = walk(Client(), "someone.new@example.com", "Ada Fresh")
    taken = walk(client, helper.email, "Bea Taken")
    assert taken == fresh
    assert "Application sent" in taken and "already uses" not in taken
    assert helper.full_name not in taken
    helper.refresh_from_db()
    assert not Membership.objects.filter(person=helper).exists()
    assert Message.objects.filter(
        template="contact_details_given_by_someone", recipient=helper
    ).exists()
    membership = Membership.objects.get(person__email=None)
    client.force_login(testford.coordinator)
    record = client.get(reverse("members:member", args=[membership.pk]))
    content = record.content.decode()
    assert "This may be someone we already know." in content
    assert "Same email address" in content and helper.full_name in content
    # It was them (the coordinator phoned): merge into their record.
    from kith.accounts.models import PossibleDuplicate

    duplicate = PossibleDuplicate.objects.get(first=helper, second=membership.person)
    client.post(
        reverse("members:duplicate_decide", args=[duplicate.pk]), {"decision": "merge"}
    )
    membership.refresh_from_db()
    assert membership.person == helper


def test_a_question_page_shows_errors_next_to_the_field(client, testford, plans):
    client.post(reverse("members:join_start"))
    page = client.post(
        reverse("members:join_step", args=["postcode"]), {"postcode": "nonsense"}
    ).content.decode()
    assert "There is a problem" in page and "Enter a real postcode" in page
    client.post(
        reverse("members:join_step", args=["postcode"]), {"postcode": "SE17 2AA"}
    )
    page = client.post(
        reverse("members:join_step", args=["birth"]),
        {
            "date_of_birth_day": "31",
            "date_of_birth_month": "2",
            "date_of_birth_year": "1948",
        },
    ).content.decode()
    assert "Date of birth must be a real date" in page


def test_someone_outside_the_locality_gets_a_kind_answer_and_the_phone_number(
    client, testford, plans
):
    from kith.places.models import Postcode

    Postcode.objects.create(
        postcode="SW1A 1AA", latitude=51.5, longitude=-0.14, ward_code="E05000000"
    )
    client.post(reverse("members:join_start"))
    response = client.post(
        reverse("members:join_step", args=["postcode"]), {"postcode": "SW1A 1AA"}
    )
    assert (
        "not-eligible" in response["Location"]
        and "reason=postcode" in response["Location"]
    )
    page = client.get(response["Location"]).content.decode()
    assert "Sorry, you cannot join online" in page and "020 7946 0999" in page


def test_someone_too_young_is_told_kindly(client, testford, plans):
    plans["young"].delete()
    client.post(reverse("members:join_start"))
    client.post(
        reverse("members:join_step", args=["postcode"]), {"postcode": "SE17 2AA"}
    )
    response = client.post(
        reverse("members:join_step", args=["birth"]),
        {
            "date_of_birth_day": "1",
            "date_of_birth_month": "1",
            "date_of_birth_year": "2000",
        },
    )
    page = client.get(response["Location"]).content.decode()
    assert "aged 50 or over" in page and "Neighbourhood Helper" in page


def test_the_check_page_sends_unanswered_questions_back(client, testford, plans):
    client.post(reverse("members:join_start"))
    response = client.get(reverse("members:join_check"))
    assert response["Location"] == reverse("members:join_step", args=["postcode"])


def test_a_coordinator_joins_someone_by_phone_and_then_acts_for_them(
    client, testford, plans
):
    client.force_login(testford.coordinator)
    _walk(client, plans, prefix="members:phone_join")
    response = client.post(reverse("members:phone_join_check"))
    assert response["Location"] == reverse("members:phone_join_done")
    membership = Membership.objects.get()
    assert (
        membership.joined_how == "phone"
        and membership.joined_by == testford.coordinator
    )
    page = client.get(reverse("members:member", args=[membership.pk])).content.decode()
    assert "You are acting for Iris Bennett" in page
    assert "By phone" in page


@pytest.mark.parametrize(
    "role", [Role.MEMBER, Role.HELPER, Role.COUNCIL_OFFICER, Role.SUPPORTER]
)
def test_joining_by_phone_is_for_coordinators(client, testford, plans, role):
    client.force_login(testford.by_role(role))
    assert client.get(reverse("members:phone_join_start")).status_code == 403


@pytest.fixture
def iris(testford, plans):
    from kith.members.tests.test_services import answers

    return services.membership_join(
        actor=None,
        locality=testford.locality,
        answers=answers(plan_id=plans["full"].pk),
        how="online",
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.COORDINATOR, 200),
        (Role.ADMIN, 403),
        (Role.MEMBER, 403),
        (Role.HELPER, 403),
        (Role.SUPPORTER, 403),
        (Role.COUNCIL_OFFICER, 403),
        (Role.ORGANISATION_EDITOR, 403),
    ],
)
def test_members_list_and_records_by_role(client, testford, iris, role, status):
    client.force_login(testford.by_role(role))
    assert client.get(reverse("members:list")).status_code == status
    assert client.get(reverse("members:member", args=[iris.pk])).status_code == status


def test_a_coordinator_in_another_locality_cannot_see_the_member(
    client, elsewhere, iris
):
    client.force_login(elsewhere.coordinator)
    assert client.get(reverse("members:member", args=[iris.pk])).status_code == 404


def test_opening_a_member_record_is_audited_and_notes_show(client, testford, iris):
    client.force_login(testford.coordinator)
    client.post(
        reverse("members:member_note", args=[iris.pk]),
        {"text": "Hard of hearing: speak slowly."},
    )
    page = client.get(reverse("members:member", args=[iris.pk])).content.decode()
    assert "Hard of hearing: speak slowly." in page
    assert AuditEvent.objects.filter(
        action="member_record_viewed", target_id=str(iris.pk)
    ).exists()


def test_a_member_sees_their_own_membership_but_not_notes(client, testford, iris):
    services.note_add(actor=testford.coordinator, membership=iris, text="Private note")
    client.force_login(iris.person)
    page = client.get(reverse("members:mine")).content.decode()
    assert "Your membership" in page and "Full" in page and "Private note" not in page


def test_the_members_list_runs_the_same_queries_for_few_or_many(
    client, testford, plans, iris
):
    from kith.members.tests.test_services import answers

    client.force_login(testford.coordinator)
    client.get(reverse("members:list"))

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert (
                client.get(reverse("members:list"), {"status": ""}).status_code == 200
            )
        return len(captured)

    few = count()
    for n in range(25):
        services.membership_join(
            actor=None,
            locality=testford.locality,
            answers=answers(
                full_name=f"Person {n}",
                phone=f"020 7946 1{n:03d}",
                plan_id=plans["full"].pk,
            ),
            how="online",
        )
    assert count() == few


def test_filters_and_csv_export_is_audited(client, testford, iris):
    client.force_login(testford.coordinator)
    page = client.get(reverse("members:list"), {"status": "active"}).content.decode()
    assert "Iris Bennett" not in page
    page = client.get(reverse("members:list"), {"status": "applied"}).content.decode()
    assert "Iris Bennett" in page
    response = client.get(reverse("members:list"), {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert body.splitlines()[0].startswith("Name,") and "Iris Bennett" in body
    assert AuditEvent.objects.filter(action="members_exported").exists()


def test_welcoming_a_member_from_their_record(client, testford, iris):
    client.force_login(testford.coordinator)
    page = client.post(
        reverse("members:member_fee", args=[iris.pk, "activate"]), {"method": "card"}
    ).content.decode()
    assert "Enter the payment reference" in page
    response = client.post(
        reverse("members:member_fee", args=[iris.pk, "activate"]), {"method": "cash"}
    )
    assert response.status_code == 302
    assert Membership.objects.get(pk=iris.pk).status == "active"


def test_a_supporter_sees_only_what_was_shared_and_loses_access_at_once(
    client, testford, iris
):
    invitation = services.supporter_invite(
        actor=iris.person,
        membership=iris,
        name="Grace",
        relationship="daughter",
        email="grace@example.com",
    )
    grace = User.objects.create(full_name="Grace Bennett", email="grace@example.com")
    client.force_login(grace)
    accept_url = reverse(
        "members:supporter_accept", args=[invitation.link.pk, invitation.token]
    )
    assert (
        "would like you to be their supporter"
        in client.get(accept_url).content.decode()
    )
    client.post(accept_url, {"answer": "accept"})
    link = SupporterLink.objects.get()
    page = client.get(
        reverse("members:supporting_member", args=[link.pk])
    ).content.decode()
    assert "Iris Bennett" in page and "see their coming visits" in page
    assert "4 Mill Lane" not in page and "1948" not in page
    assert client.get(reverse("members:member", args=[iris.pk])).status_code == 403
    # The member ends it; the supporter's access ends at once.
    client.force_login(iris.person)
    client.post(reverse("members:supporter_end", args=[link.pk]))
    client.force_login(grace)
    assert (
        client.get(reverse("members:supporting_member", args=[link.pk])).status_code
        == 404
    )


def test_an_invitation_link_that_is_wrong_says_so(client, testford, iris):
    invitation = services.supporter_invite(
        actor=iris.person,
        membership=iris,
        name="Grace",
        relationship="daughter",
        email="grace@example.com",
    )
    response = client.get(
        reverse("members:supporter_accept", args=[invitation.link.pk, "wrong"])
    )
    assert response.status_code == 400 and "not right" in response.content.decode()
    assert Message.objects.filter(template="supporter_invitation").count() == 1


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.COORDINATOR, 200),
        (Role.ADMIN, 200),
        (Role.MEMBER, 403),
        (Role.COUNCIL_OFFICER, 403),
    ],
)
def test_plans_page_by_role(client, testford, plans, role, status):
    client.force_login(testford.by_role(role))
    assert client.get(reverse("members:plans")).status_code == status


def test_adding_a_plan_checks_the_fees(client, testford, plans):
    client.force_login(testford.admin)
    page = client.post(
        reverse("members:plan_add"),
        {
            "name": "Gold",
            "yearly_fee": "10",
            "concession_fee": "20",
            "minimum_age": "50",
            "joining_credits": "0",
        },
    ).content.decode()
    assert "must not be more than the yearly fee" in page
    response = client.post(
        reverse("members:plan_add"),
        {
            "name": "Gold",
            "yearly_fee": "40",
            "concession_fee": "12.50",
            "minimum_age": "50",
            "joining_credits": "1",
            "is_open": "on",
        },
    )
    assert response.status_code == 302
    from kith.members.models import MembershipPlan

    assert MembershipPlan.objects.get(name="Gold").concession_fee_pence == 1250


def test_the_record_shows_its_history_and_follows_a_move(client, testford, iris):
    from kith.accounts.services import person_contact_update
    from kith.places.models import Postcode, Ward

    client.force_login(testford.coordinator)
    services.membership_activate(
        actor=testford.coordinator, membership=iris, method="cash"
    )
    page = client.get(reverse("members:member", args=[iris.pk])).content.decode()
    assert "Member joined" in page and "Membership started" in page
    other = Ward.objects.create(
        locality=testford.locality, name="South", ons_code="E05990777"
    )
    Postcode.objects.create(
        postcode="SE17 3BB", latitude=51.48, longitude=-0.09, ward_code=other.ons_code
    )
    person_contact_update(
        actor=testford.coordinator,
        person=iris.person,
        locality=testford.locality,
        postcode="SE17 3BB",
    )
    assert Membership.objects.get(pk=iris.pk).ward == other


def test_leaving_says_how_many_credits_move_and_moves_them(client, testford, iris):
    from kith.credits.services import shared_balance_minutes

    services.membership_activate(
        actor=testford.coordinator, membership=iris, method="cash"
    )  # the plan includes 2 credits
    client.force_login(testford.coordinator)
    url = reverse("members:member_leave", args=[iris.pk])
    assert "They have 2 credits left." in client.get(url).content.decode()
    response = client.post(url, {"credits_choice": "circle", "reason": "Moving"})
    assert response.status_code == 302
    assert shared_balance_minutes(locality=testford.locality, kind="pot") == 120
    assert "no credits left" in client.get(url).content.decode()
