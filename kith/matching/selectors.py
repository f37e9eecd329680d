"""Reads for matching: one request's shortlist, and the recorded plans.

Coordinators only. The shortlist and the plans use the same engine and the
same rules (engine.py), so what a coordinator sees for one request is what a
plan for all of them would weigh.
"""

import math
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kith.accounts.models import User
from kith.accounts.permissions import Perm, require_perm
from kith.core.times import day_text, span_text
from kith.help.models import HelpRequest
from kith.help.selectors import request_vetting_day, shared_helpers_record
from kith.helpers.models import HelperProfile
from kith.helpers.sharing import shared_helpers_for, sharing_partners
from kith.matching import engine
from kith.matching.build import build_problem, request_neighbourhood
from kith.matching.freshness import shortlists_version
from kith.matching.models import MatchingPlan, PlanItem
from kith.places.models import Locality

#: Rules a coordinator may overrule on the phone (the helper says they can go
#: further, or come at another time); the others the help part enforces.
SOFT_RULES = frozenset(
    {
        engine.UnmatchedReason.DISTANCE,
        engine.UnmatchedReason.WINDOW,
        engine.UnmatchedReason.NO_CAPACITY,
    }
)
SHORTLIST_LENGTH = 10
OTHERS_SHOWN = 30


def km_words(metres: float) -> str:
    km = f"{metres / 1000:.1f}".removesuffix(".0")
    return _("%(km)s km") % {"km": km}


def _when_words(start: datetime, end: datetime) -> str:
    return span_text(start, end)


def suggestion_reasons(
    suggestion: engine.Suggestion, *, member_name: str, limit_free: int = 3
) -> list[str]:
    """Why a helper suits a request, in words a coordinator can read out."""
    out = [_("%(distance)s away.") % {"distance": km_words(suggestion.distance_m)}]
    if suggestion.helped_before:
        out.append(_("Has helped %(name)s before.") % {"name": member_name})
    visits = suggestion.recent_visits
    out.append(
        ngettext(
            "%(count)d visit in the last 28 days.",
            "%(count)d visits in the last 28 days.",
            visits,
        )
        % {"count": visits}
        if visits
        else _("No visits in the last 28 days.")
    )
    for start, end in suggestion.free[:limit_free]:
        out.append(_("Free %(when)s.") % {"when": _when_words(start, end)})
    if len(suggestion.free) > limit_free:
        more = len(suggestion.free) - limit_free
        out.append(
            ngettext(
                "Free at %(count)d other time too.",
                "Free at %(count)d other times too.",
                more,
            )
            % {"count": more}
        )
    return out


def rule_words(
    rule: engine.UnmatchedReason,
    request: engine.Request,
    helper: engine.Helper,
    *,
    kind_name: str,
) -> str:
    """Why a helper does not suit a request, one rule, in plain words."""
    if rule is engine.UnmatchedReason.NO_SKILL:
        return _("Has not said they can do %(kind)s.") % {"kind": kind_name.lower()}
    if rule is engine.UnmatchedReason.VETTING:
        return _("Vetting is %(has)s; this needs %(needs)s.") % {
            "has": helper.vetting.label,
            "needs": request.vetting.label,
        }
    if rule is engine.UnmatchedReason.DISTANCE:
        return _("Lives %(distance)s away; travels up to %(limit)s.") % {
            "distance": km_words(engine.distance_km(request, helper) * 1000),
            "limit": km_words(helper.max_km * 1000),
        }
    if rule is engine.UnmatchedReason.WINDOW:
        return _("Not free for %(minutes)d minutes between %(when)s.") % {
            "minutes": request.minutes,
            "when": _when_words(request.earliest, request.latest),
        }
    if rule is engine.UnmatchedReason.DECLINED:
        return _("Said no to this request.")
    return _("Has no room for more visits this week, or is paused.")


@dataclass
class ShortlistEntry:
    helper: HelperProfile
    distance_m: int
    reasons: list[str]


@dataclass
class OtherHelper:
    helper: HelperProfile
    distance_m: int
    reasons: list[str]
    #: Only soft rules fail: a coordinator may still offer it.
    can_offer: bool


@dataclass
class Shortlist:
    request: HelpRequest
    suggestions: list[ShortlistEntry] = field(default_factory=list)
    more_suitable: int = 0
    others: list[OtherHelper] = field(default_factory=list)
    more_others: int = 0
    #: Why the request cannot be weighed at all (no postcode position...).
    cannot_place: str = ""


