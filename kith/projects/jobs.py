"""The periodic jobs of projects (found by the scheduler): reminders to
council officers of Asset of Community Value decisions due, the end of
listings whose five years are over, and closing the funding of projects
whose deadline has passed (applying their funding model). All idempotent."""

from datetime import time

from kith.notify.schedule import scheduled
from kith.projects.services import (
    nomination_reminders_queue,
    nominations_end_listings,
    projects_funding_close_due,
)

scheduled("acv_decisions_due", at=time(9, 0))(nomination_reminders_queue)
scheduled("acv_listings_end", at=time(0, 40))(nominations_end_listings)

scheduled("projects_funding_close", at=time(0, 50))(projects_funding_close_due)
