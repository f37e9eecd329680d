"""Hooks that places runs and higher apps register on (see kith/core/hooks.py)."""

from kith.core.hooks import Hook

#: Rows of the postcode directory were written (a batch of an import,
#: committed): positions may have moved. Matching forgets the shortlists it
#: worked out from the old ones.
postcodes_changed = Hook("places.postcodes_changed", "")
