"""The wording of each message, keyed by template name.

GOV.UK Notify holds the live copies (docs/notify.md); the local channel renders
these so the demo shows exactly what a person would receive. After adding or
changing a template, run ``python manage.py notify_docs`` to rewrite
docs/notify.md (a test fails until you do), and add example values for any new
personalisation field to ``kith.notify.docs.EXAMPLES``.
"""

from string import Formatter
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _

TEMPLATES: dict[str, dict[str, str]] = {
    "sign_in_code": {
        "subject": _("Your sign-in code for {service_name}"),
        "body": _(
            "Your sign-in code is {code}.\n\n"
            "It works for 10 minutes. If you did not ask for it, you can ignore "
            "this message.\n\n{locality_name} — {locality_phone}"
        ),
    },
    "account_locked": {
        "subject": _(
            "Someone has been trying to sign in to your {service_name} account"
        ),
        "body": _(
            "Dear {name},\n\nThere were {tries} wrong tries to sign in to your "
            "account, so for your safety it will not let anyone sign in for the next "
            "{minutes} minutes.\n\nIf it was you, wait and try again, or ask us for "
            "a sign-in code. If it was not you, your account is still safe: phone us "
            "and we will help you choose a new password.\n\n"
            "{locality_name} — {locality_phone}"
        ),
    },
    "contact_code": {
        "subject": _("Your code for {service_name}"),
        "body": _(
            "Your code is {code}.\n\n"
            "It works for 10 minutes. If you did not ask for it, you can ignore "
            "this message.\n\n{locality_name} — {locality_phone}"
        ),
    },
    "password_reset": {
        "subject": _("Reset your password for {service_name}"),
        "body": _(
            "Someone asked to reset the password for your account.\n\n"
            "To choose a new password, open this link within 2 hours:\n{link}\n\n"
            "If it was not you, you can ignore this message: your password has "
            "not changed.\n\n{locality_name} — {locality_phone}"
        ),
    },
    "staff_invitation": {
        "subject": _("You have been asked to run {locality_name} on {service_name}"),
        "body": _(
            "Dear {name},\n\n{inviter} has made you the {role} of {locality_name} "
            "on {service_name}.\n\nTo choose your password, open this link "
            "within 2 hours:\n{link}\n\nAfter that, choose ‘Forgotten your "
            "password?’ on the sign-in page and give this email address. When you "
            "first sign in you will set up an authenticator app on your phone.\n\n"
            "{locality_name} — {locality_phone}"
        ),
    },
    # --- social: introductions and activities (kith/social) ---
    "introduction_asked": {
        "subject": _("Would you like to meet another member?"),
        "body": _(
            "Dear {name},\n\nWe think you might get on with another member of "
            "{locality_name}. {why}\n\nWould you like us to introduce you? "
            "Sign in to say yes or no, or phone {locality_phone}. We only share "
            "first names and contact details if you both say yes, and you can "
            "say no without giving a reason.\n\n{locality_name}"
        ),
    },
    "introduction_agreed": {
        "subject": _("Meet {other_name}, another member"),
        "body": _(
            "Dear {name},\n\nYou and {other_name} both said yes to being "
            "introduced. You can get in touch with {other_name}: {other_contact}."
            "\n\nIf you would rather not go on, phone {locality_phone}: we will "
            "not say why.\n\n{locality_name}"
        ),
    },
    "introduction_meeting_to_arrange": {
        "subject": _("You and {other_name} both said yes"),
        "body": _(
            "Dear {name},\n\nYou and {other_name} both said yes to being "
            "introduced. A coordinator will phone you to arrange a first "
            "meeting.\n\nQuestions? Phone {locality_phone}.\n\n{locality_name}"
        ),
    },
    "introduction_meeting": {
        "subject": _("Meeting {other_name}: {when}"),
        "body": _(
            "Dear {name},\n\nYour first meeting with {other_name} is on {when}, "
            "at {place}. {helper_text}\n\nIf you cannot make it, phone "
            "{locality_phone}.\n\n{locality_name}"
        ),
    },
    "introduction_follow_up": {
        "subject": _("Did you meet {other_name}?"),
        "body": _(
            "Dear {name},\n\nA few weeks ago we introduced you to {other_name}. "
            "Did you meet, and would you meet again? Sign in to tell us, or "
            "phone {locality_phone}.\n\n{locality_name}"
        ),
    },
    "activity_approved": {
        "subject": _("{title} is now in the calendar"),
        "body": _(
            "Dear {name},\n\nThank you for offering to host {title}. A "
            "coordinator has approved it and it is now in the calendar, starting "
            "{when}.\n\nQuestions? Phone {locality_phone}.\n\n{locality_name}"
        ),
    },
    "activity_declined": {
        "subject": _("About your activity, {title}"),
        "body": _(
            "Dear {name},\n\nThank you for offering to host {title}. We cannot "
            "put it in the calendar as it is: {reason}\n\nPhone "
            "{locality_phone} and we can talk about it.\n\n{locality_name}"
        ),
    },
    "activity_booked": {
        "subject": _("You have a place: {title}, {when}"),
        "body": _(
            "Dear {name},\n\nYou have a place at {title} on {when}, at {place}."
            "\n\nIf you cannot come, or need a lift, phone {locality_phone}.\n\n"
            "{locality_name}"
        ),
    },
    "activity_waiting": {
        "subject": _("You are on the waiting list: {title}, {when}"),
        "body": _(
            "Dear {name},\n\n{title} on {when}, at {place}, is full, so you are "
            "on the waiting list. If someone drops out, the first person waiting "
            "gets their place and we will tell you.\n\n{locality_name} — "
            "{locality_phone}"
        ),
    },
    "activity_place_offered": {
        "subject": _("A place came free: {title}, {when}"),
        "body": _(
            "Dear {name},\n\nGood news: a place came free at {title} on {when}, "
            "at {place}, and it is yours. {lift_text}\n\nIf you cannot come after "
            "all, phone {locality_phone} so someone else can have it.\n\n"
            "{locality_name}"
        ),
    },
    "activity_cancelled": {
        "subject": _("Cancelled: {title}"),
        "body": _(
            "Dear {name},\n\nWe are sorry: {title} is cancelled, including "
            "{when}. {reason}\n\nQuestions? Phone {locality_phone}.\n\n"
            "{locality_name}"
        ),
    },
    "welcome": {
        "subject": _("Welcome to {locality_name}"),
        "body": _(
            "Dear {name},\n\nWelcome to {locality_name}. {what_next}\n\n"
            "If you have any questions, phone us on {locality_phone}.\n\n"
            "{locality_name}"
        ),
    },
    "membership_renewal": {
        "subject": _("Your {locality_name} membership renews on {renewal_date}"),
        "body": _(
            "Dear {name},\n\nYour membership of {locality_name} comes up for "
            "renewal on {renewal_date}. The fee for the next year is {fee}.\n\n"
            "To renew, or if anything has changed, phone us on {locality_phone}.\n\n"
            "{locality_name}"
        ),
    },
    "supporter_invitation": {
        "subject": _("{member_name} would like you to be their supporter"),
        "body": _(
            "Dear {name},\n\n{member_name} would like you to be their supporter "
            "at {locality_name}: you could see their coming visits and ask for help "
            "for them.\n\nTo accept, open this link within 14 days:\n{link}\n\n"
            "Or phone us on {locality_phone}.\n\n{locality_name}"
        ),
    },
    "helper_application_received": {
        "subject": _("Thank you for applying to be a Neighbourhood Helper"),
        "body": _(
            "Dear {name},\n\nThank you for applying to be a Neighbourhood Helper "
            "with {locality_name}. A coordinator will phone you within a week to "
            "arrange the checks we make before anyone helps.\n\n"
            "Questions? Phone {locality_phone}.\n\n{locality_name}"
        ),
    },
    "contact_details_given_by_someone": {
        "subject": _("Your {contact_kind} was given to {locality_name}"),
        "body": _(
            "Dear {name},\n\nSomeone gave your {contact_kind} when {what} with "
            "{locality_name}. We have not added it to their details, changed "
            "your record or told them anything about you.\n\nIf it was you, "
            "there is nothing to do: a coordinator will be in touch. If it was "
            "not you, please phone {locality_phone}.\n\n{locality_name}"
        ),
    },
    "vetting_check_lapsing": {
        "subject": _("A check for {helper_name} runs out on {expiry_date}"),
        "body": _(
            "Dear {name},\n\nThe {check_name} check for {helper_name} runs out on "
            "{expiry_date}. After that day they cannot be offered visits that need "
            "it until it is renewed.\n\nPhone {locality_phone} to arrange it.\n\n"
            "{locality_name}"
        ),
    },
    "safeguarding_concern_raised": {
        "subject": _("A safeguarding concern to acknowledge by {when}"),
        "body": _(
            "Dear {name},\n\nA safeguarding concern has been raised in "
            "{locality_name}. Please sign in to read it and acknowledge it by "
            "{when}.\n\nWhat it says is kept in Kith and never sent in a "
            "message.\n\n{locality_name}"
        ),
    },
    "visit_offered": {
        "subject": _("Can you help with {category}?"),
        "body": _(
            "Dear {name},\n\nWe would like to offer you a visit: {category}, in "
            "{area}. Please sign in to see the details and say yes or no, or phone "
            "{locality_phone}.\n\n{locality_name}"
        ),
    },
    "visit_confirmed": {
        "subject": _("Your visit is booked: {when}"),
        "body": _(
            "Dear {name},\n\nYour visit is booked: {category} with {other_name}, "
            "{when}.\n\nIf you need to change it, phone {locality_phone}.\n\n"
            "{locality_name}"
        ),
    },
    "visit_cancelled": {
        "subject": _("Your visit on {when} is cancelled"),
        "body": _(
            "Dear {name},\n\nYour visit for {category} on {when} has been "
            "cancelled. We are sorry. If you have questions, phone "
            "{locality_phone}.\n\n{locality_name}"
        ),
    },
    "how_did_it_go": {
        "subject": _("How did your visit from {helper_name} go?"),
        "body": _(
            "Dear {name},\n\nWe hope your visit for {category} with {helper_name} "
            "went well. Please tell us how it went: sign in, or phone "
            "{locality_phone}.\n\n{locality_name}"
        ),
    },
    "visit_reminder": {
        "subject": _("Reminder: your visit is tomorrow, {when}"),
        "body": _(
            "Dear {name},\n\nA reminder that your visit is tomorrow: {category} "
            "with {other_name}, {when}.\n\nIf you cannot make it, please phone "
            "{locality_phone} as soon as you can.\n\n{locality_name}"
        ),
    },
    "low_credit_balance": {
        "subject": _("You have {balance} of credits left"),
        "body": _(
            "Dear {name},\n\nYou have {balance} of credits left, and you have "
            "visits booked. To add credits, or if you are worried about paying, "
            "phone us on {locality_phone}. Nobody goes without help because of "
            "credits.\n\n{locality_name}"
        ),
    },
    "activity_reminder": {
        "subject": _("Reminder: {activity} on {when}"),
        "body": _(
            "Dear {name},\n\nA reminder that {activity} is on {when}, at "
            "{place}.\n\nIf you cannot come, or need a lift, phone "
            "{locality_phone}.\n\n{locality_name}"
        ),
    },
    "acv_decisions_due": {
        "subject": _("Asset of Community Value decisions due"),
        "body": _(
            "Dear {name},\n\nThese nominations as Assets of Community Value "
            "need a decision soon:\n\n{nominations}\n\nThe law gives 8 weeks "
            "from when a nomination is received.\n\n{locality_name}"
        ),
    },
    "acv_nomination_received": {
        "subject": _("A nomination as an Asset of Community Value: {asset}"),
        "body": _(
            "Dear {name},\n\n{group} has nominated {asset} as an Asset of "
            "Community Value online. It was received on {received} and the "
            "decision is due by {due}.\n\nSee it on the land and buildings "
            "register.\n\n{locality_name}"
        ),
    },
    "monthly_letter": {
        "subject": _("Your {locality_name} news for {month}"),
        "body": _(
            "Dear {name},\n\nHere is your news for {month}.\n\n"
            "Your visits:\n{visits}\n\nYour credits: {balance}.\n\n"
            "Activities this month:\n{activities}\n\n"
            "To ask for help, book a place or change anything, phone us on "
            "{locality_phone}.\n\n{locality_name}"
        ),
    },
    # --- directory: the local directory of services (kith/directory) ---
    "directory_entry_sent_back": {
        "subject": _("Your directory entry {entry} needs a change"),
        "body": _(
            "Dear {name},\n\nWe checked your entry {entry} in the "
            "{locality_name} directory and sent it back to you:\n\n{reason}\n\n"
            "Sign in to change it and send it again, or phone {locality_phone}."
            "\n\n{locality_name}"
        ),
    },
    "directory_entry_stale": {
        "subject": _("Is {entry} still right?"),
        "body": _(
            "Dear {name},\n\nYour entry {entry} in the {locality_name} "
            "directory was last checked on {checked_on}. Please sign in, check "
            "it and send it for a check by {hide_on}. If you do not, it will be "
            "hidden from the directory until you do.\n\n{locality_name}"
        ),
    },
    "directory_entry_hidden": {
        "subject": _("{entry} is now hidden from the directory"),
        "body": _(
            "Dear {name},\n\nYour entry {entry} was not checked for over a "
            "year, so it is now hidden from the {locality_name} directory. Sign "
            "in, check it and send it for a check to show it again.\n\n"
            "{locality_name}"
        ),
    },
    "directory_referral": {
        "subject": _("A referral from {locality_name}: {member_name}"),
        "body": _(
            "Dear {service},\n\n{referrer} of {locality_name} refers "
            "{member_name} to you.\n\n{note}\n\nHow to reach them: "
            "{member_contact}.\n\nIf you have questions, phone "
            "{locality_phone}.\n\n{locality_name}"
        ),
    },
}


