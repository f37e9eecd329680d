"""Kith at national scale: many localities on one PostgreSQL database.

Builds 300 localities with --scale x (1,000,000 members, 200,000 helpers and
10,000,000 past visits with their ledger entries): the largest locality
holds 5% of the members, the others are spread around the average. Each
locality gets wards, postcodes, plans, interests and a coordinator through
Kith's own models and its parts' set-up hook; then its people and a year
of help are written with COPY, a locality at a time and a chunk of visits
at a time (memory is bounded by the largest locality's plan of visits,
not by the country): users, roles, memberships (a third consenting to
introductions, with interests; renewal reminders already sent to those
whose month's notice began before tonight), helper profiles (vetted, with
weekly times), help requests, their windows, visits done and settled, an
audit event and a delivered reminder per visit, the ledger (each member's
top-ups, then every visit paid member to helper: balanced entries with
running balances, accounts' balances equal to their entries, checked
afterwards since the load runs without triggers, as pg_restore
--disable-triggers does), and the week to come (open requests, visits
accepted, and confirmed for tomorrow). In the average locality and the
largest, a coordinator's matching plan is built by Kith's own service, and
the call list is made. ANALYZE, then:

- build time and database size; with --reference (default 0.01) the same
  build at that scale first, in its own database, and the ratio of the
  cost per member of the two (growth is linear if it is near 1);
- the coordinators' and members' pages in the average locality and the
  largest (Django's test client, production-ish settings as bench/pages.py:
  DEBUG off), p95 server time and queries per page; every query of every
  page EXPLAINed (FORMAT JSON), each Seq Scan on a table of more than
  100,000 rows reported;
- the nightly work: every daily job of the scheduler enqueued at once (the
  worst case: the whole night due together, and the monthly letters as on
  the first night of a month), run by --workers task workers
  (``manage.py db_worker``) to the end; each job's wait behind the others
  and its run time; then the reports' monthly figures of every locality.
  Times at a fraction of full scale are also shown extrapolated linearly;
- database size per million members and the largest indexes.

Searches are for the commonest surname of the average locality's people,
so both localities' searches find someone.

Targets: page p95 < 150 ms in both localities; queries the same in both;
no Seq Scan on a table over 100,000 rows; nightly work within 30 minutes at
full scale (extrapolated linearly: an estimate, which multiplies the
localities' fixed costs too and misses anything worse than linear; a lower
bound when the jobs did not finish) and no job failed or left unfinished
(--nightly-timeout, default an hour); build cost per member within 1.5 x
of the reference scale's.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kith_national \\
        .venv/bin/python bench/national.py [--scale 0.1] [--reference 0.01]

PostgreSQL only. It drops and creates KITH_BENCH_DATABASE (default
kith_national) and, for the reference build, that name with ``_reference``.
"""

import argparse
import io
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
import warnings
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

os.environ.setdefault("KITH_BENCH_DATABASE", "kith_national")

from common import REPO_ROOT, database_label, django_setup, peak_rss_mb, target

LOCALITIES = 300
FULL_MEMBERS = 1_000_000
LARGEST_SHARE = 0.05
HELPERS_PER_MEMBER = 0.2
VISITS_PER_MEMBER = 10
CHUNK = 20_000  # visits written at a time
GOAL_PAGE_MS = 150
GOAL_NIGHTLY_MINUTES = 30
BIG_TABLE = 100_000
GOAL_LINEAR = 1.5


# --- Writing rows with COPY -----------------------------------------------------


