"""help.Concern rows become safeguarding concerns: nothing is lost."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


@pytest.mark.django_db(transaction=True)
def test_every_concern_raised_from_a_visit_moves_to_safeguarding():
    before = [("help", "0001_initial"), ("safeguarding", "0001_concerns")]
    after = [("help", "0002_concerns_moved_to_safeguarding")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    try:
        locality = old.get_model("places", "Locality").objects.create(
            slug="old", name="Old Circle"
        )
        user = old.get_model("accounts", "User")
        joan, sam, priya = (
            user.objects.create(email=f"{n}@example.com", full_name=n)
            for n in ("Joan", "Sam", "Priya")
        )
        plan = old.get_model("members", "MembershipPlan").objects.create(
            locality=locality, name="Full", yearly_fee_pence=0, concession_fee_pence=0
        )
        membership = old.get_model("members", "Membership").objects.create(
            locality=locality,
            person=joan,
            plan=plan,
            joined_how="online",
            date_of_birth=date(1940, 1, 1),
        )
        concern = old.get_model("help", "Concern")
        concern.objects.create(
            locality=locality,
            membership=membership,
            raised_by=sam,
            text="She seemed cold and confused.",
        )
        concern.objects.create(
            locality=locality,
            membership=membership,
            raised_by=sam,
            text="Bruise on her arm.",
            status="closed",
            handled_by=priya,
            outcome="Called her daughter.",
        )

        executor = MigrationExecutor(connection)
        executor.migrate(after)
        new = executor.loader.project_state(after).apps
        moved = {
            c.facts: c
            for c in new.get_model("safeguarding", "Concern").objects.order_by("pk")
        }
        assert set(moved) == {"She seemed cold and confused.", "Bruise on her arm."}
        open_one = moved["She seemed cold and confused."]
        assert (open_one.status, open_one.about, open_one.channel) == (
            "open",
            "member",
            "moved",
        )
        assert open_one.membership_id == membership.pk
        assert open_one.raised_by_id == sam.pk
        closed = moved["Bruise on her arm."]
        assert (closed.status, closed.outcome, closed.closed_by_id) == (
            "closed",
            "Called her daughter.",
            priya.pk,
        )
        assert closed.closed_at is not None
    finally:
        MigrationExecutor(connection).migrate(
            MigrationExecutor(connection).loader.graph.leaf_nodes()
        )
