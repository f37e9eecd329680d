"""Hooks that accounts runs and higher apps register on (see kith/core/hooks.py)."""

from kith.core.hooks import Hook

#: A person's postcode changed: parts that file people by ward follow them.
#: Runs inside ``person_contact_update``'s transaction.
person_moved = Hook("accounts.person_moved", "person=")