def _text(value) -> str:
    """A value in COPY's text format (the bench's values hold no tabs,
    newlines or backslashes)."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, dict | list):
        return json.dumps(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


class Table:
    """COPY into ``model``'s table: the ``given`` columns (attnames) from
    each row, every other column its model default; ids given by the bench
    (``next_ids``), so rows of other tables can point at them."""

    def __init__(self, model, given: list[str]) -> None:
        from django.db import connection

        self.model = model
        self.name = model._meta.db_table
        fields = [
            f for f in model._meta.concrete_fields if not getattr(f, "generated", False)
        ]
        known = {f.attname for f in fields}
        missing = [name for name in given if name not in known]
        if missing:
            raise SystemExit(f"{self.name} has no column {missing}")
        rest = [f for f in fields if f.attname not in given and not f.primary_key]
        self.columns = [*given, *(f.column for f in rest)]
        now = datetime.now(tz=UTC)
        defaults = [
            _text(
                now
                if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
                else f.get_default()
            )
            for f in rest
        ]
        for n, field in enumerate(rest):
            if defaults[n] == "\\N" and not field.null:
                if field.get_internal_type() != "BooleanField":
                    raise SystemExit(f"{self.name}.{field.column} needs a value")
                defaults[n] = "f"
        self.tail = ("\t" + "\t".join(defaults)) if defaults else ""
        self.buffer = io.StringIO()
        self.rows = 0
        self.quoted = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        self.next_id = 0

    def ids(self, count: int) -> range:
        """``count`` new ids (above every id there when first asked)."""
        from django.db import connection

        if not self.next_id:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {self.name}")  # noqa: S608
                self.next_id = cursor.fetchone()[0] + 1
        start = self.next_id
        self.next_id += count
        return range(start, start + count)

    def add(self, row: tuple) -> None:
        self.buffer.write("\t".join(map(_text, row)) + self.tail + "\n")
        self.rows += 1

    def flush(self) -> None:
        from django.db import connection

        data = self.buffer.getvalue()
        if not data:
            return
        self.buffer = io.StringIO()
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY {self.name} ({self.quoted}) FROM STDIN") as copy:
                copy.write(data)

    def sequence_set(self) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{self.name}', 'id'), "  # noqa: S608
                f"GREATEST((SELECT MAX(id) FROM {self.name}), 1))"
            )


# --- The country ----------------------------------------------------------------


def sizes(scale: float, rng: random.Random, localities: int) -> list[int]:
    """Members per locality: the first the largest (5% of all), the rest
    spread around the average."""
    total = round(FULL_MEMBERS * scale)
    largest = round(total * LARGEST_SHARE)
    weights = [math.exp(rng.gauss(0, 0.6)) for _n in range(localities - 1)]
    rest = total - largest
    found = [max(10, round(rest * w / sum(weights))) for w in weights]
    found = [min(f, largest - 1) for f in found]
    found[-1] += rest - sum(found)
    return [largest, *found]


def _today() -> date:
    from django.utils import timezone

    return timezone.localdate()


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, clock(hour, minute)))


def localities_set_up(counts: list[int], rng: random.Random) -> list[dict]:
    """Each locality through Kith's models and its parts' own set-up hook:
    wards, postcodes, plans, interests, a coordinator."""
    from kith.accounts.models import Role, RoleAssignment, User
    from kith.credits.models import Account, CreditSettings
    from kith.credits.services import shared_accounts_ensure
    from kith.help.models import HelpCategory
    from kith.members.models import Interest, MembershipPlan
    from kith.places import hooks
    from kith.places.models import Locality, Postcode, Ward

    made = []
    for n, members in enumerate(counts):
        locality = Locality.objects.create(
            name=f"Circle {n:03d}",
            slug=f"circle-{n:03d}",
            council_name=f"Council {n:03d}",
            phone="020 7946 0000",
            domain=f"circle{n:03d}.bench.example",
        )
        wards = Ward.objects.bulk_create(
            [
                Ward(
                    locality=locality, name=f"Ward {w:02d}", ons_code=f"E{n:03d}{w:05d}"
                )
                for w in range(max(2, min(20, members // 2500 + 2)))
            ]
        )
        hooks.locality_created.run(locality=locality, actor=None)
        lat0, lon0 = 50.5 + (n % 20) * 0.2, -4.0 + (n // 20) * 0.35
        postcodes = []
        for w, ward in enumerate(wards):
            for p in range(30):
                k = w * 30 + p
                postcodes.append(
                    Postcode(
                        postcode=f"K{n:03d} {k // 676 % 10}"
                        f"{chr(65 + k // 26 % 26)}{chr(65 + k % 26)}",
                        latitude=lat0 + rng.uniform(-0.03, 0.03),
                        longitude=lon0 + rng.uniform(-0.05, 0.05),
                        ward_code=ward.ons_code,
                    )
                )
        Postcode.objects.bulk_create(postcodes)
        coordinator = User.objects.create(
            full_name=f"Coordinator {n:03d}", email=f"c{n}@bench.example"
        )
        RoleAssignment.objects.create(
            user=coordinator, locality=locality, role=Role.COORDINATOR
        )
        plans = [
            MembershipPlan.objects.create(
                locality=locality,
                name=name,
                yearly_fee_pence=fee,
                concession_fee_pence=fee // 3,
            )
            for name, fee in (("Full", 3000), ("Social", 1200))
        ]
        interests = Interest.objects.bulk_create(
            [Interest(locality=locality, name=f"Interest {i}") for i in range(12)]
        )
        settings_row, _made = CreditSettings.objects.get_or_create(locality=locality)
        shared_accounts_ensure(locality)
        outside = list(
            Account.objects.filter(locality=locality, kind="outside")
            .order_by("shard")
            .values_list("pk", flat=True)
        )
        made.append(
            {
                "locality": locality,
                "members": members,
                "coordinator": coordinator,
                "plans": [p.pk for p in plans],
                "interests": [i.pk for i in interests],
                "postcodes": [
                    (p.postcode, {w.ons_code: w.pk for w in wards}[p.ward_code])
                    for p in postcodes
                ],
                "categories": list(
                    HelpCategory.objects.filter(
                        locality=locality, is_active=True
                    ).values_list("pk", "usual_minutes", "name")
                ),
                "overdraft": settings_row.overdraft_limit_minutes,
                "outside": outside,
            }
        )
    return made


class Builder:
    """The COPY tables, and the people and history of one locality at a time."""

    def __init__(self, rng: random.Random) -> None:
        from kith.accounts.models import RoleAssignment, User
        from kith.core.models import AuditEvent
        from kith.credits.models import Account, Entry, Transfer
        from kith.help.models import HelpRequest, HelpWindow, Visit
        from kith.helpers.models import AvailabilitySlot, HelperProfile
        from kith.members.models import Consent, Membership, RenewalReminder
        from kith.notify.models import Message

        self.rng = rng
        self.today = _today()
        self.now = datetime.now(tz=_at(self.today, 12).tzinfo)
        self.users = Table(
            User,
            [
                "id",
                "full_name",
                "email",
                "mobile",
                "address_line_1",
                "town",
                "postcode",
                "home_locality_id",
                "password",
                "contact_by",
            ],
        )
        self.roles = Table(RoleAssignment, ["user_id", "locality_id", "role"])
        self.memberships = Table(
            Membership,
            [
                "id",
                "person_id",
                "locality_id",
                "plan_id",
                "status",
                "joined_how",
                "applied_on",
                "started_on",
                "renews_on",
                "ward_id",
                "date_of_birth",
            ],
        )
        self.interests = Table(
            Membership.interests.through, ["membership_id", "interest_id"]
        )
        self.consents = Table(
            Consent, ["membership_id", "kind", "given", "how", "given_on"]
        )
        self.helpers = Table(
            HelperProfile,
            [
                "id",
                "user_id",
                "locality_id",
                "status",
                "date_of_birth",
                "approved_at",
                "travel_distance_m",
                "max_visits_per_week",
                "vetting_level",
                "vetting_level_on",
                "vetting_level_until",
                "basic_until",
                "enhanced_until",
                "next_lapse_on",
                "pay_basis",
            ],
        )
        self.slots = Table(
            AvailabilitySlot, ["profile_id", "weekday", "starts_at", "ends_at"]
        )
        self.requests = Table(
            HelpRequest,
            [
                "id",
                "created_at",
                "updated_at",
                "details",
                "minutes",
                "urgency",
                "status",
                "asked_how",
                "asked_by_id",
                "category_id",
                "locality_id",
                "membership_id",
            ],
        )
        self.windows = Table(HelpWindow, ["request_id", "starts_at", "ends_at"])
        self.visits = Table(
            Visit,
            [
                "id",
                "created_at",
                "updated_at",
                "status",
                "starts_at",
                "minutes",
                "offered_at",
                "answered_at",
                "confirmed_at",
                "done_at",
                "actual_minutes",
                "settled_minutes",
                "settled_at",
                "helper_id",
                "offered_by_id",
                "request_id",
            ],
        )
        self.audit = Table(
            AuditEvent,
            [
                "created_at",
                "action",
                "target_type",
                "target_id",
                "actor_id",
                "locality_id",
                "on_behalf_of_id",
            ],
        )
        self.accounts = Table(
            Account,
            [
                "id",
                "locality_id",
                "kind",
                "person_id",
                "balance_minutes",
                "floor_minutes",
                "shard",
            ],
        )
        self.transfers = Table(
            Transfer,
            [
                "id",
                "key",
                "kind",
                "description",
                "occurred_on",
                "created_at",
                "reference_type",
                "reference_id",
                "payment_method",
                "amount_pence",
                "actor_id",
                "locality_id",
                "on_behalf_of_id",
            ],
        )
        self.entries = Table(
            Entry, ["minutes", "balance_after", "account_id", "transfer_id"]
        )
        self.messages = Table(
            Message,
            [
                "reference",
                "channel",
                "to",
                "template",
                "status",
                "attempts",
                "created_at",
                "sent_at",
                "delivered_at",
                "next_attempt_at",
                "locality_id",
                "recipient_id",
                "fingerprint",
                "key",
            ],
        )
        self.renewals = Table(
            RenewalReminder, ["membership_id", "renews_on", "queued_at"]
        )
        self.all = [
            self.users,
            self.roles,
            self.memberships,
            self.interests,
            self.consents,
            self.helpers,
            self.slots,
            self.requests,
            self.windows,
            self.visits,
            self.audit,
            self.accounts,
            self.transfers,
            self.entries,
            self.messages,
            self.renewals,
        ]
        # Local times as text once: a visit starts at one of four hours.
        self.times: dict[tuple[int, int], datetime] = {}

    def flush(self) -> None:
        # In an order that satisfies the foreign keys at each COPY's end.
        for table in self.all:
            table.flush()

    def at(self, days_ago: int, hour: int) -> datetime:
        key = (days_ago, hour)
        found = self.times.get(key)
        if found is None:
            found = self.times[key] = _at(self.today - timedelta(days=days_ago), hour)
        return found

    def locality(self, place: dict) -> dict:
        """Everything of one locality; what the bench needs to find again."""
        from kith.accounts.demo import FIRST_NAMES, STREETS, SURNAMES

        rng, today = self.rng, self.today
        locality_id = place["locality"].pk
        coordinator_id = place["coordinator"].pk
        members = place["members"]
        helpers = max(3, round(members * HELPERS_PER_MEMBER))
        people = self.users.ids(members + helpers)
        member_ids = self.memberships.ids(members)
        contact = ["phone", "phone", "letter", "email", "sms"]
        person_postcode = {}
        for n, uid in enumerate(people):
            postcode, ward_id = rng.choice(place["postcodes"])
            person_postcode[uid] = ward_id
            how = contact[n % 5] if n < members else "email"
            self.users.add(
                (
                    uid,
                    f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}",
                    f"p{uid}@bench.example" if how == "email" else None,
                    f"+4477{uid:08d}" if how in ("sms", "phone") else None,
                    f"{uid % 120 + 1} {rng.choice(STREETS)}",
                    "Benchton",
                    postcode,
                    locality_id,
                    "!",
                    how,
                )
            )
            self.roles.add((uid, locality_id, "member" if n < members else "helper"))
        statuses = ["active"] * 18 + ["applied", "lapsed"]
        active = []
        for n in range(members):
            uid, mid = people[n], member_ids[n]
            status = statuses[n % 20]
            renews = today + timedelta(days=1 + n * 7919 % 365)
            if status == "active":
                active.append((mid, uid))
            self.memberships.add(
                (
                    mid,
                    uid,
                    locality_id,
                    place["plans"][n % 2],
                    status,
                    "phone",
                    today - timedelta(days=420),
                    today - timedelta(days=400),
                    renews,
                    person_postcode[uid],
                    date(1940 + n % 25, 1 + n % 12, 1 + n % 28),
                )
            )
            if status == "active" and renews < today + timedelta(days=30):
                # Reminded on an earlier night: a night's reminders are
                # those whose month's notice begins that night.
                self.renewals.add((mid, renews, self.now - timedelta(days=1)))
            if n % 3 == 0:
                self.consents.add((mid, "introductions", True, "phone", today))
                for interest in rng.sample(place["interests"], 2):
                    self.interests.add((mid, interest))
        helper_ids = self.helpers.ids(helpers)
        helper_users = {}
        for n in range(helpers):
            uid, hid = people[members + n], helper_ids[n]
            helper_users[hid] = uid
            self.helpers.add(
                (
                    hid,
                    uid,
                    locality_id,
                    "active",
                    date(1960 + n % 30, 1 + n % 12, 1 + n % 28),
                    self.now - timedelta(days=500),
                    3200,
                    4,
                    "enhanced",
                    today - timedelta(days=30),
                    today + timedelta(days=700),
                    today + timedelta(days=700),
                    today + timedelta(days=700),
                    today + timedelta(days=300),
                    "volunteer",
                )
            )
            for weekday in (n % 2, 2 + n % 2, 4):
                self.slots.add((hid, weekday, clock(9), clock(17)))
        self._history(place, active, helper_ids, helper_users)
        self._week_to_come(place, active, helper_ids)
        self.flush()
        return {"locality_id": locality_id, "coordinator_id": coordinator_id}

    def _history(self, place, active, helper_ids, helper_users) -> None:
        """A year of help, a chunk of visits at a time, with the ledger."""
        rng = self.rng
        locality_id = place["locality"].pk
        coordinator_id = place["coordinator"].pk
        categories = place["categories"]
        count = place["members"] * VISITS_PER_MEMBER
        helped = rng.sample(active, max(1, len(active) // 3))
        weights = [rng.choice([1, 1, 1, 2, 4, 12]) for _m in helped]
        # (days ago, hour, member index, category index, helper index)
        plans = sorted(
            (
                (
                    rng.randint(2, 365),
                    rng.choice((9, 10, 11, 14)),
                    who,
                    rng.randrange(len(categories)),
                    rng.randrange(len(helper_ids)),
                )
                for who in rng.choices(range(len(helped)), weights=weights, k=count)
            ),
            key=lambda p: (-p[0], p[1]),
        )
        spend: dict[int, int] = {}
        for plan in plans:
            spend[plan[2]] = spend.get(plan[2], 0) + categories[plan[3]][1]
        # Accounts: every active member's, every helper's; the outside
        # world's shards exist already.
        overdraft = place["overdraft"]
        account = {}
        balance: dict[int, int] = {}
        for (_mid, uid), aid in zip(
            active, self.accounts.ids(len(active)), strict=True
        ):
            account[uid] = aid
        for hid, aid in zip(
            helper_ids, self.accounts.ids(len(helper_ids)), strict=True
        ):
            account[helper_users[hid]] = aid
        outside = place["outside"]
        outside_balance = dict.fromkeys(outside, 0)
        joined = self.at(370, 10)
        # Each active member's top-up: enough for their year and an hour.
        for n, (mid, uid) in enumerate(active):
            balance[uid] = 0
            self._topup(locality_id, coordinator_id, mid, uid, n, account, balance,
                        outside, outside_balance, 600, joined)  # fmt: skip
        for who, total in spend.items():
            mid, uid = helped[who]
            extra = 600 * (1 + (total + 60) // 600)
            self._topup(
                locality_id, coordinator_id, mid, uid, 10_000_000 + who,
                account, balance, outside, outside_balance, extra, joined,
            )  # fmt: skip
        for start in range(0, len(plans), CHUNK):
            chunk = plans[start : start + CHUNK]
            request_ids = self.requests.ids(len(chunk))
            visit_ids = self.visits.ids(len(chunk))
            transfer_ids = self.transfers.ids(len(chunk))
            for (days_ago, hour, who, cat, helper), rid, vid, tid in zip(
                chunk, request_ids, visit_ids, transfer_ids, strict=True
            ):
                mid, uid = helped[who]
                category_id, minutes, name = categories[cat]
                hid = helper_ids[helper]
                starts = self.at(days_ago, hour)
                asked = starts - timedelta(days=5)
                self.requests.add(
                    (rid, asked, asked, "Help at home", minutes, "routine", "done",
                     "phone", coordinator_id, category_id, locality_id, mid)
                )  # fmt: skip
                self.windows.add(
                    (rid, starts - timedelta(hours=1), starts + timedelta(hours=6))
                )
                done = starts + timedelta(minutes=minutes)
                self.visits.add(
                    (vid, asked, done, "settled", starts, minutes,
                     starts - timedelta(days=4), starts - timedelta(days=3),
                     starts - timedelta(days=3), done, minutes, minutes,
                     done + timedelta(minutes=1), hid, coordinator_id, rid)
                )  # fmt: skip
                self.audit.add(
                    (asked, "help_request_created", "help.helprequest", rid,
                     coordinator_id, locality_id, uid)
                )  # fmt: skip
                # The member's reminder the day before, long delivered.
                sent = starts - timedelta(days=1)
                self.messages.add(
                    (uuid.uuid4(), "sms", "+447700900000", "visit_reminder",
                     "delivered", 1, sent, sent, sent, sent, locality_id, uid,
                     f"bench{vid}", f"visit_reminder:{vid}:{uid}")
                )  # fmt: skip
                helper_uid = helper_users[hid]
                self.transfers.add(
                    (tid, f"visit:{vid}", "visit", f"{name.lower()}"[:200],
                     starts.date(), done, "help.visit", vid, "", None, None,
                     locality_id, None)
                )  # fmt: skip
                balance[uid] -= minutes
                balance[helper_uid] = balance.get(helper_uid, 0) + minutes
                self.entries.add((-minutes, balance[uid], account[uid], tid))
                self.entries.add(
                    (minutes, balance[helper_uid], account[helper_uid], tid)
                )
            self.flush()
        for _mid, uid in active:
            self.accounts.add(
                (account[uid], locality_id, "member", uid, balance[uid], -overdraft, 0)
            )
        for hid in helper_ids:
            uid = helper_users[hid]
            self.accounts.add(
                (account[uid], locality_id, "helper", uid, balance.get(uid, 0), 0, 0)
            )
        # The accounts go in before the entries that point at them.
        self.accounts.flush()
        self.flush()
        self._outside_balances(outside_balance)

    def _topup(self, locality_id, coordinator_id, mid, uid, n, account, balance,
               outside, outside_balance, minutes, at) -> None:  # fmt: skip
        (tid,) = self.transfers.ids(1)
        shard = outside[uid % len(outside)]
        self.transfers.add(
            (tid, f"bench:topup:{mid}:{n}", "topup", "", at.date(), at, "", "",
             "cash", minutes * 95 // 6, coordinator_id, locality_id, uid)
        )  # fmt: skip
        outside_balance[shard] -= minutes
        balance[uid] += minutes
        self.entries.add((-minutes, outside_balance[shard], shard, tid))
        self.entries.add((minutes, balance[uid], account[uid], tid))

    def _outside_balances(self, balances: dict[int, int]) -> None:
        from kith.credits.models import Account

        for pk, minutes in balances.items():
            Account.objects.filter(pk=pk).update(balance_minutes=minutes)

    def _week_to_come(self, place, active, helper_ids) -> None:
        """Open requests next week (one member in a hundred), visits
        confirmed for tomorrow (one in two hundred, for the reminders) and
        accepted (one in three hundred, for the call list)."""
        rng = self.rng
        locality_id = place["locality"].pk
        coordinator_id = place["coordinator"].pk
        categories = place["categories"]
        members = place["members"]
        monday = self.today + timedelta(days=7 - self.today.weekday())
        tomorrow = self.today + timedelta(days=1)
        wanted = (
            [("open", None)] * max(1, members // 100)
            + [("arranged", "confirmed")] * max(1, members // 200)
            + [("arranged", "accepted")] * max(1, members // 300)
        )
        chosen = rng.sample(active, min(len(active), len(wanted)))
        request_ids = self.requests.ids(len(chosen))
        for (status, visit_status), (mid, uid), rid in zip(
            wanted, chosen, request_ids, strict=False
        ):
            category_id, minutes, _name = rng.choice(categories)
            day = (
                tomorrow if visit_status else monday + timedelta(days=rng.randint(0, 4))
            )
            starts = _at(day, rng.choice((9, 10, 13)))
            asked = self.now - timedelta(days=2)
            self.requests.add(
                (rid, asked, asked, "Help at home", minutes,
                 rng.choice(("routine", "routine", "soon", "urgent")), status,
                 "phone", coordinator_id, category_id, locality_id, mid)
            )  # fmt: skip
            self.windows.add(
                (rid, starts - timedelta(hours=1), starts + timedelta(hours=4))
            )
            self.audit.add(
                (asked, "help_request_created", "help.helprequest", rid,
                 coordinator_id, locality_id, uid)
            )  # fmt: skip
            if visit_status:
                (vid,) = self.visits.ids(1)
                confirmed = asked if visit_status == "confirmed" else None
                self.visits.add(
                    (vid, asked, asked, visit_status, starts, minutes, asked,
                     asked, confirmed, None, None, None, None,
                     rng.choice(helper_ids), coordinator_id, rid)
                )  # fmt: skip


def build(scale: float, rng: random.Random, localities: int = LOCALITIES) -> dict:
    """The country at ``scale``; the timings of its parts and what the
    measurements need."""
    from django.db import connection, transaction

    counts = sizes(scale, rng, localities)
    builder = Builder(rng)
    started = time.perf_counter()
    places = localities_set_up(counts, rng)
    set_up = time.perf_counter() - started
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # As pg_restore --disable-triggers does: the foreign keys' and the
        # ledger's triggers are not run row by row while loading; the
        # ledger is checked afterwards instead (ledger_check).
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("SET synchronous_commit = off")
    for place in places:
        # One transaction a locality: the foreign keys are checked at its
        # end, so the accounts may follow the entries that name them.
        with transaction.atomic():
            builder.locality(place)
    for table in builder.all:
        table.sequence_set()
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("SET synchronous_commit = DEFAULT")
    rows = {table.name: table.rows for table in builder.all}
    copied = time.perf_counter() - started
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    analyzed = time.perf_counter() - started
    return {
        "scale": scale,
        "counts": counts,
        "places": places,
        "rows": rows,
        "set_up_s": set_up,
        "copy_s": copied,
        "analyze_s": analyzed,
        "members": sum(counts),
    }


def database_size() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        return cursor.fetchone()[0]


# --- The pages ------------------------------------------------------------------


def measured_localities(built: dict) -> dict[str, dict]:
    """The largest locality and the one nearest the average size: who signs
    in to each, the open request shown, and a matching plan of its open
    requests built by Kith's own service, as a coordinator would ask."""
    from django.db.models import Count

    from kith.accounts.models import User
    from kith.help.jobs import call_list_prepare
    from kith.help.models import HelpRequest
    from kith.matching import services as matching
    from kith.members.models import Membership

    places = built["places"]
    average = sum(built["counts"]) / len(built["counts"])
    nearest = min(places[1:], key=lambda p: abs(p["members"] - average))
    found = {}
    for label, place in (("average", nearest), ("largest", places[0])):
        locality, coordinator = place["locality"], place["coordinator"]
        plan = matching.plan_request(actor=coordinator, locality=locality)
        matching.plan_build(plan_id=plan.pk)
        busiest = (
            HelpRequest.objects.filter(locality=locality, status="done")
            .values("membership")
            .annotate(n=Count("pk"))
            .order_by("-n")
            .values_list("membership", flat=True)
            .first()
        )
        found[label] = {
            "locality": locality,
            "members": place["members"],
            "coordinator": coordinator,
            "member": Membership.objects.select_related("person").get(pk=busiest),
            "open_request": HelpRequest.objects.filter(locality=locality, status="open")
            .order_by("pk")
            .first(),
        }
    call_list_prepare()
    # Searches for a surname found in both (an empty result runs fewer
    # queries, which would not be the page's size showing).
    for role, key in (("helper", "helper_q"), ("member", "member_q")):
        names = Counter(
            name.split()[-1].lower()
            for name in User.objects.filter(
                roles__locality=found["average"]["locality"], roles__role=role
            ).values_list("full_name", flat=True)
        )
        for world in found.values():
            world[key] = names.most_common(1)[0][0]
    return found


