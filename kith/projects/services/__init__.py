"""Writes of the projects part: the asset register, Assets of Community
Value, projects, pledges, volunteers and updates.

Every service takes the acting person as ``actor``, checks their permission
in the locality, validates, writes in its own transaction and records an
audit event. A refused change raises ApplicationError (or PermissionDenied)
and changes nothing.

The writes live in one module per concept (assets, nominations, projects,
pledges, funds, volunteers, updates); this package re-exports the ones callers
use, so ``from kith.projects.services import x`` and ``services.x`` keep
working.
"""

from kith.projects.services.assets import (
    AssetAnswers,
    asset_photo_add,
    asset_save,
)
from kith.projects.services.common import (
    is_organiser,
)
from kith.projects.services.funds import (
    fund_save,
)
from kith.projects.services.nominations import (
    REMIND_DAYS_AHEAD,
    NominationAnswers,
    disposal_notice_record,
    nomination_decide,
    nomination_record,
    nomination_reminders_queue,
    nomination_submit,
    nominations_end_listings,
)
from kith.projects.services.pledges import (
    PledgeAnswers,
    pledge_make,
    pledge_received,
    project_funding_close,
    projects_funding_close_due,
)
from kith.projects.services.projects import (
    PROJECT_TEXTS,
    SHORT_CODE_ALPHABET,
    CostLine,
    ProjectAnswers,
    project_check,
    project_propose,
    project_resubmit,
)
from kith.projects.services.quotes import (
    MOST_QUOTES,
    QUOTE_STATES,
    quote_add,
    quote_remove,
)
from kith.projects.services.tasks import (
    MOST_PEOPLE,
    task_add,
    task_done,
    task_step_back,
    task_take_on,
)
from kith.projects.services.updates import (
    PhotoUpload,
    project_done,
    update_post,
)
from kith.projects.services.volunteers import (
    WorkDayAnswers,
    hours_record,
    project_settings_for,
    project_settings_update,
    work_day_add,
)

__all__ = [
    "MOST_PEOPLE",
    "MOST_QUOTES",
    "PROJECT_TEXTS",
    "QUOTE_STATES",
    "REMIND_DAYS_AHEAD",
    "SHORT_CODE_ALPHABET",
    "AssetAnswers",
    "CostLine",
    "NominationAnswers",
    "PhotoUpload",
    "PledgeAnswers",
    "ProjectAnswers",
    "WorkDayAnswers",
    "asset_photo_add",
    "asset_save",
    "disposal_notice_record",
    "fund_save",
    "hours_record",
    "is_organiser",
    "nomination_decide",
    "nomination_record",
    "nomination_reminders_queue",
    "nomination_submit",
    "nominations_end_listings",
    "pledge_make",
    "pledge_received",
    "project_check",
    "project_done",
    "project_funding_close",
    "project_propose",
    "project_resubmit",
    "project_settings_for",
    "project_settings_update",
    "projects_funding_close_due",
    "quote_add",
    "quote_remove",
    "task_add",
    "task_done",
    "task_step_back",
    "task_take_on",
    "update_post",
    "work_day_add",
]
