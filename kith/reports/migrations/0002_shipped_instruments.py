"""Version 1 of the ONS measures, as published (kith/reports/scoring.py)."""

from django.db import migrations

# Taken from scoring.SHIPPED, whose version-1 wording a test pins word for
# word (kith/reports/tests/test_scoring.py), so an edit there fails the tests
# instead of quietly changing what this migration makes.
from kith.reports.scoring import SHIPPED


def add_shipped(apps, schema_editor):
    Instrument = apps.get_model("reports", "Instrument")
    Item = apps.get_model("reports", "InstrumentItem")
    for spec in SHIPPED:
        if Instrument.objects.filter(code=spec["code"], version=1).exists():
            continue
        instrument = Instrument.objects.create(
            code=spec["code"],
            version=1,
            title=spec["title"],
            source=spec["source"],
            introduction=spec["introduction"],
            shipped=True,
        )
        for position, (key, text, answers) in enumerate(spec["items"]):
            Item.objects.create(
                instrument=instrument,
                position=position,
                key=key,
                text=text,
                answers=[list(pair) for pair in answers],
            )


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_surveys_and_settings")]

    operations = [migrations.RunPython(add_shipped, migrations.RunPython.noop)]