def ledger_check() -> None:
    """Every balance equals its entries and every transfer sums to zero."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM credits_account a LEFT JOIN (SELECT account_id, "
            "sum(minutes) AS total FROM credits_entry GROUP BY account_id) e "
            "ON e.account_id = a.id WHERE a.balance_minutes <> COALESCE(e.total, 0)"
        )
        wrong = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM (SELECT transfer_id FROM credits_entry "
            "GROUP BY transfer_id HAVING sum(minutes) <> 0) t"
        )
        unbalanced = cursor.fetchone()[0]
    if wrong or unbalanced:
        raise SystemExit(
            f"the ledger does not balance: {wrong} accounts, {unbalanced} transfers"
        )


def page_list(world: dict) -> list[tuple[str, str, str]]:
    """(label, role, path) of each page measured."""
    from django.urls import reverse

    return [
        ("home (coordinator)", "coordinator", reverse("core:home")),
        ("help dashboard", "coordinator", reverse("help:dashboard")),
        ("members list", "coordinator", reverse("members:list")),
        (
            "member search",
            "coordinator",
            reverse("members:list") + f"?q={world['member_q']}",
        ),
        ("helpers list", "coordinator", reverse("helpers:list")),
        (
            "helper search",
            "coordinator",
            reverse("helpers:list") + f"?q={world['helper_q']}",
        ),
        (
            "request + shortlist",
            "coordinator",
            reverse("help:request", args=[world["open_request"].pk]),
        ),
        ("call list", "coordinator", reverse("notify:calls")),
        ("matching plans", "coordinator", reverse("matching:plans")),
        ("audit log", "coordinator", reverse("core:audit")),
        ("member's home", "member", reverse("core:home")),
        ("member's statement", "member", reverse("credits:mine")),
        ("member's calendar", "member", reverse("social:calendar")),
    ]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def pages_measure(world: dict, repeat: int) -> dict[str, dict]:
    """Each page: its times, its queries (a view after the first, as
    coordinators mostly see it) and the SQL of the first two views."""
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    host = world["locality"].domain
    clients = {}
    for role, user in (
        ("coordinator", world["coordinator"]),
        ("member", world["member"].person),
    ):
        clients[role] = Client(HTTP_HOST=host)
        clients[role].force_login(user)
    found = {}
    for label, role, path in page_list(world):
        client = clients[role]
        sql = []
        for _n in range(2):
            # The log keeps 9,000 queries: once full, a capture sees none.
            reset_queries()
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"{label} {path} answered {response.status_code}")
            sql.append([q["sql"] for q in captured.captured_queries])
        times = []
        for _n in range(repeat):
            started = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
        found[label] = {"times": times, "queries": len(sql[1]), "sql": sql[0] + sql[1]}
    return found


def big_tables() -> dict[str, int]:
    """Tables over BIG_TABLE rows, by the planner's estimate after ANALYZE."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples::bigint FROM pg_class "
            "WHERE relkind = 'r' AND reltuples > %s",
            [BIG_TABLE],
        )
        return dict(cursor.fetchall())