#: The personalisation fields that let someone into an account, and the words
#: stored and shown to staff in their place. The outbox keeps the real value
#: apart and forgets it once the message is sent (ADR 0016). A new template
#: with a code or a link with a token must be listed here: a test checks that
#: no other field is called ``code``, ``link`` or ``token``.
SECRET_FIELDS: dict[str, dict[str, str]] = {
    "sign_in_code": {"code": _("[a sign-in code]")},
    "contact_code": {"code": _("[a one-time code]")},
    "password_reset": {"link": _("[a link to choose a new password]")},
    "staff_invitation": {"link": _("[a link to choose a password]")},
    "supporter_invitation": {"link": _("[a link to accept the invitation]")},
}


def redact(
    template: str, personalisation: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split ``personalisation`` into what may be stored and shown (secrets
    replaced by words saying what they were) and the secrets themselves."""
    words = SECRET_FIELDS.get(template, {})
    secrets = {key: personalisation[key] for key in words if key in personalisation}
    shown = {
        **personalisation,
        **{key: gettext(words[key]) for key in secrets},
    }
    return shown, secrets


def fields(template: str) -> list[str]:
    """The personalisation fields ``template`` uses, in order of first use."""
    spec = TEMPLATES[template]
    found: list[str] = []
    for text in (spec["subject"], spec["body"]):
        for _literal, field, _spec, _conv in Formatter().parse(text):
            if field and field not in found:
                found.append(field)
    return found


def render(template: str, personalisation: dict[str, object]) -> tuple[str, str]:
    """Return (subject, body) for ``template`` filled in with ``personalisation``."""
    spec = TEMPLATES[template]
    values = {key: str(value) for key, value in personalisation.items()}
    subject = gettext(spec["subject"]).format(**values)
    return subject, gettext(spec["body"]).format(**values)
