"""Pages for Neighbourhood Helpers and the coordinators who vet them.

Views are thin: they check the role, bind the form, call one service and
redirect; an ApplicationError's message goes next to its field. Every page
works without JavaScript; the list also answers htmx with just its rows.
"""

import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kith.accounts.permissions import Perm, has_perm, require_perm
from kith.core.csv import csv_response
from kith.core.errors import ApplicationError
from kith.core.flows import IncompleteFlow, QuestionFlow, Step
from kith.core.pagination import page_of
from kith.core.services import audit_record
from kith.helpers import forms, selectors, services
from kith.helpers.models import (
    TRAVEL_DISTANCES,
    AvailabilityException,
    HelperProfile,
    HelperStatus,
    IdentityDocument,
    TravelMode,
    dbs_scan_storage,
)
from kith.helpers.vetting import (
    LEVELS,
    CheckKind,
    VettingLevel,
    kinds_summary,
    level_at_least,
    missing_for,
)

# --- applying -------------------------------------------------------------------------

#: Who is applying: a visitor or a coordinator entering someone new answer
#: the name and contact questions too.
NEW_PERSON_MODES = {"visitor", "new_person"}
APPLIED_SESSION_KEY = "kith_helper_applied"

STEPS = [
    Step("name", forms.NameForm, gettext_lazy("What is your name?")),
    Step("contact", forms.ContactForm, gettext_lazy("How can we contact you?")),
    Step("address", forms.AddressForm, gettext_lazy("What is your home address?")),
    Step(
        "date-of-birth",
        forms.DateOfBirthForm,
        gettext_lazy("What is your date of birth?"),
    ),
    Step("about", forms.AboutForm, gettext_lazy("About you")),
    Step("skills", forms.SkillsForm, gettext_lazy("What could you help with?")),
    Step(
        "skill-levels",
        forms.SkillLevelsForm,
        gettext_lazy("How much experience do you have?"),
    ),
    Step(
        "availability",
        forms.AvailabilityForm,
        gettext_lazy("When could you usually help?"),
    ),
    Step("visits", forms.VisitsForm, gettext_lazy("How often could you help?")),
    Step(
        "travel-distance",
        forms.TravelDistanceForm,
        gettext_lazy("How far will you travel?"),
    ),
    Step(
        "travel-modes", forms.TravelModesForm, gettext_lazy("How will you get there?")
    ),
    Step("referee-1", forms.RefereeForm, gettext_lazy("Your first referee")),
    Step("referee-2", forms.RefereeForm, gettext_lazy("Your second referee")),
    Step("pay", forms.PayForm, gettext_lazy("Paid or volunteer")),
    Step(
        "right-to-work",
        forms.RightToWorkForm,
        gettext_lazy("Your right to work in the UK"),
    ),
]

#: The question page where each field the service may complain about lives.
FIELD_STEPS = {
    "full_name": "name",
    "preferred_name": "name",
    "email": "contact",
    "mobile": "contact",
    "phone": "contact",
    "address_line_1": "address",
    "address_line_2": "address",
    "town": "address",
    "postcode": "address",
    "date_of_birth": "date-of-birth",
    "about": "about",
    "skills": "skills",
    "availability": "availability",
    "ends_at": "availability",
    "max_visits_per_week": "visits",
    "travel_distance_m": "travel-distance",
    "travel_modes": "travel-modes",
    "referees": "referee-1",
    "pay_basis": "pay",
    "right_to_work": "right-to-work",
}


class ApplyFlow(QuestionFlow):
    """The application's questions. Someone already known skips the name and
    contact questions; some questions depend on earlier answers."""

    def active_steps(self, request: HttpRequest) -> list[Step]:
        mode = self.context(request).get("mode")
        return [
            step
            for step in self.steps
            if mode in NEW_PERSON_MODES or step.slug not in {"name", "contact"}
        ]

    def form_kwargs(self, request: HttpRequest, step: Step) -> dict[str, Any]:
        kwargs = dict(step.form_kwargs)
        locality = request.locality  # type: ignore[attr-defined]
        if step.slug in {"address", "skills"}:
            kwargs["locality"] = locality
        elif step.slug == "contact":
            kwargs["mode"] = self.context(request).get("mode", "visitor")
        elif step.slug == "skill-levels":
            chosen = self.answers(request).get("skills", {}).get("skills", [])
            ids = [int(value) for value in chosen if str(value).isdigit()]
            kwargs["skills"] = list(
                selectors.skills_for(locality=locality).filter(pk__in=ids)
            )
        elif step.slug == "right-to-work":
            kwargs["pay_basis"] = (
                self.answers(request).get("pay", {}).get("pay_basis", [""])[0]
            )
        return kwargs

    def sections(self, request: HttpRequest) -> list[dict[str, Any]]:
        """The check-answers page: each question page's answers together."""
        rows = self.summary(request)
        titles = {step.slug: step.title for step in self.steps}
        sections: list[dict[str, Any]] = []
        for row in rows:
            if not sections or sections[-1]["slug"] != row["slug"]:
                sections.append(
                    {"slug": row["slug"], "title": titles[row["slug"]], "rows": []}
                )
            sections[-1]["rows"].append(row)
        return sections


