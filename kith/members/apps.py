from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "kith.members"
    label = "members"

    def ready(self) -> None:
        from kith.accounts.hooks import person_moved
        from kith.accounts.models import Role
        from kith.accounts.permissions import Perm
        from kith.core.navigation import NavItem, nav_register
        from kith.members.services import memberships_ward_refresh

        person_moved.register(memberships_ward_refresh)
        nav_register(
            NavItem(
                _("Your membership"), "members:mine", order=30, roles=(Role.MEMBER,)
            ),
            NavItem(
                _("People you support"),
                "members:supporting",
                order=50,
                roles=(Role.SUPPORTER,),
            ),
            NavItem(_("Members"), "members:list", order=80, perm=Perm.MEMBERS_MANAGE),
        )
