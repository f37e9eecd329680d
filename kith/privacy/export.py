"""Everything Kith holds about a person, as a ZIP of JSON files and a
readable page (UK GDPR articles 15 and 20)."""

import io
import json
import zipfile
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db.models import Model, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.models import SignInAttempt, User
from kith.core.models import AuditEvent
from kith.privacy.catalogue import KINDS, WITHHELD_WHY, Holding
from kith.privacy.selectors import everything_about


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        return (
            timezone.localtime(value).isoformat()
            if timezone.is_aware(value)
            else value.isoformat()
        )
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return None
    if hasattr(value, "name") and hasattr(value, "storage"):  # a file
        return value.name or None
    return value


def row_data(holding: Holding, row: Model) -> dict[str, Any]:
    """A row as plain data: each field's value, the words a page shows for
    coded values, and the record a relation points to by its name."""
    data: dict[str, Any] = {}
    for field in row._meta.concrete_fields:
        if field.name in holding.withheld:
            continue
        if field.is_relation:
            related_id = getattr(row, field.attname)
            if related_id is None:
                data[field.name] = None
                continue
            related = getattr(row, field.name)
            data[field.name] = {"id": _value(related_id), "name": str(related)}
            continue
        value = getattr(row, field.attname)
        data[field.name] = _value(value)
        if field.choices and value not in (None, ""):
            display = getattr(row, f"get_{field.name}_display", None)
            if display is not None:
                data[f"{field.name}_shown_as"] = str(display())
    return data


def _audit_about(person: User) -> list[AuditEvent]:
    labels = {"accounts.user": [str(person.pk)]}
    for name, label in (
        ("memberships", "members.membership"),
        ("helper_profiles", "helpers.helperprofile"),
    ):
        labels[label] = [
            str(pk) for pk in getattr(person, name).values_list("pk", flat=True)
        ]
    about = Q(on_behalf_of=person)
    for label, ids in labels.items():
        if ids:
            about |= Q(target_type=label, target_id__in=ids)
    return list(
        AuditEvent.objects.filter(about)
        .select_related("actor")
        .order_by("created_at", "pk")
    )


def person_data(person: User) -> dict[str, Any]:
    """What the export holds, as one JSON-ready structure."""
    kinds = {kind.code: kind for kind in KINDS}
    records = []
    for holding, rows in everything_about(person=person):
        kind = kinds[holding.kind]
        records.append(
            {
                "record": holding.model,
                "kind": holding.kind,
                "kind_title": str(kind.title),
                "why": str(kind.why),
                "lawful_basis": str(kind.basis),
                "kept_for": str(kind.retention),
                "withheld_fields": list(holding.withheld),
                "rows": [row_data(holding, row) for row in rows],
            }
        )
    identifiers = [value for value in (person.email, person.mobile) if value]
    attempts = (
        list(
            SignInAttempt.objects.filter(identifier__in=identifiers)
            .order_by("created_at")
            .values("created_at", "succeeded", "ip_address")
        )
        if identifiers
        else []
    )
    audit = [
        {
            "when": _value(event.created_at),
            "who": str(event.actor) if event.actor_id else _("Kith, on its own"),
            "what": event.action,
            "record": event.target_label,
            "from_address": event.ip_address,
        }
        for event in _audit_about(person)
    ]
    return {
        "made_at": _value(timezone.now()),
        "person": {"id": person.pk, "name": str(person)},
        "records": records,
        "sign_in_attempts": [
            {key: _value(value) for key, value in attempt.items()}
            for attempt in attempts
        ],
        "who_did_what": audit,
        "withheld": str(WITHHELD_WHY),
    }


def person_export_zip(person: User, *, locality: Any) -> bytes:
    """The ZIP: data.json (everything), one JSON file per kind of record,
    and summary.html, a page a person can read."""
    data = person_data(person)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, indent=2, ensure_ascii=False))
        for record in data["records"]:
            archive.writestr(
                f"records/{record['record']}.json",
                json.dumps(record, indent=2, ensure_ascii=False),
            )
        archive.writestr(
            "summary.html",
            render_to_string(
                "privacy/export_summary.html", {"data": data, "locality": locality}
            ),
        )
    return buffer.getvalue()
