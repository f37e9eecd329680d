"""The scheduler: slots, once per slot, retries, and the registered jobs."""

from datetime import datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django.utils.module_loading import import_string

from kith.notify import schedule
from kith.notify.models import JobRun

# Runs are enqueued when the scheduler's writes commit.
pytestmark = pytest.mark.django_db(transaction=True)


def local(day_offset=0, hour=12, minute=0):
    day = timezone.localdate() + timedelta(days=day_offset)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def test_every_registered_job_can_be_imported_and_names_are_unique():
    names = [job.name for job in schedule.JOBS]
    assert len(names) == len(set(names))
    for job in schedule.JOBS:
        assert callable(import_string(job.path)), job.path
    registered = {job.name for job in schedule.JOBS}
    # The daily jobs that used to need cron, registered from each part's jobs.py.
    assert {
        "memberships_lapse",
        "renewal_reminders",
        "vetting_reminders",
        "vetting_levels_refresh",
        "dbs_scans_purge",
        "outbox_sweep",
        "visit_reminders",
        "call_list",
        "monthly_letters",
    } <= registered


def test_a_job_gives_either_a_time_or_an_interval():
    with pytest.raises(ValueError, match="either"):
        schedule.Job("both", "x.y", at=time(1), every_minutes=5)


def test_slots_are_the_last_time_of_day_or_the_current_interval():
    daily = schedule.Job("d", "x.y", at=time(9, 0))
    assert (
        daily.slot(local(hour=8, minute=59))
        == (timezone.localdate() - timedelta(days=1)).isoformat()
    )
    assert daily.slot(local(hour=9)) == timezone.localdate().isoformat()
    quarter = schedule.Job("q", "x.y", every_minutes=15)
    assert quarter.slot(local(hour=10, minute=29)).endswith("T10:15")


@pytest.fixture
def counting_job(monkeypatch):
    """One registered job that counts its runs, and can be made to fail."""
    calls = []

    def job():
        calls.append(1)
        if getattr(job, "fail", False):
            raise RuntimeError("the database went away")
        return len(calls)

    import kith.notify.tests.test_schedule as this

    monkeypatch.setattr(this, "_job", job, raising=False)
    monkeypatch.setattr(
        schedule,
        "JOBS",
        [schedule.Job("count", "kith.notify.tests.test_schedule._job", at=time(6))],
    )
    return job, calls


def test_each_slot_runs_once_however_often_the_scheduler_looks(counting_job):
    _job, calls = counting_job
    now = local(hour=7)
    assert [r.job for r in schedule.schedule_due(now=now)] == ["count"]
    assert schedule.schedule_due(now=now + timedelta(minutes=5)) == []
    assert calls == [1]
    run = JobRun.objects.get()
    assert run.status == JobRun.Status.DONE and run.result == "1"
    # Tomorrow is a new slot.
    schedule.schedule_due(now=now + timedelta(days=1))
    assert len(calls) == 2


def test_a_daily_job_missed_while_stopped_runs_at_start(counting_job):
    _job, calls = counting_job
    schedule.schedule_due(now=local(hour=23))  # started long after 6:00
    assert calls == [1]


def test_a_failed_run_is_tried_again_later_up_to_a_limit(counting_job):
    job, calls = counting_job
    job.fail = True
    now = local(hour=7)
    schedule.schedule_due(now=now)
    run = JobRun.objects.get()
    assert run.status == JobRun.Status.FAILED and "went away" in run.error
    schedule.schedule_due(now=now + timedelta(minutes=5))
    assert len(calls) == 1  # not yet
    job.fail = False
    schedule.schedule_due(now=now + schedule.RETRY_AFTER + timedelta(minutes=1))
    run.refresh_from_db()
    assert run.status == JobRun.Status.DONE and run.attempts == 2


def test_a_run_abandoned_by_a_dead_worker_is_enqueued_again(counting_job):
    _job, calls = counting_job
    now = local(hour=7)
    JobRun.objects.create(
        job="count",
        slot=timezone.localdate().isoformat(),
        status="running",
        attempts=1,
        enqueued_at=now - timedelta(hours=1),
    )
    schedule.schedule_due(now=now)
    assert calls == [1]
    assert JobRun.objects.get().status == JobRun.Status.DONE


def test_the_scheduler_command_checks_once(counting_job, capsys):
    call_command("scheduler", "--once")
    assert "1 job(s) enqueued" in capsys.readouterr().out


def test_old_finished_runs_are_pruned():
    JobRun.objects.create(
        job="a",
        slot="old",
        status="done",
        enqueued_at=timezone.now() - timedelta(days=30),
    )
    JobRun.objects.create(job="a", slot="new", status="done")
    assert schedule.job_runs_prune() == 1
    assert list(JobRun.objects.values_list("slot", flat=True)) == ["new"]


def test_a_run_another_worker_is_running_is_not_run_twice(counting_job):
    _job, calls = counting_job
    run = JobRun.objects.create(
        job="count",
        slot="2026-01-01",
        status="running",
        attempts=1,
        started_at=timezone.now(),
    )
    assert schedule.job_run(run_id=run.pk) == "already running"
    assert calls == []


def test_finished_tasks_are_pruned_only_with_the_database_backend(settings):
    assert schedule.task_results_prune() == "not a database backend"