def shortlist_for(
    *, actor: User, request: HelpRequest, limit: int = SHORTLIST_LENGTH
) -> Shortlist:
    """The best helpers for one open request, ranked as a plan would weigh
    them, each with reasons; then the nearest others with why they do not
    suit (those failing only distance, time or room may still be offered).
    Coordinators only; raises PermissionDenied.

    Remembered in the cache until anything it was worked out from changes
    (freshness.py), the day ends, or a helper's oldest recent visit stops
    counting as recent, whichever comes first."""
    require_perm(actor, Perm.HELP_MANAGE, request.locality)
    out = Shortlist(request=request)
    if request.status != HelpRequest.Status.OPEN:
        return out
    today = timezone.localdate()
    # The version first: a change after this read makes what is worked out
    # below be remembered under a version already gone.
    key = ":".join(
        [
            "matching:shortlist:1",  # 1: the form of _Kept
            shortlists_version(),
            str(request.pk),
            today.isoformat(),
            str(translation.get_language()),
            str(limit),
        ]
    )
    kept = _kept_read(cache.get(key))
    if kept is not None:
        shown = _helpers_shown(request, kept)
        if shown is not None:
            return _shortlist_from(out, kept, shown)
    kept, helpers = _shortlist_work_out(request, actor=actor, limit=limit, today=today)
    ends = timezone.make_aware(datetime.combine(today + timedelta(days=1), time.min))
    if kept.changes_at is not None:
        ends = min(ends, kept.changes_at)
    seconds = math.ceil((ends - timezone.now()).total_seconds())
    if seconds > 0:
        cache.set(key, asdict(kept), timeout=seconds)
    return _shortlist_from(out, kept, helpers)


@dataclass
class _Kept:
    """A shortlist as remembered: plain values, the helpers by id."""

    cannot_place: str = ""
    #: (helper id, distance in metres, reasons)
    suggestions: list[tuple[int, int, list[str]]] = field(default_factory=list)
    more_suitable: int = 0
    #: (helper id, distance in metres, reasons, can offer)
    others: list[tuple[int, int, list[str], bool]] = field(default_factory=list)
    more_others: int = 0
    changes_at: datetime | None = None


def _kept_read(value: Any) -> _Kept | None:
    """A remembered shortlist (stored as a dict of plain values), or None."""
    if not isinstance(value, dict):
        return None
    try:
        return _Kept(**value)
    except TypeError:
        return None


def _helpers_shown(
    request: HelpRequest, kept: _Kept
) -> dict[int, HelperProfile] | None:
    """The helpers a remembered shortlist shows, or None if one has gone."""
    ids = {row[0] for row in kept.suggestions} | {row[0] for row in kept.others}
    if not ids:
        return {}
    found = {
        profile.pk: profile
        for profile in HelperProfile.objects.filter(pk__in=ids).select_related("user")
    }
    neighbours = {
        p.locality_id for p in found.values() if p.locality_id != request.locality_id
    }
    # A neighbour's helper only while the two localities still share (the
    # version changes when an agreement does: this is the second lock).
    if neighbours - set(sharing_partners(locality=request.locality)):
        return None
    return found if len(found) == len(ids) else None


def _shortlist_from(
    out: Shortlist, kept: _Kept, helpers: dict[int, HelperProfile]
) -> Shortlist:
    out.cannot_place = kept.cannot_place
    out.suggestions = [
        ShortlistEntry(helper=helpers[pk], distance_m=metres, reasons=list(reasons))
        for pk, metres, reasons in kept.suggestions
    ]
    out.more_suitable = kept.more_suitable
    out.others = [
        OtherHelper(
            helper=helpers[pk],
            distance_m=metres,
            reasons=list(reasons),
            can_offer=can_offer,
        )
        for pk, metres, reasons, can_offer in kept.others
    ]
    out.more_others = kept.more_others
    return out