APPLY = ApplyFlow("helper_apply", STEPS)


def _posted(request: HttpRequest) -> Any:
    """The form data of a POST, even when empty; None for a GET."""
    return request.POST if request.method == "POST" else None


def _locality(request: HttpRequest) -> Any:
    locality = getattr(request, "locality", None)
    if locality is None:
        raise Http404
    return locality


def _apply_mode(request: HttpRequest) -> tuple[str, int | None]:
    user = request.user
    if not user.is_authenticated:
        return "visitor", None
    if has_perm(user, Perm.HELPERS_MANAGE, request.locality):  # type: ignore[attr-defined]
        acting_for = getattr(request, "acting_for", None)
        if acting_for is not None:
            return "for_person", acting_for.pk
        return "new_person", None
    return "self", user.pk


def _flow_current(request: HttpRequest) -> bool:
    """The flow in the session was started by this person, in this mode."""
    context = APPLY.context(request)
    if not context:
        return False
    mode, person_id = _apply_mode(request)
    return context.get("mode") == mode and context.get("person_id") == person_id


def _person_applying(request: HttpRequest) -> Any:
    context = APPLY.context(request)
    if context.get("mode") == "self":
        return request.user
    if context.get("mode") == "for_person":
        return getattr(request, "acting_for", None)
    return None


def apply_start(request: HttpRequest) -> HttpResponse:
    """The start page: what being a helper involves, and how to apply."""
    locality = _locality(request)
    own = selectors.helper_profile_own(actor=request.user, locality=locality)
    if own is not None and own.status != HelperStatus.LEFT:
        return render(request, "helpers/apply_already.html", {"profile": own})
    mode, person_id = _apply_mode(request)
    if request.method == "POST":
        APPLY.start(request, mode=mode, person_id=person_id, key=uuid.uuid4().hex)
        first = APPLY.next_slug(request)
        return redirect("helpers:apply_step", slug=first)
    return render(
        request,
        "helpers/apply_start.html",
        {
            "mode": mode,
            "skills": selectors.skills_for(locality=locality),
            "person": getattr(request, "acting_for", None),
        },
    )


def apply_step(request: HttpRequest, slug: str) -> HttpResponse:
    _locality(request)
    if not _flow_current(request):
        return redirect("helpers:apply_start")
    try:
        step = APPLY.step(slug)
    except KeyError as exc:
        raise Http404 from exc
    if step not in APPLY.active_steps(request):
        raise Http404
    kwargs = APPLY.form_kwargs(request, step)
    changing = bool(request.GET.get("change"))
    if request.method == "POST":
        form = step.form_class(request.POST, **kwargs)
        if form.is_valid():
            APPLY.save_answer(request, slug, request.POST)
            # The next question still unanswered (a changed answer may need
            # another, like the levels of newly chosen skills), else the check.
            following = APPLY.next_slug(request, after=slug)
            if following is None:
                return redirect("helpers:apply_check")
            target = reverse("helpers:apply_step", args=[following])
            return redirect(f"{target}?change=1" if changing else target)
    else:
        bound = APPLY.bound_form(request, step)
        form = bound or step.form_class(
            initial=_initial_answers(request, slug), **kwargs
        )
    previous = APPLY.previous_slug(request, slug)
    back = (
        reverse("helpers:apply_check")
        if changing
        else reverse("helpers:apply_step", args=[previous])
        if previous
        else reverse("helpers:apply_start")
    )
    return render(
        request,
        "helpers/apply_step.html",
        {
            "form": form,
            "step": step,
            "back": back,
            "mode": APPLY.context(request).get("mode"),
            "person": _person_applying(request),
            "multipart": False,
        },
    )


def _initial_answers(request: HttpRequest, slug: str) -> dict[str, Any]:
    """What we already know about someone applying, to start from."""
    person = _person_applying(request)
    if person is None or slug != "address":
        return {}
    return {
        "address_line_1": person.address_line_1,
        "address_line_2": person.address_line_2,
        "town": person.town,
        "postcode": person.postcode,
    }


