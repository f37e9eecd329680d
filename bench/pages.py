"""How fast Kith's busiest pages answer at the size of a real borough, served
as in production, against the floor of a minimal Django page.

Builds a locality of --members members (default 10,000) and --helpers
helpers (2,000) with a year of help: --visits past visits (20,000), done and
settled through a balanced ledger (members' top-ups before they spend), and
the week to come made through Kith's own services: about 100 open requests
with windows next week, offers waiting, visits accepted (some on the call
list) and confirmed, a few today; then a matching plan for the open
requests.

Then serves Kith with gunicorn in production settings (SECRET_KEY,
ALLOWED_HOSTS, collectstatic into a temporary folder with the manifest
storage, X-Forwarded-Proto: https; --workers 2) and the floor (bench/floor.py:
one view, one query, a tiny template, served the same way), and measures
with --clients 8 concurrent clients in alternating rounds (floor, Kith,
floor, Kith...) so both see the same machine. Each client is signed in as
the page's role (a session made in the database, as signing in leaves it).
It prints each page's p50 and p95 and the ratio of its p95 to the floor's,
then each page's p50 and p95 in-process (Django's test client: no network,
no server).

Targets: the median page's p95 at most 3 x the floor's p95; the worst page's
at most 5 x; and no page's in-process p95 over 150 ms.

    .venv/bin/python bench/pages.py [--rounds 6] [--per-round 3]

Runs on SQLite, or on PostgreSQL when DATABASE_URL is set (in a scratch
database, see bench/common.py). With REDIS_URL set, Kith keeps sessions and
its cache in Redis, as docs/deploy.md recommends for several web processes.
"""

import argparse
import http.client
import os
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections import Counter
from datetime import datetime, timedelta
from datetime import time as clock
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

# Sessions are signed with the secret key: the server must share this
# process's, so the sessions made here are the server's too.
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))

from common import REPO_ROOT, database_label, django_setup, peak_rss_mb, target

HOST = "127.0.0.1"
GOAL_MEDIAN_RATIO = 3
GOAL_WORST_RATIO = 5
GOAL_IN_PROCESS_MS = 150


# --- Building the borough -------------------------------------------------------


def build(members: int, helpers: int, visits: int, rng: random.Random) -> dict:
    """The locality (bench/people.py's), a year of help, the week to come."""
    import people
    from django.db import connection

    from kith.members.models import Membership

    world = people.build(members, helpers)
    locality = world["locality"]
    today = _today()
    # A year of history needs members of more than a year.
    Membership.objects.filter(locality=locality).update(
        started_on=today - timedelta(days=400)
    )
    past = _past_year(locality, world["coordinator"], visits, rng)
    future = _week_to_come(locality, world["coordinator"], rng)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {**world, **past, **future}


def _today():
    from django.utils import timezone

    return timezone.localdate()


def _at(day, hour: int, minute: int = 0) -> datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, clock(hour, minute)))