def seq_scans(statements: list[str], big: dict[str, int]) -> list[tuple[str, str]]:
    """(table, statement) for each Seq Scan on a big table in the plans."""
    from django.db import connection

    found = []

    def walk(node: dict, statement: str) -> None:
        if node.get("Node Type") == "Seq Scan" and node.get("Relation Name") in big:
            found.append((node["Relation Name"], statement))
        for child in node.get("Plans", ()):
            walk(child, statement)

    for statement in dict.fromkeys(statements):
        if not statement.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        try:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (FORMAT JSON) " + statement)
                plan = cursor.fetchone()[0]
        except Exception as error:
            print(f"  (could not EXPLAIN: {error!r:.100}: {statement[:120]})")
            continue
        if isinstance(plan, str):
            plan = json.loads(plan)
        walk(plan[0]["Plan"], statement)
    return found


# --- The nightly work -----------------------------------------------------------


def nightly(workers: int, timeout: float) -> dict:
    """Every daily job enqueued at once, run by ``workers`` task workers to
    the end: each job's wait, run time and result."""
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from kith.notify.models import JobRun
    from kith.notify.schedule import JOBS, job_run_task

    slot = timezone.localdate().isoformat()
    daily = [job for job in JOBS if job.at is not None]
    env = dict(os.environ)
    logs = [tempfile.TemporaryFile(mode="w+") for _n in range(workers)]  # noqa: SIM115
    fleet = [
        subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--queue-name", "*",
             "--no-reload", "--interval", "0.2"],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        for log in logs
    ]  # fmt: skip
    jobs_done_s = None
    runs: list[int] = []
    started = time.perf_counter()
    try:
        # Workers in production are running when the night's jobs come due.
        deadline = time.perf_counter() + 120
        while time.perf_counter() < deadline:
            ready = 0
            for log in logs:
                log.seek(0)
                ready += "Starting worker" in log.read()
            if ready == workers:
                break
            time.sleep(0.5)
        now = timezone.now()
        for job in sorted(daily, key=lambda j: j.at):
            run = JobRun.objects.create(job=job.name, slot=slot, enqueued_at=now)
            job_run_task.enqueue(run.pk)
            runs.append(run.pk)
        started = time.perf_counter()
        while time.perf_counter() - started < timeout:
            time.sleep(1)
            left = JobRun.objects.filter(pk__in=runs).exclude(
                status__in=[JobRun.Status.DONE, JobRun.Status.FAILED]
            )
            if jobs_done_s is None and not left.exists():
                jobs_done_s = time.perf_counter() - started
            if (
                jobs_done_s is not None
                and not DBTaskResult.objects.filter(
                    status__in=["READY", "RUNNING"]
                ).exists()
            ):
                break
        queue_empty_s = time.perf_counter() - started
    finally:
        for process in fleet:
            process.terminate()
        for process in fleet:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in logs:
            log.close()
    found = []
    for run in JobRun.objects.filter(pk__in=runs).order_by("started_at"):
        wait = (
            (run.started_at - run.enqueued_at).total_seconds()
            if run.started_at
            else None
        )
        took = (
            (run.finished_at - run.started_at).total_seconds()
            if run.finished_at and run.started_at
            else None
        )
        found.append(
            {
                "job": run.job,
                "status": run.status,
                "wait_s": wait,
                "run_s": took,
                "result": (run.result or run.error)[:60],
            }
        )
    return {
        "jobs": found,
        "jobs_done_s": jobs_done_s,
        "queue_empty_s": queue_empty_s,
        "timed_out": jobs_done_s is None,
    }