def _details_from(cleaned: dict[str, dict[str, Any]]) -> services.ApplicationDetails:
    name = cleaned.get("name", {})
    contact = cleaned.get("contact", {})
    address = cleaned["address"]
    levels = {
        int(key.removeprefix("level_")): value
        for key, value in cleaned["skill-levels"].items()
        if key.startswith("level_")
    }
    return services.ApplicationDetails(
        full_name=name.get("full_name", ""),
        preferred_name=name.get("preferred_name", ""),
        email=contact.get("email", ""),
        mobile=contact.get("mobile", ""),
        phone=contact.get("phone", ""),
        address_line_1=address["address_line_1"],
        address_line_2=address["address_line_2"],
        town=address["town"],
        postcode=address["postcode"],
        date_of_birth=cleaned["date-of-birth"]["date_of_birth"],
        about=cleaned["about"]["about"],
        skills=levels,
        availability=forms.periods_to_slots(cleaned["availability"]["times"]),
        max_visits_per_week=cleaned["visits"]["max_visits_per_week"],
        travel_distance_m=cleaned["travel-distance"]["travel_distance_m"],
        travel_modes=cleaned["travel-modes"]["travel_modes"],
        referees=[
            services.RefereeDetails(**cleaned["referee-1"]),
            services.RefereeDetails(**cleaned["referee-2"]),
        ],
        pay_basis=cleaned["pay"]["pay_basis"],
        right_to_work=cleaned["right-to-work"]["right_to_work"] == "yes",
    )


def apply_check(request: HttpRequest) -> HttpResponse:
    """Check your answers, then send the application."""
    locality = _locality(request)
    if not _flow_current(request):
        if request.method == "POST" and request.session.get(APPLIED_SESSION_KEY):
            return redirect("helpers:apply_done")  # a second click on "Send"
        return redirect("helpers:apply_start")
    try:
        cleaned = APPLY.cleaned(request)
    except IncompleteFlow as incomplete:
        return redirect("helpers:apply_step", slug=incomplete.slug)
    context = APPLY.context(request)
    error = None
    if request.method == "POST":
        person = _person_applying(request)
        if context["mode"] == "for_person" and person is None:
            messages.info(request, _("You are no longer acting for them. Start again."))
            return redirect("helpers:apply_start")
        try:
            profile = services.helper_apply(
                actor=request.user if request.user.is_authenticated else None,
                locality=locality,
                details=_details_from(cleaned),
                person=person if context["mode"] != "self" else None,
                key=context["key"],
            )
        except ApplicationError as failure:
            error = {
                "message": failure.message,
                "slug": FIELD_STEPS.get(failure.field or "", ""),
            }
        else:
            APPLY.clear(request)
            request.session[APPLIED_SESSION_KEY] = {
                "profile": profile.pk,
                "mode": context["mode"],
            }
            return redirect("helpers:apply_done")
    return render(
        request,
        "helpers/apply_check.html",
        {
            "sections": APPLY.sections(request),
            "mode": context["mode"],
            "person": _person_applying(request),
            "error": error,
        },
    )


def apply_done(request: HttpRequest) -> HttpResponse:
    locality = _locality(request)
    applied = request.session.get(APPLIED_SESSION_KEY)
    if not applied:
        return redirect("helpers:apply_start")
    profile = (
        HelperProfile.objects.filter(pk=applied["profile"], locality=locality)
        .select_related("user")
        .first()
    )
    if profile is None:
        return redirect("helpers:apply_start")
    return render(
        request,
        "helpers/apply_done.html",
        {"profile": profile, "mode": applied["mode"]},
    )


# --- one helper's record --------------------------------------------------------------


def _today() -> Any:
    return timezone.localdate()


def _edit_urls(profile: HelperProfile, own: bool) -> dict[str, str]:
    names = [
        "skills",
        "details",
        "availability",
        "time_away",
        "address",
        "pause",
        "resume",
    ]
    if own:
        return {name: reverse(f"helpers:own_{name}") for name in names}
    return {name: reverse(f"helpers:{name}", args=[profile.pk]) for name in names}


def _vetting_context(profile: HelperProfile, checks: list[Any]) -> dict[str, Any]:
    today = _today()
    facts = [check.facts() for check in checks if check.withdrawn_at is None]
    level = profile.level_on(today)
    following = (
        LEVELS[LEVELS.index(level) + 1]
        if level != VettingLevel.ENHANCED_BARRED
        else None
    )
    return {
        "level": level,
        "level_until": profile.level_until(today),
        "kinds": kinds_summary(facts, today),
        "next_level": following,
        "missing": missing_for(facts, today, following) if following else [],
        "today": today,
        "soon": today + timedelta(days=30),
    }


