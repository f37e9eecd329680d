"""Signing in and out, people, roles and acting on someone's behalf.

Views are thin: they check the role, bind the form, call one service and
redirect; an ApplicationError's message goes next to its field. They live
in one module per group of pages (signing_in, own_account, people); this
package re-exports them for the URLs.
"""

from kith.accounts.views.own_account import (
    choose_locality,
    security,
    session_end,
    your_details,
    your_details_edit,
)
from kith.accounts.views.people import (
    acting_start,
    acting_stop,
    authenticator_reset,
    people,
    person_create,
    person_detail,
    person_edit,
    role_change,
    sign_in_code_send_for,
)
from kith.accounts.views.signing_in import (
    admin_sign_in,
    authenticator_setup,
    password_change,
    password_reset_confirm,
    password_reset_request,
    password_reset_sent,
    recovery_codes,
    second_factor,
    session_keep_alive,
    sign_in,
    sign_in_code,
    sign_in_code_have,
    sign_in_code_request,
    sign_out,
)

__all__ = [
    "acting_start",
    "acting_stop",
    "admin_sign_in",
    "authenticator_reset",
    "authenticator_setup",
    "choose_locality",
    "password_change",
    "password_reset_confirm",
    "password_reset_request",
    "password_reset_sent",
    "people",
    "person_create",
    "person_detail",
    "person_edit",
    "recovery_codes",
    "role_change",
    "second_factor",
    "security",
    "session_end",
    "session_keep_alive",
    "sign_in",
    "sign_in_code",
    "sign_in_code_have",
    "sign_in_code_request",
    "sign_in_code_send_for",
    "sign_out",
    "your_details",
    "your_details_edit",
]
