"""Social: the calendar of activities, signing up, hosting, and introductions
between members (coordinators' suggestions and members' answers)."""

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kith.accounts.permissions import Perm, has_perm, roles_in
from kith.core.errors import ApplicationError
from kith.core.flows import IncompleteFlow, QuestionFlow, Step
from kith.core.pagination import page_of
from kith.core.params import choice_param
from kith.members.models import Interest, Membership
from kith.places.models import Ward
from kith.social import forms, ical, selectors, services
from kith.social.models import Activity, Introduction, SignUp, Venue


def _locality(request: HttpRequest) -> Any:
    locality = request.locality  # type: ignore[attr-defined]
    if locality is None:
        raise Http404
    return locality


def _for_whom(request: HttpRequest) -> list[Membership]:
    """The members this person may sign up or answer for: the member a
    coordinator is acting for, or themselves and those they support."""
    locality = _locality(request)
    acting_for = getattr(request, "acting_for", None)
    if acting_for is not None:
        return list(
            Membership.objects.filter(
                person=acting_for, locality=locality, status=Membership.Status.ACTIVE
            ).select_related("person", "locality")
        )
    return selectors.members_to_sign_up(actor=request.user, locality=locality)  # type: ignore[arg-type]


def _own_membership(request: HttpRequest) -> Membership:
    """The member whose introductions are shown: the one a coordinator is
    acting for, or the person signed in."""
    locality = _locality(request)
    person = getattr(request, "acting_for", None) or request.user
    found = (
        Membership.objects.filter(person=person, locality=locality)
        .exclude(status=Membership.Status.LEFT)
        .select_related("person", "locality")
        .first()
    )
    if found is None:
        raise PermissionDenied
    return found


# --- home --------------------------------------------------------------------


@login_required
def social_home(request: HttpRequest) -> HttpResponse:
    locality = _locality(request)
    person = getattr(request, "acting_for", None) or request.user
    memberships = _for_whom(request)
    rows = [
        {
            "membership": membership,
            "sign_ups": list(
                selectors.sign_ups_for(actor=request.user, membership=membership)  # type: ignore[arg-type]
            ),
        }
        for membership in memberships
    ]
    own = next((m for m in memberships if m.person_id == person.pk), None)
    waiting = []
    if own is not None:
        waiting = [
            view
            for view in selectors.introductions_for_member(
                actor=request.user,
                membership=own,  # type: ignore[arg-type]
            )
            if view.status == Introduction.Status.ASKED and not view.my_answer
        ]
    return render(
        request,
        "social/home.html",
        {
            "rows": rows,
            "waiting": waiting,
            "own": own,
            "hosted": selectors.hosted_by(actor=request.user, locality=locality)[:20],  # type: ignore[arg-type]
            "may_propose": has_perm(request.user, Perm.ACTIVITIES_PROPOSE, locality),
            "manages_activities": has_perm(
                request.user, Perm.ACTIVITIES_MANAGE, locality
            ),
            "manages_introductions": has_perm(
                request.user, Perm.INTRODUCTIONS_MANAGE, locality
            ),
        },
    )


# --- the calendar ------------------------------------------------------------


def calendar(request: HttpRequest) -> HttpResponse:
    """This week and next, filtered by area, interest and access. Public."""
    locality = _locality(request)
    wards = Ward.objects.filter(locality=locality)
    interests = Interest.objects.filter(locality=locality)
    form = forms.CalendarFilterForm(
        request.GET or None, wards=wards, interests=interests
    )
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        filters = {
            "ward_id": form.cleaned_data.get("ward") or None,
            "interest_id": form.cleaned_data.get("interest") or None,
            "access": form.cleaned_data.get("access") or [],
        }
    start = selectors.week_start(timezone.localdate())
    found = list(selectors.calendar(locality=locality, start=start, **filters))
    for occurrence in found:
        occurrence.left = max(0, occurrence.activity.places - occurrence.booked)  # type: ignore[attr-defined]
    weeks = []
    for week in range(2):
        first = start + timedelta(days=7 * week)
        days = []
        for offset in range(7):
            day = first + timedelta(days=offset)
            items = [o for o in found if timezone.localtime(o.starts_at).date() == day]
            if items:
                days.append({"day": day, "items": items})
        weeks.append(
            {
                "title": _("This week") if week == 0 else _("Next week"),
                "first": first,
                "days": days,
            }
        )
    template = (
        "social/_calendar_weeks.html"
        if request.headers.get("HX-Request")
        else "social/calendar.html"
    )
    return render(
        request,
        template,
        {
            "form": form,
            "weeks": weeks,
            "today": timezone.localdate(),
            "signed_in_here": bool(roles_in(request.user, locality)),
        },
    )


