"""Bad input never gives a server error, and a refused answer changes nothing."""

import logging

import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    "query",
    [
        "from=9999-12-31",
        "from=0001-01-01",
        "from=2026-02-31",
        "from=%00",
        "month=9999-12",
        "month=0001-01",
        "month=2026-99",
    ],
)
def test_large_print_pages_take_any_date_in_the_address(client, testford, query):
    from kith.helpers.tests.factories import active_helper

    profile = active_helper(testford, full_name="Sam Helper")
    client.force_login(testford.coordinator)
    for url in (
        reverse("notify:print_helper_week_for", args=[profile.pk]),
        reverse("notify:print_activities"),
    ):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 200, url
    page = client.get(
        reverse("notify:print_helper_week_for", args=[profile.pk]) + f"?{query}"
    ).content.decode()
    assert "Visits for Sam Helper" in page


# --- every form, every field, hostile values ----------------------------------

ROLES = (
    "anonymous",
    "member",
    "supporter",
    "helper",
    "coordinator",
    "council_officer",
    "organisation_editor",
    "safeguarding_lead",
    "admin",
)

#: Tables a refused answer may still write to: the session, the audit log
#: (a refused sign-in is recorded) and the sign-in throttle.
MAY_CHANGE_ON_REFUSAL = frozenset(
    {"django_session", "core_auditevent", "accounts_signinattempt"}
)

#: Pages the walker does not open by following a link: signing out would end
#: the role's session (its form is still posted to, and put back after).
NOT_FOLLOWED = frozenset({"sign_out"})

#: Given to every field, whatever it asks for.
HOSTILE = {
    "empty": "",
    "huge number": "9" * 30,
    "negative number": "-99999999999",
    "10,000 characters": "x" * 10_000,
    "NUL byte": "a\x00b",
    "right-to-left text": "\u202eأهلاً بكم\u202c",
}
#: Given to fields typed into (not choices, not the day, month and year
#: boxes, which get 31 February, 0001 and 9999 instead).
HOSTILE_TYPED = {
    "date 31/02": "31/02/2026",
    "year 0001": "0001-01-01",
    "year 9999": "9999-12-31",
    "1e9999": "1e9999",
}
DATE_PARTS = ("_day", "_month", "_year")
TYPED = ("text", "textarea", "number", "email", "tel", "date", "time", "search")


#: URL patterns the walker cannot reach from the demo, and why. Any other
#: pattern it does not reach fails the test: a new page is either walked or
#: listed here on purpose.
NOT_REACHED = {
    "metrics": "the operator's figures, only with the bearer token "
    "(kith/notify/tests/test_metrics.py)",
    **dict.fromkeys(
        ("places:logo", "places:brand_css"),
        "a locality's logo and header colour: named by every page's <img> and "
        "<link>, which the walker does not follow "
        "(kith/site/tests/test_locality_settings.py fetches them)",
    ),
    "budgeting:action": "closing, counting and publishing a round: only once "
    "voting has closed (the demo's rounds are published, voting or proposing)",
    **dict.fromkeys(
        (
            "accounts:sign_in_code",
            "accounts:second_factor",
            "accounts:authenticator_setup",
            "accounts:authenticator_reset",
            "accounts:password_reset_confirm",
        ),
        "reached only with a code or link sent in a message",
    ),
    **dict.fromkeys(
        (
            "help:ask_done",
            "members:join_done",
            "members:phone_join_done",
            "helpers:apply_check",
            "helpers:apply_done",
            "social:propose_start",
            "social:propose_check",
            "social:propose_done",
            "projects:propose_check",
            "projects:propose_done",
            "budgeting:propose_check",
        ),
        "the end of a question flow: reached only when every answer is valid",
    ),
    **dict.fromkeys(
        (
            "help:visit_settle",
            "help:visit_feedback",
            "helpers:approve",
            "helpers:resume",
            "helpers:duplicate",
            "helpers:dbs_scan",
            "helpers:dbs_scan_delete",
            "members:duplicate_decide",
            "members:supporter_accept",
            "matching:plan_send",
            "matching:plan_discard",
            "social:attendance",
            "social:my_introduction",
            "social:place_give_up",
        ),
        "needs a record in a state the demo may not have (or not link first)",
    ),
    "members:supporter_accept_code": (
        "an invitation's code page: needs the link's token, which only the "
        "message holds, and a code asked for from it"
    ),
    "help:dashboard_section": (
        "every row of one part of the help dashboard: linked only when that part "
        "has more rows than the dashboard shows; kith/help/tests/test_views.py "
        "opens each"
    ),
    "social:private_feed": "a calendar file at a secret address",
    "safeguarding:concern_dbs": (
        "the duty to refer to the DBS: shown only once the lead has stopped a "
        "helper for harm (the demo's helper concern waits for that decision); "
        "kith/safeguarding/tests/test_services.py and "
        "tests/browser/test_safeguarding_journeys.py post it"
    ),
    "projects:photo": "a photo: shown by <img>, not linked; no form",
    "projects:short": "the short address printed on a project's poster: a redirect",
    "social:place": (
        "a place held at an activity, reached by the redirect after signing "
        "up; since the projects demo signs the demo's people up for work days, "
        "the walker's sign-up may find a place already held; "
        "kith/social/tests/test_sign_up_links.py opens it"
    ),
    "projects:propose_start": (
        "the start of the question pages, a redirect to their first page; "
        "kith/projects/tests/test_project_pages.py goes through them"
    ),
    "budgeting:propose": (
        "the start of proposing an idea, a redirect to the first question "
        "page; kith/budgeting/tests/test_proposing.py goes through them"
    ),
    "accounts:session_end": (
        "offered only when the person is signed in somewhere else too; "
        "kith/accounts/tests/test_sessions_list.py posts to it"
    ),
    "privacy:request_record": (
        "reached from the person search's results (a GET form the walker does "
        "not fill in); kith/privacy/tests/test_views.py posts hostile answers"
    ),
    "privacy:request_erase": (
        "offered only for an erasure request whose person has no legal hold "
        "left; kith/privacy/tests/test_services.py and test_views.py erase"
    ),
    "notify:receipts": "GOV.UK Notify's delivery receipts: JSON, not a form",
    "notify:configuration_release": (
        "shown only while messages are held for a Notify configuration problem"
    ),
    **dict.fromkeys(
        (
            "openreferral:service",
            "openreferral:service_at_location",
            "openreferral:taxonomy",
            "openreferral:taxonomy_term",
        ),
        "the Open Referral API's records: their ids are in JSON answers, which "
        "the walker does not read; kith/openreferral/tests open each, with "
        "malformed ids too",
    ),
}

