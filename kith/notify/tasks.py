"""Background jobs of the outbox: take ids, call a service."""

from django_tasks import task

from kith.notify.services import message_send


@task(queue_name="notify")
def message_send_task(message_id: int) -> None:
    message_send(message_id=message_id)
