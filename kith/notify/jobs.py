"""The outbox's periodic job (the scheduler's own, pruning old runs, are in
kith.notify.schedule). Each app registers its jobs in its own ``jobs.py``."""

from kith.notify.schedule import scheduled
from kith.notify.services import outbox_sweep

# Retries after backoff, texts held over quiet hours, messages a dead worker
# left half-sent.
scheduled("outbox_sweep", every_minutes=1)(outbox_sweep)
