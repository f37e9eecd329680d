"""Writes for participatory budgeting: rounds, proposals, ballots, counts.

Every service checks who may act, refuses with a reason people can read
(ApplicationError) and changes nothing when it refuses, audits what staff
do, and owns its transaction. The rules of a round are frozen once voting
opens (:func:`rounds._require_not_frozen`).

The services are split by concept into the modules of this package; every
name callers use is re-exported here, so ``kith.budgeting.services.<name>``
keeps working.
"""

from kith.budgeting.services.ballots import (  # noqa: F401
    BALLOT_CODE_PURPOSE,
    Entered,
    _purpose,
    _require_voting_open_or_paper_late,
    ballot_code_send,
    ballot_enter,
    ballot_online_cast,
)
from kith.budgeting.services.count import (  # noqa: F401
    election_for,
    round_count,
    round_draw_record,
    round_publish,
    round_seal,
)
from kith.budgeting.services.proposals import (  # noqa: F401
    _check_links,
    proposal_check,
    proposal_link,
    proposal_submit,
    proposal_update_post,
)
from kith.budgeting.services.rounds import (  # noqa: F401
    OTHER_FIELDS,
    RULE_FIELDS,
    _check_owner,
    _require_not_frozen,
    _save,
    _set_wards,
    heading_add,
    heading_change,
    round_create,
    round_update,
)
from kith.budgeting.services.voters import (  # noqa: F401
    _age_on,
    _ballots_checked,
    _normal_name,
    _require_voting_open,
    _seal,
    voter_eligibility,
    voter_identity,
)
