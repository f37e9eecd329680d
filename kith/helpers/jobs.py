"""The periodic jobs of helpers (registered with the scheduler, which finds
this module): stored vetting levels, reminders of lapsing checks, DBS scans
purged. The management commands of the same names run them by hand."""

from datetime import time

from kith.helpers.services import (
    dbs_scans_purge,
    vetting_levels_refresh,
    vetting_reminders_send,
)
from kith.notify.schedule import scheduled

scheduled("vetting_levels_refresh", at=time(1, 15))(vetting_levels_refresh)
scheduled("vetting_reminders", at=time(9, 45))(vetting_reminders_send)
scheduled("dbs_scans_purge", at=time(1, 30))(dbs_scans_purge)
