"""Joining: online, or by phone with a coordinator, one question a page."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy

from kith.accounts.http import KithRequest
from kith.accounts.permissions import Perm, require_perm
from kith.accounts.selectors import user_by_id
from kith.core.errors import ApplicationError
from kith.core.middleware import ACTING_FOR_SESSION_KEY
from kith.core.questions import IncompleteAnswers, QuestionPages, Step
from kith.members import forms, selectors, services
from kith.members.models import Membership
from kith.members.rules import PlanFacts, pounds, youngest_age
from kith.places.selectors import postcode_ward


class JoinQuestions(QuestionPages):
    """The questions for joining, with the locality's own plans and interests."""

    def __init__(self, name: str) -> None:
        super().__init__(
            name,
            [
                Step(
                    "postcode",
                    forms.PostcodeForm,
                    gettext_lazy("What is your postcode?"),
                ),
                Step(
                    "birth",
                    forms.BirthForm,
                    gettext_lazy("What is your date of birth?"),
                ),
                Step("name", forms.NameForm, gettext_lazy("What is your name?")),
                Step(
                    "address", forms.AddressForm, gettext_lazy("What is your address?")
                ),
                Step(
                    "contact",
                    forms.ContactForm,
                    gettext_lazy("How should we contact you?"),
                ),
                Step(
                    "plan",
                    forms.PlanForm,
                    gettext_lazy("Which membership would you like?"),
                ),
                Step(
                    "needs",
                    forms.NeedsForm,
                    gettext_lazy("Is there anything we should know?"),
                ),
                Step(
                    "interests", forms.InterestsForm, gettext_lazy("What do you enjoy?")
                ),
                Step(
                    "emergency",
                    forms.EmergencyForm,
                    gettext_lazy("Who should we call in an emergency?"),
                ),
                Step(
                    "consents",
                    forms.ConsentsForm,
                    gettext_lazy("Meeting people and photographs"),
                ),
            ],
        )

    def form_kwargs(self, request: HttpRequest, step: Step) -> dict[str, Any]:
        locality = request.locality  # type: ignore[attr-defined]
        if step.slug == "plan":
            postcode, born = self._postcode_and_birth(request)
            return {
                "plans": selectors.plans_open_to(
                    locality=locality, postcode=postcode, born=born
                )
            }
        if step.slug == "interests":
            return {"interests": selectors.interests_for(locality=locality)}
        return {}

    def _postcode_and_birth(self, request: HttpRequest) -> tuple[str, Any]:
        postcode, born = "", None
        for slug in ("postcode", "birth"):
            form = self.bound_form(request, self.step(slug))
            if form is not None and form.is_valid():
                postcode = form.cleaned_data.get("postcode", postcode)
                born = form.cleaned_data.get("date_of_birth", born)
        return postcode, born


ONLINE = JoinQuestions("join")


BY_PHONE = JoinQuestions("join_phone")


def _questions(phone: bool) -> JoinQuestions:
    return BY_PHONE if phone else ONLINE


def _url(name: str, phone: bool, *args: Any) -> str:
    return reverse(f"members:{'phone_' if phone else ''}{name}", args=args)


def _require_phone_join(request: HttpRequest) -> None:
    if not request.user.is_authenticated:
        raise Http404
    require_perm(request.user, Perm.MEMBERS_MANAGE, request.locality)  # type: ignore[attr-defined]


def join_start(request: KithRequest, phone: bool = False) -> HttpResponse:
    locality = request.locality
    if phone:
        _require_phone_join(request)
    plans = list(selectors.open_plans_for(locality=locality))
    if request.method == "POST":
        person_id = request.session.get(ACTING_FOR_SESSION_KEY) if phone else None
        _questions(phone).start(request, person_id=person_id)
        return redirect(_url("join_step", phone, "postcode"))
    return render(
        request,
        "members/join_start.html",
        {
            "phone": phone,
            "plans": plans,
            "youngest": youngest_age(
                [PlanFacts(p.pk, p.minimum_age, p.is_open) for p in plans]
            ),
            "pounds": pounds,
        },
    )


def join_step(request: HttpRequest, slug: str, phone: bool = False) -> HttpResponse:
    if phone:
        _require_phone_join(request)
    questions = _questions(phone)
    if questions.session_key not in request.session:
        return redirect(_url("join_start", phone))
    try:
        step = questions.step(slug)
    except KeyError as exc:
        raise Http404 from exc
    changing = request.GET.get("change") == "1"
    form = questions.page_form(request, step)
    if request.method == "POST" and form.is_valid():
        following = questions.answer(request, slug, changing=changing)
        not_eligible = _eligibility_problem(request, questions, slug)
        if not_eligible:
            return redirect(
                _url("join_not_eligible", phone) + f"?reason={not_eligible}"
            )
        if following is None:
            return redirect(_url("join_check", phone))
        return redirect(_url("join_step", phone, following))
    back = questions.back_url(
        request,
        slug,
        changing=changing,
        check_url=_url("join_check", phone),
        step_url=lambda previous: _url("join_step", phone, previous),
        start_url=_url("join_start", phone),
    )
    postcode, _born = questions._postcode_and_birth(request)
    return render(
        request,
        "members/join_step.html",
        {
            "form": form,
            "step": step,
            "back": back,
            "phone": phone,
            "postcode": postcode,
        },
    )


