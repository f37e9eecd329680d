"""A separate process working on an outbox, for the crash test.

``python -m kith.notify.tests.outbox_process COMMAND`` with the database in
the environment (KITH_VAR_DIR for SQLite, or DATABASE_URL):

- ``setup``: migrate the database;
- ``queue N``: queue N text messages to ten people in one transaction;
- ``sweep``: recover messages a dead worker left, and send what is due;
- ``report``: print each message's reference and status as JSON.
"""

import json
import os
import sys


def main(command: str, *args: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kith.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from kith.notify import services
    from kith.notify.models import Message

    if command == "setup":
        call_command("migrate", verbosity=0)
    elif command == "queue":
        with transaction.atomic():
            for number in range(int(args[0])):
                services.message_queue(
                    to=f"0770090{number % 10:04d}",
                    channel="sms",
                    template="sign_in_code",
                    personalisation={
                        "service_name": "Kith",
                        "code": f"{number:06d}",
                        "locality_name": "Testford Circle",
                        "locality_phone": "020 7946 0999",
                    },
                )
    elif command == "sweep":
        # As the sweep would run once the dead worker's leases ran out.
        from datetime import timedelta

        from django.utils import timezone

        later = timezone.now() + timedelta(seconds=services.rules().lease_seconds + 1)
        services.outbox_sweep(now=later)
    elif command == "report":
        rows = Message.objects.order_by("pk").values_list("reference", "status")
        print(json.dumps([[str(ref), status] for ref, status in rows]))
    else:
        raise SystemExit(f"Unknown command {command}")


if __name__ == "__main__":
    main(*sys.argv[1:])
