"""Background jobs of the social part. Each is safe to run again at any time:
the scheduler (kith/notify/schedule.py) runs them daily."""

from django_tasks import task

from kith.social.services import (
    activity_reminders_queue,
    introduction_follow_ups_queue,
    introductions_suggest_all,
)


@task()
def activity_reminders_task() -> int:
    """Remind everyone with a place at an activity tomorrow, once each."""
    return activity_reminders_queue()


@task()
def introduction_follow_ups_task() -> int:
    """Ask both members, a few weeks after an introduction, whether they met."""
    return introduction_follow_ups_queue()


@task()
def introductions_suggest_task() -> int:
    """New suggested introductions in every locality."""
    return introductions_suggest_all()
