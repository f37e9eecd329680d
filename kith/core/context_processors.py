from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from kith.accounts.permissions import Perm, has_perm, is_staff_person, roles_of


def layout(request: HttpRequest) -> dict[str, Any]:
    """What every page's layout needs: the locality, the menu for this person's
    roles, and who they are acting for."""
    locality = getattr(request, "locality", None)
    user = getattr(request, "user", None)
    nav: list[tuple[str, str]] = []
    if user is not None and user.is_authenticated:
        nav.append((_("Home"), reverse("core:home")))
        from kith.accounts.models import Role
        from kith.accounts.permissions import has_role

        is_member = has_role(user, Role.MEMBER, locality)
        is_supporter = has_role(user, Role.SUPPORTER, locality)
        if is_member or is_supporter or has_perm(user, Perm.HELP_MANAGE, locality):
            nav.append((_("Help"), reverse("help:home")))
        if is_supporter or has_perm(user, Perm.ACTIVITIES_PROPOSE, locality):
            nav.append((_("Activities"), reverse("social:home")))
        if is_member:
            nav.append((_("Your membership"), reverse("members:mine")))
            nav.append((_("Your credits"), reverse("credits:mine")))
        if is_supporter:
            nav.append((_("People you support"), reverse("members:supporting")))
        if has_role(user, Role.HELPER, locality):
            nav.append((_("Your visits"), reverse("help:my_visits")))
            nav.append((_("Helper profile"), reverse("helpers:own_profile")))
        entries = [
            (Perm.MEMBERS_MANAGE, _("Members"), "members:list"),
            (Perm.HELPERS_MANAGE, _("Helpers"), "helpers:list"),
            (Perm.MATCHING_PLAN, _("Matching"), "matching:plans"),
            (Perm.CREDITS_MANAGE, _("Credits"), "credits:accounts"),
            (Perm.CREDITS_GRANT, _("Grants"), "credits:grants"),
            (Perm.REPORTS_VIEW, _("Connections"), "social:figures"),
            (Perm.PEOPLE_VIEW, _("People"), "accounts:people"),
            (Perm.CALL_LIST, _("Call list"), "notify:calls"),
            (Perm.MESSAGES_VIEW, _("Messages sent"), "notify:messages"),
            (Perm.AUDIT_VIEW, _("Audit log"), "core:audit"),
            (Perm.PLACES_VIEW, _("Wards"), "places:wards"),
            (Perm.OWN_RECORD, _("Your details"), "accounts:your_details"),
        ]
        for perm, label, name in entries:
            if has_perm(user, perm, locality):
                nav.append((label, reverse(name)))
        if not any(name == reverse("accounts:your_details") for _l, name in nav):
            nav.append((_("Your details"), reverse("accounts:your_details")))
    path = request.path
    nav_items = [
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
        "nav_items": nav_items,
        "acting_for": getattr(request, "acting_for", None),
        "is_staff_person": bool(
            user and user.is_authenticated and is_staff_person(user)
        ),
        "has_several_localities": bool(
            user and user.is_authenticated and len(roles_of(user)) > 1
        ),
    }
