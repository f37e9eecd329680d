"""The scheduler: periodic jobs, run by the task worker.

To add a job, decorate a function that takes no arguments (give it keyword
arguments with defaults for tests) with ``scheduled`` in your app's
``jobs.py``, with a name and either a local time of day (``at``) or an
interval (``every_minutes``). The scheduler finds every app's ``jobs.py``
when the apps are ready; no job is named here. The function must be
idempotent: running it twice, or again after a crash half-way, must do
nothing twice and miss nothing (queue messages with a ``key``; record what
was done in a row with a unique constraint). It returns a count or a short
text, kept with the run.

How it runs: the scheduler process (``manage.py scheduler``, started by
``kith run``) calls ``schedule_due`` every few seconds. For each job, the
current slot is the day of its last time of day (or the start of the current
interval); a ``JobRun`` row unique per (job, slot) is created and the run is
enqueued as a task, so each slot runs once however many schedulers there
are. A daily job whose time passed while nothing was running runs as soon as
the scheduler starts. A run that failed, or whose worker died, is enqueued
again after ``RETRY_AFTER`` up to ``MAX_ATTEMPTS`` times.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules, import_string
from django_tasks import task

from kith.core.context import context_updated
from kith.notify.models import JobRun

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Job:
    name: str
    path: str
    at: time | None = None
    every_minutes: int | None = None

    def __post_init__(self) -> None:
        if (self.at is None) == (self.every_minutes is None):
            raise ValueError(f"Job {self.name}: give either at or every_minutes")

    def slot(self, now: datetime) -> str:
        """The slot that ``now`` falls in: the date of the last time ``at``
        came round, or the local start of the current interval."""
        local = timezone.localtime(now)
        if self.at is not None:
            day = local.date()
            if local.time() < self.at:
                day -= timedelta(days=1)
            return day.isoformat()
        assert self.every_minutes is not None  # noqa: S101 - checked above
        minutes = local.hour * 60 + local.minute
        start = minutes - minutes % self.every_minutes
        return f"{local.date().isoformat()}T{start // 60:02d}:{start % 60:02d}"


# Filled when the apps are ready: each app's ``jobs.py`` registers its jobs
# with ``scheduled`` (see ``jobs_discover``).
JOBS: list[Job] = []


def scheduled(
    name: str, *, at: time | None = None, every_minutes: int | None = None
) -> Callable[[F], F]:
    """Register ``function`` as the periodic job ``name``, run at a local
    time of day (``at``) or every few minutes. Use it in the app's
    ``jobs.py``, on the function itself or on one imported from a service::

        scheduled("memberships_lapse", at=time(1, 0))(memberships_lapse)
    """

    def register(function: F) -> F:
        path = f"{function.__module__}.{function.__qualname__}"
        job = Job(name, path, at, every_minutes)
        for known in JOBS:
            if known.name == name:
                if known != job:
                    raise ValueError(f"Two jobs called {name!r}: {known.path}, {path}")
                return function
        JOBS.append(job)
        return function

    return register


def jobs_discover() -> None:
    """Import every installed app's ``jobs`` module, so that its jobs are
    registered (called when the apps are ready, like the admin's
    ``autodiscover``)."""
    autodiscover_modules("jobs")


MAX_ATTEMPTS = 3
RETRY_AFTER = timedelta(minutes=30)


def jobs() -> dict[str, Job]:
    return {job.name: job for job in JOBS}


def schedule_due(*, now: datetime | None = None) -> list[JobRun]:
    """Enqueue each job whose current slot has no run yet, and runs that
    failed or were abandoned. Returns the runs enqueued."""
    now = now or timezone.now()
    enqueued: list[JobRun] = []
    for job in JOBS:
        slot = job.slot(now)
        if JobRun.objects.filter(job=job.name, slot=slot).exists():
            continue
        try:
            with transaction.atomic():
                run = JobRun.objects.create(job=job.name, slot=slot, enqueued_at=now)
        except IntegrityError:
            continue  # another scheduler got there first
        enqueued.append(run)
    stuck = Q(status=JobRun.Status.FAILED) | Q(
        status__in=[JobRun.Status.QUEUED, JobRun.Status.RUNNING]
    )
    for run in JobRun.objects.filter(
        stuck,
        attempts__lt=MAX_ATTEMPTS,
        enqueued_at__lte=now - RETRY_AFTER,
        job__in=[job.name for job in JOBS],
    ):
        if JobRun.objects.filter(pk=run.pk, enqueued_at=run.enqueued_at).update(
            enqueued_at=now, status=JobRun.Status.QUEUED
        ):
            enqueued.append(run)
    for run in enqueued:
        _enqueue(run.pk)
    return enqueued


def _enqueue(run_id: int) -> None:
    transaction.on_commit(lambda: job_run_task.enqueue(run_id))


def job_run(*, run_id: int) -> str:
    """Run one job for its slot, unless it is done or another worker has it.
    Its log lines carry the job's name (kith.core.logging)."""
    with transaction.atomic():
        run = JobRun.objects.select_for_update().get(pk=run_id)
        if run.status == JobRun.Status.DONE:
            return run.result
        if (
            run.status == JobRun.Status.RUNNING
            and run.started_at
            and run.started_at > timezone.now() - RETRY_AFTER
        ):
            return "already running"
        run.status = JobRun.Status.RUNNING
        run.attempts += 1
        run.started_at = timezone.now()
        run.save(update_fields=["status", "attempts", "started_at"])
    job = jobs().get(run.job)
    with context_updated(job=run.job):
        return _job_finish(run, job)


def _job_finish(run: JobRun, job: Job | None) -> str:
    try:
        if job is None:
            raise LookupError(f"No job called {run.job!r} is registered")
        result: Any = import_string(job.path)()
    except Exception as exc:
        log.exception("Scheduled job %s (%s) failed", run.job, run.slot)
        JobRun.objects.filter(pk=run.pk).update(
            status=JobRun.Status.FAILED,
            finished_at=timezone.now(),
            error=repr(exc)[:5000],
        )
        return "failed"
    text = str(result)[:300] if result is not None else ""
    JobRun.objects.filter(pk=run.pk).update(
        status=JobRun.Status.DONE, finished_at=timezone.now(), result=text, error=""
    )
    # Jobs every few minutes would fill the log: only daily ones say so.
    log.log(
        logging.INFO if job.at else logging.DEBUG,
        "Scheduled job %s (%s) done: %s",
        run.job,
        run.slot,
        text,
    )
    return text


@task()
def job_run_task(run_id: int) -> str:
    """The worker's side of the scheduler: one job's run for its slot."""
    return job_run(run_id=run_id)


@scheduled("job_runs_prune", at=time(2, 30))
def job_runs_prune(*, keep_days: int = 14) -> int:
    """Forget finished runs older than ``keep_days``; returns how many."""
    cutoff = timezone.now() - timedelta(days=keep_days)
    deleted, _ = JobRun.objects.filter(
        status=JobRun.Status.DONE, enqueued_at__lt=cutoff
    ).delete()
    return deleted


@scheduled("task_results_prune", at=time(2, 45))
def task_results_prune(*, keep_days: int = 14) -> str:
    """Forget the task worker's finished tasks older than ``keep_days`` (the
    outbox's sweep alone adds one a minute). Only for the database backend."""
    from django.core.management import call_command
    from django_tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend

    if not isinstance(task_backends["default"], DatabaseBackend):
        return "not a database backend"
    call_command(
        "prune_db_task_results",
        queue_name="*",
        min_age_days=keep_days,
        verbosity=0,
    )
    return "pruned"
