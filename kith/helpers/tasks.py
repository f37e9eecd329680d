"""Background jobs for helpers: take plain values, call a service.

The scheduler that runs them each day comes later; until then the management
commands ``vetting_reminders``, ``vetting_levels_refresh`` and
``dbs_scans_purge`` do the same by hand or from cron. Each is safe to run any
number of times.
"""

from datetime import date

from django_tasks import task

from kith.helpers import services


def _day(on: str | None) -> date | None:
    return date.fromisoformat(on) if on else None


@task()
def vetting_levels_refresh_task(on: str | None = None) -> int:
    """Store the levels of helpers whose checks lapsed (``on``: ISO date)."""
    return services.vetting_levels_refresh(today=_day(on))


@task()
def vetting_reminders_task(on: str | None = None) -> int:
    """Remind helpers and coordinators of checks lapsing within 30 days."""
    return services.vetting_reminders_send(today=_day(on))


@task()
def dbs_scans_purge_task(on: str | None = None) -> int:
    """Delete scanned DBS certificates 6 months after the decision."""
    return services.dbs_scans_purge(today=_day(on))


@task()
def helpers_daily_task(on: str | None = None) -> dict[str, int]:
    """Everything helpers need once a day, in order."""
    day = _day(on)
    return {
        "levels": services.vetting_levels_refresh(today=day),
        "reminders": services.vetting_reminders_send(today=day),
        "scans": services.dbs_scans_purge(today=day),
    }
