"""The ledger as a state machine: hypothesis makes random top-ups, visit
settlements, gifts, reversals, refused transfers and retries, and after every
step each balance must equal the sum of its entries (and the model's
prediction), and all entries must sum to zero.

Each example runs inside a savepoint that is rolled back afterwards, so
examples start from the same people and an empty ledger.
"""

from datetime import date

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from kith.core.errors import ApplicationError
from kith.credits import services
from kith.credits.models import Account
from kith.credits.tests.factories import (
    assert_ledger_balances,
    make_helper,
    make_member,
)

OVERDRAFT = 30
AMOUNTS = st.sampled_from([15, 30, 45, 60, 90, 120, 300])
KEYS = st.integers(min_value=0, max_value=12)
DAY = date(2026, 3, 3)


@pytest.mark.django_db
def test_the_ledger_always_balances(testford):
    locality = testford.locality
    services.credit_settings_update(
        actor=testford.admin,
        locality=locality,
        minutes_per_credit=60,
        overdraft_limit_minutes=OVERDRAFT,
    )
    members = [make_member(locality).person for _ in range(3)]
    volunteer = make_helper(locality)
    paid = make_helper(locality, pay_basis="paid")
    helpers = [volunteer, paid]
    coordinator = testford.coordinator

    class Ledger(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            # What the model expects: balances by (kind, person id or None).
            self.balances: dict[tuple[str, int | None], int] = {}
            # Successful requests by key: (what was asked, transfer id).
            self.done: dict[str, tuple[tuple, int]] = {}
            self.transfers: list[tuple[int, dict, bool]] = []  # id, legs, is reversal
            self.reversed: dict[int, str] = {}
            self.refused = 0

        def teardown(self) -> None:
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)

        @initialize()
        def empty(self) -> None:
            assert not Account.objects.filter(locality=locality).exists()

        # --- the model -----------------------------------------------------

        def _floor(self, kind: str) -> int | None:
            return {"member": -OVERDRAFT, "outside": None}.get(kind, 0)

        def _fits(self, legs: dict) -> bool:
            for (kind, person), minutes in legs.items():
                floor = self._floor(kind)
                after = self.balances.get((kind, person), 0) + minutes
                if minutes < 0 and floor is not None and after < floor:
                    return False
            return True

        def _apply(self, legs: dict) -> None:
            for account, minutes in legs.items():
                self.balances[account] = self.balances.get(account, 0) + minutes

        def _attempt(self, key: str, asked: tuple, legs: dict, call) -> None:
            """Run ``call`` and check its outcome against the model."""
            if key in self.done:
                before, transfer_id = self.done[key]
                if before == asked:
                    assert call().pk == transfer_id  # a retry: same transfer
                else:
                    with pytest.raises(ApplicationError) as refused:
                        call()
                    assert refused.value.code == "key_reused"
                return
            if not self._fits(legs):
                with pytest.raises(ApplicationError) as refused:
                    call()
                assert refused.value.code == "limit"
                self.refused += 1
                return
            made = call()
            self._apply(legs)
            self.done[key] = (asked, made.pk)
            self.transfers.append((made.pk, legs, False))

        # --- rules ---------------------------------------------------------

        @rule(who=st.sampled_from(range(3)), minutes=AMOUNTS, n=KEYS)
        def top_up(self, who: int, minutes: int, n: int) -> None:
            person = members[who]
            self._attempt(
                f"topup:{n}",
                ("topup", person.pk, minutes),
                {("outside", None): -minutes, ("member", person.pk): minutes},
                lambda: services.topup_record(
                    actor=coordinator,
                    locality=locality,
                    member=person,
                    minutes=minutes,
                    amount_pence=minutes * 15,
                    method="cash",
                    key=f"topup:{n}",
                ),
            )

        @rule(
            who=st.sampled_from(range(3)),
            helper=st.sampled_from(range(2)),
            minutes=AMOUNTS,
            n=KEYS,
        )
        def settle(self, who: int, helper: int, minutes: int, n: int) -> None:
            person, giver = members[who], helpers[helper]
            self._attempt(
                f"visit:{n}",
                ("visit", person.pk, giver.pk, minutes),
                {("member", person.pk): -minutes, ("helper", giver.pk): minutes},
                lambda: services.visit_credits_settle(
                    actor=coordinator,
                    locality=locality,
                    visit_key=str(n),
                    member=person,
                    helper=giver,
                    minutes=minutes,
                    description="odd jobs",
                    occurred_on=DAY,
                ),
            )

        @rule(to=st.sampled_from([None, 0, 1, 2]), minutes=AMOUNTS, n=KEYS)
        def give(self, to: int | None, minutes: int, n: int) -> None:
            target = members[to] if to is not None else None
            receiver = ("member", target.pk) if target else ("pot", None)
            self._attempt(
                f"gift:{n}",
                ("gift", receiver, minutes),
                {("helper", volunteer.pk): -minutes, receiver: minutes},
                lambda: services.gift_give(
                    actor=volunteer,
                    locality=locality,
                    helper=volunteer,
                    minutes=minutes,
                    key=f"gift:{n}",
                    to_member=target,
                ),
            )

        @precondition(lambda self: self.transfers)
        @rule(data=st.data(), reason=st.sampled_from(["mistake", "entered twice"]))
        def reverse(self, data, reason: str) -> None:
            transfer_id, legs, is_reversal = data.draw(st.sampled_from(self.transfers))
            from kith.credits.models import Transfer

            transfer = Transfer.objects.get(pk=transfer_id)

            def call():
                return services.transfer_reverse(
                    actor=coordinator, transfer=transfer, reason=reason
                )

            if is_reversal:
                with pytest.raises(ApplicationError, match="cannot itself"):
                    call()
                return
            if transfer_id in self.reversed:
                if self.reversed[transfer_id] == reason:
                    call()  # a double click returns the first correction
                else:
                    with pytest.raises(ApplicationError, match="already"):
                        call()
                return
            undo = {account: -minutes for account, minutes in legs.items()}
            if not self._fits(undo):
                with pytest.raises(ApplicationError) as refused:
                    call()
                assert refused.value.code == "limit"
                return
            made = call()
            self._apply(undo)
            self.reversed[transfer_id] = reason
            self.transfers.append((made.pk, undo, True))

        @rule(who=st.sampled_from(range(3)))
        def paid_helper_cannot_give(self, who: int) -> None:
            with pytest.raises(ApplicationError, match="Only volunteer"):
                services.gift_give(
                    actor=paid,
                    locality=locality,
                    helper=paid,
                    minutes=15,
                    key="paid-gift",
                    to_member=members[who],
                )

        # --- after every step ----------------------------------------------

        @invariant()
        def balances_match_the_model_and_the_entries(self) -> None:
            # The pot and the outside world are the sums of their shards.
            actual: dict[tuple[str, int | None], int] = {}
            for kind, person, balance in Account.objects.filter(
                locality=locality
            ).values_list("kind", "person_id", "balance_minutes"):
                actual[kind, person] = actual.get((kind, person), 0) + balance
            expected = {k: v for k, v in self.balances.items() if k in actual or v}
            assert {k: v for k, v in actual.items() if k in expected or v} == expected
            assert_ledger_balances(locality)

    run_state_machine_as_test(
        Ledger,
        settings=settings(
            max_examples=25,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
