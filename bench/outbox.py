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

    .venv/bin/python bench/outbox.py [--messages 5000] [--pace 100]

Target: 500 messages a second with two workers, on SQLite and on
PostgreSQL (DATABASE_URL set).

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


def start_workers(count: int) -> list[subprocess.Popen]:
    env = dict(os.environ)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--per-transaction", type=int, default=10)
    parser.add_argument(
        "--pace", type=float, default=100, help="messages a second, for latency"
    )
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
    print(f"peak memory of this process: {peak_rss_mb():.0f} MB")
    target("outbox_msgs_per_s_two_workers", rates[2], GOAL_PER_SECOND, ">=")


if __name__ == "__main__":
    main()
