from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpConfig(AppConfig):
    name = "kith.help"
    label = "help"

    def ready(self) -> None:
        from kith.places.hooks import locality_created

        locality_created.register(_locality_set_up)
        from kith.accounts.models import Role
        from kith.accounts.permissions import Perm
        from kith.core.navigation import NavItem, nav_register
        from kith.help.selectors import supporting_page_visits
        from kith.members.hooks import supporting_page_extras

        supporting_page_extras.register(supporting_page_visits)

        nav_register(
            NavItem(
                _("Help"),
                "help:home",
                order=10,
                roles=(Role.MEMBER, Role.SUPPORTER),
                perm=Perm.HELP_MANAGE,
            ),
            NavItem(_("Your visits"), "help:my_visits", order=60, roles=(Role.HELPER,)),
        )


def _locality_set_up(*, locality: Any, actor: Any) -> None:
    """A new locality gets the usual kinds of help."""
    from kith.help.services import categories_create_defaults

    categories_create_defaults(locality=locality)
