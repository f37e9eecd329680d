"""Any order of signing up and dropping out keeps the waiting list fair:
never more booked than places, never a free place while someone waits, and
places go to people in the order they joined the waiting list."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kith.core.errors import ApplicationError
from kith.social import services
from kith.social.models import SignUp
from kith.social.tests import factories

PEOPLE = 6

operations = st.lists(
    st.tuples(st.sampled_from(["sign_up", "drop_out"]), st.integers(0, PEOPLE - 1)),
    max_size=25,
)


class _Undo(Exception):
    pass


@pytest.fixture
def crowd(testford):
    occurrence = factories.activity(testford, places=2).occurrences.get()
    members = [
        factories.member(testford.locality, f"Person {n}", interests=["Cards"])
        for n in range(PEOPLE)
    ]
    return occurrence, members


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(steps=operations)
def test_the_waiting_list_stays_fair_whatever_happens(crowd, steps):
    occurrence, members = crowd
    try:
        with transaction.atomic():
            queue: list[int] = []  # the model: who is waiting, in order
            booked: set[int] = set()
            for action, n in steps:
                member = members[n]
                person = member.person_id
                if action == "sign_up":
                    try:
                        services.sign_up_create(
                            actor=member.person,
                            occurrence=occurrence,
                            membership=member,
                            waiting_list=True,
                        )
                    except ApplicationError:
                        assert person in booked or person in queue
                        continue
                    if len(booked) < 2:
                        booked.add(person)
                    else:
                        queue.append(person)
                else:
                    mine = SignUp.objects.filter(
                        occurrence=occurrence,
                        person_id=person,
                        status__in=services.LIVE_SIGN_UPS,
                    ).first()
                    if mine is None:
                        continue
                    services.sign_up_cancel(actor=member.person, sign_up=mine)
                    if person in booked:
                        booked.discard(person)
                        if queue:
                            booked.add(queue.pop(0))
                    else:
                        queue.remove(person)
                live = SignUp.objects.filter(occurrence=occurrence)
                assert (
                    set(
                        live.filter(status="booked").values_list("person_id", flat=True)
                    )
                    == booked
                )
                assert (
                    list(
                        live.filter(status="waiting")
                        .order_by("waiting_since", "pk")
                        .values_list("person_id", flat=True)
                    )
                    == queue
                )
                assert len(booked) <= 2 and (len(booked) == 2 or not queue)
            raise _Undo
    except _Undo:
        pass
