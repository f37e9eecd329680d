from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def member_signposting_section(*, actor: Any, membership: Any) -> dict | None:
    """For a member's record (members' ``member_page_sections`` hook): the
    services they were pointed to, and a link to record another."""
    from kith.accounts.permissions import Perm, has_perm
    from kith.directory.selectors import signpostings_for_member

    if not has_perm(actor, Perm.SIGNPOST_RECORD, membership.locality_id):
        return None
    return {
        "template": "directory/_member_signposting.html",
        "signpostings": list(
            signpostings_for_member(actor=actor, membership=membership)[:50]
        ),
    }


class DirectoryConfig(AppConfig):
    name = "kith.directory"
    label = "directory"

    def ready(self) -> None:
        from kith.places.hooks import locality_created

        locality_created.register(_locality_set_up)
        from kith.accounts.permissions import Perm
        from kith.core.navigation import NavItem, nav_register
        from kith.members.hooks import member_page_sections

        member_page_sections.register(member_signposting_section)
        nav_register(
            NavItem(
                _("Local services"),
                "directory:search",
                order=25,
                perm=Perm.SIGNPOST_RECORD,
            ),
            NavItem(
                _("Your organisation"),
                "directory:mine",
                order=35,
                perm=Perm.DIRECTORY_EDIT,
            ),
            NavItem(
                _("Directory checks"),
                "directory:review",
                order=125,
                perm=Perm.DIRECTORY_CHECK,
            ),
        )


def _locality_set_up(*, locality: Any, actor: Any) -> None:
    """A new locality gets the default list of everyday needs."""
    from kith.directory.services import taxonomy_default_create

    taxonomy_default_create(locality=locality, actor=actor)
