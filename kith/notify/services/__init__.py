"""The outbox: queue a message in the caller's transaction, send after commit.

A message goes through these states: queued → sending → sent → delivered (when
the provider's receipt says so), or failed. Sending is at most once per
message: a worker claims a batch (queued → sending) in one transaction, hands
each message to the channel with its ``reference`` as the provider's
reference, and records the answer. A worker that dies mid-batch leaves
messages in "sending"; ``outbox_recover`` asks the channel whether each one
arrived before it queues it again, so nothing is lost and nothing is sent
twice. Messages to one address go out in the order they were queued.

The services are split by concept into the modules of this package; every
name callers use is re-exported here, so ``kith.notify.services.<name>``
keeps working.
"""

from kith.notify.services.calls import (  # noqa: F401
    call_record,
)
from kith.notify.services.configuration import (  # noqa: F401
    TemplateCheck,
    _require_admin,
    held_messages_release,
    notify_check_run,
    notify_templates_check,
)
from kith.notify.services.failures import (  # noqa: F401
    call_for_failed,
    message_fail,
    message_hold,
    message_summary,
    template_problem_record,
)
from kith.notify.services.policy import (  # noqa: F401
    OutboxRules,
    lease_seconds,
    log,
    rules,
)
from kith.notify.services.queueing import (  # noqa: F401
    _Batch,
    _enqueue,
    _fingerprint,
    _send_after_commit,
    channel_for_person,
    message_queue,
    message_queue_for_person,
)
from kith.notify.services.receipts import (  # noqa: F401
    _BAD_DETAIL,
    _DELIVERED,
    _FAILED,
    _receipt_time,
    delivery_receipt_record,
)
from kith.notify.services.recovery import (  # noqa: F401
    outbox_recover,
    outbox_sweep,
)
from kith.notify.services.sending import (  # noqa: F401
    _FINISHED,
    PROVIDER_DOWN_AFTER,
    SECRET_MAX_AGE,
    WAITING_DAILY_LIMIT,
    Lease,
    _claim,
    _deliver_after_lapse,
    _in_quiet_hours,
    _quiet_hours_end,
    _record,
    _release,
    _send,
    _within_daily_limits,
    backoff,
    message_send,
    message_send_task,
    messages_send,
    messages_send_task,
    secrets_forget,
)
