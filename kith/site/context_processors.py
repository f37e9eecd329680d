from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from kith.accounts.permissions import (
    Perm,
    has_perm,
    has_role,
    is_staff_person,
    roles_of,
)
from kith.core.navigation import NavItem, nav_items


def _shown(item: NavItem, user: Any, locality: Any) -> bool:
    if item.staff_only:
        return bool(user.is_staff)
    if not item.perm and not item.roles:
        return True
    if any(has_role(user, role, locality) for role in item.roles):
        return True
    return bool(item.perm) and has_perm(user, Perm(item.perm), locality)


def layout(request: HttpRequest) -> dict[str, Any]:
    """What every page's layout needs: the locality, the menu for this person's
    roles (the items the parts registered, kith/core/navigation.py), and who
    they are acting for."""
    locality = getattr(request, "locality", None)
    user = getattr(request, "user", None)
    nav: list[tuple[str, str]] = []
    if user is not None and user.is_authenticated:
        nav = [
            (str(item.label), reverse(item.url_name))
            for item in nav_items()
            if _shown(item, user, locality)
        ]
    path = request.path
    nav_items_shown = [
        {
            "label": label,
            "href": href,
            "active": path == href or (href != "/" and path.startswith(href)),
        }
        for label, href in nav
    ]
    return {
        "locality": locality,
        "service_name": locality.name if locality else "Kith",
        "nav_items": nav_items_shown,
        "acting_for": getattr(request, "acting_for", None),
        "is_staff_person": bool(
            user and user.is_authenticated and is_staff_person(user)
        ),
        "has_several_localities": bool(
            user and user.is_authenticated and len(roles_of(user)) > 1
        ),
    }
