"""What Kith holds about people: every record that refers to a person, the
kind of data it is, why it is held, for how long, and what erasure does to it.

One list, read by the access export (everything held about a person), by
erasure (what is replaced and what is kept), by the privacy notice page and
by docs/privacy.md. A test walks every model in Kith that refers to a
person (a user, a membership or a helper's profile) and fails if one is
missing here, so a new part cannot hold personal data that this list, and
so the export and erasure, forget.

A holding names the model by its label, not by import: the privacy part
reads every part, and the list is data.
"""

from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class Erase(StrEnum):
    """What erasure does to a field."""

    BLANK = "blank"  # an empty string
    NULL = "null"  # no value
    REDACT = "redact"  # free text replaced by "[removed]"
    EMPTY_LIST = "empty_list"  # a JSON list emptied
    EMPTY_DICT = "empty_dict"  # a JSON object emptied
    YEAR_ONLY = "year_only"  # a date of birth kept as 1 January of its year,
    # so that figures by age still add up


@dataclass(frozen=True)
class DataKind:
    """A kind of personal data, as the privacy notice and docs/privacy.md
    describe it."""

    code: str
    title: object
    what: object
    why: object
    basis: object
    retention: object
    who_sees: object


@dataclass(frozen=True)
class Holding:
    """One model's personal data.

    ``subjects``: lookups from the model to the person (a user) it is
    about; a row is about everyone its lookups reach. ``staff``: relation
    fields naming who acted (a coordinator, the system): kept as they are,
    since they are about the work done, not the person the record is about.
    ``erase``: what erasure does to each field holding the person's data.
    ``delete_on_erase``: rows removed outright (codes, sessions of use).
    ``withheld``: fields left out of the export, with why (secrets nobody
    is shown, ADR 0016).
    """

    model: str
    kind: str
    subjects: tuple[str, ...]
    staff: tuple[str, ...] = ()
    erase: dict[str, Erase] = field(default_factory=dict)
    delete_on_erase: bool = False
    withheld: tuple[str, ...] = ()


WITHHELD_WHY = _(
    "Secrets (password hashes, sign-in codes, authenticator keys, calendar "
    "tokens) are never shown to anyone, the person included; they are "
    "deleted when the person is erased."
)