def monthly_figures(places: list[dict]) -> tuple[float, float]:
    """Every locality's report for last month (kith.reports' figures, as the
    dashboard makes them): (seconds for all, the slowest locality's)."""
    from kith.places.models import Ward
    from kith.reports.figures import Period, Scope, report_for

    first = (_today().replace(day=1) - timedelta(days=1)).replace(day=1)
    worst = 0.0
    started = time.perf_counter()
    for place in places:
        locality = place["locality"]
        wards = tuple(Ward.objects.filter(locality=locality).order_by("name"))
        began = time.perf_counter()
        report = report_for(Scope(locality, Period(first, first), wards, True))
        report.headline()
        worst = max(worst, time.perf_counter() - began)
    return time.perf_counter() - started, worst


# --- Running --------------------------------------------------------------------


def reference_build(scale: float) -> dict:
    """The build alone at ``scale``, in a child process and a database of
    its own (dropped afterwards): its timings and size."""
    env = dict(os.environ)
    env["KITH_BENCH_DATABASE"] = os.environ["KITH_BENCH_DATABASE"] + "_reference"
    done = subprocess.run(
        [sys.executable, __file__, "--scale", str(scale), "--build-only"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"the reference build failed:\n{done.stderr[-3000:]}")
    line = [x for x in done.stdout.splitlines() if x.startswith("{")][-1]
    _drop(env["KITH_BENCH_DATABASE"])
    return json.loads(line)


def _drop(name: str) -> None:
    from urllib.parse import urlsplit, urlunsplit

    import psycopg
    from psycopg import sql

    parts = urlsplit(os.environ["DATABASE_URL"])
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)
            )
        )


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:,.0f} MB"


