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
from django.utils.text import slugify
from django.utils.translation import gettext as _

from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.places import hooks
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
) -> Locality:
    """Create a locality with its wards, and let every part set it up."""
    if not (getattr(actor, "is_superuser", False) and actor.is_active):
        raise PermissionDenied
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
    locality = Locality(
        name=name,
        slug=slug,
        council_name=" ".join(council_name.split()),
        phone=phone.strip(),
        email=email.strip(),
        address=address.strip(),
        domain=domain,
    )
    try:
        locality.full_clean()
    except ValidationError as error:
        field, problems = next(iter(error.message_dict.items()))
        raise ApplicationError(problems[0], field=field) from None
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
        data={"wards": [ward.ons_code for ward in wards], "domain": domain},
    )
    hooks.locality_created.run(locality=locality, actor=actor)
    return locality