#: Pages opened per URL pattern and role: one request with a visit offered
#: has other forms than one without.
PAGES_PER_PATTERN = 3

#: How many plausible answers in a row the walker gives to go through a flow.
MAX_FLOW_DEPTH = 16


class _Undo(Exception):
    """Raised to roll back whatever one hostile answer did."""


def _row_counts():
    from django.apps import apps
    from django.db import connection

    tables = sorted(
        {
            m._meta.db_table
            for m in apps.get_models(include_auto_created=True)
            if m._meta.managed and not m._meta.proxy
        }
        - MAY_CHANGE_ON_REFUSAL
    )
    quote = connection.ops.quote_name
    # Table names come from the models, never from input.
    count = "(SELECT COUNT(*) FROM {})"
    sql = "SELECT " + ", ".join(count.format(quote(t)) for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(tables, cursor.fetchone(), strict=True))


def _baseline(form, postcode):
    """Answers that look valid: what the page filled in, else a plausible
    value for the field's name."""
    from django.utils import timezone

    next_year = str(timezone.localdate().year + 1)
    data = {}
    for name, f in form.fields.items():
        low = name.lower()
        if f.kind in ("radio", "select"):
            choices = f.checked or [o for o in f.options if o] or f.options
            if choices:
                data[name] = choices[0]
        elif f.kind == "checkbox":
            chosen = f.checked or f.options[:1]
            if chosen:
                data[name] = chosen
        elif f.kind == "file":
            continue
        elif f.value:
            data[name] = f.value
        elif low.endswith("_day"):
            data[name] = "15"
        elif low.endswith("_month"):
            data[name] = "6"
        elif low.endswith("_year"):
            data[name] = "1950" if "birth" in low or "born" in low else next_year
        elif "email" in low:
            data[name] = "walker@example.com"
        elif "phone" in low or "mobile" in low:
            data[name] = "07700 900123"
        elif "postcode" in low:
            data[name] = postcode
        elif f.kind == "password" or "password" in low:
            data[name] = "A long passphrase for 2026"
        elif f.kind == "time" or low.startswith(("from", "starts")):
            data[name] = "10:00"
        elif low.startswith(("to", "ends")):
            data[name] = "12:00"
        elif f.kind == "number" or low in ("minutes", "credits", "amount", "hours"):
            data[name] = "1"
        else:
            data[name] = "Walker test"
    data.pop("csrfmiddlewaretoken", None)
    if form.submit:
        data.setdefault(form.submit[0], form.submit[1])
    return data


