from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "kith.notify"
    label = "notify"

    def ready(self) -> None:
        from kith.notify import checks  # noqa: F401 - registers the checks
        from kith.notify.schedule import jobs_discover

        # Every app's jobs.py registers its periodic jobs with the scheduler.
        jobs_discover()
