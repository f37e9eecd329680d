from django.core.management.base import BaseCommand

from kith.members.services import memberships_lapse, renewal_reminders_queue


class Command(BaseCommand):
    help = (
        "Lapse memberships whose year ended and queue renewal reminders due in the "
        "next 30 days. Safe to run any number of times: nothing is sent twice."
    )

    def handle(self, *args, **options):
        lapsed = memberships_lapse()
        reminders = renewal_reminders_queue()
        self.stdout.write(
            f"{lapsed} memberships lapsed; {reminders} renewal reminders queued."
        )
