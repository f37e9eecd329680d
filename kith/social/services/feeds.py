"""Calendar feeds: resetting a member's private feed address."""

import hashlib
import secrets

from django.db import transaction

from kith.accounts.models import User
from kith.accounts.permissions import Perm, require_perm
from kith.core.services import audit_record
from kith.places.models import Locality
from kith.social.models import CalendarFeed


def feed_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_feed_reset(*, actor: User, locality: Locality) -> str:
    """Make a new secret address for a person's own calendar, replacing the
    old one (which stops working at once). Returns the secret, which is not
    kept: it is shown once."""
    require_perm(actor, Perm.OWN_RECORD, locality)
    token = secrets.token_urlsafe(24)
    CalendarFeed.objects.update_or_create(
        person=actor,
        defaults={"locality": locality, "token_digest": feed_digest(token)},
    )
    audit_record(actor=actor, action="calendar_feed_reset", locality=locality)
    return token
