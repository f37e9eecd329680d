"""The reasons for a suggested introduction, in words a coordinator can read
out on the phone, and other plain-words helpers of the social part."""

from collections.abc import Iterable, Mapping

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kith.core.times import when_text as when_text  # one wording, kept for social
from kith.social.models import FREE_TIMES
from kith.social.scoring import Reason

#: Reasons a member may see before both agreed: nothing about the other's
#: health, nothing that tells them who it is.
MEMBER_KINDS = frozenset({"interest", "free", "distance"})


def distance_text(km: float) -> str:
    """``about half a mile apart``: distances the way people say them here."""
    miles = km / 1.609344
    if miles < 0.2:
        return _("a few streets apart")
    if miles < 0.4:
        return _("about a quarter of a mile apart")
    if miles < 0.65:
        return _("about half a mile apart")
    if miles < 0.9:
        return _("about three quarters of a mile apart")
    if miles < 1.25:
        return _("about a mile apart")
    text = f"{miles:.1f}"
    return _("about %(miles)s miles apart") % {"miles": text.removesuffix(".0")}


def free_times_text(times: Iterable[str]) -> str:
    names = dict(FREE_TIMES)
    labels = [str(names[t]) for t in times if t in names]
    if len(labels) > 1:
        return _("%(first)s and %(last)s") % {
            "first": ", ".join(labels[:-1]),
            "last": labels[-1],
        }
    return labels[0] if labels else ""


def reason_text(
    reason: Reason, *, interest_names: Mapping[int, str], taking_part: int
) -> str:
    if reason.kind == "interest":
        interest_id, count = reason.value
        name = interest_names.get(interest_id, _("something")).lower()
        if taking_part and count * 10 <= taking_part:
            return ngettext(
                "Both enjoy %(name)s, which only %(count)d member taking part does.",
                "Both enjoy %(name)s, which only %(count)d members taking part do.",
                count,
            ) % {"name": name, "count": count}
        return _("Both enjoy %(name)s.") % {"name": name}
    if reason.kind == "distance":
        return _("They live %(distance)s.") % {
            "distance": distance_text(float(reason.value))
        }
    if reason.kind == "free":
        return _("Both are usually free on %(times)s.") % {
            "times": free_times_text(reason.value)
        }
    if reason.kind == "quiet":
        return _(
            "Both have hearing loss: meet somewhere quiet, not a busy café, or "
            "at a place with a hearing loop."
        )
    if reason.kind == "helper":
        return _(
            "Both find getting about or seeing hard: a helper could go with them "
            "the first time, or give a lift."
        )
    return ""


def first_name(person: object) -> str:
    preferred = getattr(person, "preferred_name", "")
    if preferred:
        return str(preferred)
    full = str(getattr(person, "full_name", "")).strip()
    return full.split()[0] if full else ""
