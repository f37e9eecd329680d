"""Writes of places: creating a locality with its wards.

Creating a locality is a deployment administrator's act (a superuser's): it
is the one thing no locality's own roles can do. Each part then gives the
new locality what it needs through the ``locality_created`` hook, in the
same transaction, so a locality is either made whole or not at all.
"""

import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.places import hooks
from kith.places.branding import CleanLogo, colour_check
from kith.places.models import Locality, Postcode, Ward

#: An ONS electoral ward code: E05 (England), W05 (Wales), S13 (Scotland),
#: N08 (Northern Ireland), then six digits.
WARD_CODE = re.compile(r"^(E05|W05|S13|N08)\d{6}$")
#: A host name: letters, digits and hyphens in dot-separated labels.
HOST_NAME = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$"
)


@dataclass(frozen=True)
class WardAnswer:
    name: str
    ons_code: str


def ward_lines_parse(text: str) -> list[WardAnswer]:
    """Wards typed one a line as "E05000001 Riverside North" (the code, then
    the name). Raises ApplicationError saying which line is wrong."""
    wards = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        code, _space, name = line.partition(" ")
        code = code.strip().upper()
        name = " ".join(name.split())
        if not WARD_CODE.match(code) or not name:
            raise ApplicationError(
                _(
                    "Line %(number)d is not a ward code and a name, like "
                    "‘E05000001 Riverside North’."
                )
                % {"number": number},
                field="wards",
            )
        if len(name) > 100:
            raise ApplicationError(
                _("The ward name on line %(number)d is longer than 100 characters.")
                % {"number": number},
                field="wards",
            )
        wards.append(WardAnswer(name=name, ons_code=code))
    return wards


def _clean_domain(domain: str) -> str:
    domain = domain.strip().lower().removeprefix("https://").removeprefix("http://")
    domain = domain.rstrip("/")
    if domain and not HOST_NAME.match(domain):
        raise ApplicationError(
            _("Enter the web address as a host name, like circle.example.gov.uk."),
            field="domain",
        )
    return domain


def _check_wards(wards: list[WardAnswer]) -> None:
    if not wards:
        raise ApplicationError(_("Give the locality at least one ward."), field="wards")
    codes = [ward.ons_code for ward in wards]
    names = [ward.name.lower() for ward in wards]
    if len(set(codes)) != len(codes) or len(set(names)) != len(names):
        raise ApplicationError(
            _("Each ward’s code and name may appear only once."), field="wards"
        )
    taken = Ward.objects.filter(ons_code__in=codes).select_related("locality").first()
    if taken is not None:
        raise ApplicationError(
            _("Ward %(code)s already belongs to %(locality)s.")
            % {"code": taken.ons_code, "locality": taken.locality.name},
            field="wards",
        )
    # Once the postcode directory is loaded, a ward must be one of its codes,
    # so that the locality's postcodes map to its wards at once.
    if Postcode.objects.exists():
        known = set(
            Postcode.objects.filter(ward_code__in=codes)
            .values_list("ward_code", flat=True)
            .distinct()
        )
        unknown = [code for code in codes if code not in known]
        if unknown:
            raise ApplicationError(
                _(
                    "No postcode in the ONS Postcode Directory is in ward "
                    "%(codes)s. Check the code (the directory’s ward codes start "
                    "E05, W05, S13 or N08)."
                )
                % {"codes": ", ".join(unknown)},
                field="wards",
            )


def _require_superuser(actor: Any) -> None:
    if not (getattr(actor, "is_superuser", False) and actor.is_active):
        raise PermissionDenied


def _check_quiet_hours(
    quiet_from_hour: int | None, quiet_until_hour: int | None
) -> None:
    if (quiet_from_hour is None) != (quiet_until_hour is None):
        raise ApplicationError(
            _("Give both hours of the quiet time, or neither to use the usual ones."),
            field="quiet_from_hour",
        )
    if quiet_from_hour is None or quiet_until_hour is None:
        return
    for field, hour in (
        ("quiet_from_hour", quiet_from_hour),
        ("quiet_until_hour", quiet_until_hour),
    ):
        if not 0 <= hour <= 23:
            raise ApplicationError(
                _("Enter an hour from 0 to 23, like 21 for 9pm."), field=field
            )
    if quiet_from_hour == quiet_until_hour:
        raise ApplicationError(
            _("The quiet time must start and end at different hours."),
            field="quiet_until_hour",
        )


