"""The periodic jobs of memberships (registered with the scheduler, which
finds this module). ``manage.py memberships_daily`` runs both by hand."""

from datetime import time

from kith.members.services import memberships_lapse, renewal_reminders_queue
from kith.notify.schedule import scheduled

scheduled("memberships_lapse", at=time(1, 0))(memberships_lapse)
scheduled("renewal_reminders", at=time(9, 15))(renewal_reminders_queue)