def _past_year(locality, coordinator, count: int, rng: random.Random) -> dict:
    """``count`` visits over the last year, each done and settled: requests,
    windows, visits, their timelines, and the ledger (top-ups and visit
    transfers) written in bulk by the credits part's own ledger writer,
    which plays them in date order against running balances."""
    from kith.credits.demo import Planned, _write
    from kith.credits.models import AccountKind, CreditSettings, TransferKind
    from kith.help.demo import DETAILS, _Board, _categories
    from kith.help.models import HelpRequest, HelpWindow, RequestEvent, Visit
    from kith.help.services import when_text
    from kith.members.models import Membership

    categories = list(_categories(locality).values())
    today = _today()
    board = _Board(locality, today, rng)
    able = {c.pk: [h for h in board.helpers if board.may_do(h, c)] for c in categories}
    categories = [c for c in categories if able[c.pk]]
    memberships = list(
        Membership.objects.filter(locality=locality, status="active")
        .select_related("person")
        .order_by("pk")
    )
    # About a third of members have help in a year, some of them every week.
    helped = rng.sample(memberships, len(memberships) // 3)
    weights = [rng.choice([1, 1, 1, 2, 4, 12]) for _m in helped]
    chosen = rng.choices(helped, weights=weights, k=count)
    plans = []
    for membership in chosen:
        category = rng.choice(categories)
        days_ago = rng.randint(2, 365)
        plans.append(
            (
                membership,
                category,
                rng.choice(able[category.pk]),
                _at(today - timedelta(days=days_ago), rng.choice([9, 10, 11, 14])),
                max(15, category.usual_minutes + rng.choice([-15, 0, 0, 15])),
            )
        )
    plans.sort(key=lambda p: p[3])
    requests = HelpRequest.objects.bulk_create(
        [
            HelpRequest(
                locality=locality,
                membership=membership,
                category=category,
                details=rng.choice(DETAILS.get(category.name, ["Help at home"])),
                minutes=category.usual_minutes,
                asked_by=coordinator,
                asked_how="phone",
                status=HelpRequest.Status.DONE,
                created_at=starts - timedelta(days=5),
            )
            for membership, category, _h, starts, _m in plans
        ],
        batch_size=2000,
    )
    HelpWindow.objects.bulk_create(
        [
            HelpWindow(
                request=request,
                starts_at=starts - timedelta(hours=1),
                ends_at=starts + timedelta(hours=6),
            )
            for request, (_ms, _c, _h, starts, _m) in zip(requests, plans, strict=True)
        ],
        batch_size=2000,
    )
    made = Visit.objects.bulk_create(
        [
            Visit(
                request=request,
                helper=helper,
                status=Visit.Status.SETTLED,
                starts_at=starts,
                minutes=category.usual_minutes,
                offered_by=coordinator,
                offered_at=starts - timedelta(days=4),
                answered_at=starts - timedelta(days=3),
                confirmed_at=starts - timedelta(days=3),
                done_at=starts + timedelta(minutes=minutes),
                actual_minutes=minutes,
                settled_minutes=minutes,
                settled_at=starts + timedelta(minutes=minutes + 1),
                created_at=starts - timedelta(days=4),
            )
            for request, (_ms, category, helper, starts, minutes) in zip(
                requests, plans, strict=True
            )
        ],
        batch_size=2000,
    )
    events = []
    for request, visit, (membership, _c, helper, starts, minutes) in zip(
        requests, made, plans, strict=True
    ):
        name = helper.user.full_name
        for offset, text in (
            (
                -5 * 1440,
                f"{coordinator.full_name} asked for help for "
                f"{membership.person.full_name}.",
            ),
            (-4 * 1440, f"Offered to {name}."),
            (-3 * 1440, f"{name} accepted: {when_text(starts)}."),
            (minutes, f"{name} did the visit: {minutes} minutes."),
            (minutes + 1, "Credits settled."),
        ):
            events.append(
                RequestEvent(
                    request=request,
                    visit=visit,
                    at=starts + timedelta(minutes=offset),
                    text=text,
                )
            )
    RequestEvent.objects.bulk_create(events, batch_size=5000)

    # The ledger: every member a book of credits when they joined, and
    # another whenever what they have would not pay for the next visit, so
    # nobody is ever below their limit; each visit paid to its helper.
    CreditSettings.objects.get_or_create(locality=locality)
    planned: list[Planned] = []
    balance: dict[int, int] = {}
    books: dict[int, int] = {}
    start = today - timedelta(days=370)
    for membership in memberships:
        balance[membership.person_id] = 600
        books[membership.person_id] = 1
        planned.append(_topup(membership, start, 0, coordinator))
    for visit, (membership, category, helper, starts, minutes) in zip(
        made, plans, strict=True
    ):
        day = starts.date()
        person = membership.person_id
        while balance[person] < minutes + 120:
            planned.append(
                _topup(membership, day - timedelta(days=1), books[person], coordinator)
            )
            books[person] += 1
            balance[person] += 600
        balance[person] -= minutes
        planned.append(
            Planned(
                day=day,
                key=f"visit:{visit.pk}",
                kind=TransferKind.VISIT,
                legs=[
                    ((AccountKind.MEMBER, person), -minutes),
                    ((AccountKind.HELPER, helper.user_id), minutes),
                ],
                fields={
                    "description": f"{category.name.lower()} with "
                    f"{helper.user.display_name}",
                    "reference_type": "help.visit",
                    "reference_id": str(visit.pk),
                },
            )
        )
    _write(locality, planned)
    busiest = Counter(p[0].pk for p in plans).most_common(1)[0][0]
    member = next(m for m in memberships if m.pk == busiest)
    return {"visits_past": len(made), "transfers": len(planned), "member": member}


def _topup(membership, day, n: int, coordinator):
    from kith.credits.demo import Planned
    from kith.credits.models import AccountKind, TransferKind

    return Planned(
        day=day,
        key=f"bench:topup:{membership.pk}:{n}",
        kind=TransferKind.TOPUP,
        legs=[
            ((AccountKind.OUTSIDE, None), -600),
            ((AccountKind.MEMBER, membership.person_id), 600),
        ],
        actor_id=coordinator.pk,
        on_behalf_of_id=membership.person_id,
        fields={"payment_method": "cash", "amount_pence": 9500},
    )


def _week_to_come(locality, coordinator, rng: random.Random) -> dict:
    """Through Kith's services: about 100 open requests with windows next
    week, offers waiting, visits accepted and confirmed; a few confirmed
    visits today (written directly: the services refuse times past); a
    matching plan for the open requests; and the call list."""
    from django.db.models import Count
    from django.utils import timezone

    from kith.core.errors import ApplicationError
    from kith.help import services
    from kith.help.demo import DETAILS, _Board
    from kith.help.jobs import call_list_prepare
    from kith.help.models import HelpCategory, HelpRequest, HelpWindow, Visit
    from kith.matching import services as matching
    from kith.members.models import Membership

    today = _today()
    board = _Board(locality, today, rng)
    categories = [
        c
        for c in HelpCategory.objects.filter(locality=locality)
        if any(board.may_do(h, c) for h in board.helpers[:400])
    ]
    able = {c.pk: [h for h in board.helpers if board.may_do(h, c)] for c in categories}
    members = list(
        Membership.objects.filter(locality=locality, status="active")
        .select_related("person", "locality")
        .order_by("?")[:400]
    )
    counts = {"open": 0, "offered": 0, "accepted": 0, "confirmed": 0, "refused": 0}
    wanted = [("open", 100), ("offered", 30), ("accepted", 20), ("confirmed", 40)]
    monday = today + timedelta(days=7 - today.weekday())
    member_iter = iter(members)
    for state, count in wanted:
        for _n in range(count):
            membership = next(member_iter)
            category = rng.choice(categories)
            day = monday + timedelta(days=rng.randint(0, 4))
            hour = rng.choice([9, 10, 13])
            starts = _at(day, hour)
            try:
                request = services.request_create(
                    actor=coordinator,
                    membership=membership,
                    category=category,
                    details=rng.choice(DETAILS.get(category.name, ["Help at home"])),
                    minutes=category.usual_minutes,
                    windows=[
                        services.Window(
                            starts - timedelta(hours=1),
                            starts + timedelta(minutes=category.usual_minutes, hours=3),
                        )
                    ],
                    urgency=rng.choice(["routine", "routine", "soon", "urgent"]),
                )
                if state != "open":
                    visit = _offer(
                        services, coordinator, request, able[category.pk], rng
                    )
                    if state != "offered":
                        services.visit_accept(
                            actor=visit.helper.user, visit=visit, starts_at=starts
                        )
                        if state == "confirmed":
                            services.visit_confirm(actor=coordinator, visit=visit)
            except ApplicationError:
                counts["refused"] += 1
                continue
            counts[state] += 1
    # Today's visits, confirmed days ago, through the day.
    today_members = list(member_iter)[:12]
    now = timezone.now()
    for n, membership in enumerate(today_members):
        category = rng.choice(categories)
        starts = _at(today, 9 + n % 8)
        request = HelpRequest.objects.create(
            locality=locality,
            membership=membership,
            category=category,
            details=rng.choice(DETAILS.get(category.name, ["Help at home"])),
            minutes=category.usual_minutes,
            asked_by=coordinator,
            asked_how="phone",
            status=HelpRequest.Status.ARRANGED,
            created_at=now - timedelta(days=5),
        )
        HelpWindow.objects.create(
            request=request,
            starts_at=starts - timedelta(hours=1),
            ends_at=starts + timedelta(hours=4),
        )
        Visit.objects.create(
            request=request,
            helper=rng.choice(able[category.pk]),
            status=Visit.Status.CONFIRMED,
            starts_at=starts,
            minutes=category.usual_minutes,
            offered_by=coordinator,
            offered_at=now - timedelta(days=4),
            answered_at=now - timedelta(days=3),
            confirmed_at=now - timedelta(days=3),
        )
    plan = matching.plan_request(actor=coordinator, locality=locality)
    matching.plan_build(plan_id=plan.pk)
    calls = call_list_prepare()
    open_request = (
        HelpRequest.objects.filter(locality=locality, status="open")
        .order_by("pk")
        .first()
    )
    helper = (
        Visit.objects.filter(request__locality=locality)
        .values("helper")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("helper__user", flat=True)
        .first()
    )
    return {
        "week": counts,
        "today": len(today_members),
        "calls": calls,
        "open_request": open_request,
        "helper_user_id": helper,
    }


def _offer(services, coordinator, request, able, rng):
    from kith.core.errors import ApplicationError

    for helper in rng.sample(able, min(20, len(able))):
        try:
            return services.visit_offer(
                actor=coordinator, request=request, helper=helper
            )
        except ApplicationError:
            continue
    raise ApplicationError("no helper could be offered it")


# --- Serving --------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def production_environment(static_root: str) -> dict[str, str]:
    """Only what docs/deploy.md gives Kith, and the database."""
    env = {
        key: os.environ[key]
        for key in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TZ")
        if key in os.environ
    }
    env.update(
        SECRET_KEY=os.environ["SECRET_KEY"],
        ALLOWED_HOSTS=f"{HOST},localhost",
        KITH_STATIC_ROOT=static_root,
        KITH_LOG_LEVEL="WARNING",
    )
    # REDIS_URL, when set, as a deployment that follows docs/deploy.md's
    # recommendation would have it: sessions and the cache in Redis.
    for key in ("DATABASE_URL", "KITH_VAR_DIR", "REDIS_URL"):
        if os.environ.get(key):
            env[key] = os.environ[key]
    return env


class Server:
    """gunicorn serving ``app`` from ``cwd`` until stopped."""

    def __init__(self, app: str, cwd: Path, env: dict, workers: int) -> None:
        self.port = _free_port()
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self.process = subprocess.Popen(
            [
                str(gunicorn),
                app,
                "--bind",
                f"{HOST}:{self.port}",
                "--workers",
                str(workers),
                "--log-level",
                "warning",
            ],
            cwd=cwd,
            env=env,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with socket.create_connection((HOST, self.port), timeout=1):
                    return
            except OSError:
                if self.process.poll() is not None:
                    raise SystemExit(f"gunicorn {app} stopped") from None
                time.sleep(0.2)
        raise SystemExit(f"gunicorn {app} did not start")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def fetch(port: int, path: str, cookie: str) -> tuple[float, int, int]:
    """(milliseconds, status, bytes) for one GET on a new connection (gunicorn's
    sync workers close each connection after one response)."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request(
            "GET",
            path,
            headers={
                "Host": HOST,
                "X-Forwarded-Proto": "https",
                "Cookie": cookie,
                "Accept-Encoding": "gzip",
            },
        )
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    return (time.perf_counter() - started) * 1000, response.status, len(body)


def run_clients(clients: int, jobs: list[tuple[str, int, str, str]]) -> dict:
    """``clients`` threads take (label, port, path, cookie) jobs off one list
    until it is empty; each label's times."""
    times: dict[str, list[float]] = {}
    failures: list[str] = []
    lock = threading.Lock()
    queue = list(reversed(jobs))

    def client() -> None:
        while True:
            with lock:
                if not queue:
                    return
                label, port, path, cookie = queue.pop()
            ms, status, _size = fetch(port, path, cookie)
            with lock:
                if status != 200:
                    failures.append(f"{label} {path} answered {status}")
                times.setdefault(label, []).append(ms)

    threads = [threading.Thread(target=client) for _n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit("; ".join(sorted(set(failures))[:5]))
    return times


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


# --- The pages ------------------------------------------------------------------


def pages(world: dict) -> list[tuple[str, str, str]]:
    """(label, role, path) of each page measured."""
    from django.urls import reverse

    return [
        ("home (coordinator)", "coordinator", reverse("core:home")),
        ("help dashboard", "coordinator", reverse("help:dashboard")),
        (
            "open request + shortlist",
            "coordinator",
            reverse("help:request", args=[world["open_request"].pk]),
        ),
        ("members list", "coordinator", reverse("members:list")),
        ("helpers list", "coordinator", reverse("helpers:list")),
        ("member search", "coordinator", reverse("members:list") + "?q=smith"),
        ("call list", "coordinator", reverse("notify:calls")),
        ("matching plans", "coordinator", reverse("matching:plans")),
        ("audit log", "coordinator", reverse("core:audit")),
        ("member's home", "member", reverse("core:home")),
        ("member's statement", "member", reverse("credits:mine")),
        ("member's calendar", "member", reverse("social:calendar")),
        ("helper's visits", "helper", reverse("help:my_visits")),
    ]


def sessions(world: dict) -> dict[str, str]:
    """A Cookie header per role: a session in the database, as signing in
    (with the second step, for staff) leaves it."""
    from django.conf import settings
    from django.test import Client

    from kith.accounts.models import User

    people = {
        "coordinator": world["coordinator"],
        "member": world["member"].person,
        "helper": User.objects.get(pk=world["helper_user_id"]),
    }
    cookies = {}
    for role, user in people.items():
        client = Client()
        client.force_login(user)
        cookies[role] = (
            f"{settings.SESSION_COOKIE_NAME}="
            f"{client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
    return cookies


def in_process(world: dict, repeat: int) -> dict[str, list[float]]:
    """Each page through Django's test client, signed in as its role."""
    from django.test import Client

    people = {
        "coordinator": world["coordinator"],
        "member": world["member"].person,
    }
    from kith.accounts.models import User

    people["helper"] = User.objects.get(pk=world["helper_user_id"])
    clients = {}
    for role, user in people.items():
        clients[role] = Client()
        clients[role].force_login(user)
    times: dict[str, list[float]] = {}
    for label, role, path in pages(world):
        client = clients[role]
        client.get(path)
        for _n in range(repeat):
            started = time.perf_counter()
            response = client.get(path)
            times.setdefault(label, []).append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{label} {path} answered {response.status_code}")
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--helpers", type=int, default=2_000)
    parser.add_argument("--visits", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument(
        "--per-round", type=int, default=3, help="requests per client per page"
    )
    parser.add_argument("--repeat", type=int, default=20, help="in-process")
    options = parser.parse_args()

    django_setup(fresh=True)
    from django.conf import settings

    # In-process runs in development settings, which serve static files
    # from the source tree and warn that no collected folder exists.
    warnings.filterwarnings("ignore", message="No directory at")
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["*"]
    rng = random.Random(14)
    started = time.perf_counter()
    world = build(options.members, options.helpers, options.visits, rng)
    print(
        f"database: {database_label()}; built {options.members} members, "
        f"{options.helpers} helpers, {world['visits_past']} past visits and "
        f"{world['transfers']} transfers; the week to come {world['week']}, "
        f"{world['today']} visits today, {world['calls']} calls, in "
        f"{time.perf_counter() - started:.0f} s"
    )
    check_ledger()
    from django.db import connection

    connection.close()

    static_root = tempfile.mkdtemp(prefix="kith-bench-static-")
    env = production_environment(static_root)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=REPO_ROOT,
        env=env,
        check=True,
    )
    kith = Server("kith.wsgi", REPO_ROOT, env, options.workers)
    floor = Server("floor:application", REPO_ROOT / "bench", env, options.workers)
    try:
        cookies = sessions(world)
        measured = pages(world)
        # Warm both: each worker's first requests load templates and code.
        run_clients(
            options.clients,
            [("floor", floor.port, "/", "")] * 16
            + [
                (label, kith.port, path, cookies[role])
                for label, role, path in measured
            ]
            * 4,
        )
        floor_times: list[float] = []
        kith_times: dict[str, list[float]] = {}
        for _round in range(options.rounds):
            jobs = [("floor", floor.port, "/", "")] * (
                options.clients * options.per_round * 2
            )
            floor_times += run_clients(options.clients, jobs)["floor"]
            # Each page alone, so its times are its own and not those of
            # the pages queued with it.
            for label, role, path in measured:
                jobs = [(label, kith.port, path, cookies[role])] * (
                    options.clients * options.per_round
                )
                kith_times.setdefault(label, []).extend(
                    run_clients(options.clients, jobs)[label]
                )
    finally:
        kith.stop()
        floor.stop()
        shutil.rmtree(static_root, ignore_errors=True)

    floor_p95 = percentile(floor_times, 0.95)
    print(
        f"\nserved: gunicorn, {options.workers} workers each, {options.clients} "
        f"clients, {options.rounds} rounds"
    )
    print(f"{'page':28} {'p50 ms':>8} {'p95 ms':>8} {'x floor':>8}")
    print(
        f"{'floor':28} {statistics.median(floor_times):8.1f} {floor_p95:8.1f} {1:8.1f}"
    )
    ratios = []
    for label, _role, _path in measured:
        values = kith_times[label]
        p95 = percentile(values, 0.95)
        ratios.append(p95 / floor_p95)
        print(
            f"{label:28} {statistics.median(values):8.1f} {p95:8.1f} "
            f"{p95 / floor_p95:8.1f}"
        )

    inside = in_process(world, options.repeat)
    print("\nin-process (Django's test client)")
    print(f"{'page':28} {'p50 ms':>8} {'p95 ms':>8}")
    worst_inside = 0.0
    for label, values in inside.items():
        p95 = percentile(values, 0.95)
        worst_inside = max(worst_inside, p95)
        print(f"{label:28} {statistics.median(values):8.1f} {p95:8.1f}")
    print(f"\npeak RSS (this process) {peak_rss_mb():.0f} MB")
    met = target(
        "pages_median_ratio", statistics.median(ratios), GOAL_MEDIAN_RATIO, "<="
    )
    met &= target("pages_worst_ratio", max(ratios), GOAL_WORST_RATIO, "<=")
    met &= target("pages_in_process_p95_ms", worst_inside, GOAL_IN_PROCESS_MS, "<=")
    return 0 if met else 1


def check_ledger() -> None:
    """Every balance equals its entries and every transfer sums to zero."""
    from django.db.models import Sum

    from kith.credits.models import Account, Entry

    sums = dict(
        Entry.objects.values("account_id")
        .annotate(total=Sum("minutes"))
        .values_list("account_id", "total")
    )
    wrong = [
        a.pk for a in Account.objects.all() if a.balance_minutes != sums.get(a.pk, 0)
    ]
    unbalanced = (
        Entry.objects.values("transfer_id")
        .annotate(total=Sum("minutes"))
        .exclude(total=0)
        .count()
    )
    if wrong or unbalanced:
        raise SystemExit(f"the ledger does not balance: {wrong[:5]} {unbalanced}")


if __name__ == "__main__":
    sys.exit(main())
