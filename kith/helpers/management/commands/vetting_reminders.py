from django.core.management.base import BaseCommand

from kith.helpers.management.commands._day import parse_day
from kith.helpers.services import vetting_reminders_send


class Command(BaseCommand):
    help = (
        "Refresh helpers' vetting levels, then remind helpers and coordinators of "
        "checks that lapse within 30 days. Safe to run again: nothing is sent twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", help="Run as if today were this day (YYYY-MM-DD)."
        )

    def handle(self, *args, **options):
        sent = vetting_reminders_send(today=parse_day(options["date"]))
        self.stdout.write(f"{sent} reminder(s) sent.")
