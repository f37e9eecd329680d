from django.core.management.base import BaseCommand

from kith.helpers.management.commands._day import parse_day
from kith.helpers.services import vetting_levels_refresh


class Command(BaseCommand):
    help = "Store the vetting level of every helper whose checks have lapsed."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", help="Run as if today were this day (YYYY-MM-DD)."
        )

    def handle(self, *args, **options):
        updated = vetting_levels_refresh(today=parse_day(options["date"]))
        self.stdout.write(f"{updated} helper record(s) updated.")
