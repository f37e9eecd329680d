"""Writes about Neighbourhood Helpers: applying, vetting, profiles, status,
skills lists, duplicates, and the daily jobs (levels, reminders, DBS scans).

Every function checks permission, validates, writes an audit event and owns
its transaction. Each raises ApplicationError (nothing changed; the message
says why, and ``field`` names the form field it belongs to) or
PermissionDenied. Functions run by the system (the daily jobs) take no actor
and record the system as the actor.

One module per concept; everything callers use is here, so
``from kith.helpers.services import helper_apply`` and
``services.helper_apply`` keep working:

- ``details``: what an application or profile says, and how it is checked
- ``applying``: ``helper_apply``
- ``status``: approve, pause, resume, leave
- ``levels``: from checks to the stored vetting level; the daily refresh
- ``checks``: recording and withdrawing vetting checks
- ``dbs``: DBS status checks, consent and scanned copies
- ``reminders``: checks about to lapse
- ``profile``: skills, travel and pay, address, referees
- ``availability``: weekly times and time away
- ``skills``: the locality's skills list
- ``duplicates``: keeping two records apart, or merging them
- ``sharing``: agreeing to share helpers with a neighbouring locality
"""

from kith.helpers.services.applicants import REPEAT_WINDOW
from kith.helpers.services.applying import helper_apply
from kith.helpers.services.availability import (
    availability_exception_add,
    availability_exception_remove,
    availability_slot_add,
    availability_slot_remove,
)
from kith.helpers.services.checks import vetting_check_record, vetting_check_withdraw
from kith.helpers.services.dbs import (
    SCAN_EXTENSIONS,
    SCAN_KEEP_DAYS,
    SCAN_MAX_BYTES,
    DbsDetails,
    dbs_consent_set,
    dbs_scan_delete,
    dbs_scans_purge,
    dbs_status_check_record,
)
from kith.helpers.services.details import (
    MINIMUM_AGE,
    ApplicationDetails,
    RefereeDetails,
    postcode_in_locality,
    referee_clean,
)
from kith.helpers.services.duplicates import (
    STATUS_ORDER,
    duplicate_keep_both,
    helper_merge,
)
from kith.helpers.services.levels import (
    _ladder_value,
    _vetting_recompute,
    profile_facts,
    vetting_levels_refresh,
    vetting_missing,
)
from kith.helpers.services.profile import (
    helper_address_change,
    helper_details_update,
    helper_skills_set,
    referee_add,
)
from kith.helpers.services.reminders import CHECK_NAMES, vetting_reminders_send
from kith.helpers.services.sharing import sharing_agree, sharing_withdraw
from kith.helpers.services.skills import skill_add, skill_update
from kith.helpers.services.status import (
    helper_approve,
    helper_leave,
    helper_pause,
    helper_resume,
    helper_safeguarding_hold,
    helper_safeguarding_release,
    helper_safeguarding_stop,
)

__all__ = [
    "CHECK_NAMES",
    "MINIMUM_AGE",
    "REPEAT_WINDOW",
    "SCAN_EXTENSIONS",
    "SCAN_KEEP_DAYS",
    "SCAN_MAX_BYTES",
    "STATUS_ORDER",
    "ApplicationDetails",
    "DbsDetails",
    "RefereeDetails",
    "_ladder_value",
    "_vetting_recompute",
    "availability_exception_add",
    "availability_exception_remove",
    "availability_slot_add",
    "availability_slot_remove",
    "dbs_consent_set",
    "dbs_scan_delete",
    "dbs_scans_purge",
    "dbs_status_check_record",
    "duplicate_keep_both",
    "helper_address_change",
    "helper_apply",
    "helper_approve",
    "helper_details_update",
    "helper_leave",
    "helper_merge",
    "helper_pause",
    "helper_resume",
    "helper_safeguarding_hold",
    "helper_safeguarding_release",
    "helper_safeguarding_stop",
    "helper_skills_set",
    "postcode_in_locality",
    "profile_facts",
    "referee_add",
    "referee_clean",
    "sharing_agree",
    "sharing_withdraw",
    "skill_add",
    "skill_update",
    "vetting_check_record",
    "vetting_check_withdraw",
    "vetting_levels_refresh",
    "vetting_missing",
    "vetting_reminders_send",
]
