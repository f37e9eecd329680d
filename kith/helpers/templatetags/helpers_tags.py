"""How helpers' statuses, levels and checks are shown."""

from django import template
from django.utils.translation import gettext_lazy as _

from kith.helpers.models import HelperStatus
from kith.helpers.vetting import CheckKind, VettingLevel

register = template.Library()

STATUS_TAGS: dict[str, str] = {
    HelperStatus.APPLIED: "govuk-tag--blue",
    HelperStatus.VETTING: "govuk-tag--yellow",
    HelperStatus.ACTIVE: "govuk-tag--green",
    HelperStatus.PAUSED: "govuk-tag--orange",
    HelperStatus.LEFT: "govuk-tag--grey",
}
LEVEL_TAGS: dict[str, str] = {
    VettingLevel.NONE: "govuk-tag--grey",
    VettingLevel.BASIC: "govuk-tag--light-blue",
    VettingLevel.ENHANCED: "govuk-tag--turquoise",
    VettingLevel.ENHANCED_BARRED: "govuk-tag--purple",
}
MISSING = {
    CheckKind.IDENTITY: _("an identity check"),
    CheckKind.REFERENCE: _("a reference"),
    CheckKind.INDUCTION: _("induction training"),
    CheckKind.SAFEGUARDING: _("safeguarding training"),
    CheckKind.DBS: _("an enhanced DBS certificate"),
    "dbs_barred": _("an enhanced DBS certificate with the adults’ barred list"),
}
REASONS = {
    "name_and_date_of_birth": _("the same name and date of birth"),
    "name_and_postcode": _("the same name and postcode"),
    "phone": _("the same phone number"),
    "email_given": _("the email address given when applying is theirs"),
    "mobile_given": _("the mobile number given when applying is theirs"),
}


@register.filter
def status_tag(status: str) -> str:
    return STATUS_TAGS.get(status, "govuk-tag--grey")


@register.filter
def status_label(status: str) -> str:
    try:
        return str(HelperStatus(status).label)
    except ValueError:
        return status


@register.filter
def level_tag(level: str) -> str:
    return LEVEL_TAGS.get(level, "govuk-tag--grey")


@register.filter
def level_label(level: str) -> str:
    try:
        return str(VettingLevel(level).label)
    except ValueError:
        return level


@register.filter
def kind_label(kind: str) -> str:
    try:
        return str(CheckKind(kind).label)
    except ValueError:
        return kind


@register.filter
def kind_heading(kind: str) -> str:
    """The name of a kind of check as a heading: references come in twos."""
    if kind == CheckKind.REFERENCE:
        return str(_("References (two)"))
    return kind_label(kind)


@register.filter
def missing_label(kind: str) -> str:
    return str(MISSING.get(kind, kind))


@register.filter
def reason_label(reason: str) -> str:
    return str(REASONS.get(reason, reason))


@register.filter
def lookup(mapping: dict, key: object) -> object:
    return mapping.get(key, key) if mapping else key