def build_summary(built: dict, size: int) -> dict:
    rows = sum(built["rows"].values())
    return {
        "scale": built["scale"],
        "members": built["members"],
        "localities": len(built["counts"]),
        "rows": rows,
        "set_up_s": built["set_up_s"],
        "copy_s": built["copy_s"],
        "analyze_s": built["analyze_s"],
        "size": size,
        "us_per_member": built["copy_s"] / built["members"] * 1e6,
    }


def print_build(summary: dict) -> None:
    print(
        f"scale {summary['scale']}: {summary['members']:,} members in "
        f"{summary['localities']} localities; localities set up in "
        f"{summary['set_up_s']:.0f} s, {summary['rows']:,} rows copied in "
        f"{summary['copy_s']:.0f} s ({summary['us_per_member']:.0f} us a member), "
        f"ANALYZE {summary['analyze_s']:.0f} s; database {_mb(summary['size'])}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument(
        "--reference",
        type=float,
        default=0.01,
        help="build at this scale too, to compare the cost (0: not)",
    )
    parser.add_argument("--repeat", type=int, default=20, help="views per page")
    parser.add_argument("--localities", type=int, default=LOCALITIES)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--nightly-timeout", type=float, default=3600)
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres", "pgsql")):
        print(
            "bench/national.py measures Kith at national scale on PostgreSQL "
            "only: set DATABASE_URL=postgres://... (it uses a database of its "
            "own, KITH_BENCH_DATABASE, default kith_national)."
        )
        return 0 if not options.build_only else 1

    reference = None
    if (
        not options.build_only
        and options.reference
        and options.reference != options.scale
    ):
        reference = reference_build(options.reference)
    django_setup(fresh=True)
    from django.conf import settings

    warnings.filterwarnings("ignore", message="No directory at")
    rng = random.Random(20)
    built = build(options.scale, rng, options.localities)
    summary = build_summary(built, database_size())
    if options.build_only:
        print(json.dumps(summary))
        return 0
    print(f"database: {database_label()}")
    if reference:
        print_build(reference)
    print_build(summary)
    print("rows: " + ", ".join(f"{k} {v:,}" for k, v in sorted(built["rows"].items())))
    started = time.perf_counter()
    ledger_check()
    print(f"ledger checked (balances equal entries, transfers balance) in "
          f"{time.perf_counter() - started:.0f} s")  # fmt: skip

    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["*"]
    started = time.perf_counter()
    worlds = measured_localities(built)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"matching plans of the two measured localities and the call list: "
        f"{time.perf_counter() - started:.0f} s"
    )
    size = database_size()
    big = big_tables()
    measured = {}
    for label, world in worlds.items():
        measured[label] = pages_measure(world, options.repeat)
    print(
        f"\npages in-process (Django's test client, {options.repeat} views each): "
        f"p95 ms and queries; average locality "
        f"{worlds['average']['members']:,} members, largest "
        f"{worlds['largest']['members']:,}"
    )
    print(f"{'page':24} {'avg p95':>8} {'queries':>8} {'big p95':>8} {'queries':>8}")
    worst_page = 0.0
    differ = []
    statements = []
    for label, _role, _path in page_list(worlds["average"]):
        a, b = measured["average"][label], measured["largest"][label]
        pa, pb = percentile(a["times"], 0.95), percentile(b["times"], 0.95)
        worst_page = max(worst_page, pa, pb)
        if a["queries"] != b["queries"]:
            differ.append(label)
        statements += a["sql"] + b["sql"]
        print(f"{label:24} {pa:8.1f} {a['queries']:8} {pb:8.1f} {b['queries']:8}")
    print(f"\nEXPLAIN of {len(set(statements))} distinct statements; big tables "
          f"(> {BIG_TABLE:,} rows): {len(big)}")  # fmt: skip
    scans = seq_scans(statements, big)
    for table, statement in scans:
        print(f"  Seq Scan on {table} ({big[table]:,} rows): {statement[:300]}")
    if not scans:
        print("  no Seq Scan on a big table")

    print(f"\nnightly work: every daily job at once, {options.workers} workers")
    night = nightly(options.workers, options.nightly_timeout)
    print(f"{'job':28} {'status':>8} {'wait s':>8} {'run s':>8}  result")
    worst_wait = 0.0
    worst_finish = 0.0
    for job in night["jobs"]:
        wait = job["wait_s"] or 0.0
        took = job["run_s"] or 0.0
        worst_wait = max(worst_wait, wait)
        worst_finish = max(worst_finish, wait + took)
        print(
            f"{job['job']:28} {job['status']:>8} {wait:8.1f} {took:8.1f}  "
            f"{job['result']}"
        )
    failed = [job["job"] for job in night["jobs"] if job["status"] != "done"]
    reports_s, reports_worst = monthly_figures(built["places"])
    jobs_s = night["jobs_done_s"] or options.nightly_timeout
    total_s = jobs_s + reports_s
    factor = 1 / options.scale
    print(
        f"jobs done in {jobs_s:.0f} s; the queue (messages they queued) empty in "
        f"{night['queue_empty_s']:.0f} s; reports' monthly figures of "
        f"{len(built['places'])} localities {reports_s:.0f} s (slowest locality "
        f"{reports_worst * 1000:.0f} ms)"
    )
    print(
        f"nightly work {total_s / 60:.1f} min at scale {options.scale}; "
        f"{total_s * factor / 60:.0f} min at full scale if it grows linearly; "
        f"worst wait of a job behind others {worst_wait:.0f} s, the last "
        f"locality's work finished {worst_finish:.0f} s after it was due"
    )

    per_million = size / (built["members"] / 1e6)
    print(
        f"\ndatabase {_mb(size)}: {_mb(per_million)} a million members "
        f"({_mb(per_million / 10)} a 100,000)"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), COALESCE(sum(pg_relation_size(indexrelid)), 0) "
            "FROM pg_stat_user_indexes"
        )
        count, index_bytes = cursor.fetchone()
        cursor.execute(
            "SELECT relname, indexrelname, pg_relation_size(indexrelid) "
            "FROM pg_stat_user_indexes ORDER BY 3 DESC LIMIT 12"
        )
        largest = cursor.fetchall()
    print(f"indexes: {count}, {_mb(index_bytes)}; the largest:")
    for table, index, bytes_ in largest:
        print(f"  {index:48} on {table:24} {_mb(bytes_):>9}")
    print(f"peak RSS (this process) {peak_rss_mb():.0f} MB")

    met = target("page_p95_ms_worst", worst_page, GOAL_PAGE_MS, "<=")
    met &= target("pages_queries_differing", len(differ), 0, "<=")
    met &= target("seq_scans_on_big_tables", len(scans), 0, "<=")
    met &= target(
        "nightly_minutes_full_scale", total_s * factor / 60, GOAL_NIGHTLY_MINUTES, "<="
    )
    met &= target("nightly_jobs_failed", len(failed) + night["timed_out"], 0, "<=")
    if reference:
        ratio = summary["us_per_member"] / reference["us_per_member"]
        met &= target("build_cost_per_member_ratio", ratio, GOAL_LINEAR, "<=")
    if differ:
        print("queries differ on: " + ", ".join(differ))
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
