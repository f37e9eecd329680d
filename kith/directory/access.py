"""Who may change which directory entries: the one place the rule lives
(services enforce it on writes, selectors on the pages that lead to them)."""

from typing import Any

from kith.accounts.permissions import Perm, has_perm
from kith.directory.models import Organisation


def can_check(actor: Any, locality: Any) -> bool:
    """Coordinators and council officers check and publish entries, keep
    the categories, and may change any organisation's entries."""
    return has_perm(actor, Perm.DIRECTORY_CHECK, locality)


def can_edit_organisation(actor: Any, organisation: Organisation) -> bool:
    """An editor of this very organisation, or a checker of its locality.
    An organisation editor can never change another organisation's."""
    if can_check(actor, organisation.locality_id):
        return True
    if not has_perm(actor, Perm.DIRECTORY_EDIT, organisation.locality_id):
        return False
    return organisation.editors.filter(pk=actor.pk).exists()
