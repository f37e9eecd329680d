"""The outbox's and the scheduler's background tasks, by their old paths.

Each task is defined next to the function it runs (``kith.notify.services``
and ``kith.notify.schedule``), so that nothing in the outbox imports this
module: tasks queued before the move name these paths, and still run.
"""

from kith.notify.schedule import job_run_task
from kith.notify.services import message_send_task, messages_send_task

__all__ = ["job_run_task", "message_send_task", "messages_send_task"]