def _apply_branding(
    locality: Locality,
    *,
    brand_colour: str,
    logo: CleanLogo | None,
    logo_alt: str,
    logo_remove: bool = False,
) -> None:
    locality.brand_colour = colour_check(brand_colour)
    logo_alt = " ".join(logo_alt.split())[:150]
    if logo is not None:
        locality.logo = logo.data
        locality.logo_width, locality.logo_height = logo.width, logo.height
        locality.logo_version = logo.version
    elif logo_remove:
        locality.logo = None
        locality.logo_width = locality.logo_height = 0
        locality.logo_version = ""
    if locality.logo_version and not logo_alt:
        raise ApplicationError(
            _(
                "Say what the logo shows, for people who cannot see it, like "
                "‘Southwark Council’."
            ),
            field="logo_alt",
        )
    locality.logo_alt = logo_alt if locality.logo_version else ""


def _full_clean(locality: Locality) -> None:
    try:
        locality.full_clean()
    except ValidationError as error:
        field, problems = next(iter(error.message_dict.items()))
        raise ApplicationError(problems[0], field=field) from None


@transaction.atomic
def locality_create(
    *,
    actor: Any,
    name: str,
    council_name: str,
    phone: str,
    wards: list[WardAnswer],
    email: str = "",
    address: str = "",
    domain: str = "",
    slug: str = "",
    brand_colour: str = "",
    logo: CleanLogo | None = None,
    logo_alt: str = "",
    quiet_from_hour: int | None = None,
    quiet_until_hour: int | None = None,
) -> Locality:
    """Create a locality with its wards, its branding and its quiet hours,
    and let every part set it up."""
    _require_superuser(actor)
    name = " ".join(name.split())
    if not name:
        raise ApplicationError(_("Enter the locality’s name."), field="name")
    slug = slugify(slug or name)[:50]
    if not slug:
        raise ApplicationError(
            _("The name needs at least one letter or digit."), field="name"
        )
    if Locality.objects.filter(Q(slug=slug) | Q(name__iexact=name)).exists():
        raise ApplicationError(
            _("There is already a locality called that. Choose another name."),
            field="name",
        )
    domain = _clean_domain(domain)
    if domain and Locality.objects.filter(domain__iexact=domain).exists():
        raise ApplicationError(
            _("Another locality is already served on that web address."),
            field="domain",
        )
    _check_wards(wards)
    _check_quiet_hours(quiet_from_hour, quiet_until_hour)
    locality = Locality(
        name=name,
        slug=slug,
        council_name=" ".join(council_name.split()),
        phone=phone.strip(),
        email=email.strip(),
        address=address.strip(),
        domain=domain,
        quiet_from_hour=quiet_from_hour,
        quiet_until_hour=quiet_until_hour,
    )
    _apply_branding(locality, brand_colour=brand_colour, logo=logo, logo_alt=logo_alt)
    _full_clean(locality)
    try:
        with transaction.atomic():
            locality.save()
            Ward.objects.bulk_create(
                Ward(locality=locality, name=ward.name, ons_code=ward.ons_code)
                for ward in wards
            )
    except IntegrityError:
        # Someone else made the same locality, domain or ward a moment ago.
        raise ApplicationError(
            _(
                "Another locality with this name, web address or ward was made "
                "a moment ago. Check the list of localities."
            )
        ) from None
    audit_record(
        actor=actor,
        action="locality_created",
        target=locality,
        locality=locality,
        data={
            "wards": [ward.ons_code for ward in wards],
            "domain": domain,
            "brand_colour": locality.brand_colour,
            "logo": locality.logo_version,
            "quiet_hours": [quiet_from_hour, quiet_until_hour],
        },
    )
    hooks.locality_created.run(locality=locality, actor=actor)
    return locality


#: The fields ``locality_update`` may change, as the audit event names them.
UPDATABLE = (
    "name",
    "council_name",
    "phone",
    "email",
    "address",
    "domain",
    "brand_colour",
    "logo_version",
    "logo_alt",
    "quiet_from_hour",
    "quiet_until_hour",
)


