from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditsConfig(AppConfig):
    name = "kith.credits"
    label = "credits"

    def ready(self) -> None:
        from kith.places.hooks import locality_created

        locality_created.register(_locality_set_up)
        from kith.accounts.models import Role
        from kith.accounts.permissions import Perm
        from kith.core.navigation import NavItem, nav_register
        from kith.credits.selectors import leave_page_credits, supporting_page_credits
        from kith.credits.services import joining_credits_grant, leaving_credits_move
        from kith.members import hooks as members_hooks

        members_hooks.membership_started.register(joining_credits_grant)
        members_hooks.membership_left.register(leaving_credits_move)
        members_hooks.leave_page_extras.register(leave_page_credits)
        members_hooks.supporting_page_extras.register(supporting_page_credits)

        nav_register(
            NavItem(_("Your credits"), "credits:mine", order=40, roles=(Role.MEMBER,)),
            NavItem(
                _("Credits"), "credits:accounts", order=110, perm=Perm.CREDITS_MANAGE
            ),
            NavItem(_("Grants"), "credits:grants", order=120, perm=Perm.CREDITS_GRANT),
            NavItem(
                _("Credit settings"),
                "credits:settings",
                order=150,
                perm=Perm.LOCALITY_MANAGE,
            ),
        )


def _locality_set_up(*, locality: Any, actor: Any) -> None:
    """A new locality gets its pot and outside-world accounts."""
    from kith.credits.services.accounts import shared_accounts_ensure

    shared_accounts_ensure(locality)
