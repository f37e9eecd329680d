"""Background jobs of the outbox and the scheduler: take ids, call a service."""

from django_tasks import task

from kith.notify import schedule
from kith.notify.services import messages_send


@task(queue_name="notify")
def messages_send_task(message_ids: list[int]) -> int:
    return messages_send(message_ids=message_ids)


@task(queue_name="notify")
def message_send_task(message_id: int) -> None:
    """Kept for tasks queued before messages were sent in batches."""
    messages_send(message_ids=[message_id])


@task()
def job_run_task(run_id: int) -> str:
    return schedule.job_run(run_id=run_id)
