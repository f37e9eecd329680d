"""One locality's people never open another locality's records.

Generated from the URL map, so that a new page cannot be forgotten: the
walker (tests/walker.py) follows every link and form of the demo locality as
each of its roles (in the hostile-input test, tests/test_hostile_input.py,
which shares its walk with this check: walking the demo once is most of the
cost of each), and every page and form it finds whose address names a
record (a number or a uuid in the path) is then asked for, and every such
form sent, as each role of a second locality. Each must be refused (403 or
404; 405 for a page that takes no such request), or be a page anyone may see
without signing in (a public project, a directory entry), and nothing may
change. Pages without a record in their address (a dashboard, a list, a
search) answer about the asker's own locality, which the parts' own tests
check.
"""

import re

from django.db import transaction

#: Roles of the second locality. A member and a helper there are real ones
#: (a membership, a helper profile), so that their pages work for them.
ROLES = (
    "member",
    "supporter",
    "helper",
    "coordinator",
    "council_officer",
    "organisation_editor",
    "safeguarding_lead",
    "admin",
)
REFUSED = (403, 404, 405)
RECORD_IN_PATH = re.compile(r"<(?:int|uuid):")


class _Undo(Exception):
    """Rolls back whatever a form sent from another locality did."""


def _second_locality():
    from tests.factories import (
        HelperProfileFactory,
        LocalityFactory,
        MembershipFactory,
        WardFactory,
        person_with_role,
    )

    other = LocalityFactory(name="Elsewhere", slug="elsewhere")
    WardFactory(locality=other)
    people = {}
    for role in ROLES:
        if role == "member":
            people[role] = MembershipFactory(locality=other).person
        elif role == "helper":
            people[role] = HelperProfileFactory(locality=other, active=True).user
        else:
            people[role] = person_with_role(role, other)
    return other, people


def _seeded_pages(locality):
    """Pages with a record in the address that no link leads to: the walker
    reaches them only by answering a flow (hostile-input test). Built here
    from the demo's records; it fails loudly if the demo has none."""
    from django.urls import reverse

    from kith.budgeting.models import Round
    from kith.helpers.models import CheckKind, HelperProfile
    from kith.matching.models import MatchingPlan

    plan = MatchingPlan.objects.filter(locality=locality).first()
    if plan is None:
        from kith.accounts.demo import DEMO_LOGINS
        from kith.accounts.models import User
        from kith.matching import services as matching

        staff = User.objects.get(
            email=next(x.email for x in DEMO_LOGINS if x.role == "coordinator")
        )
        plan = matching.plan_request(actor=staff, locality=locality)
    helper = HelperProfile.objects.filter(locality=locality).first()
    voting = next(
        round_
        for round_ in Round.objects.filter(locality=locality)
        if round_.phase() == "voting"
    )
    return {
        "matching:plan": reverse("matching:plan", args=[plan.pk]),
        "helpers:check_record": reverse(
            "helpers:check_record", args=[helper.pk, CheckKind.REFERENCE]
        ),
        "budgeting:vote_ballot": reverse("budgeting:vote_ballot", args=[voting.pk]),
    }


def _data(form):
    data = {}
    for name, f in form.fields.items():
        if f.kind in ("radio", "select"):
            choices = f.checked or [o for o in f.options if o]
            if choices:
                data[name] = choices[0]
        elif f.kind == "checkbox":
            if f.checked:
                data[name] = f.checked
        elif f.kind != "file":
            data[name] = f.value or "1"
    if form.submit:
        data.setdefault(form.submit[0], form.submit[1])
    return data


class Found:
    """The pages and forms with a record in their address that the walk
    met: one address per route, and each form by route and address."""

    def __init__(self) -> None:
        from tests.walker import all_routes

        self.with_record = {
            name
            for name, pattern in all_routes().items()
            if RECORD_IN_PATH.search(pattern)
        }
        self.pages: dict[str, str] = {}
        self.forms: dict[tuple, object] = {}

    def add(self, url, forms) -> None:
        from tests.walker import internal, route_of

        if route_of(url) in self.with_record:
            self.pages.setdefault(route_of(url), url)
        for form in forms:
            if not internal(form.action) or form.route not in self.with_record:
                continue
            if form.method == "post":
                self.forms.setdefault((form.route, form.action), form)
            else:
                self.pages.setdefault(form.route, form.action)

    def reached(self) -> set[str]:
        return set(self.pages) | {route for route, _action in self.forms}


def refusals_elsewhere(found: Found, locality) -> list[str]:
    """Asks for every page and sends every form ``found`` (the demo
    ``locality``'s) as each role of a second locality, each send undone.
    Returns what was not refused, or changed something: it must be empty."""
    from django.test import Client

    from tests.test_hostile_input import _row_counts

    pages = dict(found.pages)
    for route, url in _seeded_pages(locality).items():
        pages.setdefault(route, url)
    anonymous = Client()
    public = {
        route for route, url in pages.items() if anonymous.get(url).status_code == 200
    }
    other, people = _second_locality()
    failures: list[str] = []
    for role, person in people.items():
        client = Client()
        client.force_login(person)
        home = client.get("/")
        assert home.status_code == 200 and other.name in home.content.decode(), (
            f"the second locality's {role} cannot use Kith at all"
        )
        for route, url in sorted(pages.items()):
            if route in public:
                continue
            status = client.get(url).status_code
            if status not in REFUSED:
                failures.append(f"{role} GET {url} ({route}): {status}")
        for (route, action), form in sorted(found.forms.items()):
            before = _row_counts()
            try:
                with transaction.atomic():
                    status = client.post(action, _data(form)).status_code
                    after = _row_counts()
                    raise _Undo
            except _Undo:
                pass
            changed = sorted(t for t in before if before[t] != after[t])
            if status not in REFUSED or changed:
                failures.append(
                    f"{role} POST {action} ({route}): {status}"
                    + (f", changed {changed}" if changed else "")
                )
    found.pages.update(pages)
    print(
        f"{len(pages)} pages ({len(public)} public) and {len(found.forms)} forms "
        f"with a record in the address, asked by {len(people)} roles elsewhere"
    )
    return failures
