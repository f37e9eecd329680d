"""The demo's safeguarding: a concern about Joan Adeyemi that Sam Okafor
raised from a visit, which the lead is working (acknowledged, referred to
adult social care with a reference, shared with consent, an action open); a
concern about a helper phoned in to the coordinator this morning, which has
paused that helper until the lead decides; and a concern about someone the
circle does not know, raised by the organisation editor at her lunch club,
not acknowledged in time."""

import random
from datetime import timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from kith.accounts.models import Role, RoleAssignment
from kith.core.errors import ApplicationError
from kith.help.models import Visit
from kith.helpers.models import HelperProfile, HelperStatus
from kith.members.models import Membership
from kith.safeguarding import services
from kith.safeguarding.models import Concern


def _holder(locality: Any, role: str) -> Any:
    assignment = (
        RoleAssignment.objects.filter(locality=locality, role=role)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if assignment is None:
        raise ApplicationError(f"The demo has no {role} for its safeguarding.")
    return assignment.user


def _backdate(concern: Concern, *, days: int, acknowledge_by_hours: int) -> None:
    raised = timezone.now() - timedelta(days=days)
    Concern.objects.filter(pk=concern.pk).update(
        created_at=raised,
        acknowledge_by=raised + timedelta(hours=acknowledge_by_hours),
    )


def demo_load(*, locality: Any, rng: random.Random) -> None:
    lead = _holder(locality, Role.SAFEGUARDING_LEAD)
    coordinator = _holder(locality, Role.COORDINATOR)
    editor = _holder(locality, Role.ORGANISATION_EDITOR)
    joan = (
        Membership.objects.filter(
            locality=locality, person__email="member@riverside.example"
        )
        .select_related("person")
        .first()
    )
    sam = HelperProfile.objects.filter(
        locality=locality, user__email="helper@riverside.example"
    ).first()
    if joan is None or sam is None:
        raise ApplicationError("The demo needs Joan and Sam for its safeguarding.")
    visit = (
        Visit.objects.filter(request__membership=joan, helper=sam)
        .order_by("pk")
        .first()
    )

    # 1. Joan: raised by Sam two days ago, worked by the lead.
    about_joan = services.concern_raise(
        actor=sam.user,
        locality=locality,
        membership=joan,
        visit=visit,
        happened_at=timezone.now() - timedelta(days=2, hours=3),
        happened_where="Joan's kitchen",
        present="Joan, her nephew Mark for part of the visit.",
        facts=(
            "Joan had a large bruise on her forearm. When I asked, she said "
            "'Mark grabbed me when I would not sign the bank form'. Her "
            "cupboards were nearly empty and her purse was not in its usual "
            "place."
        ),
        hearsay="The neighbour at number 14 told me Mark shouts at her most evenings.",
        opinion="I think Joan is frightened of her nephew and he may be taking money.",
        kinds=["physical", "financial", "psychological"],
        adult_views="Joan does not want Mark in trouble with the police.",
        adult_outcomes="She wants to keep control of her own money and feel safe.",
        consent=Concern.Consent.YES,
        capacity=Concern.Capacity.YES,
    )
    _backdate(about_joan, days=2, acknowledge_by_hours=24)
    services.concern_acknowledge(actor=lead, concern=about_joan)
    services.concern_note_add(
        actor=lead,
        concern=about_joan,
        text=(
            "Called Joan when Mark was out. She repeated what she told Sam and "
            "agreed that adult social care can be told."
        ),
    )
    services.concern_referral_decide(
        actor=lead,
        concern=about_joan,
        referred=True,
        rationale=(
            "Possible physical and financial abuse by a family member; Joan has "
            "care and support needs and may not be able to protect herself."
        ),
        reference="ASC-RV-2026-0187",
    )
    services.concern_sharing_record(
        actor=lead,
        concern=about_joan,
        shared_with="Riverside adult social care, duty team",
        shared_on=timezone.localdate(),
        with_consent=True,
        why="For the section 42 enquiry Joan agreed to.",
    )
    services.concern_action_add(
        actor=lead,
        concern=about_joan,
        what="Joint visit with the social worker",
        owner="Ruth Campbell (safeguarding lead)",
        due_on=timezone.localdate() + timedelta(days=3),
    )

    # 2. A helper, phoned in this morning: paused until the lead decides. One
    # with no visits to come, so the demo's own visits stay as they are.
    helper = (
        HelperProfile.objects.filter(locality=locality, status=HelperStatus.ACTIVE)
        .exclude(pk=sam.pk)
        .annotate(
            coming=Count(
                "visits",
                filter=Q(
                    visits__status__in=[
                        Visit.Status.OFFERED,
                        Visit.Status.ACCEPTED,
                        Visit.Status.CONFIRMED,
                    ]
                ),
            )
        )
        .filter(coming=0)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if helper is None:
        raise ApplicationError("The demo has no helper free of visits to pause.")
    services.concern_raise(
        actor=coordinator,
        locality=locality,
        helper=helper,
        by_phone=True,
        told_by="A member's son, Daniel (he gave his number)",
        happened_where="His mother's flat",
        facts=(
            "Daniel said the helper borrowed £40 from his mother last week and "
            "asked her not to tell anyone."
        ),
        opinion="Daniel is angry and wants the helper stopped.",
        kinds=["financial"],
        adult_views="Not known: the member has not been asked yet.",
        consent=Concern.Consent.NOT_ASKED,
        capacity=Concern.Capacity.NOT_KNOWN,
    )

    # 3. Someone the circle does not know, not acknowledged in time.
    someone = services.concern_raise(
        actor=editor,
        locality=locality,
        about_name="An older man who sleeps in the Age Concern Centre doorway",
        happened_where="18 Mill Lane",
        facts=(
            "He was there again this morning, very cold and confused, and had "
            "not eaten. He said his name is Frank."
        ),
        kinds=["self_neglect"],
        immediate_risk=True,
        risk_action="We brought him inside, gave him a hot meal and called 111.",
        adult_views="He said he does not want to go to hospital.",
        consent=Concern.Consent.NOT_ASKED,
        capacity=Concern.Capacity.DOUBT,
    )
    _backdate(someone, days=3, acknowledge_by_hours=24)