KINDS: tuple[DataKind, ...] = (
    DataKind(
        "identity",
        _("Name and contact details"),
        _(
            "Your name, the name you like to be called, address, phone "
            "numbers, email address and how you like us to contact you."
        ),
        _(
            "To run the circle: to reach you about visits, activities and your "
            "membership."
        ),
        _(
            "Public task (UK GDPR article 6(1)(e)): the council's duty to promote "
            "wellbeing."
        ),
        _("While you take part, then 2 years after you leave."),
        _(
            "Coordinators. A helper sees your address and phone only for a visit "
            "you have confirmed, from the day before it until the day after."
        ),
    ),
    DataKind(
        "membership",
        _("Membership"),
        _(
            "Your plan, when you joined and left, fees paid, consents you gave, "
            "your supporters, and coordinators' notes."
        ),
        _("To keep your membership and know who may act or see things for you."),
        _(
            "Public task (UK GDPR article 6(1)(e)); consent for what you chose to "
            "share."
        ),
        _("While you are a member, then 2 years after you leave."),
        _("Coordinators; your supporters see only what you agreed to share."),
    ),
    DataKind(
        "health",
        _("Health and access needs"),
        _("Access needs you told us about and your date of birth."),
        _("To send helpers who can meet your needs, and to keep you safe."),
        _(
            "Explicit consent (UK GDPR article 9(2)(a)); if you withdraw it, "
            "we stop showing these needs."
        ),
        _("While you are a member, then 2 years after you leave."),
        _("Coordinators, and the helper of a confirmed visit."),
    ),
    DataKind(
        "help",
        _("Help and visits"),
        _(
            "The help you asked for, your visits, and what you and helpers said about "
            "them."
        ),
        _("To arrange help and check that it was done well and safely."),
        _("Public task (UK GDPR article 6(1)(e))."),
        _("6 years, then kept only as figures with no names."),
        _("Coordinators; the helper of the visit."),
    ),
    DataKind(
        "credits",
        _("Time credits"),
        _("Your credit account and every credit paid in, spent, given or received."),
        _("To keep a fair, balanced record of credits, as a financial record."),
        _("Public task and legal obligation (financial records)."),
        _(
            "6 years after the year they belong to; erasure removes your name but "
            "keeps the amounts."
        ),
        _("Coordinators; you, and supporters you allow."),
    ),
    DataKind(
        "helper",
        _("Neighbourhood Helpers' applications and checks"),
        _(
            "Applications, skills, availability, references, identity and DBS "
            "checks, and the visits offered to you."
        ),
        _("To be sure every helper is safe to visit older people."),
        _(
            "Public task; criminal records under the Data Protection Act 2018, "
            "schedule 1, part 2 (safeguarding)."
        ),
        _(
            "While you help and 2 years after; an unsuccessful application 6 "
            "months; DBS certificate details no longer than 6 months after the "
            "decision (DBS Code of Practice)."
        ),
        _("Coordinators."),
    ),
    DataKind(
        "social",
        _("Introductions and activities"),
        _(
            "Introductions to other members, activities you host or join, and when "
            "you are free."
        ),
        _("To introduce members to each other and run activities."),
        _("Consent: you choose to take part."),
        _("While you take part, then 2 years after you leave."),
        _(
            "Coordinators; hosts see who signed up; the other member of an "
            "introduction you agreed to."
        ),
    ),
    DataKind(
        "directory",
        _("Local services"),
        _(
            "Services a coordinator or helper pointed you to, referrals sent for "
            "you, and, for organisation editors, the organisations you keep."
        ),
        _("To help you find services, follow up, and count what the circle achieves."),
        _("Public task (UK GDPR article 6(1)(e))."),
        _("While you take part, then 2 years after you leave."),
        _(
            "Coordinators and helpers; a service you were referred to receives "
            "what the referral says."
        ),
    ),
    DataKind(
        "budgeting",
        _("Local budgets"),
        _(
            "Ideas you proposed for a local budget, and that you voted, kept "
            "apart from how you voted: your name and postcode to stop anyone "
            "voting twice, never linked to your choices once your ballot is in."
        ),
        _("To run fair votes on how local money is spent."),
        _("Public task (UK GDPR article 6(1)(e))."),
        _(
            "Proposals as long as the round's results are published; voters until the "
            "round is counted and published, then as the council sets."
        ),
        _("Officers who run the round; proposals are public."),
    ),
    DataKind(
        "wellbeing",
        _("Wellbeing surveys"),
        _(
            "Your answers to the national wellbeing and loneliness questions "
            "when you joined and later (or that you would rather not answer), "
            "how they were given, and who entered them."
        ),
        _(
            "To show the council, only ever as totals of many people, what the "
            "circle changes for its members."
        ),
        _(
            "Public task (UK GDPR article 6(1)(e)); answers about health under "
            "article 9(2)(g) and (j), for statistics in the public interest."
        ),
        _("While you are a member, then 2 years after you leave."),
        _(
            "Coordinators who enter answers see that a survey was done, not the "
            "answers; the council sees only totals, with small numbers hidden."
        ),
    ),
    DataKind(
        "projects",
        _("Community projects"),
        _(
            "Projects you proposed, pledges you made, time you gave on work days, "
            "and updates and photos you posted."
        ),
        _("To run community projects and thank and count those who took part."),
        _("Consent: you choose to take part."),
        _("While the project's page is shown, then 2 years."),
        _(
            "Council officers and the project's organisers; the public sees "
            "projects, updates and photos, never who pledged as a resident."
        ),
    ),
    DataKind(
        "messages",
        _("Messages and calls"),
        _("Emails, texts and letters we sent you, and the calls coordinators made."),
        _("To show what we told you and when, and to follow up."),
        _("Public task (UK GDPR article 6(1)(e))."),
        _("2 years."),
        _("Coordinators."),
    ),
    DataKind(
        "safeguarding",
        _("Safeguarding concerns"),
        _("Worries about someone's safety, and what was done about them."),
        _("To protect adults at risk (Care Act 2014)."),
        _(
            "Legal obligation and substantial public interest (Data Protection "
            "Act 2018, schedule 1: safeguarding of individuals at risk)."
        ),
        _(
            "As the council sets for closed concerns; never erased while a concern is "
            "open, nor while a referral to the Disclosure and Barring Service is kept."
        ),
        _(
            "Only the circle's safeguarding leads. The person who raised a concern "
            "sees that it was received; coordinators see only that a concern about "
            "a member is open."
        ),
    ),
    DataKind(
        "sign_in",
        _("Signing in"),
        _(
            "Sign-in codes, authenticator apps, recovery codes, where you are "
            "signed in, and failed sign-ins."
        ),
        _("To keep your account safe."),
        _("Legitimate interests in security (UK GDPR article 6(1)(f))."),
        _("Codes until used or expired; failed sign-ins 90 days."),
        _("Nobody reads codes; administrators see failed sign-ins."),
    ),
    DataKind(
        "rights",
        _("Requests about your data"),
        _("Requests you made to see, correct or erase your data, and what we did."),
        _("To show that we answered them as the law requires."),
        _("Legal obligation (UK GDPR articles 12 to 22)."),
        _("6 years after the request was closed."),
        _("Coordinators who handle them and the data protection officer."),
    ),
    DataKind(
        "audit",
        _("Who looked at or changed your record"),
        _("A record of every change and every time staff opened your record."),
        _("Accountability: to show who did what and to find misuse."),
        _("Legal obligation (UK GDPR article 5(2) and 32)."),
        _("6 years; erasure keeps it, since it records what staff did."),
        _("Coordinators and administrators."),
    ),
)

