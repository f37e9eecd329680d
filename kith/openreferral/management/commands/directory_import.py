"""manage.py directory_import FILE_OR_URL: take in another Open Referral UK
3.0 feed as directory entries waiting for a check."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kith.accounts.models import User
from kith.openreferral.feeds import FeedError, feed_records
from kith.openreferral.services import feed_import
from kith.places.models import Locality


class Command(BaseCommand):
    help = (
        "Import an Open Referral UK 3.0 feed into a locality's directory: a "
        "/services address (every page is followed), or a JSON file of full "
        "services or of a /services page. Each service goes in waiting for a "
        "coordinator's check. Safe to run again: unchanged services are left "
        "alone, changed ones updated and put back in the queue. Bad records "
        "are listed with their id and why; the rest are imported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="A /services web address or a file.")
        parser.add_argument(
            "--locality",
            help="Short name (slug) of the locality to import into. Needed "
            "when the deployment serves more than one.",
        )
        parser.add_argument(
            "--actor",
            help="Email address of the person running the import, for the "
            "audit log (otherwise it is recorded as the system's).",
        )

    def handle(self, *args: Any, source: str, **options: Any) -> None:
        locality = self._locality(options.get("locality"))
        actor = None
        if options.get("actor"):
            actor = User.objects.filter(email__iexact=options["actor"]).first()
            if actor is None:
                raise CommandError(f"No one has the email address {options['actor']}.")
        try:
            report = feed_import(
                locality=locality,
                records=feed_records(source),
                actor=actor,
                source=source,
            )
        except FeedError as exc:
            raise CommandError(str(exc)) from exc
        for service_id, reason in report.bad:
            self.stderr.write(f"bad record {service_id}: {reason}")
        for service_id, note in report.notes:
            self.stderr.write(f"note {service_id}: {note}")
        self.stdout.write(
            f"{report.read} read into {locality.name}: {report.created} new, "
            f"{report.updated} changed, {report.unchanged} unchanged, "
            f"{len(report.bad)} bad. New and changed entries wait for a check."
        )

    def _locality(self, slug: str | None) -> Locality:
        if slug:
            found = Locality.objects.filter(slug=slug).first()
            if found is None:
                raise CommandError(f"There is no locality {slug!r}.")
            return found
        localities = list(Locality.objects.order_by("pk")[:2])
        if len(localities) != 1:
            raise CommandError(
                "Say which locality to import into with --locality SLUG."
                if localities
                else "There is no locality yet."
            )
        return localities[0]
