from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kith.core.errors import ApplicationError
from kith.notify.channels import ChannelUnavailable
from kith.notify.services import notify_templates_check


class Command(BaseCommand):
    help = (
        "Read every template Kith may send from GOV.UK Notify (NOTIFY_TEMPLATE_IDS) "
        "and report each one missing, of the wrong type, or whose personalisation "
        "fields differ from Kith's wording. Exits with status 1 if any is wrong. "
        "Run it at every deployment; the administrators' warning shows its answer."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            problems = notify_templates_check()
        except ApplicationError as exc:
            self.stdout.write(f"{exc} Nothing to check.")
            return
        except ChannelUnavailable as exc:
            raise CommandError(
                f"Could not read the templates from GOV.UK Notify: {exc}"
            ) from exc
        if not problems:
            self.stdout.write(
                self.style.SUCCESS("Every Notify template Kith sends is right.")
            )
            return
        for problem in problems:
            self.stdout.write(
                f"{problem.template} by {problem.channel}: {problem.kind}: "
                f"{problem.detail}"
            )
        raise CommandError(
            f"{len(problems)} Notify template problem(s): see docs/notify.md.",
            returncode=1,
        )