def _shortlist_work_out(
    request: HelpRequest, *, actor: User, limit: int, today: date
) -> tuple[_Kept, dict[int, HelperProfile]]:
    """The shortlist from the database, with the helpers it shows."""
    kept = _Kept()
    near = request_neighbourhood(request, others=OTHERS_SHOWN, today=today)
    vetting_day = request_vetting_day(request)
    built = build_problem(
        request.locality,
        request_ids=[request.pk],
        helper_ids=near.helper_ids if near is not None else [],
        shared_ids=near.shared_ids if near is not None else [],
        today=today,
        only_days=near.days if near is not None else None,
        vetting_day=vetting_day,
    )
    kept.changes_at = built.load_changes_at
    key = str(request.pk)
    if key in built.left_out:
        kept.cannot_place = built.left_out[key]
        return kept, {}
    placed = near.placed if near is not None else 0
    engine_request = built.problem.requests[0]
    helpers = list(built.problem.helpers)
    member_name = request.membership.person.display_name
    ranked = engine.shortlist(
        engine_request, helpers, built.problem.policy, limit=len(helpers)
    )
    shared = _shared_words(
        request,
        near.shared_ids if near is not None else [],
        actor=actor,
        day=vetting_day,
    )
    for suggestion in ranked[:limit]:
        kept.suggestions.append(
            (
                int(suggestion.helper.id),
                suggestion.distance_m,
                shared.get(int(suggestion.helper.id), [])
                + suggestion_reasons(suggestion, member_name=member_name),
            )
        )
    kept.more_suitable = max(0, len(ranked) - limit)
    suitable = {s.helper.id for s in ranked}
    unsuitable = [h for h in helpers if h.id not in suitable]
    # All at once: the same arithmetic as distance_km, to the last bit.
    others = sorted(
        zip(
            engine.distances_km(
                engine_request,
                [h.lat for h in unsuitable],
                [h.lon for h in unsuitable],
            ).tolist(),
            unsuitable,
            strict=True,
        ),
        key=lambda pair: (pair[0], pair[1].id),
    )
    kind_name = request.category.name
    for km, helper in others[:OTHERS_SHOWN]:
        rules = engine.rules_failed(engine_request, helper)
        kept.others.append(
            (
                int(helper.id),
                round(km * 1000),
                shared.get(int(helper.id), [])
                + [
                    rule_words(rule, engine_request, helper, kind_name=kind_name)
                    for rule in rules
                ],
                all(rule in SOFT_RULES for rule in rules),
            )
        )
    kept.more_others = max(0, placed - len(ranked) - OTHERS_SHOWN)
    shown = {row[0] for row in kept.suggestions} | {row[0] for row in kept.others}
    return kept, {pk: built.helpers[str(pk)] for pk in shown}


def _shared_words(
    request: HelpRequest, ids: list[int], *, actor: User, day: date
) -> dict[int, list[str]]:
    """What a coordinator is told first about each helper of a neighbouring
    locality on the shortlist: where they are from, their vetting and when it
    runs out, and their record, read through the selectors that show only
    that (ADR 0042)."""
    if not ids:
        return {}
    facts = shared_helpers_for(actor=actor, locality=request.locality, ids=ids, day=day)
    records = shared_helpers_record(
        actor=actor, locality=request.locality, ids=list(facts)
    )
    out = {}
    for pk, fact in facts.items():
        words = [
            _("A helper of %(home)s, shared with this locality.")
            % {"home": fact.home_locality},
            _("Vetting: %(level)s, until %(day)s.")
            % {"level": fact.vetting_level.label, "day": day_text(fact.vetting_until)}
            if fact.vetting_until is not None
            else _("Vetting: %(level)s.") % {"level": fact.vetting_level.label},
        ]
        if fact.skills:
            words.append(
                _("Can do: %(skills)s.") % {"skills": ", ".join(fact.skills).lower()}
            )
        record = records.get(pk)
        if record is not None:
            words.append(record)
        out[pk] = words
    return out


def plans_for(*, actor: User, locality: Locality) -> QuerySet[MatchingPlan]:
    """The locality's plans, newest first, with how many requests each
    proposed a helper for and how many offers went out."""
    require_perm(actor, Perm.MATCHING_PLAN, locality)
    return (
        MatchingPlan.objects.filter(locality=locality)
        .select_related("created_by", "sent_by")
        .annotate(
            item_count=Count("items"),
            matched_count=Count("items", filter=~Q(items__outcome="unmatched")),
            sent_count=Count("items", filter=Q(items__outcome="sent")),
        )
        .order_by("-created_at", "-id")
    )


def plan_get_for(*, actor: User, locality: Locality, pk: int) -> MatchingPlan:
    """One plan with every item and what the page shows of it. Raises Http404
    or PermissionDenied."""
    require_perm(actor, Perm.MATCHING_PLAN, locality)
    plan = (
        MatchingPlan.objects.filter(pk=pk, locality=locality)
        .select_related("created_by", "sent_by", "closed_by", "replans__helper__user")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=PlanItem.objects.select_related(
                    "request__membership__person",
                    "request__membership__ward",
                    "request__category",
                    "helper__user",
                    "visit",
                ).order_by("id"),
            )
        )
        .first()
    )
    if plan is None:
        raise Http404
    return plan


def request_page_shortlist(*, actor: User, help_request: HelpRequest) -> dict[str, Any]:
    """The shortlist on a coordinator's page of one open request (registered
    on help's ``request_page_extras`` hook)."""
    return {"shortlist": shortlist_for(actor=actor, request=help_request)}