def _hostile_cases(form, base):
    """One field at a time given each hostile value; date boxes also get
    31 February, the year 0001 and the year 9999."""
    for name in form.fields:
        if name == "csrfmiddlewaretoken":
            continue
        values = dict(HOSTILE)
        if form.fields[name].kind in TYPED and not name.endswith(DATE_PARTS):
            values.update(HOSTILE_TYPED)
        for label, value in values.items():
            yield f"{name} = {label}", {**base, name: value}
        stem = name[: -len("_day")] if name.endswith("_day") else None
        if stem and f"{stem}_month" in form.fields:
            yield f"{stem} = 31/02", {**base, name: "31", f"{stem}_month": "2"}
        if name.endswith("_year"):
            for year in ("0001", "9999"):
                yield f"{name} = {year}", {**base, name: year}


def _refused(response):
    if response.status_code in (400, 403, 404, 405, 409, 422, 429):
        return True
    if response.status_code != 200 or response.streaming:
        return False
    page = response.content.decode()
    return "govuk-error-summary" in page or "govuk-error-message" in page


class _Attack:
    """Posts hostile answers to one role's forms, each undone afterwards.

    A form answered plausibly that leads to another page (the next question
    of a flow, say) has that page's forms attacked too, before the plausible
    answer is undone: so every step of a question flow is reached."""

    def __init__(self, client, role, postcode, attacked, failures, opened):
        self.client, self.role, self.postcode = client, role, postcode
        self.attacked, self.failures, self.opened = attacked, failures, opened
        self.sent = 0

    def form(self, form, depth=0):
        from urllib.parse import urlsplit

        action = urlsplit(form.action)
        path = action.path + (f"?{action.query}" if action.query else "")
        base = _baseline(form, self.postcode)
        # Nothing outside the undone answers changes the rows, so counting
        # them once per form is enough.
        before = _row_counts() if form.method == "post" else None
        for case, data in _hostile_cases(form, base):
            self._send(form, path, case, data, before)
        if form.method == "post" and depth < MAX_FLOW_DEPTH:
            self._send(form, path, "plausible answers", base, None, then=depth + 1)

    def _send(self, form, path, case, data, before, then=None):
        from django.db import transaction

        where = f"{self.role} {form.method.upper()} {path} ({form.route}) {case}"
        cookies = {key: morsel.value for key, morsel in self.client.cookies.items()}
        try:
            with transaction.atomic():
                try:
                    if form.method == "post":
                        response = self.client.post(path, data)
                    else:
                        response = self.client.get(path, data)
                except Exception as error:
                    self.failures.append(
                        f"{where}: {type(error).__name__}: {error}"[:400]
                    )
                    raise _Undo from error
                self.sent += 1
                if response.status_code >= 500:
                    self.failures.append(f"{where}: status {response.status_code}")
                elif before is not None and _refused(response):
                    after = _row_counts()
                    changed = sorted(t for t in after if after[t] != before[t])
                    if changed:
                        self.failures.append(
                            f"{where}: refused, but stored in {changed}"
                        )
                elif then is not None and response.status_code in (301, 302, 303):
                    self._follow(response["Location"], path, then)
                raise _Undo
        except _Undo:
            pass
        finally:
            for key, value in cookies.items():
                self.client.cookies[key] = value

    def _follow(self, location, came_from, depth):
        from urllib.parse import urljoin

        from tests.walker import internal, parse_page, route_of

        url = urljoin(came_from, location)
        for _hop in range(3):
            if not internal(url):
                return
            response = self.client.get(url)
            if response.status_code in (301, 302, 303):
                url = urljoin(url, response["Location"])
                continue
            if response.status_code >= 500:
                self.failures.append(f"{self.role} GET {url}: status 500")
            if response.status_code != 200 or "html" not in response.get(
                "Content-Type", ""
            ):
                return
            self.opened.add(route_of(url))
            forms, _links = parse_page(url, response.content.decode())
            for form in forms:
                if internal(form.action) and form.key() not in self.attacked:
                    self.attacked.add(form.key())
                    self.form(form, depth)
            return


def _member_with_an_invited_supporter() -> tuple[str, ...]:
    """A member record with a supporter invited but not answered, for staff
    to open first: which three member records the crawl meets first depends
    on every part's links, and only such a record links the page where a
    coordinator records that the supporter accepted by phone."""
    from django.urls import reverse

    from kith.members.models import SupporterLink

    link = SupporterLink.objects.filter(status="invited").order_by("pk").first()
    return (reverse("members:member", args=[link.membership_id]),) if link else ()


