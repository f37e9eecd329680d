"""Two people at once, on PostgreSQL: dropping out together gives both free
places to the two people waiting longest; taking the last place together
books one and tells the other it is full."""

import threading

import pytest
from django.db import connection, connections

from kith.core.errors import ApplicationError
from kith.notify.models import Message
from kith.social import services
from kith.social.models import SignUp
from kith.social.tests import factories

NEEDS_POSTGRES = (
    "needs PostgreSQL: SQLite serialises every writer with immediate "
    "transactions, so there is no row locking to test"
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason=NEEDS_POSTGRES),
]


def _at_once(*calls):
    """Run each call in its own thread (its own connection and transaction),
    released together; returns what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except Exception as exc:
            results[index] = exc
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(index, call))
        for index, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_dropping_out_at_once_promote_the_two_waiting_longest(testford):
    occurrence = factories.activity(testford, places=2).occurrences.get()
    people = [
        factories.member(testford.locality, f"Person {n}", interests=["Cards"])
        for n in range(5)
    ]
    booked = [
        services.sign_up_create(actor=m.person, occurrence=occurrence, membership=m)
        for m in people[:2]
    ]
    for m in people[2:]:
        services.sign_up_create(
            actor=m.person, occurrence=occurrence, membership=m, waiting_list=True
        )
    results = _at_once(
        *[
            (lambda s=s: services.sign_up_cancel(actor=s.person, sign_up=s))
            for s in booked
        ]
    )
    assert all(isinstance(r, SignUp) for r in results), results
    statuses = {
        s.person_id: s.status for s in SignUp.objects.filter(occurrence=occurrence)
    }
    assert [statuses[m.person_id] for m in people] == [
        "cancelled",
        "cancelled",
        "booked",
        "booked",
        "waiting",
    ]
    told = Message.objects.filter(template="activity_place_offered")
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted(
        m.person_id for m in people[2:4]
    )


@pytest.mark.django_db(transaction=True)
def test_two_taking_the_last_place_at_once_book_one(testford):
    occurrence = factories.activity(testford, places=1).occurrences.get()
    first, second = (
        factories.member(testford.locality, f"Keen {n}", interests=["Cards"])
        for n in range(2)
    )
    results = _at_once(
        lambda: services.sign_up_create(
            actor=first.person, occurrence=occurrence, membership=first
        ),
        lambda: services.sign_up_create(
            actor=second.person, occurrence=occurrence, membership=second
        ),
    )
    made = [r for r in results if isinstance(r, SignUp)]
    refused = [r for r in results if isinstance(r, ApplicationError)]
    assert len(made) == 1 and len(refused) == 1, results
    assert isinstance(refused[0], services.Full)
    assert SignUp.objects.filter(occurrence=occurrence).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_person_twice_at_once_gets_one_place(testford):
    occurrence = factories.activity(testford, places=5).occurrences.get()
    member = factories.member(testford.locality, "Double Clicker", interests=["Cards"])
    results = _at_once(
        *[
            lambda: services.sign_up_create(
                actor=member.person, occurrence=occurrence, membership=member
            )
            for _n in range(2)
        ]
    )
    assert sum(isinstance(r, SignUp) for r in results) == 1, results
    assert SignUp.objects.filter(occurrence=occurrence).count() == 1
