"""Create a locality from the command line, as the "Add a locality" page does:

    python manage.py locality_create --actor admin@example.gov.uk \\
        --name "Southwark Circle" --council "Southwark Council" \\
        --phone "020 7525 5000" --domain circle.southwark.gov.uk \\
        --ward "E05011095 Faraday" --ward "E05011104 Peckham" \\
        --coordinator-name "Ada Lovelace" --coordinator-email ada@example.org \\
        --base-url https://circle.southwark.gov.uk \\
        --brand-colour "#1d70b8" --logo logo.png --logo-alt "Southwark Council" \\
        --minutes-per-credit 60 --overdraft-minutes 60 --quiet-hours 21-8 \\
        --survey-months 6,12 --survey-overdue-days 28 \\
        --plan "Yearly membership" --plan-fee 20 --plan-concession-fee 10

``--actor`` is a deployment administrator (a superuser), named in the audit
log. Wards are the ONS code, a space, and the name. Every setting is
optional (the defaults are the page's). Exit status 1, having changed
nothing, when anything is refused, with the reason.
"""

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from kith.accounts.models import User
from kith.core.errors import ApplicationError
from kith.places.services import ward_lines_parse
from kith.site.services import FirstPlan, LocalitySettings, locality_open, pence


def _hours(text: str) -> tuple[int | None, int | None]:
    if not text:
        return None, None
    found = re.fullmatch(r"(\d{1,2})-(\d{1,2})", text.strip())
    if not found:
        raise CommandError("--quiet-hours is two hours, from-until, like 21-8")
    return int(found[1]), int(found[2])


def _months(text: str) -> tuple[int, int]:
    found = re.fullmatch(r"(\d{1,3}),(\d{1,3})", text.strip())
    if not found:
        raise CommandError("--survey-months is first,then-every, like 6,12")
    return int(found[1]), int(found[2])


def _money(text: str, option: str) -> int:
    try:
        return pence(Decimal(text))
    except InvalidOperation:
        raise CommandError(
            f"{option} is an amount in pounds, like 20 or 12.50"
        ) from None


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
        parser.add_argument("--brand-colour", default="", help="e.g. #1d70b8")
        parser.add_argument("--logo", default="", help="a PNG, JPEG or WebP file")
        parser.add_argument("--logo-alt", default="", help="what the logo shows")
        parser.add_argument("--quiet-hours", default="", help="no texts, e.g. 21-8")
        parser.add_argument("--minutes-per-credit", type=int, default=60)
        parser.add_argument("--overdraft-minutes", type=int, default=0)
        parser.add_argument(
            "--survey-months", default="6,12", help="first follow-up,then every"
        )
        parser.add_argument("--survey-overdue-days", type=int, default=28)
        parser.add_argument("--plan", default="", help="the first plan's name")
        parser.add_argument("--plan-fee", default="0", help="yearly, in pounds")
        parser.add_argument("--plan-concession-fee", default="0", help="in pounds")
        parser.add_argument("--plan-minimum-age", type=int, default=50)
        parser.add_argument("--plan-joining-credits", type=int, default=0)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = User.objects.filter(
            email__iexact=options["actor"], is_superuser=True, is_active=True
        ).first()
        if actor is None:
            raise CommandError(f"No active superuser has the email {options['actor']}")
        quiet_from, quiet_until = _hours(options["quiet_hours"])
        first, every = _months(options["survey_months"])
        plan = None
        if options["plan"]:
            plan = FirstPlan(
                name=options["plan"],
                yearly_fee_pence=_money(options["plan_fee"], "--plan-fee"),
                concession_fee_pence=_money(
                    options["plan_concession_fee"], "--plan-concession-fee"
                ),
                minimum_age=options["plan_minimum_age"],
                joining_credits=options["plan_joining_credits"],
            )
        logo = None
        if options["logo"]:
            try:
                logo = open(options["logo"], "rb")  # noqa: SIM115 - closed below
            except OSError as error:
                raise CommandError(f"Cannot read the logo: {error}") from None
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
                    "brand_colour": options["brand_colour"],
                    "logo_alt": options["logo_alt"],
                    "quiet_from_hour": quiet_from,
                    "quiet_until_hour": quiet_until,
                },
                wards=ward_lines_parse("\n".join(options["ward"])),
                coordinator_name=options["coordinator_name"],
                coordinator_email=options["coordinator_email"],
                base_url=options["base_url"].rstrip("/"),
                settings=LocalitySettings(
                    minutes_per_credit=options["minutes_per_credit"],
                    overdraft_limit_minutes=options["overdraft_minutes"],
                    first_follow_up_months=first,
                    then_every_months=every,
                    overdue_after_days=options["survey_overdue_days"],
                ),
                plan=plan,
                logo_upload=logo,
            )
        except (ApplicationError, PermissionDenied) as error:
            reason = getattr(error, "message", "") or "only a superuser may do this"
            raise CommandError(f"Nothing was created: {reason}") from None
        finally:
            if logo is not None:
                logo.close()
        self.stdout.write(
            f"Created {locality.name} ({locality.slug}) with "
            f"{locality.wards.count()} wards; invited "
            f"{options['coordinator_email']} as its coordinator."
        )
