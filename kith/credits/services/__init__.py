"""Writes to the credit ledger.

``transfer_create`` is the one place that moves credits. The other services
decide who may do what (a coordinator records a top-up, the council grants,
a volunteer helper gives) and call it. Rules that hold for every transfer:

- its entries sum to zero, each is a whole number of minutes and not zero,
  and every account belongs to the transfer's locality;
- no account goes below its floor (members: the locality's overdraft, or
  their own; helpers and the pot: nothing; the outside world: no limit);
- the same ``key`` moves credits once: a retry returns the transfer already
  made, and the same key with different details is refused;
- the accounts are locked (``SELECT ... FOR UPDATE``, in primary-key order,
  so two transfers never wait for each other in a circle) before balances
  are read, so concurrent transfers are serialised per account;
- the transfer, its entries, the balances and the audit event are written
  in one transaction: on PostgreSQL in one statement (see ``_STATEMENT``),
  on SQLite in an immediate transaction, which serialises writers.

The writes live in one module per concept (accounts, transfers, writing,
people, limits); this package re-exports them, so
``from kith.credits.services import x`` and ``services.x`` keep working.
"""

from kith.credits.services.accounts import (
    Owner,
    account_for,
    balance_minutes,
    credit_settings_for,
    shard_for,
    shared_accounts_ensure,
    shared_balance_minutes,
)
from kith.credits.services.limits import account_overdraft_set, credit_settings_update
from kith.credits.services.people import (
    CURRENT_MEMBER_STATUSES,
    MAX_MINUTES_AT_ONCE,
    gift_give,
    grant_record,
    joining_credits_grant,
    leaving_credits_move,
    topup_record,
    transfer_reverse,
    visit_credits_settle,
    volunteering_credits_earn,
)
from kith.credits.services.transfers import (
    MAX_DESCRIPTION_LENGTH,
    MAX_KEY_LENGTH,
    transfer_create,
)

__all__ = [
    "CURRENT_MEMBER_STATUSES",
    "MAX_DESCRIPTION_LENGTH",
    "MAX_KEY_LENGTH",
    "MAX_MINUTES_AT_ONCE",
    "Owner",
    "account_for",
    "account_overdraft_set",
    "balance_minutes",
    "credit_settings_for",
    "credit_settings_update",
    "gift_give",
    "grant_record",
    "joining_credits_grant",
    "leaving_credits_move",
    "shard_for",
    "shared_accounts_ensure",
    "shared_balance_minutes",
    "topup_record",
    "transfer_create",
    "transfer_reverse",
    "visit_credits_settle",
    "volunteering_credits_earn",
]
