"""Pages of the projects part: thin, each calls one selector or service.

The views live in one module per group of pages (assets, nominations,
projects, proposing, checking, pledges, volunteers, updates); this package
re-exports them for the URLs."""

from kith.projects.views.assets import (
    ASSET_FIELDS,
    asset_detail,
    asset_edit,
    asset_photo_add,
    assets_public,
    photo,
    register,
)
from kith.projects.views.checking import (
    project_check,
    to_check,
)
from kith.projects.views.nominations import (
    disposal_add,
    nomination_add,
    nomination_decide,
    nomination_submit,
)
from kith.projects.views.pledges import (
    fund_edit,
    funds,
    pledge,
    pledge_received,
)
from kith.projects.views.projects import (
    figures,
    poster,
    project_detail,
    project_settings,
    projects_home,
    short,
)
from kith.projects.views.proposing import (
    PROPOSE,
    ProposeQuestions,
    propose_check,
    propose_done,
    propose_start,
    propose_step,
)
from kith.projects.views.quotes import quote_add, quote_file, quote_remove
from kith.projects.views.tasks import task_add, task_done, task_step_back, task_take_on
from kith.projects.views.updates import (
    project_done,
    update_add,
)
from kith.projects.views.volunteers import (
    hours_add,
    work_day_add,
)

__all__ = [
    "ASSET_FIELDS",
    "PROPOSE",
    "ProposeQuestions",
    "asset_detail",
    "asset_edit",
    "asset_photo_add",
    "assets_public",
    "disposal_add",
    "figures",
    "fund_edit",
    "funds",
    "hours_add",
    "nomination_add",
    "nomination_decide",
    "nomination_submit",
    "photo",
    "pledge",
    "pledge_received",
    "poster",
    "project_check",
    "project_detail",
    "project_done",
    "project_settings",
    "projects_home",
    "propose_check",
    "propose_done",
    "propose_start",
    "propose_step",
    "quote_add",
    "quote_file",
    "quote_remove",
    "register",
    "short",
    "task_add",
    "task_done",
    "task_step_back",
    "task_take_on",
    "to_check",
    "update_add",
    "work_day_add",
]
