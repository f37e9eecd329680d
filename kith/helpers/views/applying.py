"""Applying to be a Neighbourhood Helper: the start page, one question a
page, check your answers, and the page that says it was sent."""

import uuid
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kith.accounts.permissions import Perm, has_perm
from kith.core.errors import ApplicationError
from kith.core.questions import IncompleteAnswers, QuestionPages, Step
from kith.helpers import forms, selectors, services
from kith.helpers.models import HelperStatus
from kith.helpers.views.common import _locality

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


class ApplyQuestions(QuestionPages):
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
            kwargs["skills"] = list(selectors.skills_for(locality=locality, only=ids))
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


APPLY = ApplyQuestions("helper_apply", STEPS)


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


def _questions_current(request: HttpRequest) -> bool:
    """The question pages in the session were started by this person, in this mode."""
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
    if not _questions_current(request):
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
    back = APPLY.back_url(
        request,
        slug,
        changing=changing,
        check_url=reverse("helpers:apply_check"),
        step_url=lambda previous: reverse("helpers:apply_step", args=[previous]),
        start_url=reverse("helpers:apply_start"),
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
    if not _questions_current(request):
        if request.method == "POST" and request.session.get(APPLIED_SESSION_KEY):
            return redirect("helpers:apply_done")  # a second click on "Send"
        return redirect("helpers:apply_start")
    try:
        cleaned = APPLY.cleaned(request)
    except IncompleteAnswers as incomplete:
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
    profile = selectors.helper_application_sent(
        locality=locality, pk=applied["profile"]
    )
    if profile is None:
        return redirect("helpers:apply_start")
    return render(
        request,
        "helpers/apply_done.html",
        {"profile": profile, "mode": applied["mode"]},
    )
