"""Pages for Neighbourhood Helpers and the coordinators who vet them.

Views are thin: they check the role, bind the form, call one service and
redirect; an ApplicationError's message goes next to its field. Reads go
through the selectors. Every page works without JavaScript; the list also
answers htmx with just its rows.

One module per part of the site; every view is here too, for the URLs:

- ``applying``: the application's question pages
- ``record``: one helper's record
- ``profile``: changing a helper's skills, details, address and times
- ``status``: pause, resume, approve, leave, add a referee
- ``checks``: recording and withdrawing vetting checks
- ``dbs``: a DBS certificate's record and scanned copy
- ``listing``: the coordinators' list and CSV export
- ``duplicates``: merging two records of one person
- ``skills``: the locality's skills list
- ``sharing``: sharing helpers with a neighbouring locality
"""

from kith.helpers.views.applying import (
    apply_check,
    apply_done,
    apply_start,
    apply_step,
)
from kith.helpers.views.checks import check_choose, check_record, check_withdraw
from kith.helpers.views.dbs import dbs_consent, dbs_record, dbs_scan, dbs_scan_delete
from kith.helpers.views.duplicates import duplicate
from kith.helpers.views.listing import helper_export, helper_list
from kith.helpers.views.profile import (
    profile_address,
    profile_availability,
    profile_details,
    profile_skills,
    profile_time_away,
)
from kith.helpers.views.record import helper_detail, own_profile
from kith.helpers.views.sharing import sharing_page
from kith.helpers.views.skills import skill_edit, skills_list
from kith.helpers.views.status import (
    helper_approve,
    helper_leave,
    profile_pause,
    profile_resume,
    referee_add,
)

__all__ = [
    "apply_check",
    "apply_done",
    "apply_start",
    "apply_step",
    "check_choose",
    "check_record",
    "check_withdraw",
    "dbs_consent",
    "dbs_record",
    "dbs_scan",
    "dbs_scan_delete",
    "duplicate",
    "helper_approve",
    "helper_detail",
    "helper_export",
    "helper_leave",
    "helper_list",
    "own_profile",
    "profile_address",
    "profile_availability",
    "profile_details",
    "profile_pause",
    "profile_resume",
    "profile_skills",
    "profile_time_away",
    "referee_add",
    "sharing_page",
    "skill_edit",
    "skills_list",
]
