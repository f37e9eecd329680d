from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "kith.projects"
    label = "projects"

    def ready(self) -> None:
        from kith.accounts.permissions import Perm
        from kith.core.navigation import NavItem, nav_register

        # Everyone reaches community projects from the home page; the menu
        # has the register for the officers who keep it.
        nav_register(
            NavItem(
                _("Land and buildings"),
                "projects:register",
                order=140,
                perm=Perm.ASSETS_MANAGE,
            ),
        )