KIND_CODES = frozenset(kind.code for kind in KINDS)

#: Every model that refers to a person. Lookups are from the model.
HOLDINGS: tuple[Holding, ...] = (
    Holding(
        "accounts.User",
        "identity",
        subjects=("pk",),
        staff=("created_by",),
        erase={
            "full_name": Erase.BLANK,
            "preferred_name": Erase.BLANK,
            "email": Erase.NULL,
            "mobile": Erase.NULL,
            "phone": Erase.BLANK,
            "address_line_1": Erase.BLANK,
            "address_line_2": Erase.BLANK,
            "town": Erase.BLANK,
            "postcode": Erase.BLANK,
        },
        withheld=("password",),
    ),
    Holding("core.SavedAnswers", "identity", ("user",), delete_on_erase=True),
    Holding("accounts.RoleAssignment", "identity", ("user",), staff=("granted_by",)),
    Holding(
        "accounts.SignInCode",
        "sign_in",
        ("user",),
        staff=("sent_by",),
        delete_on_erase=True,
        withheld=("code_hash",),
    ),
    Holding(
        "accounts.Authenticator",
        "sign_in",
        ("user",),
        delete_on_erase=True,
        withheld=("secret",),
    ),
    Holding("accounts.SignedInSession", "sign_in", ("user",), delete_on_erase=True),
    Holding(
        "accounts.RecoveryCode",
        "sign_in",
        ("user",),
        delete_on_erase=True,
        withheld=("code_hash",),
    ),
    Holding(
        "accounts.PossibleDuplicate",
        "identity",
        ("first", "second"),
        staff=("decided_by",),
    ),
    Holding(
        "notify.Message",
        "messages",
        ("recipient",),
        erase={"to": Erase.BLANK, "personalisation": Erase.EMPTY_DICT},
        withheld=("lease_token", "fingerprint"),
    ),
    Holding(
        "notify.Call",
        "messages",
        ("person",),
        staff=("called_by",),
        erase={"summary": Erase.REDACT, "note": Erase.REDACT},
    ),
    Holding(
        "members.Membership",
        "membership",
        ("person",),
        staff=("joined_by", "leaving_credits_to"),
        erase={
            "date_of_birth": Erase.YEAR_ONLY,
            "access_needs": Erase.EMPTY_LIST,
            "leaving_reason": Erase.REDACT,
        },
    ),
    Holding(
        "members.Consent",
        "membership",
        ("membership__person",),
        staff=("recorded_by",),
    ),
    Holding(
        "members.CoordinatorNote",
        "membership",
        ("membership__person",),
        staff=("author",),
        erase={"text": Erase.REDACT},
    ),
    Holding(
        "members.FeePayment",
        "membership",
        ("membership__person",),
        staff=("recorded_by",),
        erase={"reference": Erase.BLANK},
    ),
    Holding("members.RenewalReminder", "membership", ("membership__person",)),
    Holding(
        "members.SupporterLink",
        "membership",
        ("membership__person", "supporter"),
        staff=("invited_by", "ended_by"),
        erase={
            "name": Erase.BLANK,
            "relationship": Erase.BLANK,
            "email": Erase.BLANK,
            "mobile": Erase.BLANK,
        },
    ),
    Holding(
        "helpers.HelperProfile",
        "helper",
        ("user",),
        staff=("approved_by",),
        erase={"date_of_birth": Erase.YEAR_ONLY, "about": Erase.REDACT},
    ),
    Holding(
        "helpers.Referee",
        "helper",
        ("profile__user",),
        erase={
            "full_name": Erase.BLANK,
            "relationship": Erase.BLANK,
            "email": Erase.BLANK,
            "phone": Erase.BLANK,
        },
    ),
    Holding(
        "helpers.VettingCheck",
        "helper",
        ("profile__user",),
        staff=("recorded_by", "withdrawn_by"),
        erase={"evidence_reference": Erase.BLANK, "documents_seen": Erase.BLANK},
    ),
    Holding(
        "helpers.DbsCertificate",
        "helper",
        ("check_record__profile__user",),
        erase={"certificate_number": Erase.BLANK, "role_applied_for": Erase.BLANK},
        withheld=("scan",),
    ),
    Holding(
        "helpers.DbsStatusCheck",
        "helper",
        ("certificate__check_record__profile__user",),
        staff=("recorded_by",),
    ),
    Holding("helpers.VettingReminder", "helper", ("check_record__profile__user",)),
    Holding("helpers.HelperSkill", "helper", ("profile__user",)),
    Holding("helpers.AvailabilitySlot", "helper", ("profile__user",)),
    Holding(
        "helpers.AvailabilityException",
        "helper",
        ("profile__user",),
        erase={"reason": Erase.REDACT},
    ),
    Holding("credits.Account", "credits", ("person",)),
    # Transfers and entries are financial records kept for 6 years (UK GDPR
    # article 17(3)(b)), and the database refuses to change them: erasure
    # leaves them, and the account they belong to no longer names anyone.
    Holding("credits.Transfer", "credits", ("on_behalf_of",), staff=("actor",)),
    Holding("credits.Entry", "credits", ("account__person",)),
    Holding(
        "help.HelpRequest",
        "help",
        ("membership__person", "asked_by"),
        erase={
            "details": Erase.REDACT,
            "place": Erase.BLANK,
            "notes_for_helper": Erase.REDACT,
            "cancelled_reason": Erase.REDACT,
        },
    ),
    Holding("help.HelpWindow", "help", ("request__membership__person",)),
    Holding(
        "help.Visit",
        "help",
        ("request__membership__person", "helper__user"),
        staff=("offered_by",),
        erase={"decline_reason": Erase.REDACT, "helper_note": Erase.REDACT},
    ),
    Holding(
        "help.RequestEvent",
        "help",
        ("request__membership__person", "on_behalf_of"),
        staff=("actor",),
    ),
    Holding(
        "help.Feedback",
        "help",
        ("given_by", "visit__request__membership__person", "visit__helper__user"),
        erase={"comment": Erase.REDACT},
    ),
    Holding(
        "safeguarding.Concern",
        "safeguarding",
        ("membership__person", "helper__user"),
        staff=(
            "raised_by",
            "acknowledged_by",
            "referral_decided_by",
            "dbs_decided_by",
            "closed_by",
        ),
        erase={
            "about_name": Erase.BLANK,
            "told_by": Erase.BLANK,
            "happened_where": Erase.BLANK,
            "present": Erase.REDACT,
            "facts": Erase.REDACT,
            "hearsay": Erase.REDACT,
            "opinion": Erase.REDACT,
            "risk_action": Erase.REDACT,
            "adult_views": Erase.REDACT,
            "adult_outcomes": Erase.REDACT,
            "referral_rationale": Erase.REDACT,
            "helper_decision_reason": Erase.REDACT,
            "dbs_decision_reason": Erase.REDACT,
            "outcome": Erase.REDACT,
        },
    ),
    Holding(
        "safeguarding.ConcernNote",
        "safeguarding",
        ("concern__membership__person", "concern__helper__user"),
        staff=("written_by",),
        erase={"text": Erase.REDACT},
    ),
    Holding(
        "safeguarding.ConcernSharing",
        "safeguarding",
        ("concern__membership__person", "concern__helper__user"),
        staff=("recorded_by",),
        erase={"why": Erase.REDACT},
    ),
    Holding(
        "safeguarding.ConcernAction",
        "safeguarding",
        ("concern__membership__person", "concern__helper__user"),
        staff=("recorded_by",),
        erase={"what": Erase.REDACT},
    ),
    Holding(
        "matching.MatchingPlan",
        "help",
        (),
        staff=("created_by", "sent_by", "closed_by"),
    ),
    Holding(
        "matching.PlanItem",
        "help",
        ("helper__user", "request__membership__person"),
        erase={"outcome_note": Erase.REDACT},
    ),
    Holding(
        "social.SocialProfile",
        "social",
        ("membership__person",),
        erase={"free_times": Erase.EMPTY_LIST},
    ),
    Holding(
        "social.Introduction",
        "social",
        ("first__person", "second__person"),
        staff=("asked_by",),
        erase={"meeting_place": Erase.BLANK},
    ),
    Holding(
        "social.FollowUp",
        "social",
        ("membership__person",),
        staff=("recorded_by",),
    ),
    Holding(
        "social.Activity",
        "social",
        ("host",),
        staff=("proposed_by", "decided_by"),
    ),
    Holding(
        "social.SignUp",
        "social",
        ("person",),
        staff=("signed_up_by",),
    ),
    Holding(
        "social.CalendarFeed",
        "social",
        ("person",),
        delete_on_erase=True,
        withheld=("token_digest",),
    ),
    Holding("directory.Organisation", "directory", ("editors",)),
    Holding("directory.Service", "directory", (), staff=("checked_by",)),
    Holding(
        "directory.Signposting",
        "directory",
        ("member__person",),
        staff=("by",),
        erase={"note": Erase.REDACT},
    ),
    Holding("budgeting.Round", "budgeting", (), staff=("created_by",)),
    Holding(
        "budgeting.Proposal",
        "budgeting",
        ("proposer",),
        staff=("entered_by", "checked_by"),
        erase={"proposer_name": Erase.BLANK},
    ),
    # News of a winning proposal is about the proposal, so about its proposer;
    # who posted it (the proposer or an officer) is who did the work.
    Holding(
        "budgeting.ProposalUpdate",
        "budgeting",
        ("proposal__proposer",),
        staff=("posted_by",),
    ),
    # Voters are found by name and postcode, never linked to a person's
    # record, so that who voted stays apart from everything else (ADR 0028).
    Holding("budgeting.Voter", "budgeting", (), staff=("entered_by",)),
    Holding("budgeting.Result", "budgeting", (), staff=("counted_by",)),
    Holding(
        "projects.Project",
        "projects",
        ("proposer",),
        staff=("entered_by", "checked_by"),
    ),
    Holding("projects.Pledge", "projects", ("person",), staff=("entered_by",)),
    Holding("projects.HoursGiven", "projects", ("person",), staff=("recorded_by",)),
    Holding("projects.Update", "projects", ("posted_by",)),
    Holding("projects.Photo", "projects", ("uploaded_by",)),
    Holding("projects.Quote", "projects", ("uploaded_by",)),
    Holding(
        "projects.Nomination",
        "projects",
        ("nominated_by",),
        staff=("recorded_by", "decided_by"),
        erase={"group_contact": Erase.REDACT},
    ),
    Holding("projects.VolunteerTask", "projects", ("added_by",)),
    Holding("projects.TaskTaken", "projects", ("person",), staff=("entered_by",)),
    # Answers are deleted on erasure: published figures are totals that no
    # longer need them, and no answer is kept about someone erased.
    Holding(
        "reports.Survey",
        "wellbeing",
        ("membership__person",),
        staff=("recorded_by",),
        delete_on_erase=True,
    ),
    Holding(
        "reports.Answer",
        "wellbeing",
        ("survey__membership__person",),
        delete_on_erase=True,
    ),
    Holding(
        "privacy.RightsRequest",
        "rights",
        ("person",),
        staff=("received_by", "identity_checked_by", "closed_by"),
        erase={"requested_by_name": Erase.BLANK, "notes": Erase.REDACT},
    ),
    Holding("privacy.Anonymisation", "rights", ("person",)),
    Holding(
        "core.AuditEvent",
        "audit",
        ("on_behalf_of",),
        staff=("actor",),
    ),
)

#: Models that refer to a person only as staff who acted (who recorded a
#: breach), held for accountability and kept on erasure.
STAFF_ONLY: dict[str, tuple[str, ...]] = {
    "privacy.Breach": ("recorded_by", "reported_by"),
    "projects.DisposalNotice": ("recorded_by",),
    "projects.Fund": ("managers",),
    "helpers.SharingAgreement": ("agreed_by", "withdrawn_by"),
}


def holding_for(label: str) -> Holding | None:
    for holding in HOLDINGS:
        if holding.model == label:
            return holding
    return None
