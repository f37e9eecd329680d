from django.core.management.base import BaseCommand

from kith.helpers.management.commands._day import parse_day
from kith.helpers.services import dbs_scans_purge


class Command(BaseCommand):
    help = (
        "Delete scanned DBS certificates 6 months after the decision, as the DBS "
        "Code of Practice requires. Safe to run any number of times."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", help="Run as if today were this day (YYYY-MM-DD)."
        )

    def handle(self, *args, **options):
        deleted = dbs_scans_purge(today=parse_day(options["date"]))
        self.stdout.write(f"{deleted} scanned certificate(s) deleted.")
