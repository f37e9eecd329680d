"""The demo's data requests and breach log: an open request for a member's
data made by her daughter (identity checked, so the export can be made),
an erasure request waiting on its legal holds, and a closed breach."""

import random
from datetime import timedelta
from typing import Any

from django.utils import timezone

from kith.accounts.models import Role, RoleAssignment
from kith.core.errors import ApplicationError
from kith.members.models import Membership
from kith.privacy import services


def _holder(locality: Any, role: str) -> Any:
    assignment = (
        RoleAssignment.objects.filter(locality=locality, role=role)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if assignment is None:
        raise ApplicationError(f"The demo has no {role} to record data requests.")
    return assignment.user


def demo_load(*, locality: Any, rng: random.Random) -> None:
    coordinator = _holder(locality, Role.COORDINATOR)
    officer = _holder(locality, Role.COUNCIL_OFFICER)
    members = list(
        Membership.objects.filter(locality=locality, status=Membership.Status.ACTIVE)
        .select_related("person")
        .order_by("pk")[:20]
    )
    if len(members) < 2:
        raise ApplicationError("The demo needs two members for its data requests.")
    first, second = rng.sample(members, 2)
    today = timezone.localdate()
    access = services.rights_request_record(
        actor=coordinator,
        locality=locality,
        person=first.person,
        kind="access",
        received_on=today - timedelta(days=6),
        received_how="phone",
        requested_by_name="Her daughter, with her mother's written authority",
        notes="Wants a copy of everything, on paper and by email.",
    )
    services.rights_request_identity_checked(
        actor=coordinator,
        rights=access,
        checked_on=today - timedelta(days=5),
        how="Called the member back on the number we hold; she confirmed.",
    )
    services.rights_request_record(
        actor=coordinator,
        locality=locality,
        person=second.person,
        kind="erasure",
        received_on=today - timedelta(days=2),
        received_how="letter",
        notes="Asks to be forgotten; still a member with credits, so not yet.",
    )
    breach = services.breach_record(
        actor=officer,
        locality=locality,
        what=(
            "A visit reminder letter was put in the wrong envelope and sent to "
            "a neighbour."
        ),
        found_at=timezone.now() - timedelta(days=12),
        people_affected=1,
        data_kinds=["identity", "help"],
    )
    breach = services.breach_decide(
        actor=officer,
        breach=breach,
        reportable=False,
        reason=(
            "The neighbour returned it unopened the same day; no risk to the member."
        ),
    )
    services.breach_close(
        actor=officer,
        breach=breach,
        actions="Apologised to the member; letters are now checked by a second person.",
    )
    # One found yesterday and not yet decided: the 72 hours are running.
    services.breach_record(
        actor=officer,
        locality=locality,
        what=(
            "A helper's phone with the visits app signed in was lost on the bus; "
            "it has a screen lock."
        ),
        found_at=timezone.now() - timedelta(hours=26),
        people_affected=4,
        data_kinds=["identity", "help"],
    )