def _visits_in_every_state():
    """The demo helper's visits for the demo member, one in each state, so
    that every visit page (offer, accept, done, settle...) has its forms.
    Returns the addresses of a request still open, one with its visit
    accepted and one with its visit in the past, for staff to open first."""
    from datetime import datetime, time, timedelta

    from django.db import transaction
    from django.utils import timezone

    from kith.accounts.models import User
    from kith.core.errors import ApplicationError
    from kith.help import services
    from kith.help.models import HelpCategory, Visit
    from kith.helpers.models import HelperProfile
    from kith.members.models import Membership

    member = Membership.objects.get(person__email="member@riverside.example")
    helper = HelperProfile.objects.get(user__email="helper@riverside.example")
    staff = User.objects.get(email="coordinator@riverside.example")

    def at(days, hour):
        day = timezone.localdate() + timedelta(days=days)
        return timezone.make_aware(datetime.combine(day, time(hour)))

    def offered(category, days):
        request = services.request_create(
            actor=staff,
            membership=member,
            category=category,
            details="For the walker",
            minutes=60,
            windows=[services.Window(at(days, 9), at(days, 17))],
        )
        return services.visit_offer(actor=staff, request=request, helper=helper)

    from django.urls import reverse

    for category in HelpCategory.objects.filter(locality=member.locality):
        try:
            with transaction.atomic():
                offered(category, 2)
        except ApplicationError:
            continue
        open_request = services.request_create(
            actor=staff,
            membership=member,
            category=category,
            details="For the walker",
            minutes=60,
            windows=[services.Window(at(6, 9), at(6, 17))],
        )
        urls = [reverse("help:request", args=[open_request.pk])]
        for days, state in ((3, "accepted"), (4, "confirmed"), (5, "past")):
            visit = offered(category, days)
            if state != "confirmed":
                urls.append(reverse("help:request", args=[visit.request_id]))
            services.visit_accept(
                actor=helper.user, visit=visit, starts_at=at(days, 10)
            )
            if state != "accepted":
                services.visit_confirm(actor=staff, visit=visit)
            if state == "past":
                Visit.objects.filter(pk=visit.pk).update(
                    starts_at=timezone.now() - timedelta(days=1)
                )
        return tuple(urls)
    raise AssertionError("the demo helper can do none of the kinds of help")


@pytest.mark.slow
def test_every_form_refuses_hostile_answers_and_other_localities(db):
    """Every form found from the URL map, for each role that can open it:
    each field in turn gets each hostile value, the others plausible ones.
    No answer gives a server error, and a refused answer stores nothing.

    The same walk of the demo feeds the isolation check (tests/isolation.py):
    every page and form with a record in its address is then tried as each
    role of a second locality, and must be refused."""
    from django.test import Client

    from kith.accounts.demo import DEMO_LOGINS
    from kith.accounts.models import User
    from kith.places.models import Postcode
    from kith.site.demo import demo_load
    from tests import isolation
    from tests.walker import all_routes, crawl, internal, route_of

    demo_load()
    visits = _visits_in_every_state() + _member_with_an_invited_supporter()
    logins = {str(login.role): login.email for login in DEMO_LOGINS}
    postcode = Postcode.objects.filter(postcode__startswith="RV").first().postcode
    failures: list[str] = []
    attacked: set[tuple] = set()
    opened: set[str] = set()
    with_record = isolation.Found()
    sent = 0
    # Refusals (403, 404) are expected by the thousand: keep the log quiet.
    quiet = logging.getLogger("django.request")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)
    try:
        for role in ROLES:
            client = Client()
            if role != "anonymous":
                client.force_login(User.objects.get(email=logins[role]))
            found = []
            for url, forms in crawl(
                client,
                skip_routes=NOT_FOLLOWED,
                # Enough for every part's pages for the busiest role.
                limit=1200,
                per_pattern=PAGES_PER_PATTERN,
                first=visits,
                on_error=lambda url, error, role=role: failures.append(
                    f"{role} GET {url}: {type(error).__name__}: {error}"[:400]
                ),
            ):
                opened.add(route_of(url))
                with_record.add(url, forms)
                for form in forms:
                    if internal(form.action) and form.key() not in attacked:
                        attacked.add(form.key())
                        found.append(form)
            attack = _Attack(client, role, postcode, attacked, failures, opened)
            for form in found:
                attack.form(form)
            sent += attack.sent
        demo = User.objects.get(email=logins["coordinator"]).roles.first().locality
        elsewhere = isolation.refusals_elsewhere(with_record, demo)
    finally:
        quiet.setLevel(level)
    reached = opened | {route for _method, route, _fields in attacked}
    print(f"{len(attacked)} forms, {sent} hostile answers, {len(reached)} patterns")
    assert failures == [], "\n".join(failures[:60])
    missed = set(all_routes()) - reached - set(NOT_REACHED)
    assert missed == set(), "pages the walker did not reach: list them or link them"
    assert elsewhere == [], "another locality's people were let in:\n" + "\n".join(
        elsewhere[:80]
    )
    # Every page with a record in its address was tried from elsewhere, or is
    # listed above as one the walker cannot reach (with why).
    untried = with_record.with_record - with_record.reached() - set(NOT_REACHED)
    assert untried == set(), f"pages not tried from another locality: {untried}"
