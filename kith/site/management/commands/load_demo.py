from django.core.management.base import BaseCommand

from kith.site.demo import DEFAULT_SEED, demo_load, demo_logins_table


class Command(BaseCommand):
    help = "Load the demo locality, Riverside, once. Loading again changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)

    def handle(self, *args, **options):
        logins = demo_load(seed=options["seed"])
        if logins is None:
            self.stdout.write("The demo locality is already loaded; nothing changed.")
        else:
            self.stdout.write(
                self.style.SUCCESS("Loaded the demo locality, Riverside.")
            )
        if options["verbosity"] > 1:
            self.stdout.write(demo_logins_table())
