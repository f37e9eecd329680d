"""A person's signed-in sessions: seen and ended from their own page."""

from importlib import import_module
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.models import SignedInSession, User
from kith.core.errors import ApplicationError
from kith.core.services import audit_record


def _store(session_key: str | None = None) -> Any:
    engine = import_module(settings.SESSION_ENGINE)
    return engine.SessionStore(session_key=session_key)


def _device(user_agent: str) -> str:
    """A few plain words about the browser, not the whole header."""
    agent = user_agent.lower()
    browser = next(
        (
            name
            for key, name in (
                ("edg/", "Edge"),
                ("firefox/", "Firefox"),
                ("chrome/", "Chrome"),
                ("safari/", "Safari"),
            )
            if key in agent
        ),
        "",
    )
    system = next(
        (
            name
            for key, name in (
                ("iphone", "iPhone"),
                ("ipad", "iPad"),
                ("android", "Android"),
                ("windows", "Windows"),
                ("mac os", "Mac"),
                ("linux", "Linux"),
            )
            if key in agent
        ),
        "",
    )
    return " on ".join(part for part in (browser, system) if part)[:120]


def session_seen(
    *, user: User, session_key: str | None, ip_address: str | None, user_agent: str
) -> None:
    """Note that ``user`` used the session now (called when signing in and
    then at most once a minute)."""
    if not session_key:
        return
    values = {
        "user": user,
        "last_seen_at": timezone.now(),
        "ip_address": ip_address,
        "device": _device(user_agent),
    }
    # One statement on every call but the first.
    if SignedInSession.objects.filter(session_key=session_key).update(**values):
        return
    try:
        with transaction.atomic():
            SignedInSession.objects.create(session_key=session_key, **values)
    except IntegrityError:
        # The same session's other request got there first.
        SignedInSession.objects.filter(session_key=session_key).update(**values)


def sessions_of(*, user: User) -> list[SignedInSession]:
    """The person's sessions still signed in, most recent first; rows of
    sessions that ended (signed out, timed out) are dropped."""
    rows = list(
        SignedInSession.objects.filter(user=user).order_by("-last_seen_at", "-pk")
    )
    store = _store()
    ended = [row.pk for row in rows if not store.exists(row.session_key)]
    if ended:
        SignedInSession.objects.filter(pk__in=ended).delete()
    return [row for row in rows if row.pk not in ended]


@transaction.atomic
def session_end(*, actor: User, pk: int, current_key: str | None) -> None:
    """End one of the actor's own sessions (signing that browser out).
    Their current session is ended by signing out instead."""
    row = SignedInSession.objects.filter(user=actor, pk=pk).first()
    if row is None:
        raise ApplicationError(_("That session has already ended."))
    if row.session_key == current_key:
        raise ApplicationError(
            _("This is the session you are using: sign out instead.")
        )
    _store(row.session_key).delete()
    row.delete()
    audit_record(
        actor=actor,
        action="session_ended",
        target=actor,
        locality=actor.own_locality(),
        data={"device": row.device, "signed_in": row.created_at.isoformat()},
    )


@transaction.atomic
def sessions_end_others(*, actor: User, current_key: str | None) -> int:
    """End every session of the actor's but this one; how many ended."""
    rows = list(
        SignedInSession.objects.filter(user=actor).exclude(session_key=current_key)
    )
    for row in rows:
        _store(row.session_key).delete()
    SignedInSession.objects.filter(pk__in=[row.pk for row in rows]).delete()
    if rows:
        audit_record(
            actor=actor,
            action="sessions_ended",
            target=actor,
            locality=actor.own_locality(),
            data={"count": len(rows)},
        )
    return len(rows)
