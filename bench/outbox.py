"""How fast the outbox moves messages from the queue to the local channel,
with one real task worker and then with two, and the queue's latency.

Workers are ``manage.py db_worker`` processes on the same database, as in
production. For each number of workers:

- throughput: with the workers started and idle, --messages text messages
  to --people people are queued in one transaction (as the monthly letters
  are), and timed from the first written to ``var/outbox/`` to the last;
- latency: with the workers idle again, 1,000 messages are queued at --pace
  a second (100), --per-transaction (10) at a time (as services queue them), and each
  message's time from queued to sent is taken, at the 50th and 99th
  percentile.

Each run checks that every message was written exactly once (one file per
reference).

Then GOV.UK Notify's limits: two workers send to a fake Notify (a local HTTP
server counting requests per minute and notifications per day) with the
limits set to Notify's (3,000 requests a minute; the letters' daily limit
lowered to --letters-cap so a day's worth fits in the bench): --limited texts
(7,000, over two minutes at the limit) and 1.2 x --letters-cap letters are
queued at once, and the bench reports the busiest 60 seconds and the letters
sent today (the rest wait for tomorrow).

    .venv/bin/python bench/outbox.py [--messages 5000] [--pace 100] [--limited 7000]

Targets: 500 messages a second with two workers, on SQLite and on
PostgreSQL (DATABASE_URL set); never more than 3,000 requests to Notify in
any minute, nor more letters in a day than the limit.

What limits the rate: a worker claims a task's batch (up to
KITH_NOTIFY_BATCH messages) in one transaction and records it in one more,
so most of the cost is per message: rendering it and creating its file
(about a millisecond each on this machine's disk). On SQLite the workers
take turns at the single write lock; on a 2-core machine two workers share
the cores with the database and everything else.
"""

import argparse
import atexit
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import REPO_ROOT, database_label, django_setup, peak_rss_mb, target

os.environ.setdefault("KITH_BENCH_DATABASE", "kith_bench_outbox")
if os.environ.get("DATABASE_URL") and not os.environ.get("KITH_VAR_DIR"):
    # The outbox folder lives under KITH_VAR_DIR: keep the bench's files apart.
    os.environ["KITH_VAR_DIR"] = tempfile.mkdtemp(prefix="kith-bench-outbox-")
    atexit.register(shutil.rmtree, os.environ["KITH_VAR_DIR"], ignore_errors=True)
os.environ.setdefault("KITH_LOG_LEVEL", "WARNING")
# The bench measures the queue, not quiet hours: texts go at any hour.
os.environ["KITH_NOTIFY_QUIET_FROM_HOUR"] = "0"
os.environ["KITH_NOTIFY_QUIET_UNTIL_HOUR"] = "0"
os.environ.pop("NOTIFY_API_KEY", None)  # the local channel
GOAL_PER_SECOND = 500
#: How long an idle worker waits before looking for work again. Much shorter
#: and, on SQLite, idle workers take the write lock so often that they slow
#: the processes queueing messages.
INTERVAL = 0.1


def start_workers(
    count: int, extra: dict[str, str] | None = None
) -> list[subprocess.Popen]:
    env = {**os.environ, **(extra or {})}
    return [
        subprocess.Popen(
            [
                sys.executable,
                str(REPO_ROOT / "manage.py"),
                "db_worker",
                "--queue-name",
                "*",
                "--interval",
                str(INTERVAL),
                "--no-startup-delay",
                "--no-reload",
                "--worker-id",
                f"bench-{number}",
            ],
            env=env,
            cwd=REPO_ROOT,
            stdout=subprocess.DEVNULL,
        )
        for number in range(count)
    ]


