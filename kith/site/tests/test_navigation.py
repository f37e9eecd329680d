"""The menu at the top of every page: items registered by each part
(kith/core/navigation.py), shown by the site to whoever may use them."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _

from kith.core import navigation
from kith.core.navigation import NavItem, nav_register
from kith.site.context_processors import layout

#: What each role saw in the menu when core built it by hand, in order.
MENUS = {
    "member": [
        "Home",
        "Help",
        "Activities",
        "Your membership",
        "Your credits",
        "Your details",
    ],
    "supporter": ["Home", "Help", "Activities", "People you support", "Your details"],
    "helper": [
        "Home",
        "Activities",
        "Local services",
        "Your visits",
        "Helper profile",
        "Safeguarding",
        "Your details",
    ],
    "coordinator": [
        "Home",
        "Help",
        "Activities",
        "Local services",
        "Members",
        "Helpers",
        "Matching",
        "Credits",
        "Local budgets",
        "Directory checks",
        "People",
        "Call list",
        "Surveys",
        "Messages sent",
        "Audit log",
        "Safeguarding",
        "Data requests",
        "Wards",
        "Your details",
    ],
    "council_officer": [
        "Home",
        "Grants",
        "Local budgets",
        "Directory checks",
        "Reports",
        "Connections",
        "Land and buildings",
        "Safeguarding",
        "Data breaches",
        "Wards",
        "Your details",
    ],
    "organisation_editor": [
        "Home",
        "Activities",
        "Your organisation",
        "Safeguarding",
        "Your details",
    ],
    "safeguarding_lead": ["Home", "Safeguarding", "Your details"],
    "admin": [
        "Home",
        "Reports",
        "Connections",
        "People",
        "Credit settings",
        "Audit log",
        "Data requests",
        "Data breaches",
        "Wards",
        "Your details",
    ],
}


def _menu(rf, user, locality, path="/"):
    request = rf.get(path)
    request.user = user
    request.locality = locality
    return layout(request)["nav_items"]


@pytest.mark.parametrize("role", sorted(MENUS))
def test_each_role_sees_the_menu_it_always_saw(rf, testford, role):
    items = _menu(rf, testford.by_role(role), testford.locality)
    assert [item["label"] for item in items] == MENUS[role]


def test_the_menu_links_to_each_page_and_marks_the_one_open(rf, testford):
    items = _menu(rf, testford.member, testford.locality, path="/credits/mine/")
    by_label = {item["label"]: item for item in items}
    assert by_label["Home"]["href"] == "/"
    assert by_label["Your credits"]["href"].startswith("/credits/")
    assert [item["label"] for item in items if item["active"]] == ["Your credits"]


def test_only_those_who_may_use_the_django_admin_see_it_in_the_menu(rf, testford):
    admin = testford.by_role("admin")
    assert "System administration" not in [
        item["label"] for item in _menu(rf, admin, testford.locality)
    ]
    admin.is_staff = True
    by_label = {item["label"]: item for item in _menu(rf, admin, testford.locality)}
    assert by_label["System administration"]["href"] == "/django-admin/"
    assert by_label["Credit settings"]["href"] == "/credits/settings/"


def test_no_menu_for_someone_not_signed_in(rf, testford):
    assert _menu(rf, AnonymousUser(), testford.locality) == []


def test_no_role_in_this_locality_means_only_home_and_your_details(rf, testford):
    from kith.places.models import Locality

    elsewhere = Locality.objects.create(name="Elsewhere", slug="elsewhere")
    items = _menu(rf, testford.coordinator, elsewhere)
    assert [item["label"] for item in items] == ["Home", "Your details"]


@pytest.fixture
def restore_menu():
    saved = navigation.nav_snapshot()
    yield
    navigation.nav_restore(saved)


def test_an_item_a_part_registers_shows_to_whoever_holds_its_permission(
    rf, testford, restore_menu
):
    nav_register(NavItem(_("Projects"), "core:contact", order=175, perm="reports_view"))

    officer = [
        i["label"] for i in _menu(rf, testford.council_officer, testford.locality)
    ]
    member = [i["label"] for i in _menu(rf, testford.member, testford.locality)]

    assert officer == [
        "Home",
        "Grants",
        "Local budgets",
        "Directory checks",
        "Reports",
        "Connections",
        "Land and buildings",
        "Safeguarding",
        "Data breaches",
        "Projects",
        "Wards",
        "Your details",
    ]
    assert "Projects" not in member


def test_an_item_for_a_role_shows_only_to_that_role(rf, testford, restore_menu):
    nav_register(
        NavItem(_("Your pledges"), "core:contact", order=45, roles=("helper",))
    )

    helper = [i["label"] for i in _menu(rf, testford.helper, testford.locality)]
    coordinator = [
        i["label"] for i in _menu(rf, testford.coordinator, testford.locality)
    ]

    assert helper.index("Your pledges") == 3  # after Home, Activities, Local services
    assert "Your pledges" not in coordinator


def test_registering_an_item_again_does_not_show_it_twice(rf, testford, restore_menu):
    item = NavItem(_("Call list"), "notify:calls", order=150, perm="call_list")
    nav_register(item)
    nav_register(item)

    labels = [i["label"] for i in _menu(rf, testford.coordinator, testford.locality)]
    assert labels.count("Call list") == 1


def test_a_misspelt_permission_is_found_at_once(rf, testford, restore_menu):
    nav_register(NavItem(_("Oops"), "core:contact", order=5, perm="no_such_perm"))
    with pytest.raises(ValueError, match="no_such_perm"):
        _menu(rf, testford.coordinator, testford.locality)
