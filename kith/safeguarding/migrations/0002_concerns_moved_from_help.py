"""Every concern raised from a visit before safeguarding had its own part
(help.Concern) becomes a safeguarding concern, so nothing is lost and there
is one concept of a concern. What a helper wrote becomes what they saw or
heard; a concern a coordinator had dealt with is closed with its outcome.
Help's model is removed by help's next migration, after this one."""

from datetime import timedelta

from django.db import migrations


def forwards(apps, schema_editor):
    Old = apps.get_model("help", "Concern")
    New = apps.get_model("safeguarding", "Concern")
    for old in Old.objects.order_by("pk").iterator():
        closed = old.status == "closed"
        new = New.objects.create(
            locality_id=old.locality_id,
            about="member",
            membership_id=old.membership_id,
            visit_id=old.visit_id,
            raised_by_id=old.raised_by_id,
            channel="moved",
            facts=old.text,
            status="closed" if closed else "open",
            acknowledge_by=old.created_at + timedelta(days=1),
            acknowledged_at=old.updated_at if closed else None,
            acknowledged_by_id=old.handled_by_id if closed else None,
            outcome=old.outcome,
            wishes_met="not_known" if closed else "",
            closed_at=old.updated_at if closed else None,
            closed_by_id=old.handled_by_id if closed else None,
        )
        # created_at is not editable through create(); keep the original.
        New.objects.filter(pk=new.pk).update(
            created_at=old.created_at, updated_at=old.updated_at
        )


def backwards(apps, schema_editor):
    Old = apps.get_model("help", "Concern")
    New = apps.get_model("safeguarding", "Concern")
    for new in New.objects.filter(about="member").order_by("pk").iterator():
        Old.objects.create(
            locality_id=new.locality_id,
            membership_id=new.membership_id,
            visit_id=new.visit_id,
            raised_by_id=new.raised_by_id,
            text=new.facts,
            status=new.status,
            handled_by_id=new.closed_by_id,
            outcome=new.outcome,
        )
    New.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("safeguarding", "0001_concerns")]

    operations = [migrations.RunPython(forwards, backwards)]
