"""The wording of each message, keyed by template name.

GOV.UK Notify holds the live copies (docs/notify.md); the local channel renders
these so the demo shows exactly what a person would receive.
"""

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
    "password_reset": {
        "subject": _("Reset your password for {service_name}"),
        "body": _(
            "Someone asked to reset the password for your account.\n\n"
            "To choose a new password, open this link within 2 hours:\n{link}\n\n"
            "If it was not you, you can ignore this message: your password has "
            "not changed.\n\n{locality_name} — {locality_phone}"
        ),
    },
}


def render(template: str, personalisation: dict[str, object]) -> tuple[str, str]:
    """Return (subject, body) for ``template`` filled in with ``personalisation``."""
    spec = TEMPLATES[template]
    values = {key: str(value) for key, value in personalisation.items()}
    subject = gettext(spec["subject"]).format(**values)
    return subject, gettext(spec["body"]).format(**values)
