"""The menu at the top of every page, filled in by the parts.

Each app registers its own items in its ``AppConfig.ready()``::

    nav_register(
        NavItem(_("Members"), "members:list", order=80, perm="members_manage"),
    )

An item names who sees it as data, not code, so that apps below accounts can
register items too: ``perm`` is a permission code
(``kith.accounts.permissions.Perm``) and ``roles`` are role codes; a signed-in
person sees the item if they hold one of the roles or the permission in the
locality of the page, and everyone signed in sees an item that names neither;
an item marked ``staff_only`` is shown only to those who may use the Django
admin.
The site's context processor (``kith.site.context_processors.layout``) decides,
and shows the items by ``order``: a person's own pages first (0–79), then the
staff pages (80 on), then "Your details" last.
"""

from dataclasses import dataclass
from typing import Any

_items: dict[str, "NavItem"] = {}
#: Bumped whenever the registry changes, so that menus worked out from it
#: (the site's layout keeps one per set of roles) know to work again.
_version = 0


@dataclass(frozen=True)
class NavItem:
    label: Any  # a lazy translation, so the menu follows the page's language
    url_name: str
    order: int
    perm: str = ""
    roles: tuple[str, ...] = ()
    #: Only for people who may use the Django admin (``User.is_staff``),
    #: whatever their roles.
    staff_only: bool = False


def nav_register(*items: NavItem) -> None:
    """Add items to the menu. Registering an item for the same URL name again
    replaces it, so a ``ready()`` that runs twice adds nothing twice."""
    global _version
    for item in items:
        _items[item.url_name] = item
    _version += 1


def nav_restore(items: dict[str, "NavItem"]) -> None:
    """Put back a registry saved from ``nav_snapshot()`` (for tests that
    register items of their own)."""
    global _version
    _items.clear()
    _items.update(items)
    _version += 1


def nav_snapshot() -> dict[str, "NavItem"]:
    return dict(_items)


def nav_version() -> int:
    return _version


def nav_items() -> list[NavItem]:
    """Every registered item, in the menu's order."""
    return sorted(_items.values(), key=lambda item: (item.order, item.url_name))