def _profile_context(
    request: HttpRequest, profile: HelperProfile, own: bool
) -> dict[str, Any]:
    checks = list(selectors.vetting_checks_for(actor=request.user, profile=profile))
    # DBS status checks are needed to know how long a certificate counts.
    for check in checks:
        if check.kind == CheckKind.DBS and hasattr(check, "dbs"):
            check.dbs.status_checks_list = list(check.dbs.status_checks.all())
    today = _today()
    return {
        "profile": profile,
        "person": profile.user,
        "own": own,
        "urls": _edit_urls(profile, own),
        "skills": profile.skills.select_related("skill").order_by("skill__name"),
        "availability": profile.availability.all(),
        "time_away": AvailabilityException.objects.filter(
            profile=profile, ends_on__gte=today
        ),
        "referees": profile.referees.all(),
        "checks": checks,
        "travel_modes": [
            label
            for value, label in TravelMode.choices
            if value in profile.travel_modes
        ],
        "travel_distance": dict(TRAVEL_DISTANCES).get(profile.travel_distance_m, ""),
        "identity_documents": dict(IdentityDocument.choices),
        **_vetting_context(profile, checks),
    }


@login_required
def own_profile(request: HttpRequest) -> HttpResponse:
    locality = _locality(request)
    profile = selectors.helper_profile_own(actor=request.user, locality=locality)
    if profile is None:
        return render(request, "helpers/not_a_helper.html", status=404)
    return render(
        request, "helpers/own_profile.html", _profile_context(request, profile, True)
    )


@login_required
def helper_detail(request: HttpRequest, pk: int) -> HttpResponse:
    locality = _locality(request)
    profile = selectors.helper_profile_get_for(
        actor=request.user, locality=locality, pk=pk
    )
    if profile.user_id == request.user.pk:
        return redirect("helpers:own_profile")
    context = _profile_context(request, profile, False)
    context.update(
        history=selectors.helper_history_for(actor=request.user, profile=profile),
        duplicates=selectors.possible_duplicates_for(
            actor=request.user, profile=profile
        ),
        can_record=has_perm(request.user, Perm.VETTING_RECORD, locality),
        can_approve=profile.status in (HelperStatus.APPLIED, HelperStatus.VETTING),
        level_ok=level_at_least(context["level"], VettingLevel.BASIC),
    )
    return render(request, "helpers/detail.html", context)


def _profile_for_edit(request: HttpRequest, pk: int | None) -> HelperProfile:
    return selectors.helper_profile_for_edit(
        actor=request.user, locality=_locality(request), pk=pk
    )


def _back_to(profile: HelperProfile, pk: int | None) -> str:
    return (
        reverse("helpers:detail", args=[pk]) if pk else reverse("helpers:own_profile")
    )


def _saved(request: HttpRequest, own: bool) -> None:
    messages.success(
        request,
        _("Your changes have been saved.")
        if own
        else _("The changes have been saved."),
    )