def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    locality = _locality(request)
    activity = selectors.activity_get_for(actor=request.user, locality=locality, pk=pk)
    return render(
        request,
        "social/activity.html",
        {
            "activity": activity,
            "occurrences": list(selectors.occurrences_of(activity=activity)[:26]),
            "cost": services.cost_text(activity),
            "may_run": services.may_run(request.user, activity),
            "manages": has_perm(request.user, Perm.ACTIVITIES_MANAGE, locality),
            "signed_in_here": bool(roles_in(request.user, locality)),
        },
    )


def occurrence_detail(request: HttpRequest, pk: int) -> HttpResponse:
    locality = _locality(request)
    occurrence = selectors.occurrence_get_for(
        actor=request.user, locality=locality, pk=pk
    )
    activity = occurrence.activity
    people = None
    if services.may_run(request.user, activity):
        people = list(selectors.people_at(actor=request.user, occurrence=occurrence))  # type: ignore[arg-type]
    mine = []
    if request.user.is_authenticated:
        ids = [m.person_id for m in _for_whom(request)]
        mine = list(
            SignUp.objects.filter(
                occurrence=occurrence,
                person_id__in=ids,
                status__in=services.LIVE_SIGN_UPS,
            ).select_related("person")
        )
    return render(
        request,
        "social/occurrence.html",
        {
            "occurrence": occurrence,
            "activity": activity,
            "cost": services.cost_text(activity),
            "people": people,
            "mine": mine,
            "started": occurrence.starts_at <= timezone.now(),
            "signed_in_here": bool(roles_in(request.user, locality)),
        },
    )


# --- signing up ----------------------------------------------------------------


@login_required
def sign_up(request: HttpRequest, pk: int) -> HttpResponse:
    locality = _locality(request)
    occurrence = selectors.occurrence_get_for(
        actor=request.user, locality=locality, pk=pk
    )
    memberships = _for_whom(request)
    if not memberships:
        return render(
            request,
            "social/cannot_sign_up.html",
            {"coordinator": has_perm(request.user, Perm.ACT_ON_BEHALF, locality)},
            status=403,
        )
    form = forms.SignUpForm(
        request.POST if request.method == "POST" else None, memberships=memberships
    )
    full = None
    if request.method == "POST" and form.is_valid():
        chosen = next(
            (m for m in memberships if m.pk == form.cleaned_data["membership"]), None
        )
        if chosen is None:
            raise Http404
        try:
            made = services.sign_up(
                actor=request.user,  # type: ignore[arg-type]
                occurrence=occurrence,
                membership=chosen,
                needs_lift=form.cleaned_data["needs_lift"],
                waiting_list=request.POST.get("waiting_list") == "yes",
            )
        except services.Full as exc:
            full = exc
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            return redirect("social:place", pk=made.pk)
    return render(
        request,
        "social/sign_up.html",
        {
            "form": form,
            "occurrence": occurrence,
            "activity": occurrence.activity,
            "cost": services.cost_text(occurrence.activity),
            "full": full,
            "only": memberships[0] if len(memberships) == 1 else None,
        },
    )


