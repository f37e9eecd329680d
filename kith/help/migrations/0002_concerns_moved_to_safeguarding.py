"""help.Concern is gone: concerns live in kith.safeguarding (ADR 0033)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("help", "0001_initial"),
        # The concerns are copied into safeguarding first (ADR 0033).
        ("safeguarding", "0002_concerns_moved_from_help"),
    ]

    operations = [
        migrations.DeleteModel(
            name="Concern",
        ),
    ]
