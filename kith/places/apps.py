from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "kith.places"
    label = "places"

    def ready(self) -> None:
        from kith.core.navigation import NavItem, nav_register

        nav_register(
            NavItem(_("Wards"), "places:wards", order=180, perm="places_view"),
        )