@login_required
def profile_skills(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    profile = _profile_for_edit(request, pk)
    held = {hs.skill_id: hs.level for hs in profile.skills.all()}
    offered = selectors.skills_for(locality=profile.locality, include_retired=True)
    shown = [skill for skill in offered if not skill.retired or skill.pk in held]
    form = forms.ProfileSkillsForm(
        _posted(request),
        skills=shown,
        initial={f"level_{k}": v for k, v in held.items()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.helper_skills_set(
                actor=request.user, profile=profile, levels=form.levels()
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            _saved(request, pk is None)
            return redirect(_back_to(profile, pk))
    return render(
        request,
        "helpers/profile_form.html",
        {
            "form": form,
            "profile": profile,
            "back": _back_to(profile, pk),
            "title": _("What you can help with")
            if pk is None
            else _("What they can help with"),
            "intro": _(
                "For each, choose how much experience there is, or “Not offered”."
            ),
            "own": pk is None,
        },
    )


@login_required
def profile_details(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    profile = _profile_for_edit(request, pk)
    form = forms.DetailsForm(
        _posted(request),
        initial={
            "travel_distance_m": profile.travel_distance_m,
            "travel_modes": profile.travel_modes,
            "max_visits_per_week": profile.max_visits_per_week,
            "pay_basis": profile.pay_basis,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.helper_details_update(
                actor=request.user, profile=profile, **form.cleaned_data
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            _saved(request, pk is None)
            return redirect(_back_to(profile, pk))
    return render(
        request,
        "helpers/profile_form.html",
        {
            "form": form,
            "profile": profile,
            "back": _back_to(profile, pk),
            "title": _("Travel, visits and pay"),
            "own": pk is None,
        },
    )


@login_required
def profile_address(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    profile = _profile_for_edit(request, pk)
    person = profile.user
    form = forms.AddressForm(
        _posted(request),
        locality=profile.locality,
        initial={
            "address_line_1": person.address_line_1,
            "address_line_2": person.address_line_2,
            "town": person.town,
            "postcode": person.postcode,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.helper_address_change(
                actor=request.user, profile=profile, **form.cleaned_data
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            _saved(request, pk is None)
            return redirect(_back_to(profile, pk))
    return render(
        request,
        "helpers/profile_form.html",
        {
            "form": form,
            "profile": profile,
            "back": _back_to(profile, pk),
            "title": _("Home address"),
            "intro": _("We look for people to help near this address."),
            "own": pk is None,
        },
    )


@login_required
def profile_availability(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    profile = _profile_for_edit(request, pk)
    form = forms.SlotForm(_posted(request))
    if request.method == "POST":
        if request.POST.get("remove"):
            slot_id = request.POST["remove"]
            services.availability_slot_remove(
                actor=request.user,
                profile=profile,
                slot_id=int(slot_id) if slot_id.isdigit() else 0,
            )
            _saved(request, pk is None)
            return redirect(request.path)
        if form.is_valid():
            starts_at, ends_at = form.times()
            try:
                services.availability_slot_add(
                    actor=request.user,
                    profile=profile,
                    weekday=form.cleaned_data["weekday"],
                    starts_at=starts_at,
                    ends_at=ends_at,
                )
            except ApplicationError as error:
                form.add_application_error(error)
            else:
                _saved(request, pk is None)
                return redirect(request.path)
    return render(
        request,
        "helpers/availability.html",
        {
            "form": form,
            "profile": profile,
            "slots": profile.availability.all(),
            "back": _back_to(profile, pk),
            "own": pk is None,
        },
    )


@login_required
def profile_time_away(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    profile = _profile_for_edit(request, pk)
    form = forms.TimeAwayForm(_posted(request))
    if request.method == "POST":
        if request.POST.get("remove"):
            away_id = request.POST["remove"]
            services.availability_exception_remove(
                actor=request.user,
                profile=profile,
                exception_id=int(away_id) if away_id.isdigit() else 0,
            )
            _saved(request, pk is None)
            return redirect(request.path)
        if form.is_valid():
            try:
                services.availability_exception_add(
                    actor=request.user, profile=profile, **form.cleaned_data
                )
            except ApplicationError as error:
                form.add_application_error(error)
            else:
                _saved(request, pk is None)
                return redirect(request.path)
    return render(
        request,
        "helpers/time_away.html",
        {
            "form": form,
            "profile": profile,
            "time_away": AvailabilityException.objects.filter(
                profile=profile, ends_on__gte=_today()
            ),
            "back": _back_to(profile, pk),
            "own": pk is None,
        },
    )


@login_required
def profile_pause(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    profile = _profile_for_edit(request, pk)
    form = forms.ReasonForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.helper_pause(
                actor=request.user, profile=profile, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(
                request,
                _("You are paused: we will not offer you visits until you start again.")
                if pk is None
                else _("They are paused: they will not be offered visits."),
            )
            return redirect(_back_to(profile, pk))
    return render(
        request,
        "helpers/status_form.html",
        {
            "form": form,
            "profile": profile,
            "back": _back_to(profile, pk),
            "title": _("Pause helping") if pk is None else _("Pause this helper"),
            "intro": _(
                "While paused, no visits are offered. Nothing else changes, and "
                "you can start again at any time."
            ),
            "button": _("Pause"),
        },
    )


@login_required
def profile_resume(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    profile = _profile_for_edit(request, pk)
    form = forms.OptionalReasonForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.helper_resume(
                actor=request.user, profile=profile, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("Visits can be offered again."))
            return redirect(_back_to(profile, pk))
    return render(
        request,
        "helpers/status_form.html",
        {
            "form": form,
            "profile": profile,
            "back": _back_to(profile, pk),
            "title": _("Start helping again"),
            "intro": "",
            "button": _("Start again"),
        },
    )


# --- coordinators: status and referees ------------------------------------------------


def _managed(request: HttpRequest, pk: int) -> HelperProfile:
    locality = _locality(request)
    require_perm(request.user, Perm.HELPERS_MANAGE, locality)
    return selectors.helper_profile_get_for(
        actor=request.user, locality=locality, pk=pk, audit=False
    )


@login_required
@require_POST
def helper_approve(request: HttpRequest, pk: int) -> HttpResponse:
    profile = _managed(request, pk)
    try:
        services.helper_approve(actor=request.user, profile=profile)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(name)s is now an active helper.") % {"name": profile.user.full_name},
        )
    return redirect("helpers:detail", pk=pk)


@login_required
def helper_leave(request: HttpRequest, pk: int) -> HttpResponse:
    profile = _managed(request, pk)
    form = forms.ReasonForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.helper_leave(
                actor=request.user, profile=profile, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("Their record now says they have left."))
            return redirect("helpers:detail", pk=pk)
    return render(
        request,
        "helpers/status_form.html",
        {
            "form": form,
            "profile": profile,
            "back": reverse("helpers:detail", args=[pk]),
            "title": _("Record that they have left"),
            "intro": _(
                "For example, they have stopped helping, moved away, or were not "
                "accepted. Their record and checks are kept."
            ),
            "button": _("Record that they have left"),
            "warning": True,
        },
    )


@login_required
def referee_add(request: HttpRequest, pk: int) -> HttpResponse:
    profile = _managed(request, pk)
    form = forms.RefereeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.referee_add(
                actor=request.user,
                profile=profile,
                details=services.RefereeDetails(**form.cleaned_data),
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("The referee has been added."))
            return redirect("helpers:detail", pk=pk)
    return render(
        request,
        "helpers/profile_form.html",
        {
            "form": form,
            "profile": profile,
            "back": reverse("helpers:detail", args=[pk]),
            "title": _("Add a referee"),
            "own": False,
        },
    )


# --- coordinators: vetting ------------------------------------------------------------


def _vetting_profile(request: HttpRequest, pk: int) -> HelperProfile:
    locality = _locality(request)
    require_perm(request.user, Perm.VETTING_RECORD, locality)
    return selectors.helper_profile_get_for(
        actor=request.user, locality=locality, pk=pk, audit=False
    )


@login_required
def check_choose(request: HttpRequest, pk: int) -> HttpResponse:
    profile = _vetting_profile(request, pk)
    form = forms.CheckKindForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        return redirect("helpers:check_record", pk=pk, kind=form.cleaned_data["kind"])
    return render(
        request,
        "helpers/check_choose.html",
        {"form": form, "profile": profile},
    )


@login_required
def check_record(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    profile = _vetting_profile(request, pk)
    if kind not in CheckKind.values:
        raise Http404
    form_class = forms.CHECK_FORMS[kind]
    kwargs: dict[str, Any] = {}
    if kind == CheckKind.REFERENCE:
        kwargs["referees"] = list(profile.referees.all())
    form = form_class(_posted(request), request.FILES or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        dbs = None
        if kind == CheckKind.DBS:
            dbs = services.DbsDetails(
                certificate_number=data["certificate_number"],
                issued_on=data["issued_on"],
                dbs_type=data["dbs_type"],
                role_applied_for=data["role_applied_for"],
                update_service_consent=data["update_service_consent"] == "yes",
                scan=data.get("scan") or None,
            )
        referee = None
        if kind == CheckKind.REFERENCE:
            referee = profile.referees.filter(pk=data["referee"]).first()
        try:
            services.vetting_check_record(
                actor=request.user,
                profile=profile,
                kind=kind,
                outcome=data["outcome"],
                checked_on=data["checked_on"],
                evidence_reference=data.get("evidence_reference", ""),
                documents_seen=data.get("documents_seen", []),
                referee=referee,
                dbs=dbs,
                key=data.get("key") or None,
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(
                request,
                _("The %(check)s check has been recorded.")
                % {"check": CheckKind(kind).label.lower()},
            )
            return redirect("helpers:detail", pk=pk)
    return render(
        request,
        "helpers/check_record.html",
        {
            "form": form,
            "profile": profile,
            "kind": CheckKind(kind),
            "no_referees": kind == CheckKind.REFERENCE
            and not profile.referees.exists(),
        },
    )


@login_required
def check_withdraw(request: HttpRequest, check_pk: int) -> HttpResponse:
    check = selectors.check_get_for(
        actor=request.user, locality=_locality(request), pk=check_pk
    )
    form = forms.WithdrawForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.vetting_check_withdraw(
                actor=request.user, check=check, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("The check has been withdrawn."))
            return redirect("helpers:detail", pk=check.profile_id)
    return render(
        request,
        "helpers/check_withdraw.html",
        {"form": form, "check": check, "profile": check.profile},
    )


@login_required
def dbs_record(request: HttpRequest, check_pk: int) -> HttpResponse:
    """A DBS certificate's record. Every view is audited."""
    locality = _locality(request)
    certificate = selectors.dbs_certificate_get_for(
        actor=request.user, locality=locality, check_pk=check_pk
    )
    form = forms.StatusCheckForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.dbs_status_check_record(
                actor=request.user, certificate=certificate, **form.cleaned_data
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("The status check has been recorded."))
            return redirect("helpers:dbs_record", check_pk=check_pk)
    check = certificate.check_record
    scan_deleted_by = (
        check.checked_on + timedelta(days=services.SCAN_KEEP_DAYS)
        if certificate.scan
        else None
    )
    return render(
        request,
        "helpers/dbs_record.html",
        {
            "form": form,
            "certificate": certificate,
            "check": check,
            "profile": check.profile,
            "status_checks": certificate.status_checks.all(),
            "scan_deleted_by": scan_deleted_by,
        },
    )


@login_required
@require_POST
def dbs_consent(request: HttpRequest, check_pk: int) -> HttpResponse:
    locality = _locality(request)
    require_perm(request.user, Perm.VETTING_RECORD, locality)
    check = selectors.check_get_for(actor=request.user, locality=locality, pk=check_pk)
    if not hasattr(check, "dbs"):
        raise Http404
    services.dbs_consent_set(
        actor=request.user,
        certificate=check.dbs,
        consent=request.POST.get("consent") == "yes",
    )
    messages.success(request, _("Their consent has been recorded."))
    return redirect("helpers:dbs_record", check_pk=check_pk)


@login_required
def dbs_scan(request: HttpRequest, check_pk: int) -> HttpResponse:
    """Open the scanned copy. Audited as a view of the DBS record."""
    certificate = selectors.dbs_certificate_get_for(
        actor=request.user,
        locality=_locality(request),
        check_pk=check_pk,
        purpose="scan",
    )
    if not certificate.scan:
        raise Http404
    try:
        handle = dbs_scan_storage.open(certificate.scan.name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=True, filename=f"dbs-{check_pk}{_suffix(certificate)}"
    )
    response["Cache-Control"] = "no-store"
    return response


def _suffix(certificate: Any) -> str:
    name = certificate.scan.name or ""
    return name[name.rfind(".") :] if "." in name else ""


@login_required
@require_POST
def dbs_scan_delete(request: HttpRequest, check_pk: int) -> HttpResponse:
    locality = _locality(request)
    check = selectors.check_get_for(actor=request.user, locality=locality, pk=check_pk)
    if not hasattr(check, "dbs"):
        raise Http404
    services.dbs_scan_delete(actor=request.user, certificate=check.dbs)
    messages.success(request, _("The scanned copy has been deleted."))
    return redirect("helpers:dbs_record", check_pk=check_pk)


# --- coordinators: the list -----------------------------------------------------------


def _filters(
    request: HttpRequest, locality: Any
) -> tuple[Any, selectors.HelperFilters, bool]:
    wards = list(selectors.wards_for(locality=locality))
    skills = list(selectors.skills_for(locality=locality, include_retired=True))
    form = forms.HelperFilterForm(request.GET or None, wards=wards, skills=skills)
    filters = selectors.HelperFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.HelperFilters(
            query=data["q"],
            ward=next((w for w in wards if w.pk == data["ward"]), None),
            status=data["status"],
            skill=next((s for s in skills if s.pk == data["skill"]), None),
            level=data["level"],
            expiring=data["expiring"],
        )
    searched = filters != selectors.HelperFilters()
    return form, filters, searched


@login_required
def helper_list(request: HttpRequest) -> HttpResponse:
    locality = _locality(request)
    require_perm(request.user, Perm.HELPERS_MANAGE, locality)
    form, filters, searched = _filters(request, locality)
    found = selectors.helpers_search_for(
        actor=request.user, locality=locality, filters=filters
    )
    page = page_of(found, request.GET.get("page"), per_page=25)
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": params.urlencode(),
        "searched": searched,
        "today": _today(),
    }
    if request.headers.get("HX-Request"):
        return render(request, "helpers/_helper_rows.html", context)
    context["duplicates"] = selectors.possible_duplicates_in(
        actor=request.user, locality=locality
    )
    return render(request, "helpers/list.html", context)


CSV_HEADER = [
    gettext_lazy("Name"),
    gettext_lazy("Likes to be called"),
    gettext_lazy("Status"),
    gettext_lazy("Vetting level today"),
    gettext_lazy("Level holds until"),
    gettext_lazy("Next check runs out"),
    gettext_lazy("Ward"),
    gettext_lazy("Postcode"),
    gettext_lazy("Skills"),
    gettext_lazy("Paid or volunteer"),
    gettext_lazy("Most visits a week"),
    gettext_lazy("How far"),
    gettext_lazy("How they travel"),
    gettext_lazy("Mobile"),
    gettext_lazy("Other phone"),
    gettext_lazy("Email"),
    gettext_lazy("Applied"),
]


@login_required
def helper_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as a CSV file. Each export is audited."""
    locality = _locality(request)
    require_perm(request.user, Perm.HELPERS_MANAGE, locality)
    _form, filters, _searched = _filters(request, locality)
    today = _today()
    count = selectors.helpers_search_for(
        actor=request.user, locality=locality, filters=filters, today=today
    ).count()
    audit_record(
        actor=request.user,
        action="helpers_exported",
        locality=locality,
        data={
            "rows": count,
            "filters": {
                key: value
                for key, value in request.GET.items()
                if key in {"q", "ward", "status", "skill", "level", "expiring"}
            },
        },
    )
    rows = selectors.helpers_export_for(
        actor=request.user, locality=locality, filters=filters, today=today
    )
    statuses = dict(HelperStatus.choices)
    levels = dict(VettingLevel.choices)
    distances = dict(TRAVEL_DISTANCES)
    modes = dict(TravelMode.choices)

    def lines() -> Iterator[list[Any]]:
        yield [str(title) for title in CSV_HEADER]
        for profile in rows:
            person = profile.user
            until = profile.level_until(today)
            yield [
                person.full_name,
                person.preferred_name,
                statuses.get(profile.status, profile.status),
                levels.get(profile.level_today, profile.level_today),  # type: ignore[attr-defined]
                until.isoformat() if until else "",
                profile.next_lapse_on.isoformat() if profile.next_lapse_on else "",
                profile.ward_name or "",  # type: ignore[attr-defined]
                person.postcode,
                "; ".join(
                    f"{hs.skill.name} ({hs.get_level_display()})"
                    for hs in profile.skills.all()
                ),
                profile.get_pay_basis_display(),
                profile.max_visits_per_week,
                distances.get(profile.travel_distance_m, ""),
                ", ".join(str(modes.get(m, m)) for m in profile.travel_modes),
                person.mobile or "",
                person.phone,
                person.email or "",
                profile.applied_at.date().isoformat(),
            ]

    response = csv_response(
        lines(), filename=f"helpers-{locality.slug}-{today.isoformat()}.csv"
    )
    response["Cache-Control"] = "no-store"
    return response


# --- coordinators: possible duplicates ------------------------------------------------


@login_required
def duplicate(request: HttpRequest, pk: int, other_pk: int) -> HttpResponse:
    """Compare two records that may be one person: merge, or keep both."""
    locality = _locality(request)
    require_perm(request.user, Perm.HELPERS_MANAGE, locality)
    try:
        profile = _managed(request, pk)
        this = selectors.person_in_locality(
            actor=request.user, locality=locality, pk=profile.user_id
        )
        other = selectors.person_in_locality(
            actor=request.user, locality=locality, pk=other_pk
        )
    except Http404:
        # Already merged (the form sent twice, or by someone else): go there.
        kept = selectors.merged_into(
            actor=request.user, locality=locality, profile_pk=pk, person_pk=other_pk
        )
        if kept is None:
            raise
        messages.info(request, _("These records have already been merged."))
        return redirect("helpers:detail", pk=kept.pk)
    if this.pk == other.pk:
        raise Http404
    form = forms.MergeForm(_posted(request), this=this, other=other)
    if request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"]
        try:
            if decision == "keep_both":
                services.duplicate_keep_both(
                    actor=request.user, locality=locality, person=this, other=other
                )
                messages.success(request, _("Both records have been kept."))
                return redirect("helpers:detail", pk=pk)
            keep, merge = (this, other) if decision == "keep_this" else (other, this)
            kept = services.helper_merge(
                actor=request.user, locality=locality, keep=keep, merge=merge
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("The two records have been merged."))
            return redirect("helpers:detail", pk=kept.pk)
    return render(
        request,
        "helpers/duplicate.html",
        {"form": form, "profile": profile, "people": [this, other]},
    )


# --- coordinators: the skills list ----------------------------------------------------


@login_required
def skills_list(request: HttpRequest) -> HttpResponse:
    locality = _locality(request)
    require_perm(request.user, Perm.HELPERS_MANAGE, locality)
    form = forms.SkillForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            skill = services.skill_add(
                actor=request.user, locality=locality, **form.cleaned_data
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(
                request, _("“%(name)s” is on the list.") % {"name": skill.name}
            )
            return redirect("helpers:skills_list")
    return render(
        request,
        "helpers/skills.html",
        {
            "form": form,
            "skills": selectors.skills_with_counts_for(
                actor=request.user, locality=locality
            ),
        },
    )


@login_required
def skill_edit(request: HttpRequest, skill_pk: int) -> HttpResponse:
    locality = _locality(request)
    skill = selectors.skill_get_for(actor=request.user, locality=locality, pk=skill_pk)
    form = forms.SkillEditForm(
        _posted(request),
        initial={
            "name": skill.name,
            "description": skill.description,
            "retired": skill.retired,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.skill_update(actor=request.user, skill=skill, **form.cleaned_data)
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("The skill has been changed."))
            return redirect("helpers:skills_list")
    return render(request, "helpers/skill_edit.html", {"form": form, "skill": skill})
