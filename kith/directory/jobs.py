"""The directory's daily job (found by kith.notify.schedule): entries not
checked for a year are flagged to their editors, then hidden."""

from datetime import time

from kith.directory.services import services_check_stale
from kith.notify.schedule import scheduled

scheduled("directory_check_stale", at=time(7, 15))(services_check_stale)
