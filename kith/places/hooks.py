"""Hooks that places runs and higher apps register on (see kith/core/hooks.py)."""

from kith.core.hooks import Hook

#: Rows of the postcode directory were written (a batch of an import,
#: committed): positions may have moved. Matching forgets the shortlists it
#: worked out from the old ones.
postcodes_changed = Hook("places.postcodes_changed", "")

#: A locality was created (inside its transaction): each part gives it what
#: it needs to work from its first day (the usual kinds of help, the
#: directory's categories, the pot's accounts). Receivers must be safe to run
#: again.
locality_created = Hook("places.locality_created", "locality=, actor=")
