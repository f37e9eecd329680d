"""The pot and the outside world become several rows each (ADR 0024): a
shard number, 0 for every existing row (so each keeps its balance and
entries), and one row per (locality, kind, shard). 0005 makes the other
shards.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("credits", "0003_transfer_kind_leaving"),
        ("places", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="account",
            name="credit_account_one_shared",
        ),
        migrations.AddField(
            model_name="account",
            name="shard",
            field=models.PositiveSmallIntegerField(
                default=0,
                help_text="Which of the pot's or the outside world's rows this is.",
                verbose_name="shard",
            ),
        ),
        migrations.AddConstraint(
            model_name="account",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("kind__in", ("pot", "outside")), ("shard", 0), _connector="OR"
                ),
                name="credit_account_personal_shard_zero",
            ),
        ),
        migrations.AddConstraint(
            model_name="account",
            constraint=models.UniqueConstraint(
                condition=models.Q(("person__isnull", True)),
                fields=("locality", "kind", "shard"),
                name="credit_account_one_shared_shard",
            ),
        ),
    ]
