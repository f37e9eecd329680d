"""When a remembered shortlist may no longer be right.

A request's shortlist is worked out from the request (its kind of help,
times, urgency, the member's name and home), every active helper of the
locality and of neighbouring localities sharing helpers with it (their
home, travelling distance, skills, weekly times, time away, vetting, most
visits a week; the sharing agreements), the visits of those helpers
(booked this week, done in the last 28 days, declined, who they helped) and
the postcode directory. It is remembered in Django's cache under a *version*: any write
to any of those rows, by any code (services, the admin, demo loaders,
merges), gives the version a new value, so no shortlist remembered before
the write is used after it. See docs/adr/0022-remembered-shortlists.md.

The version changes twice for each write: at once (so a read later in the
same transaction, or in a test, sees the change) and again when the
transaction commits (so a shortlist worked out by another request from the
rows as they were before the commit, and remembered under the version set by
the first change, is not used afterwards).

Rows change through model signals, not hooks: the rows belong to four
apps below matching, written in dozens of places, and a signal on the model
is the one place every write of a row passes (bulk ``update`` and
``bulk_create`` do not: each use of them on these rows is in a transaction
that also saves or deletes a watched row, see the ADR). Time matters too:
the version names the day, and a remembered shortlist lasts no longer than
until the next visit leaves its 28 days (see ``selectors.shortlist_for``).
"""

from typing import Any
from uuid import uuid4

from django.core.cache import cache
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save

from kith.accounts.models import User
from kith.help.models import HelpCategory, HelpRequest, HelpWindow, Visit
from kith.helpers.models import (
    AvailabilityException,
    AvailabilitySlot,
    HelperProfile,
    HelperSkill,
    SharingAgreement,
    Skill,
    VettingCheck,
)
from kith.places.models import Postcode

VERSION_KEY = "matching:shortlists:version"

#: Every model whose rows a shortlist is worked out from.
WATCHED: tuple[type[Model], ...] = (
    HelpRequest,
    HelpWindow,
    HelpCategory,
    Visit,
    HelperProfile,
    HelperSkill,
    AvailabilitySlot,
    AvailabilityException,
    VettingCheck,
    Skill,
    SharingAgreement,
    User,
    Postcode,
)

#: Saves of a person that change nothing a shortlist shows (signing in).
_USER_FIELDS_IGNORED = frozenset({"last_login", "password"})


def shortlists_version() -> str:
    """The current version; read it before reading the rows."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    return str(version)


def shortlists_forget() -> None:
    """Every shortlist remembered so far is stale, now and at commit."""
    _new_version()
    transaction.on_commit(_new_version)


def _new_version() -> None:
    cache.set(VERSION_KEY, uuid4().hex, timeout=None)


def _row_changed(sender: type[Model], **kwargs: Any) -> None:
    fields = kwargs.get("update_fields")
    if sender is User and fields and set(fields) <= _USER_FIELDS_IGNORED:
        return
    shortlists_forget()


def shortlists_watch() -> None:
    """Forget the remembered shortlists whenever a watched row changes
    (from MatchingConfig.ready)."""
    for model in WATCHED:
        uid = f"matching.freshness.{model._meta.label}"
        post_save.connect(_row_changed, sender=model, dispatch_uid=uid + ".save")
        post_delete.connect(_row_changed, sender=model, dispatch_uid=uid + ".delete")
