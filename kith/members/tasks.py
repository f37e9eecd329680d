"""Background jobs for memberships. Each is safe to run again at any time."""

from django_tasks import task

from kith.members.services import memberships_lapse, renewal_reminders_queue


@task()
def memberships_daily_task() -> dict[str, int]:
    """Lapse memberships whose year ended, and queue renewal reminders due."""
    return {"lapsed": memberships_lapse(), "reminders": renewal_reminders_queue()}
