"""Writes about people, roles, signing in and acting on someone's behalf.

Every function here checks permission, validates, writes an audit event and
owns its transaction. Each raises ApplicationError (nothing changed, the
message says why) or PermissionDenied.

The services are split by concept into the modules of this package; every
name callers use is re-exported here, so ``kith.accounts.services.<name>``
keeps working.
"""

from kith.accounts.services.authenticator import (  # noqa: F401
    RECOVERY_CODE_COUNT,
    _new_recovery_codes,
    _only_digits,
    _totp_step,
    authenticator_begin,
    authenticator_confirm,
    authenticator_reset,
    demo_authenticator_code,
    recovery_codes_regenerate,
    second_factor_verify,
)
from kith.accounts.services.codes import (  # noqa: F401
    SIGN_IN_CODE_LIFETIME,
    SIGN_IN_CODE_MAX_WRONG,
    SIGN_IN_CODES_PER_HOUR,
    _code_send,
    _locality_words,
    contact_code_send,
    contact_code_verify,
    password_reset_send,
    signin_code_latest,
    signin_code_send,
    signin_code_send_for,
    signin_code_verify,
    staff_invite,
    user_find_by_identifier,
)
from kith.accounts.services.duplicates import (  # noqa: F401
    duplicate_decision_record,
    duplicate_flag,
)
from kith.accounts.services.passwords import (  # noqa: F401
    password_set,
)
from kith.accounts.services.people import (  # noqa: F401
    CONTACT_FIELDS,
    contact_details_check_unique,
    contact_details_claimed,
    contact_details_clean,
    contact_owner_tell,
    person_contact_update,
    person_create,
    person_save_validated,
)
from kith.accounts.services.roles import (  # noqa: F401
    acting_start,
    acting_stop,
    can_act_for,
    role_grant,
    role_revoke,
)
from kith.accounts.services.sessions import (  # noqa: F401
    session_end,
    session_seen,
    sessions_end_others,
    sessions_of,
)
from kith.accounts.services.signin import (  # noqa: F401
    ACCOUNT_REFUSE_AFTER,
    ACCOUNT_SLOW_AFTER,
    ADDRESS_REFUSE_AFTER,
    ADDRESS_SLOW_AFTER,
    MAX_WAIT_SECONDS,
    THROTTLE_WINDOW,
    Throttle,
    _digest,
    _throttle_for,
    signin_attempt_record,
    signin_identifier_digest,
    signin_record,
    signin_throttle_check,
)