def stop(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        worker.terminate()
    for worker in workers:
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()


def wait_ready(workers: int) -> None:
    """Until every worker has run a first, empty task."""
    from kith.notify.tasks import messages_send_task

    results = [messages_send_task.enqueue([]) for _ in range(workers * 2)]
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        for result in results:
            result.refresh()
        if all(r.status == "SUCCESSFUL" for r in results):
            return
        time.sleep(0.05)
    raise SystemExit("The workers did not start.")


def queue(messages: int, people: int, per_transaction: int, pace: float = 0) -> None:
    """Queue ``messages`` texts, ``per_transaction`` at a time; with ``pace``,
    at about that many messages a second."""
    from django.db import transaction

    from kith.notify import services

    started = time.monotonic()
    for start in range(0, messages, per_transaction):
        if pace:
            time.sleep(max(0.0, started + start / pace - time.monotonic()))
        with transaction.atomic():
            for number in range(start, min(messages, start + per_transaction)):
                services.message_queue(
                    to=f"07700{number % people:06d}",
                    channel="sms",
                    template="sign_in_code",
                    personalisation={
                        "service_name": "Bench Circle",
                        "code": f"{number:06d}",
                        "locality_name": "Bench Circle",
                        "locality_phone": "020 7946 0000",
                    },
                )


def wait_all_sent() -> None:
    from kith.notify.models import Message

    deadline = time.monotonic() + 600
    while Message.objects.exclude(status=Message.Status.SENT).exists():
        if time.monotonic() > deadline:
            raise SystemExit("Messages were not all sent within 10 minutes.")
        time.sleep(0.05)


def clear() -> None:
    from django_tasks_db.models import DBTaskResult

    from kith.notify.models import Message

    Message.objects.all().delete()
    DBTaskResult.objects.all().delete()


def check_written_once(expected: int) -> None:
    from django.conf import settings

    from kith.notify.models import Message

    files = list(Path(settings.KITH_OUTBOX_DIR).glob("*.json"))
    written = {path.stem.split("-", 1)[1] for path in files}
    references = {
        str(ref) for ref in Message.objects.values_list("reference", flat=True)
    }
    if not len(files) == expected == len(references) or written != references:
        raise SystemExit(
            f"{expected} messages queued, {len(files)} files written: a message "
            f"was lost or written twice"
        )
    for path in files:
        path.unlink()


def throughput(workers: int, messages: int, people: int) -> float:
    """Messages a second once the workers are at work: with the workers
    running and idle, the whole backlog is queued in one transaction (as the
    monthly letters are), so it reaches them all at once; timed from the
    first message sent to the last."""
    from django.db.models import Max, Min

    from kith.notify.models import Message

    clear()
    processes = start_workers(workers)
    try:
        wait_ready(workers)
        queue(messages, people, messages)
        wait_all_sent()
    finally:
        stop(processes)
    span = Message.objects.aggregate(first=Min("sent_at"), last=Max("sent_at"))
    seconds = (span["last"] - span["first"]).total_seconds()
    check_written_once(messages)
    return messages / max(seconds, 1e-6)


def latency(
    workers: int, messages: int, people: int, per_transaction: int, pace: float
) -> tuple[float, float]:
    """With the workers running, queue messages at ``pace`` a second; each
    message's time from queued to sent, at the 50th and 99th percentile."""
    from kith.notify.models import Message

    clear()
    processes = start_workers(workers)
    try:
        wait_ready(workers)
        queue(messages, people, per_transaction, pace=pace)
        wait_all_sent()
    finally:
        stop(processes)
    waits = sorted(
        (sent - created).total_seconds()
        for created, sent in Message.objects.values_list("created_at", "sent_at")
    )
    check_written_once(messages)
    return waits[len(waits) // 2], waits[min(len(waits) - 1, int(len(waits) * 0.99))]


def queue_letters(count: int) -> None:
    from django.db import transaction

    from kith.notify import services
    from kith.notify.docs import example_values

    with transaction.atomic():
        for number in range(count):
            services.message_queue(
                to=f"Person {number}\n{number} Wharf Road\nTestford\nSE17 2AA",
                channel="letter",
                template="monthly_letter",
                personalisation=example_values("monthly_letter"),
            )


def limited(texts: int, letters_cap: int) -> tuple[int, int, int, float]:
    """Two workers sending to a fake Notify with Notify's limits: the busiest
    60 seconds of requests, letters sent today, letters left for tomorrow,
    and texts a minute overall."""
    import json

    from django.conf import settings

    from kith.notify import services
    from kith.notify.models import Message
    from kith.notify.tests.fake_notify import API_KEY, FakeNotify, kith_templates

    clear()
    fake = FakeNotify().start()
    ids = kith_templates(fake)
    extra = {
        "NOTIFY_API_KEY": API_KEY,
        "NOTIFY_BASE_URL": fake.url,
        "NOTIFY_TEMPLATE_IDS": json.dumps(ids),
        "KITH_NOTIFY_REQUESTS_PER_MINUTE": "3000",
        "KITH_NOTIFY_DAILY_LETTERS": str(letters_cap),
    }
    # This process runs the sweep, as the scheduler would, with the same
    # settings as the workers.
    settings.NOTIFY_API_KEY = API_KEY
    settings.NOTIFY_BASE_URL = fake.url
    settings.NOTIFY_TEMPLATE_IDS = ids
    settings.KITH_NOTIFY_REQUESTS_PER_MINUTE = 3000
    settings.KITH_NOTIFY_DAILY_LETTERS = letters_cap
    processes = start_workers(2, extra)
    letters = int(letters_cap * 1.2)
    try:
        wait_ready(2)
        started = time.monotonic()
        queue_letters(letters)
        queue(texts, texts, texts)
        deadline = started + 900
        swept = time.monotonic()
        while (
            Message.objects.exclude(status=Message.Status.SENT)
            .exclude(waiting_for="daily_limit")
            .exists()
        ):
            if time.monotonic() > deadline:
                raise SystemExit("Messages were not all sent within 15 minutes.")
            if time.monotonic() - swept > 60:
                services.outbox_sweep()
                swept = time.monotonic()
            time.sleep(0.5)
        seconds = time.monotonic() - started
    finally:
        stop(processes)
        fake.stop()
    references = fake.references()
    if len(references) != len(set(references)):
        raise SystemExit("A message reached Notify twice.")
    today = time.strftime("%Y-%m-%d")
    letters_today = fake.per_day.get((today, "letter"), 0)
    waiting = Message.objects.filter(waiting_for="daily_limit").count()
    if letters_today + waiting != letters:
        raise SystemExit("A letter was lost.")
    return fake.busiest_minute(), letters_today, waiting, texts / seconds * 60


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--per-transaction", type=int, default=10)
    parser.add_argument(
        "--pace", type=float, default=100, help="messages a second, for latency"
    )
    parser.add_argument("--limited", type=int, default=7000)
    parser.add_argument("--letters-cap", type=int, default=500)
    options = parser.parse_args()
    django_setup()
    print(
        f"Outbox on {database_label()}: {options.messages} messages to "
        f"{options.people} people."
    )
    rates = {}
    for workers in (1, 2):
        rates[workers] = throughput(workers, options.messages, options.people)
        p50, p99 = latency(
            workers,
            min(options.messages, 1000),
            options.people,
            options.per_transaction,
            options.pace,
        )
        print(
            f"{workers} worker(s): {rates[workers]:.0f} messages/s from a backlog; "
            f"queued at {options.pace:.0f} a second, latency p50 {p50:.2f} s, "
            f"p99 {p99:.2f} s; every message written exactly once"
        )
    busiest, letters_today, waiting, per_minute = limited(
        options.limited, options.letters_cap
    )
    print(
        f"With Notify's limits, 2 workers and a fake Notify: {options.limited} "
        f"texts at {per_minute:.0f} a minute overall, busiest 60 s {busiest} "
        f"requests; {letters_today} letters sent today (limit "
        f"{options.letters_cap}), {waiting} waiting for tomorrow; none sent twice"
    )
    print(f"peak memory of this process: {peak_rss_mb():.0f} MB")
    target("outbox_msgs_per_s_two_workers", rates[2], GOAL_PER_SECOND, ">=")
    target("notify_per_minute_max", busiest, 3000, "<=")
    target("notify_letters_per_day_max", letters_today, options.letters_cap, "<=")


if __name__ == "__main__":
    main()
