"""Suggesting introductions: free times, who consents, scoring members
against each other and storing the suggestions.
"""

import json
from collections import Counter
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.models import User
from kith.accounts.permissions import Perm, require_perm
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.members.models import Consent, Interest, Membership
from kith.places.models import Locality, Postcode
from kith.social import scoring, words
from kith.social.models import FREE_TIMES, Introduction, SocialProfile
from kith.social.services.common import _is_member_or_coordinator


@transaction.atomic
def free_times_set(
    *, actor: User, membership: Membership, free_times: list[str]
) -> SocialProfile:
    """Record when a member is usually free, for introductions. The member,
    or a coordinator for them."""
    if not _is_member_or_coordinator(actor, membership):
        raise PermissionDenied
    known = {code for code, _label in FREE_TIMES}
    if any(t not in known for t in free_times):
        raise ApplicationError(_("Choose times from the list."), field="free_times")
    profile, _created = SocialProfile.objects.get_or_create(membership=membership)
    profile.free_times = [code for code, _label in FREE_TIMES if code in free_times]
    profile.save()
    audit_record(
        actor=actor,
        action="free_times_set",
        target=membership,
        on_behalf_of=membership.person if actor.pk != membership.person_id else None,
        locality=membership.locality,
        data={"free_times": profile.free_times},
    )
    return profile


def consenting(queryset: Any) -> Any:
    """``queryset`` of memberships, annotated ``introductions_consent`` with
    the latest answer to the introductions question (None if never asked)."""
    latest = Consent.objects.filter(
        membership=OuterRef("pk"), kind=Consent.Kind.INTRODUCTIONS
    ).order_by("-recorded_at", "-id")
    return queryset.annotate(introductions_consent=Subquery(latest.values("given")[:1]))


def _consents(membership: Membership) -> bool:
    latest = (
        Consent.objects.filter(membership=membership, kind=Consent.Kind.INTRODUCTIONS)
        .order_by("-recorded_at", "-id")
        .values_list("given", flat=True)
        .first()
    )
    return bool(latest)


def members_for_scoring(*, locality: Locality) -> list[scoring.Member]:
    """Every active member of ``locality`` as the scoring rules see them, in
    four queries whatever the number of members."""
    rows = list(
        consenting(
            Membership.objects.filter(
                locality=locality, status=Membership.Status.ACTIVE
            )
        ).values_list(
            "pk",
            "person__postcode",
            "access_needs",
            "introductions_consent",
            "social_profile__free_times",
        )
    )
    interests: dict[int, set[int]] = {}
    for membership_id, interest_id in Membership.interests.through.objects.filter(
        membership__locality=locality, membership__status=Membership.Status.ACTIVE
    ).values_list("membership_id", "interest_id"):
        interests.setdefault(membership_id, set()).add(interest_id)
    postcodes = {code for _pk, code, *_rest in rows if code}
    where: dict[str, tuple[float | None, float | None]] = {}
    for code, latitude, longitude in Postcode.objects.filter(
        postcode__in=postcodes
    ).values_list("postcode", "latitude", "longitude"):
        where[code] = (latitude, longitude)
    members = []
    for pk, code, needs, consent, free in rows:
        lat, lon = where.get(code or "", (None, None))
        members.append(
            scoring.Member(
                id=pk,
                latitude=lat,
                longitude=lon,
                interests=frozenset(interests.get(pk, ())),
                free_times=frozenset(free or ()),
                needs=frozenset(needs or ()),
                consents=bool(consent),
            )
        )
    return members


def reasons_for(
    suggestion: scoring.Suggestion,
    *,
    interest_names: dict[int, str],
    taking_part: int,
    texts: dict[scoring.Reason, str] | None = None,
) -> list[dict[str, str]]:
    """The suggestion's reasons in words; ``texts`` remembers each reason's
    words across a run (the same few reasons come up thousands of times)."""
    texts = {} if texts is None else texts
    made = []
    for reason in suggestion.reasons:
        text = texts.get(reason)
        if text is None:
            text = texts[reason] = words.reason_text(
                reason, interest_names=interest_names, taking_part=taking_part
            )
        made.append({"kind": reason.kind, "text": text})
    return made


