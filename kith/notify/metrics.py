"""The figures an operator watches, in Prometheus's text format.

Everything is read from the database, which every web process and task
worker share, so whichever process answers a scrape gives the same picture of
the whole deployment: the task queue (its depth, the oldest waiting task, what
is running and what failed), the scheduled jobs (how long each last took,
which failed), and the outbox (its backlog by channel, its oldest queued
message, and the messages that failed or are held). Counts only: no names,
addresses or message text.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import Count, F, Min
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from kith.notify.models import JobRun, Message

#: Failures are counted over this window, so an old failure stops alarming.
FAILURE_WINDOW = timedelta(hours=24)


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _sample(name: str, value: float, **labels: str) -> str:
    if labels:
        inner = ",".join(f'{key}="{_escape(v)}"' for key, v in sorted(labels.items()))
        return f"{name}{{{inner}}} {value:g}"
    return f"{name} {value:g}"


class _Exposition:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def metric(
        self, name: str, help_text: str, samples: Iterable[tuple[float, dict]]
    ) -> None:
        self.lines.append(f"# HELP {name} {help_text}")
        self.lines.append(f"# TYPE {name} gauge")
        for value, labels in samples:
            self.lines.append(_sample(name, value, **labels))

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _age(now: datetime, since: datetime | None) -> float:
    return max((now - since).total_seconds(), 0.0) if since else 0.0


def metrics_text(*, now: datetime | None = None) -> str:
    """The exposition for one scrape (a handful of aggregate queries)."""
    now = now or timezone.now()
    out = _Exposition()
    out.metric("kith_up", "1 while the web process can reach the database.", [(1, {})])

    ready = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    due = ready.filter(run_after__lte=now)
    by_queue = {
        row["queue_name"]: row["n"]
        for row in due.values("queue_name").annotate(n=Count("id"))
    }
    out.metric(
        "kith_tasks_queued",
        "Background tasks due to run and waiting for a worker.",
        [(n, {"queue": queue}) for queue, n in sorted(by_queue.items())]
        or [(0, {"queue": "default"})],
    )
    oldest = due.aggregate(at=Min("enqueued_at"))["at"]
    out.metric(
        "kith_tasks_oldest_waiting_seconds",
        "How long the oldest due task has waited (0 when none waits).",
        [(_age(now, oldest), {})],
    )
    out.metric(
        "kith_tasks_running",
        "Background tasks a worker is running now.",
        [
            (
                DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count(),
                {},
            )
        ],
    )
    failed = (
        DBTaskResult.objects.filter(
            status=TaskResultStatus.FAILED, finished_at__gte=now - FAILURE_WINDOW
        )
        .values("task_path")
        .annotate(n=Count("id"))
    )
    out.metric(
        "kith_tasks_failed_24h",
        "Background tasks that failed in the last 24 hours, by task.",
        [(row["n"], {"task": row["task_path"]}) for row in failed],
    )

    latest: dict[str, float] = {}
    finished = (
        JobRun.objects.filter(
            status=JobRun.Status.DONE,
            started_at__isnull=False,
            finished_at__gte=now - FAILURE_WINDOW,
        )
        .order_by("job", "-finished_at")
        .values_list("job", "started_at", "finished_at")
    )
    for job, started, ended in finished:
        if job not in latest and started and ended:
            latest[job] = _age(ended, started)
    out.metric(
        "kith_job_last_duration_seconds",
        "How long each scheduled job's latest run in the last 24 hours took.",
        [(seconds, {"job": job}) for job, seconds in sorted(latest.items())],
    )
    job_failures = (
        JobRun.objects.filter(
            status=JobRun.Status.FAILED, enqueued_at__gte=now - FAILURE_WINDOW
        )
        .values("job")
        .annotate(n=Count("id"))
        .order_by("job")
    )
    out.metric(
        "kith_job_failed_runs_24h",
        "Scheduled job runs that failed in the last 24 hours, by job.",
        [(row["n"], {"job": row["job"]}) for row in job_failures],
    )
    overdue = JobRun.objects.filter(
        status=JobRun.Status.QUEUED, enqueued_at__lte=now - timedelta(minutes=15)
    ).count()
    out.metric(
        "kith_job_runs_waiting_over_15m",
        "Scheduled job runs enqueued more than 15 minutes ago and not started.",
        [(overdue, {})],
    )

    backlog_states = [Message.Status.QUEUED, Message.Status.SENDING]
    counts = (
        Message.objects.filter(
            status__in=[*backlog_states, Message.Status.FAILED, Message.Status.HELD]
        )
        .values("status", "channel")
        .annotate(n=Count("id"))
    )
    backlog: dict[str, int] = {}
    troubled: dict[tuple[str, str], int] = {}
    for row in counts:
        if row["status"] in backlog_states:
            backlog[row["channel"]] = backlog.get(row["channel"], 0) + row["n"]
        else:
            troubled[(row["status"], row["channel"])] = row["n"]
    out.metric(
        "kith_outbox_backlog",
        "Messages queued or being sent, by channel.",
        [(n, {"channel": channel}) for channel, n in sorted(backlog.items())],
    )
    oldest_message = Message.objects.filter(
        status=Message.Status.QUEUED, next_attempt_at__lte=now
    ).aggregate(at=Min(F("created_at")))["at"]
    out.metric(
        "kith_outbox_oldest_queued_seconds",
        "How long the oldest message due to be sent has waited (0 when none).",
        [(_age(now, oldest_message), {})],
    )
    out.metric(
        "kith_messages_failed",
        "Messages that failed for good, or are held for a configuration "
        "problem, by status and channel.",
        [
            (n, {"status": status, "channel": channel})
            for (status, channel), n in sorted(troubled.items())
        ],
    )
    return out.text()
