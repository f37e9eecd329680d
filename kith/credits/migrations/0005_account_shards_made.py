"""Make the pot's and the outside world's other shards (ADR 0024).

Every existing pot or outside-world row is shard 0 (0004) and keeps its
balance and entries; the other shards are made, empty, for every locality
that has either. Going back removes the empty shards and refuses, changing
nothing, once credits have moved through any of them (their entries cannot
be moved: the ledger is never changed). Apart from 0004: PostgreSQL cannot
alter a table in the transaction that has just deleted rows from it.
"""

from django.db import migrations

#: The number of shards when this ran (kith.credits.models may change it
#: later; the services make any further shards as they are first needed).
SHARDS = 8
SHARED = ("pot", "outside")


def make_shards(apps, schema_editor):
    account = apps.get_model("credits", "Account")
    localities = (
        account.objects.filter(kind__in=SHARED)
        .values_list("locality_id", flat=True)
        .distinct()
    )
    account.objects.bulk_create(
        [
            account(
                locality_id=locality_id,
                kind=kind,
                shard=shard,
                floor_minutes=0 if kind == "pot" else None,
            )
            for locality_id in localities
            for kind in SHARED
            for shard in range(SHARDS)
        ],
        ignore_conflicts=True,
    )


def remove_shards(apps, schema_editor):
    account = apps.get_model("credits", "Account")
    entry = apps.get_model("credits", "Entry")
    extra = account.objects.filter(kind__in=SHARED, shard__gt=0)
    if entry.objects.filter(account__in=extra).exists():
        raise RuntimeError(
            "Credits have moved through the pot's or the outside world's "
            "shards: their entries cannot be merged back into one row, so "
            "credits 0005 cannot be reversed."
        )
    extra.delete()


class Migration(migrations.Migration):
    dependencies = [("credits", "0004_account_shards")]

    operations = [migrations.RunPython(make_shards, remove_shards)]