@transaction.atomic
def locality_update(
    *,
    actor: Any,
    locality: Locality,
    name: str,
    council_name: str,
    phone: str,
    email: str = "",
    address: str = "",
    domain: str = "",
    brand_colour: str = "",
    logo: CleanLogo | None = None,
    logo_alt: str = "",
    logo_remove: bool = False,
    quiet_from_hour: int | None = None,
    quiet_until_hour: int | None = None,
) -> Locality:
    """Change a locality's details, branding and quiet hours (its short name
    and wards stay). Only a deployment administrator may; audited with what
    changed, from what to what. Saving the same answers again changes
    nothing and records nothing."""
    _require_superuser(actor)
    locality = Locality.objects.select_for_update().get(pk=locality.pk)
    name = " ".join(name.split())
    if not name:
        raise ApplicationError(_("Enter the locality’s name."), field="name")
    if Locality.objects.filter(name__iexact=name).exclude(pk=locality.pk).exists():
        raise ApplicationError(
            _("There is already a locality called that. Choose another name."),
            field="name",
        )
    domain = _clean_domain(domain)
    if (
        domain
        and Locality.objects.filter(domain__iexact=domain)
        .exclude(pk=locality.pk)
        .exists()
    ):
        raise ApplicationError(
            _("Another locality is already served on that web address."),
            field="domain",
        )
    _check_quiet_hours(quiet_from_hour, quiet_until_hour)
    before = {field: getattr(locality, field) for field in UPDATABLE}
    locality.name = name
    locality.council_name = " ".join(council_name.split())
    locality.phone = phone.strip()
    locality.email = email.strip()
    locality.address = address.strip()
    locality.domain = domain
    locality.quiet_from_hour = quiet_from_hour
    locality.quiet_until_hour = quiet_until_hour
    _apply_branding(
        locality,
        brand_colour=brand_colour,
        logo=logo,
        logo_alt=logo_alt,
        logo_remove=logo_remove,
    )
    _full_clean(locality)
    changed = {
        field: [before[field], getattr(locality, field)]
        for field in UPDATABLE
        if before[field] != getattr(locality, field)
    }
    if not changed:
        return locality
    try:
        with transaction.atomic():
            locality.save()
    except IntegrityError:
        raise ApplicationError(
            _("Another locality took this web address a moment ago."), field="domain"
        ) from None
    audit_record(
        actor=actor,
        action="locality_changed",
        target=locality,
        locality=locality,
        data={"changed": changed},
    )
    return locality


#: Which status a locality may move to from each (docs/adr/0041).
TRANSITIONS: dict[str, frozenset[str]] = {
    Locality.Status.ACTIVE: frozenset(
        {Locality.Status.PAUSED, Locality.Status.ARCHIVED}
    ),
    Locality.Status.PAUSED: frozenset(
        {Locality.Status.ACTIVE, Locality.Status.ARCHIVED}
    ),
    Locality.Status.ARCHIVED: frozenset(
        {Locality.Status.ACTIVE, Locality.Status.PAUSED}
    ),
}
STATUS_ACTIONS: dict[tuple[str, str], str] = {
    (Locality.Status.ACTIVE, Locality.Status.PAUSED): "locality_paused",
    (Locality.Status.PAUSED, Locality.Status.ACTIVE): "locality_unpaused",
    (Locality.Status.ACTIVE, Locality.Status.ARCHIVED): "locality_archived",
    (Locality.Status.PAUSED, Locality.Status.ARCHIVED): "locality_archived",
    (Locality.Status.ARCHIVED, Locality.Status.ACTIVE): "locality_unarchived",
    (Locality.Status.ARCHIVED, Locality.Status.PAUSED): "locality_unarchived",
}


@transaction.atomic
def locality_status_change(
    *, actor: Any, locality: Locality, status: str, reason: str
) -> Locality:
    """Pause, unpause, archive or bring back a locality. Only a deployment
    administrator may, always with a reason, which the audit log keeps.
    Asking for the status it already has changes nothing (a double click).
    Raises ApplicationError for an unknown status or no reason."""
    _require_superuser(actor)
    if status not in Locality.Status.values:
        raise ApplicationError(_("Choose what to do."), field="status")
    reason = " ".join(reason.split())
    if len(reason) < 5:
        raise ApplicationError(
            _("Say why, in a few words: the audit log keeps the reason."),
            field="reason",
        )
    if len(reason) > 500:
        raise ApplicationError(
            _("The reason must be 500 characters or fewer."), field="reason"
        )
    locality = Locality.objects.select_for_update().get(pk=locality.pk)
    before = locality.status
    if before == status:
        return locality
    if status not in TRANSITIONS[before]:  # pragma: no cover - every pair allowed
        raise ApplicationError(_("That change is not possible."), field="status")
    locality.status = status
    locality.status_reason = reason
    locality.status_changed_at = timezone.now()
    locality.save(update_fields=["status", "status_reason", "status_changed_at"])
    audit_record(
        actor=actor,
        action=STATUS_ACTIONS[(before, status)],
        target=locality,
        locality=locality,
        data={"from": before, "to": status, "reason": reason},
    )
    return locality


def locality_require_open(locality: Any, *, field: str | None = None) -> None:
    """Refuse anything new (joining, applying to help, a help request, a
    booking) in a locality that is paused or archived, saying so plainly.
    ``locality`` may be a Locality or its id."""
    if not isinstance(locality, Locality):
        locality = Locality.objects.only("name", "phone", "status").get(pk=locality)
    if locality.status == Locality.Status.ACTIVE:
        return
    if locality.status == Locality.Status.PAUSED:
        message = _(
            "%(name)s is paused just now: it is not taking new members, help "
            "requests or bookings. Visits and activities already arranged go "
            "ahead. To talk to someone, phone %(phone)s."
        )
    else:
        message = _(
            "%(name)s has closed: it no longer takes new members, help requests "
            "or bookings."
        )
    raise ApplicationError(
        message % {"name": locality.name, "phone": locality.phone}, field=field
    )
