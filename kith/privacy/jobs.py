"""The privacy part's periodic job: the retention schedule, nightly."""

from datetime import time

from kith.notify.schedule import scheduled
from kith.privacy.retention import retention_apply


@scheduled("retention", at=time(3, 30))
def retention() -> str:
    outcomes = retention_apply(dry_run=False)
    return (
        "; ".join(f"{o.rule.code} {o.done}" for o in outcomes if o.done)
        or "nothing due"
    )
