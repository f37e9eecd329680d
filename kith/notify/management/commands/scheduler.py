import signal
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from kith.notify.schedule import schedule_due


class Command(BaseCommand):
    help = (
        "Run the scheduler: every few seconds, enqueue the periodic jobs that are "
        "due (each part's jobs.py) for the task worker. Safe to run more than "
        "one: each job runs once per slot. With --once, check once and stop (for "
        "cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Check once, then stop."
        )
        parser.add_argument(
            "--interval", type=float, default=15, help="Seconds between checks."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            runs = schedule_due()
            self.stdout.write(f"{len(runs)} job(s) enqueued.")
            return
        running = True

        def stop(signum: int, frame: object) -> None:
            nonlocal running
            running = False

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        self.stdout.write("Scheduler started.")
        while running:
            close_old_connections()
            try:
                for run in schedule_due():
                    if options["verbosity"] > 1:
                        self.stdout.write(f"Enqueued {run.job} ({run.slot}).")
            except Exception as exc:  # the database may be busy or restarting
                self.stderr.write(f"Scheduler: {exc!r}; trying again.")
            waited = 0.0
            while running and waited < options["interval"]:
                time.sleep(0.2)
                waited += 0.2
        self.stdout.write("Scheduler stopped.")
