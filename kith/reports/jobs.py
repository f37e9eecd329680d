"""The reports' periodic job: last night's count of visits by month."""

from datetime import time

from kith.notify.schedule import scheduled
from kith.reports.services import visit_months_refresh_all


@scheduled("visit_months", at=time(2, 40))
def visit_months() -> str:
    return f"{visit_months_refresh_all()} rows"
