"""Who may do what: decided here and nowhere else.

Every permission is held through a role within a locality. Views ask
``has_perm``/``require_perm``; services call ``require_perm`` before writing.
"""

from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied

from kith.accounts.models import STAFF_ROLES, Role, RoleAssignment


class Perm(StrEnum):
    PEOPLE_VIEW = "people_view"  # find people and open their records
    PEOPLE_CREATE = "people_create"  # add a person, with or without contact details
    PEOPLE_EDIT = "people_edit"  # change anyone's contact details
    ACT_ON_BEHALF = "act_on_behalf"  # act for a person on the phone
    AUDIT_VIEW = "audit_view"  # read the audit trail
    ROLES_MANAGE = "roles_manage"  # grant and take away roles
    PLACES_VIEW = "places_view"  # wards and postcode coverage
    LOCALITY_MANAGE = "locality_manage"  # the locality's own details
    REPORTS_VIEW = "reports_view"  # aggregate reports (later parts)
    DIRECTORY_EDIT = "directory_edit"  # an organisation's directory entries
    DIRECTORY_CHECK = "directory_check"  # publish entries, organisations, categories
    SIGNPOST_RECORD = "signpost_record"  # record pointing a member to a service
    OWN_RECORD = "own_record"  # see and change one's own details
    MEMBERS_MANAGE = "members_manage"  # members' records, joining, renewals, supporters
    PLANS_MANAGE = "plans_manage"  # membership plans and the locality's interests
    HELPERS_MANAGE = "helpers_manage"  # helpers' records, applications, skills lists
    HELPERS_SHARE = "helpers_share"  # share helpers with a neighbouring locality
    VETTING_RECORD = "vetting_record"  # record vetting checks, see DBS records
    HELP_MANAGE = "help_manage"  # help requests, offers, visits, the dashboard
    CREDITS_MANAGE = "credits_manage"  # top-ups, reversals, any account's statement
    CREDITS_GRANT = "credits_grant"  # the council's grants to concession members
    PAYROLL_EXPORT = "payroll_export"  # paid helpers' minutes for payroll
    MATCHING_PLAN = "matching_plan"  # build, review and send matching plans
    MESSAGES_VIEW = "messages_view"  # the outbox: messages sent and their status
    CALL_LIST = "call_list"  # the coordinators' call list and call outcomes
    ACTIVITIES_PROPOSE = "activities_propose"  # propose an activity to host
    ACTIVITIES_MANAGE = "activities_manage"  # approve, cancel, sign people up
    INTRODUCTIONS_MANAGE = "introductions_manage"  # suggest and make introductions
    NOTIFY_CONFIGURE = "notify_configure"  # GOV.UK Notify's configuration problems
    PROJECTS_PROPOSE = "projects_propose"  # propose a community project, pledge
    PROJECTS_ENTER = (
        "projects_enter"  # enter paper pledges and hours, propose for someone
    )
    PROJECTS_CHECK = (
        "projects_check"  # check and publish projects, record pledges received
    )
    ASSETS_MANAGE = "assets_manage"  # the land and buildings register, ACV nominations
    PRIVACY_MANAGE = "privacy_manage"  # rights requests: exports and erasure
    BREACH_LOG = "breach_log"  # the personal data breach log
    BUDGETING_MANAGE = "budgeting_manage"  # set up rounds, check proposals, count
    BALLOTS_ENTER = "ballots_enter"  # enter paper and phone ballots and proposals
    SURVEYS_RECORD = (
        "surveys_record"  # record members' wellbeing surveys, paper or phone
    )
    SAFEGUARDING_RAISE = "safeguarding_raise"  # raise a safeguarding concern
    SAFEGUARDING_LEAD = "safeguarding_lead"  # read and work safeguarding concerns


ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.MEMBER: frozenset(
        {Perm.OWN_RECORD, Perm.ACTIVITIES_PROPOSE, Perm.PROJECTS_PROPOSE}
    ),
    Role.SUPPORTER: frozenset({Perm.OWN_RECORD, Perm.PROJECTS_PROPOSE}),
    Role.HELPER: frozenset(
        {
            Perm.OWN_RECORD,
            Perm.ACTIVITIES_PROPOSE,
            Perm.SIGNPOST_RECORD,
            Perm.PROJECTS_PROPOSE,
            Perm.SAFEGUARDING_RAISE,
        }
    ),
    Role.ORGANISATION_EDITOR: frozenset(
        {
            Perm.OWN_RECORD,
            Perm.DIRECTORY_EDIT,
            Perm.ACTIVITIES_PROPOSE,
            Perm.PROJECTS_PROPOSE,
            Perm.SAFEGUARDING_RAISE,
        }
    ),
    Role.COORDINATOR: frozenset(
        {
            Perm.OWN_RECORD,
            Perm.PEOPLE_VIEW,
            Perm.PEOPLE_CREATE,
            Perm.PEOPLE_EDIT,
            Perm.ACT_ON_BEHALF,
            Perm.AUDIT_VIEW,
            Perm.PLACES_VIEW,
            Perm.MEMBERS_MANAGE,
            Perm.PLANS_MANAGE,
            Perm.HELPERS_MANAGE,
            Perm.HELPERS_SHARE,
            Perm.VETTING_RECORD,
            Perm.HELP_MANAGE,
            Perm.CREDITS_MANAGE,
            Perm.PAYROLL_EXPORT,
            Perm.MATCHING_PLAN,
            Perm.MESSAGES_VIEW,
            Perm.CALL_LIST,
            Perm.ACTIVITIES_PROPOSE,
            Perm.ACTIVITIES_MANAGE,
            Perm.INTRODUCTIONS_MANAGE,
            Perm.PRIVACY_MANAGE,
            Perm.DIRECTORY_CHECK,
            Perm.SIGNPOST_RECORD,
            Perm.BALLOTS_ENTER,
            Perm.PROJECTS_PROPOSE,
            Perm.PROJECTS_ENTER,
            Perm.SURVEYS_RECORD,
            Perm.SAFEGUARDING_RAISE,
        }
    ),
    Role.COUNCIL_OFFICER: frozenset(
        {
            Perm.OWN_RECORD,
            Perm.PLACES_VIEW,
            Perm.REPORTS_VIEW,
            Perm.CREDITS_GRANT,
            Perm.BREACH_LOG,
            Perm.DIRECTORY_CHECK,
            Perm.BUDGETING_MANAGE,
            Perm.BALLOTS_ENTER,
            Perm.PROJECTS_PROPOSE,
            Perm.PROJECTS_ENTER,
            Perm.PROJECTS_CHECK,
            Perm.ASSETS_MANAGE,
            Perm.SAFEGUARDING_RAISE,
        }
    ),
    # Named by an administrator, usually on top of a coordinator's or an
    # officer's role: only leads read what a concern says (ADR 0033).
    Role.SAFEGUARDING_LEAD: frozenset(
        {Perm.OWN_RECORD, Perm.SAFEGUARDING_RAISE, Perm.SAFEGUARDING_LEAD}
    ),
    Role.ADMIN: frozenset(
        {
            Perm.OWN_RECORD,
            Perm.PEOPLE_VIEW,
            Perm.PEOPLE_CREATE,
            Perm.PEOPLE_EDIT,
            Perm.AUDIT_VIEW,
            Perm.ROLES_MANAGE,
            Perm.PLACES_VIEW,
            Perm.LOCALITY_MANAGE,
            Perm.HELPERS_SHARE,
            Perm.REPORTS_VIEW,
            Perm.PLANS_MANAGE,
            Perm.PAYROLL_EXPORT,
            Perm.NOTIFY_CONFIGURE,
            Perm.PRIVACY_MANAGE,
            Perm.BREACH_LOG,
        }
    ),
}