@transaction.atomic
def introductions_suggest(
    *,
    actor: User | None,
    locality: Locality,
    policy: scoring.Policy | None = None,
) -> int:
    """Find members who would likely get on and add them as suggestions for
    coordinators to review. Pairs suggested before (whatever came of it) are
    never suggested again, and a member with ``per_member`` suggestions
    still open gets no more until a coordinator deals with them, so running
    it again adds nothing until something changes. Returns how many were
    added. ``actor`` None is the scheduler."""
    if actor is not None:
        require_perm(actor, Perm.INTRODUCTIONS_MANAGE, locality)
    policy = policy or scoring.Policy()
    members = members_for_scoring(locality=locality)
    existing = list(
        Introduction.objects.filter(locality=locality).values_list(
            "first_id", "second_id", "status"
        )
    )
    open_count: Counter[int] = Counter()
    for first, second, status in existing:
        if status in (Introduction.Status.SUGGESTED, Introduction.Status.ASKED):
            open_count[first] += 1
            open_count[second] += 1
    found = scoring.suggest(
        members,
        policy=policy,
        exclude=[(first, second) for first, second, _status in existing],
        busy=[m for m, n in open_count.items() if n >= policy.per_member],
    )
    names = dict(Interest.objects.filter(locality=locality).values_list("pk", "name"))
    taking_part = sum(1 for m in members if m.consents)
    texts: dict[scoring.Reason, str] = {}
    before = Introduction.objects.filter(locality=locality).count()
    _insert_suggestions(
        locality,
        [
            (
                s.first,
                s.second,
                round(s.score, 4),
                reasons_for(
                    s, interest_names=names, taking_part=taking_part, texts=texts
                ),
            )
            for s in found
        ],
    )
    added = Introduction.objects.filter(locality=locality).count() - before
    audit_record(
        actor=actor,
        action="introductions_suggested",
        locality=locality,
        data={"suggestions": added},
    )
    return added


def introductions_suggest_all() -> int:
    """Every locality's new suggestions, for the scheduler each night: safe
    to run again (see introductions_suggest). Returns how many were added."""
    return sum(
        introductions_suggest(actor=None, locality=locality)
        # Not in a paused or archived locality (ADR 0041).
        for locality in Locality.objects.filter(status=Locality.Status.ACTIVE).order_by(
            "pk"
        )
    )


def _insert_suggestions(
    locality: Locality, rows: list[tuple[int, int, float, list[dict[str, str]]]]
) -> None:
    """Insert many suggestions at once, skipping pairs already there.

    Thousands of rows at a time: the ORM's bulk_create spends most of its
    time preparing each field of each row, so this writes only what a new
    suggestion needs. On PostgreSQL the rows are copied (COPY) into a
    temporary table and inserted from there in one statement; on SQLite,
    many rows per statement.
    """
    if connection.vendor == "postgresql":
        _insert_suggestions_postgresql(locality, rows)
        return
    table = connection.ops.quote_name(Introduction._meta.db_table)
    columns = (
        "locality_id",
        "first_id",
        "second_id",
        "status",
        "score",
        "reasons",
        "share_how",
        "first_answer",
        "second_answer",
        "helper_present",
        "meeting_place",
        "closed_reason",
        "created_at",
        "updated_at",
    )
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    params = [
        (
            locality.pk,
            first,
            second,
            Introduction.Status.SUGGESTED,
            score,
            json.dumps(reasons),
            Introduction.ShareHow.CONTACT,
            "",
            "",
            False,
            "",
            "",
            now,
            now,
        )
        for first, second, score, reasons in rows
    ]
    # Many rows per statement: one round trip per batch, not per row.
    batch = 500
    with connection.cursor() as cursor:
        for start in range(0, len(params), batch):
            chunk = params[start : start + batch]
            values = ", ".join([row] * len(chunk))
            cursor.execute(
                f"INSERT OR IGNORE INTO {table} ({names}) VALUES {values}",  # noqa: S608 - names are ours
                [value for values in chunk for value in values],
            )


def _insert_suggestions_postgresql(
    locality: Locality, rows: list[tuple[int, int, float, list[dict[str, str]]]]
) -> None:
    table = connection.ops.quote_name(Introduction._meta.db_table)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE social_new_suggestion (first_id bigint, "
            "second_id bigint, score double precision, reasons jsonb) ON COMMIT DROP"
        )
        with cursor.cursor.copy(
            "COPY social_new_suggestion (first_id, second_id, score, reasons) "
            "FROM STDIN"
        ) as copy:
            for first, second, score, reasons in rows:
                copy.write_row((first, second, score, json.dumps(reasons)))
        cursor.execute(
            f"INSERT INTO {table} (locality_id, first_id, second_id, status, score, "  # noqa: S608 - names are ours
            "reasons, share_how, first_answer, second_answer, helper_present, "
            "meeting_place, closed_reason, created_at, updated_at) "
            "SELECT %s, first_id, second_id, %s, score, reasons, %s, '', '', "
            "false, '', '', %s, %s FROM social_new_suggestion "
            "ON CONFLICT DO NOTHING",
            [
                locality.pk,
                Introduction.Status.SUGGESTED,
                Introduction.ShareHow.CONTACT,
                now,
                now,
            ],
        )
        cursor.execute("DROP TABLE social_new_suggestion")