def _eligibility_problem(
    request: HttpRequest, questions: JoinQuestions, slug: str
) -> str:
    locality = request.locality  # type: ignore[attr-defined]
    postcode, born = questions._postcode_and_birth(request)
    if (
        slug == "postcode"
        and postcode_ward(postcode=postcode, locality=locality) is None
    ):
        return "postcode"
    if (
        slug == "birth"
        and born is not None
        and not selectors.plans_open_to(locality=locality, postcode=postcode, born=born)
    ):
        return "age"
    return ""


def join_not_eligible(request: KithRequest, phone: bool = False) -> HttpResponse:
    locality = request.locality
    plans = selectors.open_plans_for(locality=locality)
    return render(
        request,
        "members/join_not_eligible.html",
        {
            "reason": request.GET.get("reason", ""),
            "phone": phone,
            "youngest": youngest_age(
                [PlanFacts(p.pk, p.minimum_age, p.is_open) for p in plans]
            ),
        },
    )


def _answers(cleaned: dict[str, dict[str, Any]]) -> services.JoinAnswers:
    merged: dict[str, Any] = {}
    for values in cleaned.values():
        merged.update(values)
    return services.JoinAnswers(
        postcode=merged["postcode"],
        date_of_birth=merged["date_of_birth"],
        full_name=merged["full_name"],
        preferred_name=merged.get("preferred_name", ""),
        address_line_1=merged.get("address_line_1", ""),
        address_line_2=merged.get("address_line_2", ""),
        town=merged.get("town", ""),
        contact_by=merged["contact_by"],
        contact_times=merged.get("contact_times", ""),
        email=merged.get("email", ""),
        mobile=merged.get("mobile", ""),
        phone=merged.get("phone", ""),
        plan_id=merged["plan"],
        concession=merged["concession"] == "yes",
        access_needs=list(merged.get("access_needs", [])),
        access_needs_notes=merged.get("access_needs_notes", ""),
        interest_ids=[int(i) for i in merged.get("interests", [])],
        own_interests=merged.get("own_interests", ""),
        emergency_name=merged.get("emergency_name", ""),
        emergency_phone=merged.get("emergency_phone", ""),
        emergency_relationship=merged.get("emergency_relationship", ""),
        consent_introductions=merged["consent_introductions"] == "yes",
        consent_photographs=merged["consent_photographs"] == "yes",
    )


def join_check(request: HttpRequest, phone: bool = False) -> HttpResponse:
    if phone:
        _require_phone_join(request)
    questions = _questions(phone)
    if questions.session_key not in request.session:
        done = request.session.get(f"kith_joined_{'phone' if phone else 'online'}")
        if request.method == "POST" and done:
            # A second click on "Confirm": the first one already did it.
            return redirect(_url("join_done", phone))
        return redirect(_url("join_start", phone))
    try:
        cleaned = questions.cleaned(request)
    except IncompleteAnswers as incomplete:
        return redirect(_url("join_step", phone, incomplete.slug))
    error = None
    if request.method == "POST":
        answers = _answers(cleaned)
        person = None
        person_id = questions.context(request).get("person_id")
        if phone and person_id:
            person = user_by_id(pk=person_id)
        actor = request.user if request.user.is_authenticated else None
        try:
            membership = services.membership_join(
                actor=actor,
                locality=request.locality,  # type: ignore[attr-defined]
                answers=answers,
                how=Membership.JoinedHow.PHONE
                if phone
                else Membership.JoinedHow.ONLINE,
                person=person,
            )
        except ApplicationError as exc:
            error = exc
        else:
            questions.clear(request)
            request.session[f"kith_joined_{'phone' if phone else 'online'}"] = (
                membership.pk
            )
            if phone:
                request.session[ACTING_FOR_SESSION_KEY] = membership.person_id
            return redirect(_url("join_done", phone))
    return render(
        request,
        "members/join_check.html",
        {
            "rows": questions.summary(request),
            "phone": phone,
            "error": error,
            "change_url": lambda slug: _url("join_step", phone, slug),
        },
    )


def join_done(request: HttpRequest, phone: bool = False) -> HttpResponse:
    membership_id = request.session.get(f"kith_joined_{'phone' if phone else 'online'}")
    membership = (
        selectors.membership_just_joined(pk=membership_id) if membership_id else None
    )
    if membership is None:
        return redirect(_url("join_start", phone))
    return render(
        request,
        "members/join_done.html",
        {"membership": membership, "phone": phone, "fee": pounds(membership.fee_pence)},
    )
