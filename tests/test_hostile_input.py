"""Bad input never gives a server error, and a refused answer changes nothing."""

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

HOSTILE = {
    "empty": "",
    "huge number": "9" * 30,
    "negative number": "-99999999999",
    "10,000 characters": "x" * 10_000,
    "NUL byte": "a\x00b",
    "right-to-left text": "\u202eأهلاً بكم\u202c",
    "date 31/02": "31/02/2026",
    "year 0001": "0001-01-01",
    "year 9999": "9999-12-31",
    "1e9999": "1e9999",
}


#: How many plausible answers in a row the walker gives to go through a flow.
MAX_FLOW_DEPTH = 10


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
            chosen = f.checked or (f.options[:1] if len(f.options) == 1 else [])
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
        for label, value in HOSTILE.items():
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
        for case, data in _hostile_cases(form, base):
            self._send(form, path, case, data)
        if form.method == "post" and depth < MAX_FLOW_DEPTH:
            self._send(form, path, "plausible answers", base, then=depth + 1)

    def _send(self, form, path, case, data, then=None):
        from django.db import transaction

        where = f"{self.role} {form.method.upper()} {path} ({form.route}) {case}"
        cookies = {key: morsel.value for key, morsel in self.client.cookies.items()}
        before = _row_counts() if form.method == "post" else None
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


def test_every_form_refuses_hostile_answers_without_an_error(db):
    """Every form found from the URL map, for each role that can open it:
    each field in turn gets each hostile value, the others plausible ones.
    No answer gives a server error, and a refused answer stores nothing."""
    from django.test import Client

    from kith.accounts.demo import DEMO_LOGINS
    from kith.accounts.models import User
    from kith.core.demo import demo_load
    from kith.places.models import Postcode
    from tests.walker import crawl, internal, route_of

    demo_load()
    logins = {str(login.role): login.email for login in DEMO_LOGINS}
    postcode = Postcode.objects.filter(postcode__startswith="RV").first().postcode
    failures: list[str] = []
    attacked: set[tuple] = set()
    routes_opened: set[str] = set()
    sent = 0
    for role in ROLES:
        client = Client()
        if role != "anonymous":
            client.force_login(User.objects.get(email=logins[role]))
        found = []
        for url, forms in crawl(
            client,
            skip_routes=NOT_FOLLOWED,
            limit=400,
            on_error=lambda url, error, role=role: failures.append(
                f"{role} GET {url}: {type(error).__name__}: {error}"[:400]
            ),
        ):
            routes_opened.add(route_of(url))
            for form in forms:
                if internal(form.action) and form.key() not in attacked:
                    attacked.add(form.key())
                    found.append(form)
        attack = _Attack(client, role, postcode, attacked, failures, routes_opened)
        for form in found:
            attack.form(form)
        sent += attack.sent
    print(f"{len(attacked)} forms, {sent} hostile answers, {len(routes_opened)} pages")
    import os

    if os.environ.get("WALKER_DEBUG"):
        from tests.walker import all_routes

        print("NOT OPENED", sorted(set(all_routes()) - routes_opened))
        print("FORMS", sorted({(k[0], k[1]) for k in attacked}))
    assert failures == [], "\n".join(failures[:60])
