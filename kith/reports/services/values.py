"""The council's values for its figures: proxy values, the commercial price
of each kind of help, and licensed instruments' scoring rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.models import User
from kith.accounts.permissions import Perm, require_perm
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.help.models import HelpCategory
from kith.places.models import Locality
from kith.reports.models import (
    HelpValue,
    InstrumentScoring,
    ProxyValue,
)

# --- the council's values: proxies and the price of help -----------------------

#: The earliest prices a proxy value may be given in.
PROXY_FIRST_YEAR = 1970
PROXY_MAX_PENCE = 100_000_000  # one million pounds a person


def _proxy_clean(
    *,
    outcome: str,
    value_pence: int,
    source: str,
    year: int,
    licence: str,
    deadweight_percent: Decimal,
    today: date,
) -> dict[str, Any]:
    """The fields of a proxy value, tidied; raises ApplicationError naming
    the first field that is wrong."""
    outcome, source, licence = outcome.strip(), source.strip(), licence.strip()
    if not outcome:
        raise ApplicationError(_("Enter the outcome it values."), field="outcome")
    if isinstance(value_pence, bool) or not 0 <= value_pence <= PROXY_MAX_PENCE:
        raise ApplicationError(
            _("Enter a value from £0 to £1,000,000."), field="value_pence"
        )
    if not source:
        raise ApplicationError(_("Enter where the value comes from."), field="source")
    if not PROXY_FIRST_YEAR <= year <= today.year:
        raise ApplicationError(
            _("Enter the year of its prices, from %(first)s to %(last)s.")
            % {"first": PROXY_FIRST_YEAR, "last": today.year},
            field="year",
        )
    if not licence:
        raise ApplicationError(
            _("Enter the licence under which the council may use it."),
            field="licence",
        )
    if not Decimal(0) <= deadweight_percent <= Decimal(100):
        raise ApplicationError(
            _("Enter the deadweight as a percentage from 0 to 100."),
            field="deadweight_percent",
        )
    return {
        "outcome": outcome,
        "value_pence": value_pence,
        "source": source,
        "year": year,
        "licence": licence,
        "deadweight_percent": deadweight_percent.quantize(Decimal("0.01")),
    }


def _proxy_in_use_clash(locality: Locality, outcome: str, pk: int | None) -> None:
    clash = ProxyValue.objects.filter(
        locality=locality, outcome__iexact=outcome, retired_at__isnull=True
    )
    if pk is not None:
        clash = clash.exclude(pk=pk)
    if clash.exists():
        raise ApplicationError(
            _(
                "The council already uses a value for this outcome. Change that "
                "one, or retire it first."
            ),
            field="outcome",
        )


def _proxy_data(proxy: ProxyValue) -> dict[str, Any]:
    return {
        "outcome": proxy.outcome,
        "value_pence": proxy.value_pence,
        "source": proxy.source,
        "year": proxy.year,
        "licence": proxy.licence,
        "deadweight_percent": str(proxy.deadweight_percent),
    }


@transaction.atomic
def proxy_value_add(
    *,
    actor: User,
    locality: Locality,
    outcome: str,
    value_pence: int,
    source: str,
    year: int,
    licence: str,
    deadweight_percent: Decimal,
    submission_key: str | None = None,
    today: date | None = None,
) -> ProxyValue:
    """Add a proxy value the council will use. Needs the reports permission
    in ``locality`` (PermissionDenied). Raises ApplicationError for a blank
    outcome, source or licence, a negative value, a year before 1970 or in
    the future, a deadweight outside 0 to 100%, or an outcome that already
    has a value in use. The same submission twice makes one value."""
    require_perm(actor, Perm.REPORTS_VIEW, locality)
    if submission_key:
        found = ProxyValue.objects.filter(submission_key=submission_key).first()
        if found is not None:
            if found.locality_id != locality.pk:
                raise PermissionDenied
            return found
    fields = _proxy_clean(
        outcome=outcome,
        value_pence=value_pence,
        source=source,
        year=year,
        licence=licence,
        deadweight_percent=deadweight_percent,
        today=today or timezone.localdate(),
    )
    # One locality's values at a time, so two officers adding the same
    # outcome at once cannot both pass the check below.
    Locality.objects.select_for_update().filter(pk=locality.pk).first()
    _proxy_in_use_clash(locality, fields["outcome"], None)
    proxy = ProxyValue(
        locality=locality, submission_key=submission_key or None, **fields
    )
    proxy.full_clean()
    proxy.save()
    audit_record(
        actor=actor,
        action="proxy_value_added",
        target=proxy,
        locality=locality,
        data=_proxy_data(proxy),
    )
    return proxy


@transaction.atomic
def proxy_value_change(
    *,
    actor: User,
    proxy: ProxyValue,
    outcome: str,
    value_pence: int,
    source: str,
    year: int,
    licence: str,
    deadweight_percent: Decimal,
    today: date | None = None,
) -> ProxyValue:
    """Change a proxy value in use; the audit trail keeps what it was.
    Raises as ``proxy_value_add`` does, and ApplicationError for a retired
    value (restore it first)."""
    require_perm(actor, Perm.REPORTS_VIEW, proxy.locality)
    Locality.objects.select_for_update().filter(pk=proxy.locality_id).first()
    proxy = ProxyValue.objects.select_for_update().get(pk=proxy.pk)
    if proxy.retired_at is not None:
        raise ApplicationError(_("This value is retired. Use it again first."))
    fields = _proxy_clean(
        outcome=outcome,
        value_pence=value_pence,
        source=source,
        year=year,
        licence=licence,
        deadweight_percent=deadweight_percent,
        today=today or timezone.localdate(),
    )
    _proxy_in_use_clash(proxy.locality, fields["outcome"], proxy.pk)
    before = _proxy_data(proxy)
    for name, value in fields.items():
        setattr(proxy, name, value)
    after = _proxy_data(proxy)
    changed = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if not changed:
        return proxy
    proxy.full_clean()
    proxy.save()
    audit_record(
        actor=actor,
        action="proxy_value_changed",
        target=proxy,
        locality=proxy.locality,
        data={"changed": changed},
    )
    return proxy


@transaction.atomic
def proxy_value_retire(
    *, actor: User, proxy: ProxyValue, retire: bool = True
) -> ProxyValue:
    """Stop using a proxy value (or, with ``retire`` False, use it again).
    It is kept, never deleted: reports already published may have shown
    it. Doing it twice changes nothing. Raises ApplicationError when using
    it again would give an outcome two values in use."""
    require_perm(actor, Perm.REPORTS_VIEW, proxy.locality)
    Locality.objects.select_for_update().filter(pk=proxy.locality_id).first()
    proxy = ProxyValue.objects.select_for_update().get(pk=proxy.pk)
    if (proxy.retired_at is not None) == retire:
        return proxy
    if not retire:
        _proxy_in_use_clash(proxy.locality, proxy.outcome, proxy.pk)
    proxy.retired_at = timezone.now() if retire else None
    proxy.save(update_fields=["retired_at"])
    audit_record(
        actor=actor,
        action="proxy_value_retired" if retire else "proxy_value_restored",
        target=proxy,
        locality=proxy.locality,
        data={"outcome": proxy.outcome},
    )
    return proxy


HELP_VALUE_MAX_PENCE = 100_000  # £1,000 an hour


@transaction.atomic
def help_value_set(
    *,
    actor: User,
    category: HelpCategory,
    pence_per_hour: int | None,
    source: str,
) -> HelpValue | None:
    """Set what an hour of ``category`` would cost from a business (the
    value each visit of it is given), or with ``pence_per_hour`` None take
    the price away (its visits then have no value). Needs the reports
    permission in the category's locality. Raises ApplicationError for a
    price outside 1p to £1,000 an hour or a price with no source."""
    locality = category.locality
    require_perm(actor, Perm.REPORTS_VIEW, locality)
    HelpCategory.objects.select_for_update().filter(pk=category.pk).first()
    held = HelpValue.objects.filter(category=category).first()
    if pence_per_hour is None:
        if held is None:
            return None
        removed = {"pence_per_hour": held.pence_per_hour, "source": held.source}
        held.delete()
        audit_record(
            actor=actor,
            action="help_value_removed",
            target=category,
            locality=locality,
            data={"category": category.name, "was": removed},
        )
        return None
    source = source.strip()
    if isinstance(pence_per_hour, bool) or not (
        1 <= pence_per_hour <= HELP_VALUE_MAX_PENCE
    ):
        raise ApplicationError(
            _("Enter a price an hour from 1p to £1,000."), field="pence_per_hour"
        )
    if not source:
        raise ApplicationError(
            _("Enter where the price comes from, like a local firm's rates."),
            field="source",
        )
    before = (
        {"pence_per_hour": held.pence_per_hour, "source": held.source}
        if held is not None
        else None
    )
    after = {"pence_per_hour": pence_per_hour, "source": source}
    if before == after and held is not None:
        return held
    value = held or HelpValue(locality=locality, category=category)
    value.pence_per_hour = pence_per_hour
    value.source = source
    value.full_clean()
    value.save()
    audit_record(
        actor=actor,
        action="help_value_set",
        target=category,
        locality=locality,
        data={"category": category.name, "was": before, "now": after},
    )
    return value


# --- licensed instruments' scoring ----------------------------------------------


@transaction.atomic
def instrument_scoring_save(*, actor: User, scoring_rule: InstrumentScoring) -> None:
    """Save an administrator's scoring rule for a licensed instrument
    (from the Django admin, which only administrators reach). Raises
    ValidationError from the rule's checks; records who set what."""
    if not (actor.is_superuser or actor.is_staff):
        raise PermissionDenied
    scoring_rule.full_clean()
    scoring_rule.set_at = timezone.now()
    scoring_rule.save()
    audit_record(
        actor=actor,
        action="instrument_scoring_set",
        target=scoring_rule.instrument,
        data={
            "instrument": str(scoring_rule.instrument),
            "item_min": scoring_rule.item_min,
            "item_max": scoring_rule.item_max,
            "min_answered": scoring_rule.min_answered,
            "conversion_lines": len(
                [line for line in scoring_rule.conversion.splitlines() if line.strip()]
            ),
            "higher_is_better": scoring_rule.higher_is_better,
        },
    )