_CACHE_ATTR = "_kith_roles"


def roles_of(user: Any) -> dict[int, frozenset[str]]:
    """The roles a person holds, by locality id. Read once per request.
    Roles in an archived locality count for nothing: only the deployment's
    administrators act there (docs/adr/0041)."""
    if (
        user is None
        or not getattr(user, "is_authenticated", False)
        or not user.is_active
    ):
        return {}
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        by_locality: dict[int, set[str]] = {}
        held = (
            RoleAssignment.objects.filter(user=user)
            .exclude(locality__status="archived")
            .values_list("locality_id", "role")
        )
        for locality_id, role in held:
            by_locality.setdefault(locality_id, set()).add(role)
        cached = {key: frozenset(value) for key, value in by_locality.items()}
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_roles(user: Any) -> None:
    """Drop the per-request cache after roles change."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def roles_in(user: Any, locality: Any) -> frozenset[str]:
    if locality is None:
        return frozenset()
    held = roles_of(user).get(getattr(locality, "pk", locality), frozenset())
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        held = held | {Role.ADMIN}
    return held


def has_role(user: Any, role: str, locality: Any) -> bool:
    return role in roles_in(user, locality)


def has_perm(user: Any, perm: Perm, locality: Any) -> bool:
    return any(perm in ROLE_PERMISSIONS[role] for role in roles_in(user, locality))


def require_perm(user: Any, perm: Perm, locality: Any) -> None:
    """Raise PermissionDenied unless ``user`` holds ``perm`` in ``locality``."""
    if not has_perm(user, perm, locality):
        raise PermissionDenied


def is_staff_person(user: Any) -> bool:
    """Staff confirm sign-in with an authenticator app and time out when idle."""
    if getattr(user, "is_superuser", False):
        return True
    return any(roles & STAFF_ROLES for roles in roles_of(user).values())


def is_staff_user_id(user_id: int) -> bool:
    """The same rule for a person not yet signed in (the second sign-in step)."""
    from kith.accounts.models import User

    if User.objects.filter(pk=user_id, is_superuser=True).exists():
        return True
    return RoleAssignment.objects.filter(user_id=user_id, role__in=STAFF_ROLES).exists()


def perm_code_check(*, user: Any, perm: str, locality: Any) -> bool:
    """Answers ``kith.core.permissions`` for the apps below accounts (the
    ``core.perm_check`` hook). Raises ``ValueError`` for an unknown code."""
    return has_perm(user, Perm(perm), locality)
