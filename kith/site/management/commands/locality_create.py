"""Create a locality from the command line, as the "Add a locality" page does:

    python manage.py locality_create --actor admin@example.gov.uk \\
        --name "Southwark Circle" --council "Southwark Council" \\
        --phone "020 7525 5000" --domain circle.southwark.gov.uk \\
        --ward "E05011095 Faraday" --ward "E05011104 Peckham" \\
        --coordinator-name "Ada Lovelace" --coordinator-email ada@example.org \\
        --base-url https://circle.southwark.gov.uk

``--actor`` is a deployment administrator (a superuser), named in the audit
log. Wards are the ONS code, a space, and the name. Exit status 1, having
changed nothing, when anything is refused, with the reason.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from kith.accounts.models import User
from kith.core.errors import ApplicationError
from kith.places.services import ward_lines_parse
from kith.site.services import locality_open


class Command(BaseCommand):
    help = "Create a locality with its wards and invite its first coordinator."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--actor", required=True, help="a superuser's email")
        parser.add_argument("--name", required=True)
        parser.add_argument("--council", required=True)
        parser.add_argument("--phone", required=True)
        parser.add_argument("--email", default="")
        parser.add_argument("--address", default="")
        parser.add_argument("--domain", default="")
        parser.add_argument(
            "--ward",
            action="append",
            default=[],
            help='a ward as "E05011095 Faraday"; give it once per ward',
        )
        parser.add_argument("--coordinator-name", required=True)
        parser.add_argument("--coordinator-email", required=True)
        parser.add_argument(
            "--base-url",
            required=True,
            help="the site's address for the invitation link, e.g. https://host",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = User.objects.filter(
            email__iexact=options["actor"], is_superuser=True, is_active=True
        ).first()
        if actor is None:
            raise CommandError(f"No active superuser has the email {options['actor']}")
        try:
            locality = locality_open(
                actor=actor,
                locality_fields={
                    "name": options["name"],
                    "council_name": options["council"],
                    "phone": options["phone"],
                    "email": options["email"],
                    "address": options["address"],
                    "domain": options["domain"],
                },
                wards=ward_lines_parse("\n".join(options["ward"])),
                coordinator_name=options["coordinator_name"],
                coordinator_email=options["coordinator_email"],
                base_url=options["base_url"].rstrip("/"),
            )
        except (ApplicationError, PermissionDenied) as error:
            reason = getattr(error, "message", "") or "only a superuser may do this"
            raise CommandError(f"Nothing was created: {reason}") from None
        self.stdout.write(
            f"Created {locality.name} ({locality.slug}) with "
            f"{locality.wards.count()} wards; invited "
            f"{options['coordinator_email']} as its coordinator."
        )
