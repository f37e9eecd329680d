from functools import lru_cache
from typing import Any

from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation

from kith.accounts.permissions import (
    ROLE_PERMISSIONS,
    Perm,
    is_staff_person,
    roles_in,
    roles_of,
)
from kith.core.navigation import NavItem, nav_items, nav_version


def _shown(item: NavItem, roles: frozenset[str], is_staff: bool) -> bool:
    if item.staff_only:
        return is_staff
    if not item.perm and not item.roles:
        return True
    if any(role in roles for role in item.roles):
        return True
    return bool(item.perm) and any(
        Perm(item.perm) in ROLE_PERMISSIONS[role] for role in roles
    )


@lru_cache(maxsize=256)
def _menu(
    roles: frozenset[str],
    is_staff: bool,
    language: str | None,
    script_prefix: str,
    urlconf: str | None,
    version: int,
) -> tuple[tuple[str, str], ...]:
    """The menu for anyone holding ``roles``: the same for all of them, so it
    is worked out once per set of roles and language rather than on every
    page (the other arguments are only what the answer depends on)."""
    return tuple(
        (str(item.label), reverse(item.url_name))
        for item in nav_items()
        if _shown(item, roles, is_staff)
    )


def layout(request: HttpRequest) -> dict[str, Any]:
    """What every page's layout needs: the locality, the menu for this person's
    roles (the items the parts registered, kith/core/navigation.py), and who
    they are acting for."""
    locality = getattr(request, "locality", None)
    user = getattr(request, "user", None)
    nav: list[tuple[str, str]] = []
    if user is not None and user.is_authenticated:
        nav = list(
            _menu(
                roles_in(user, locality),
                bool(user.is_staff),
                translation.get_language(),
                get_script_prefix(),
                get_urlconf(),
                nav_version(),
            )
        )
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
