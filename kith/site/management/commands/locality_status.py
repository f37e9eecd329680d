"""Pause, unpause, archive or bring back a locality from the command line, as
its "Pause or archive" page does (docs/adr/0041):

    python manage.py locality_status --actor admin@example.gov.uk \\
        --locality southwark-circle --status paused --reason "Funding gap"

Exit status 1, having changed nothing, when anything is refused.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from kith.accounts.models import User
from kith.core.errors import ApplicationError
from kith.places.models import Locality
from kith.places.services import locality_status_change


class Command(BaseCommand):
    help = "Pause, unpause, archive or bring back a locality, with a reason."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--actor", required=True, help="a superuser's email")
        parser.add_argument("--locality", required=True, help="its short name")
        parser.add_argument(
            "--status", required=True, choices=list(Locality.Status.values)
        )
        parser.add_argument("--reason", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = User.objects.filter(
            email__iexact=options["actor"], is_superuser=True, is_active=True
        ).first()
        if actor is None:
            raise CommandError(f"No active superuser has the email {options['actor']}")
        locality = Locality.objects.filter(slug=options["locality"]).first()
        if locality is None:
            raise CommandError(f"No locality has the short name {options['locality']}")
        try:
            locality = locality_status_change(
                actor=actor,
                locality=locality,
                status=options["status"],
                reason=options["reason"],
            )
        except (ApplicationError, PermissionDenied) as error:
            reason = getattr(error, "message", "") or "only a superuser may do this"
            raise CommandError(f"Nothing was changed: {reason}") from None
        self.stdout.write(
            f"{locality.name} is {locality.get_status_display().lower()}."
        )
