"""Members' flags and helpers' decisions about possible duplicates become one
model, accounts.PossibleDuplicate: each pair once, known-first record first.

A pair both flagged by joining and decided on the helpers' list keeps the
decision. Nothing is lost: every flag and decision is copied before the old
models are removed (members 0002, helpers 0002).
"""

from django.db import migrations


def _put(PossibleDuplicate, *, locality_id, a, b, **fields):
    first, second = (a, b) if a < b else (b, a)
    if first == second:
        return
    pair, created = PossibleDuplicate.objects.get_or_create(
        locality_id=locality_id, first_id=first, second_id=second, defaults=fields
    )
    if (
        not created
        and pair.decision == "open"
        and fields.get("decision", "open") != "open"
    ):
        for name, value in fields.items():
            setattr(pair, name, value)
        pair.save()


def forwards(apps, schema_editor):
    PossibleDuplicate = apps.get_model("accounts", "PossibleDuplicate")
    Flag = apps.get_model("members", "PossibleDuplicate")
    Decision = apps.get_model("helpers", "DuplicateDecision")
    for flag in Flag.objects.select_related("membership").order_by("pk").iterator():
        _put(
            PossibleDuplicate,
            locality_id=flag.membership.locality_id,
            a=flag.membership.person_id,
            b=flag.other_id,
            reason=flag.reason,
            decision=flag.decision,
            found_at=flag.membership.created_at,
            decided_by_id=flag.decided_by_id,
            decided_at=flag.decided_at,
        )
    for decision in Decision.objects.order_by("pk").iterator():
        _put(
            PossibleDuplicate,
            locality_id=decision.locality_id,
            a=decision.first_id,
            b=decision.second_id,
            reason="decided",
            decision="kept",
            found_at=decision.decided_at,
            decided_by_id=decision.decided_by_id,
            decided_at=decision.decided_at,
        )


def backwards(apps, schema_editor):
    PossibleDuplicate = apps.get_model("accounts", "PossibleDuplicate")
    Flag = apps.get_model("members", "PossibleDuplicate")
    Decision = apps.get_model("helpers", "DuplicateDecision")
    Membership = apps.get_model("members", "Membership")
    for pair in PossibleDuplicate.objects.order_by("pk").iterator():
        if pair.reason == "decided":
            Decision.objects.get_or_create(
                locality_id=pair.locality_id,
                first_id=pair.first_id,
                second_id=pair.second_id,
                defaults={
                    "decided_by_id": pair.decided_by_id,
                    "decided_at": pair.decided_at or pair.found_at,
                },
            )
            continue
        membership = Membership.objects.filter(
            person_id=pair.second_id, locality_id=pair.locality_id
        ).first()
        if membership is None:
            continue
        Flag.objects.get_or_create(
            membership=membership,
            other_id=pair.first_id,
            defaults={
                "reason": pair.reason
                if pair.reason != "name_postcode"
                else "name_birth",
                "decision": pair.decision,
                "decided_by_id": pair.decided_by_id,
                "decided_at": pair.decided_at,
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_possible_duplicate"),
        ("members", "0001_initial"),
        ("helpers", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