@login_required
def place(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirmation of a place (or a waiting-list place)."""
    sign_up = selectors.sign_up_get_for(
        actor=request.user,
        locality=_locality(request),
        pk=pk,  # type: ignore[arg-type]
    )
    position = None
    if sign_up.status == SignUp.Status.WAITING:
        position = SignUp.objects.filter(
            occurrence=sign_up.occurrence,
            status=SignUp.Status.WAITING,
            waiting_since__lte=sign_up.waiting_since,
        ).count()
    return render(
        request,
        "social/place.html",
        {"sign_up": sign_up, "occurrence": sign_up.occurrence, "position": position},
    )


@login_required
def place_give_up(request: HttpRequest, pk: int) -> HttpResponse:
    sign_up = selectors.sign_up_get_for(
        actor=request.user,
        locality=_locality(request),
        pk=pk,  # type: ignore[arg-type]
    )
    error = None
    if request.method == "POST":
        try:
            services.sign_up_cancel(actor=request.user, sign_up=sign_up)  # type: ignore[arg-type]
        except ApplicationError as exc:
            error = exc
        else:
            messages.success(
                request,
                _("Done. %(name)s is no longer going.")
                % {"name": sign_up.person.display_name},
            )
            return redirect("social:occurrence", pk=sign_up.occurrence_id)
    return render(request, "social/give_up.html", {"sign_up": sign_up, "error": error})


@login_required
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    locality = _locality(request)
    occurrence = selectors.occurrence_get_for(
        actor=request.user, locality=locality, pk=pk
    )
    booked = [
        s
        for s in selectors.people_at(actor=request.user, occurrence=occurrence)  # type: ignore[arg-type]
        if s.status == SignUp.Status.BOOKED
    ]
    initial = {"came": [s.pk for s in booked if s.attended]}
    form = forms.AttendanceForm(
        request.POST if request.method == "POST" else None,
        sign_ups=booked,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_record(
                actor=request.user,  # type: ignore[arg-type]
                occurrence=occurrence,
                came=set(form.cleaned_data["came"]),
            )
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            messages.success(request, _("Thank you. Who came has been recorded."))
            return redirect("social:occurrence", pk=occurrence.pk)
    return render(
        request,
        "social/form_page.html",
        {
            "form": form,
            "title": _("Who came to %(title)s?") % {"title": occurrence.activity.title},
            "caption": timezone.localtime(occurrence.starts_at),
            "button": _("Save"),
            "back": reverse("social:occurrence", args=[occurrence.pk]),
        },
    )


# --- proposing, approving and cancelling activities ------------------------------


class ProposeFlow(QuestionFlow):
    def form_kwargs(self, request: HttpRequest, step: Step) -> dict[str, Any]:
        locality = _locality(request)
        if step.slug == "about":
            return {"interests": Interest.objects.filter(locality=locality)}
        if step.slug == "where":
            return {"venues": selectors.venues_for(locality=locality)}
        return {}


PROPOSE = ProposeFlow(
    "propose",
    [
        Step("about", forms.AboutForm, gettext_lazy("What is the activity?")),
        Step("when", forms.WhenForm, gettext_lazy("When is it?")),
        Step("where", forms.WhereForm, gettext_lazy("Where is it?")),
        Step("places", forms.CostForm, gettext_lazy("Places and cost")),
    ],
)


def _require_propose(request: HttpRequest) -> None:
    if not has_perm(request.user, Perm.ACTIVITIES_PROPOSE, _locality(request)):
        raise PermissionDenied


@login_required
def propose_start(request: HttpRequest) -> HttpResponse:
    _require_propose(request)
    PROPOSE.start(request, submission_key=secrets.token_hex(16))
    return redirect("social:propose_step", slug="about")


@login_required
def propose_step(request: HttpRequest, slug: str) -> HttpResponse:
    _require_propose(request)
    if PROPOSE.session_key not in request.session:
        return redirect("social:propose_start")
    try:
        step = PROPOSE.step(slug)
    except KeyError as exc:
        raise Http404 from exc
    changing = request.GET.get("change") == "1"
    form = PROPOSE.page_form(request, step)
    if request.method == "POST" and form.is_valid():
        following = PROPOSE.answer(request, slug, changing=changing)
        return (
            redirect("social:propose_check")
            if following is None
            else redirect("social:propose_step", slug=following)
        )
    previous = PROPOSE.previous_slug(request, slug)
    back = (
        reverse("social:propose_check")
        if changing
        else (
            reverse("social:propose_step", args=[previous])
            if previous
            else reverse("social:home")
        )
    )
    return render(
        request, "social/propose_step.html", {"form": form, "step": step, "back": back}
    )


@login_required
def propose_check(request: HttpRequest) -> HttpResponse:
    _require_propose(request)
    locality = _locality(request)
    if PROPOSE.session_key not in request.session:
        done = request.session.get("kith_activity_proposed")
        if request.method == "POST" and done:
            return redirect("social:propose_done")
        return redirect("social:propose_start")
    try:
        cleaned = PROPOSE.cleaned(request)
    except IncompleteFlow as incomplete:
        return redirect("social:propose_step", slug=incomplete.slug)
    error = None
    if request.method == "POST":
        try:
            activity = _propose(request, locality, cleaned)
        except ApplicationError as exc:
            error = exc
        else:
            PROPOSE.clear(request)
            request.session["kith_activity_proposed"] = activity.pk
            return redirect("social:propose_done")
    return render(
        request,
        "social/propose_check.html",
        {"rows": PROPOSE.summary(request), "error": error},
    )


def _propose(
    request: HttpRequest, locality: Any, cleaned: dict[str, dict[str, Any]]
) -> Activity:
    where = cleaned["where"]
    if where["venue"] == forms.NEW_VENUE:
        features = set(where.get("features") or [])
        venue = services.venue_save(
            actor=request.user,  # type: ignore[arg-type]
            locality=locality,
            answers=services.VenueAnswers(
                name=where["venue_name"],
                address=where["venue_address"],
                postcode=where.get("venue_postcode", ""),
                bus_routes=where.get("bus_routes", ""),
                **{name: name in features for name in Venue.FEATURES},
            ),
        )
    else:
        found = Venue.objects.filter(pk=where["venue"], locality=locality).first()
        if found is None:
            raise ApplicationError(_("Choose where it is."), field="venue")
        venue = found
    when, cost = cleaned["when"], cleaned["places"]
    return services.activity_propose(
        actor=request.user,  # type: ignore[arg-type]
        locality=locality,
        venue=venue,
        host=getattr(request, "acting_for", None),
        answers=services.ActivityAnswers(
            title=cleaned["about"]["title"],
            description=cleaned["about"]["description"],
            interest_id=cleaned["about"].get("interest"),
            starts_on=when["starts_on"],
            start_time=forms.parse_time(when["start_time"]),
            minutes=when["minutes"],
            repeat=when["repeat"],
            repeat_count=when.get("repeat_count") or 1,
            places=cost["places"],
            cost=cost["cost"],
            cost_pence=cost.get("cost_pence", 0),
            cost_credits=cost.get("cost_credits") or 0,
        ),
        submission_key=PROPOSE.context(request).get("submission_key"),
    )


@login_required
def propose_done(request: HttpRequest) -> HttpResponse:
    pk = request.session.get("kith_activity_proposed")
    activity = (
        Activity.objects.filter(pk=pk, proposed_by=request.user)  # type: ignore[misc]
        .select_related("locality")
        .first()
    )
    if activity is None:
        return redirect("social:home")
    return render(request, "social/propose_done.html", {"activity": activity})


@login_required
def review(request: HttpRequest) -> HttpResponse:
    locality = _locality(request)
    page = page_of(
        selectors.activities_to_review(actor=request.user, locality=locality),  # type: ignore[arg-type]
        request.GET.get("page"),
    )
    return render(request, "social/review.html", {"page": page})


@login_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    locality = _locality(request)
    activity = selectors.activity_get_for(actor=request.user, locality=locality, pk=pk)
    try:
        services.activity_approve(actor=request.user, activity=activity)  # type: ignore[arg-type]
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(title)s is approved and in the calendar. The host has been told.")
            % {"title": activity.title},
        )
    return redirect("social:review")


@login_required
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    locality = _locality(request)
    activity = selectors.activity_get_for(actor=request.user, locality=locality, pk=pk)
    if not has_perm(request.user, Perm.ACTIVITIES_MANAGE, locality):
        raise PermissionDenied
    form = forms.ReasonForm(
        request.POST if request.method == "POST" else None,
        label=_("Why can it not be listed?"),
        hint=_("We send this to the host."),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_decline(
                actor=request.user,  # type: ignore[arg-type]
                activity=activity,
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            messages.success(request, _("Not listed. The host has been told why."))
            return redirect("social:review")
    return render(
        request,
        "social/form_page.html",
        {
            "form": form,
            "title": _("Do not list %(title)s") % {"title": activity.title},
            "button": _("Do not list it"),
            "back": reverse("social:review"),
        },
    )


@login_required
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    locality = _locality(request)
    activity = selectors.activity_get_for(actor=request.user, locality=locality, pk=pk)
    if not services.may_run(request.user, activity):
        raise PermissionDenied
    form = forms.ReasonForm(
        request.POST if request.method == "POST" else None,
        label=_("Why is it cancelled?"),
        hint=_("Everyone signed up or waiting is told, with this reason."),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_cancel(
                actor=request.user,  # type: ignore[arg-type]
                activity=activity,
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            messages.success(
                request, _("Cancelled. Everyone who was signed up is being told.")
            )
            return redirect("social:activity", pk=activity.pk)
    return render(
        request,
        "social/form_page.html",
        {
            "form": form,
            "title": _("Cancel %(title)s") % {"title": activity.title},
            "caption": _("This cancels every date still to come."),
            "button": _("Cancel the activity"),
            "back": reverse("social:activity", args=[activity.pk]),
            "warning": True,
        },
    )


# --- calendar feeds -----------------------------------------------------------------


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=900"
    return response


def public_feed(request: HttpRequest) -> HttpResponse:
    locality = _locality(request)
    body = ical.calendar_bytes(
        name=_("%(name)s activities") % {"name": locality.name},
        domain=request.get_host().split(":")[0],
        items=selectors.public_feed_items(locality=locality),
    )
    return _ics(body, "activities.ics")


def private_feed(request: HttpRequest, token: str) -> HttpResponse:
    feed = selectors.feed_for_token(token)
    if feed is None:
        raise Http404
    body = ical.calendar_bytes(
        name=_("My %(name)s calendar") % {"name": feed.locality.name},
        domain=request.get_host().split(":")[0],
        items=selectors.private_feed_items(feed=feed),
    )
    return _ics(body, "my-calendar.ics")


@login_required
def feed_address(request: HttpRequest) -> HttpResponse:
    locality = _locality(request)
    address = None
    if request.method == "POST":
        token = services.calendar_feed_reset(actor=request.user, locality=locality)  # type: ignore[arg-type]
        address = request.build_absolute_uri(
            reverse("social:private_feed", args=[token])
        )
    return render(
        request,
        "social/feed_address.html",
        {
            "address": address,
            "has_feed": selectors.has_feed(actor=request.user),  # type: ignore[arg-type]
            "public_address": request.build_absolute_uri(reverse("social:public_feed")),
        },
    )


# --- introductions: coordinators ------------------------------------------------------


@login_required
def introductions(request: HttpRequest) -> HttpResponse:
    locality = _locality(request)
    if not has_perm(request.user, Perm.INTRODUCTIONS_MANAGE, locality):
        raise PermissionDenied
    if request.method == "POST":
        added = services.introductions_suggest(actor=request.user, locality=locality)  # type: ignore[arg-type]
        messages.success(
            request,
            _("%(count)d new suggestions found.") % {"count": added}
            if added != 1
            else _("1 new suggestion found."),
        )
        return redirect("social:introductions")
    status = choice_param(
        request.GET, "status", Introduction.Status.values, Introduction.Status.SUGGESTED
    )
    page = page_of(
        selectors.introductions_for_coordinators(
            actor=request.user,
            locality=locality,
            status=status,  # type: ignore[arg-type]
        ),
        request.GET.get("page"),
        per_page=25,
    )
    return render(
        request,
        "social/introductions.html",
        {"page": page, "status": status, "statuses": Introduction.Status.choices},
    )


@login_required
def introduction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    locality = _locality(request)
    introduction = selectors.introduction_get_for_coordinator(
        actor=request.user,
        locality=locality,
        pk=pk,  # type: ignore[arg-type]
    )
    ask_form = forms.AskForm(request.POST if "share_how" in request.POST else None)
    meeting_form = forms.MeetingForm(request.POST if "place" in request.POST else None)
    error = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "ask" and ask_form.is_valid():
                services.introduction_ask(
                    actor=request.user,  # type: ignore[arg-type]
                    introduction=introduction,
                    share_how=ask_form.cleaned_data["share_how"],
                )
                messages.success(request, _("Asked. Both members are being told."))
                return redirect("social:introduction", pk=pk)
            if action in ("first_yes", "first_no", "second_yes", "second_no"):
                side, answer = action.split("_")
                services.introduction_answer(
                    actor=request.user,  # type: ignore[arg-type]
                    introduction=introduction,
                    membership=getattr(introduction, side),
                    answer=answer,
                )
                messages.success(request, _("Answer recorded."))
                return redirect("social:introduction", pk=pk)
            if action == "set_aside":
                services.introduction_stop(
                    actor=request.user, introduction=introduction
                )  # type: ignore[arg-type]
                messages.success(request, _("Set aside. Nobody is told."))
                return redirect("social:introductions")
            if action == "meeting" and meeting_form.is_valid():
                data = meeting_form.cleaned_data
                services.introduction_meeting_arrange(
                    actor=request.user,  # type: ignore[arg-type]
                    introduction=introduction,
                    meeting_at=timezone.make_aware(
                        datetime.combine(data["day"], forms.parse_time(data["at"]))
                    ),
                    place=data["place"],
                    helper_present=data["helper_present"],
                )
                messages.success(request, _("Meeting arranged. Both have been told."))
                return redirect("social:introduction", pk=pk)
        except ApplicationError as exc:
            error = exc
    return render(
        request,
        "social/introduction.html",
        {
            "introduction": introduction,
            "ask_form": ask_form,
            "meeting_form": meeting_form,
            "error": error,
            "follow_ups": list(introduction.follow_ups.all()),
        },
    )


# --- introductions: members -----------------------------------------------------------


@login_required
def my_introductions(request: HttpRequest) -> HttpResponse:
    membership = _own_membership(request)
    views = selectors.introductions_for_member(
        actor=request.user, membership=membership
    )  # type: ignore[arg-type]
    return render(
        request,
        "social/my_introductions.html",
        {
            "membership": membership,
            "views": views,
            "free_times": selectors.free_times_of(membership),
        },
    )


@login_required
def my_introduction(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _own_membership(request)
    view = selectors.introduction_get_for_member(
        actor=request.user,
        membership=membership,
        pk=pk,  # type: ignore[arg-type]
    )
    introduction = view.introduction
    answer_form = forms.AnswerForm(request.POST if "answer" in request.POST else None)
    follow_up_form = forms.FollowUpForm(request.POST if "met" in request.POST else None)
    error = None
    if request.method == "POST":
        try:
            if "answer" in request.POST and answer_form.is_valid():
                services.introduction_answer(
                    actor=request.user,  # type: ignore[arg-type]
                    introduction=introduction,
                    membership=membership,
                    answer=answer_form.cleaned_data["answer"],
                )
                messages.success(request, _("Thank you. Your answer is saved."))
                return redirect("social:my_introduction", pk=pk)
            if request.POST.get("action") == "stop":
                services.introduction_stop(
                    actor=request.user,  # type: ignore[arg-type]
                    introduction=introduction,
                    membership=membership,
                )
                messages.success(
                    request, _("Stopped. We will not tell the other member why.")
                )
                return redirect("social:my_introductions")
            if "met" in request.POST and follow_up_form.is_valid():
                services.follow_up_record(
                    actor=request.user,  # type: ignore[arg-type]
                    introduction=introduction,
                    membership=membership,
                    met=follow_up_form.cleaned_data["met"],
                    meet_again=follow_up_form.cleaned_data["meet_again"],
                )
                messages.success(request, _("Thank you for telling us."))
                return redirect("social:my_introduction", pk=pk)
        except ApplicationError as exc:
            error = exc
    return render(
        request,
        "social/my_introduction.html",
        {
            "view": view,
            "answer_form": answer_form,
            "follow_up_form": follow_up_form,
            "error": error,
        },
    )


@login_required
def free_times(request: HttpRequest) -> HttpResponse:
    membership = _own_membership(request)
    form = forms.FreeTimesForm(
        request.POST if request.method == "POST" else None,
        initial={"free_times": selectors.free_times_of(membership)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.free_times_set(
                actor=request.user,  # type: ignore[arg-type]
                membership=membership,
                free_times=form.cleaned_data["free_times"],
            )
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("social:my_introductions")
    return render(
        request,
        "social/form_page.html",
        {
            "form": form,
            "title": _("When you are usually free"),
            "button": _("Save"),
            "back": reverse("social:my_introductions"),
        },
    )


@login_required
def figures(request: HttpRequest) -> HttpResponse:
    """Connections and activities by month, for the council's reports."""
    locality = _locality(request)
    return render(
        request,
        "social/figures.html",
        {
            "months": selectors.monthly_figures(
                actor=request.user,  # type: ignore[arg-type]
                locality=locality,
            )
        },
    )
