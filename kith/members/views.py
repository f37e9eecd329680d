"""Members: joining (online, or by phone with a coordinator), the member's own
pages, supporters, and the coordinators' list and record pages."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kith.accounts.models import User
from kith.accounts.permissions import Perm, require_perm
from kith.core.csv import csv_response
from kith.core.errors import ApplicationError
from kith.core.flows import IncompleteFlow, QuestionFlow, Step
from kith.core.middleware import ACTING_FOR_SESSION_KEY
from kith.core.pagination import page_of
from kith.members import forms, selectors, services
from kith.members.models import (
    Consent,
    Interest,
    Membership,
    MembershipPlan,
    SupporterLink,
)
from kith.members.rules import PlanFacts, pounds, youngest_age
from kith.places.models import Ward
from kith.places.selectors import postcode_ward


class JoinFlow(QuestionFlow):
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
                "plans": services.plans_open_to(
                    locality=locality, postcode=postcode, born=born
                )
            }
        if step.slug == "interests":
            return {"interests": Interest.objects.filter(locality=locality)}
        return {}

    def _postcode_and_birth(self, request: HttpRequest) -> tuple[str, Any]:
        postcode, born = "", None
        for slug in ("postcode", "birth"):
            form = self.bound_form(request, self.step(slug))
            if form is not None and form.is_valid():
                postcode = form.cleaned_data.get("postcode", postcode)
                born = form.cleaned_data.get("date_of_birth", born)
        return postcode, born


ONLINE = JoinFlow("join")
BY_PHONE = JoinFlow("join_phone")


def _flow(phone: bool) -> JoinFlow:
    return BY_PHONE if phone else ONLINE


def _url(name: str, phone: bool, *args: Any) -> str:
    return reverse(f"members:{'phone_' if phone else ''}{name}", args=args)


def _require_phone_join(request: HttpRequest) -> None:
    if not request.user.is_authenticated:
        raise Http404
    require_perm(request.user, Perm.MEMBERS_MANAGE, request.locality)  # type: ignore[attr-defined]


def join_start(request: HttpRequest, phone: bool = False) -> HttpResponse:
    locality = request.locality  # type: ignore[attr-defined]
    if phone:
        _require_phone_join(request)
    plans = list(MembershipPlan.objects.filter(locality=locality, is_open=True))
    if request.method == "POST":
        person_id = request.session.get(ACTING_FOR_SESSION_KEY) if phone else None
        _flow(phone).start(request, person_id=person_id)
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
    flow = _flow(phone)
    if flow.session_key not in request.session:
        return redirect(_url("join_start", phone))
    try:
        step = flow.step(slug)
    except KeyError as exc:
        raise Http404 from exc
    changing = request.GET.get("change") == "1"
    form = flow.page_form(request, step)
    if request.method == "POST" and form.is_valid():
        following = flow.answer(request, slug, changing=changing)
        not_eligible = _eligibility_problem(request, flow, slug)
        if not_eligible:
            return redirect(
                _url("join_not_eligible", phone) + f"?reason={not_eligible}"
            )
        if following is None:
            return redirect(_url("join_check", phone))
        return redirect(_url("join_step", phone, following))
    previous = flow.previous_slug(request, slug)
    back = (
        _url("join_check", phone)
        if changing
        else (
            _url("join_step", phone, previous)
            if previous
            else _url("join_start", phone)
        )
    )
    postcode, _born = flow._postcode_and_birth(request)
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


def _eligibility_problem(request: HttpRequest, flow: JoinFlow, slug: str) -> str:
    locality = request.locality  # type: ignore[attr-defined]
    postcode, born = flow._postcode_and_birth(request)
    if (
        slug == "postcode"
        and postcode_ward(postcode=postcode, locality=locality) is None
    ):
        return "postcode"
    if (
        slug == "birth"
        and born is not None
        and not services.plans_open_to(locality=locality, postcode=postcode, born=born)
    ):
        return "age"
    return ""


def join_not_eligible(request: HttpRequest, phone: bool = False) -> HttpResponse:
    locality = request.locality  # type: ignore[attr-defined]
    plans = MembershipPlan.objects.filter(locality=locality, is_open=True)
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
    flow = _flow(phone)
    if flow.session_key not in request.session:
        done = request.session.get(f"kith_joined_{'phone' if phone else 'online'}")
        if request.method == "POST" and done:
            # A second click on "Confirm": the first one already did it.
            return redirect(_url("join_done", phone))
        return redirect(_url("join_start", phone))
    try:
        cleaned = flow.cleaned(request)
    except IncompleteFlow as incomplete:
        return redirect(_url("join_step", phone, incomplete.slug))
    error = None
    if request.method == "POST":
        answers = _answers(cleaned)
        person = None
        person_id = flow.context(request).get("person_id")
        if phone and person_id:
            person = User.objects.filter(pk=person_id).first()
        actor = request.user if request.user.is_authenticated else None
        try:
            membership = services.membership_join(
                actor=actor,  # type: ignore[arg-type]
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
            flow.clear(request)
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
            "rows": flow.summary(request),
            "phone": phone,
            "error": error,
            "change_url": lambda slug: _url("join_step", phone, slug),
        },
    )


def join_done(request: HttpRequest, phone: bool = False) -> HttpResponse:
    membership_id = request.session.get(f"kith_joined_{'phone' if phone else 'online'}")
    membership = (
        Membership.objects.select_related("plan", "person", "locality")
        .filter(pk=membership_id)
        .first()
        if membership_id
        else None
    )
    if membership is None:
        return redirect(_url("join_start", phone))
    return render(
        request,
        "members/join_done.html",
        {"membership": membership, "phone": phone, "fee": pounds(membership.fee_pence)},
    )


# --- the member's own pages ------------------------------------------


@login_required
def my_membership(request: HttpRequest) -> HttpResponse:
    locality = request.locality  # type: ignore[attr-defined]
    membership = selectors.my_membership(actor=request.user, locality=locality)  # type: ignore[arg-type]
    if membership is None:
        return render(request, "members/not_a_member.html")
    return render(
        request,
        "members/my_membership.html",
        {
            "membership": membership,
            "consents": selectors.current_consents(membership),
            "fee": pounds(membership.fee_pence),
        },
    )


def _own_membership(request: HttpRequest) -> Membership:
    membership = selectors.my_membership(actor=request.user, locality=request.locality)  # type: ignore[arg-type, attr-defined]
    if membership is None:
        raise Http404
    return membership


@login_required
def my_consents(request: HttpRequest) -> HttpResponse:
    membership = _own_membership(request)
    current = selectors.current_consents(membership)
    initial = {
        "consent_introductions": "yes"
        if current.get("introductions") and current["introductions"].given
        else "no",
        "consent_photographs": "yes"
        if current.get("photographs") and current["photographs"].given
        else "no",
    }
    form = forms.OwnConsentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        for kind, name in (
            (Consent.Kind.INTRODUCTIONS, "consent_introductions"),
            (Consent.Kind.PHOTOGRAPHS, "consent_photographs"),
        ):
            given = form.cleaned_data[name] == "yes"
            if kind not in current or current[kind].given != given:
                services.consent_record(
                    actor=request.user,
                    membership=membership,
                    kind=kind,
                    given=given,  # type: ignore[arg-type]
                    how=Consent.How.ONLINE
                    if not request.acting_for
                    else Consent.How.PHONE,  # type: ignore[attr-defined]
                )
        messages.success(request, _("Your answers have been saved."))
        return redirect("members:mine")
    return render(request, "members/my_consents.html", {"form": form})


def _profile_initial(membership: Membership) -> dict[str, Any]:
    return {
        "date_of_birth": membership.date_of_birth,
        "contact_by": membership.person.contact_by,
        "contact_times": membership.person.contact_times,
        "access_needs": membership.access_needs,
        "access_needs_notes": membership.access_needs_notes,
        "interests": [str(i.pk) for i in membership.interests.all()],
        "own_interests": membership.own_interests,
        "emergency_name": membership.emergency_name,
        "emergency_phone": membership.emergency_phone,
        "emergency_relationship": membership.emergency_relationship,
    }


def _profile_edit(
    request: HttpRequest, membership: Membership, back: str
) -> HttpResponse:
    form = forms.ProfileForm(
        request.POST or None,
        initial=_profile_initial(membership),
        interests=Interest.objects.filter(locality=membership.locality),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        interest_ids = [int(i) for i in data.pop("interests")]
        contact_by = data.pop("contact_by")
        contact_times = data.pop("contact_times")
        if data.get("date_of_birth") is None:
            data.pop("date_of_birth")
        try:
            services.profile_update(
                actor=request.user,
                membership=membership,
                interest_ids=interest_ids,  # type: ignore[arg-type]
                contact_by=contact_by,
                contact_times=contact_times,
                **data,
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("The details have been saved."))
            return redirect(back)
    return render(
        request,
        "members/profile_edit.html",
        {"form": form, "membership": membership, "back": back},
    )


@login_required
def my_profile(request: HttpRequest) -> HttpResponse:
    return _profile_edit(request, _own_membership(request), reverse("members:mine"))


def _invite(request: HttpRequest, membership: Membership, back: str) -> HttpResponse:
    form = forms.SupporterInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        shares = set(form.cleaned_data["shares"])
        try:
            invitation = services.supporter_invite(
                actor=request.user,  # type: ignore[arg-type]
                membership=membership,
                name=form.cleaned_data["name"],
                relationship=form.cleaned_data["relationship"],
                email=form.cleaned_data["email"],
                mobile=form.cleaned_data["mobile"],
                share_visits="share_visits" in shares,
                ask_for_help="ask_for_help" in shares,
                get_notifications="get_notifications" in shares,
                base_url=request.build_absolute_uri("/").rstrip("/"),
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(
                request,
                _("We have sent %(name)s an invitation. It works for 14 days.")
                % {"name": invitation.link.name},
            )
            return redirect(back)
    return render(
        request,
        "members/supporter_invite.html",
        {"form": form, "membership": membership, "back": back},
    )


@login_required
def my_supporter_invite(request: HttpRequest) -> HttpResponse:
    return _invite(request, _own_membership(request), reverse("members:mine"))


@login_required
@require_POST
def supporter_end(request: HttpRequest, pk: int) -> HttpResponse:
    link = selectors.supporter_link_get_for_member(
        actor=request.user, locality=request.locality, pk=pk
    )  # type: ignore[arg-type, attr-defined]
    try:
        services.supporter_end(actor=request.user, link=link)  # type: ignore[arg-type]
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("%(name)s is no longer a supporter.") % {"name": link.name}
        )
    membership = link.membership
    if membership.person_id == request.user.pk:
        return redirect("members:mine")
    if link.supporter_id == request.user.pk:
        return redirect("members:supporting")
    return redirect("members:member", pk=membership.pk)


def supporter_accept(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    try:
        link = services.supporter_link_for_token(link_id=pk, token=token)
    except ApplicationError as error:
        return render(
            request,
            "members/supporter_accept_invalid.html",
            {"error": error},
            status=400,
        )
    if request.method == "POST" and request.user.is_authenticated:
        accept = request.POST.get("answer") == "accept"
        try:
            services.supporter_accept(
                user=request.user, link_id=pk, token=token, accept=accept
            )  # type: ignore[arg-type]
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect(request.path)
        if accept:
            messages.success(
                request,
                _("You are now a supporter of %(name)s.")
                % {"name": link.membership.person.display_name},
            )
            return redirect("members:supporting")
        messages.info(request, _("You have said no. Nothing has been shared with you."))
        return redirect("core:home")
    return render(request, "members/supporter_accept.html", {"link": link})


@login_required
def supporting(request: HttpRequest) -> HttpResponse:
    links = selectors.supported_members_for(actor=request.user)  # type: ignore[arg-type]
    return render(request, "members/supporting.html", {"links": links})


@login_required
def supporting_member(request: HttpRequest, pk: int) -> HttpResponse:
    link = selectors.supporter_link_get_for(actor=request.user, pk=pk)  # type: ignore[arg-type]
    return render(request, "members/supporting_member.html", {"link": link})


# --- coordinators ------------------------------------------


@login_required
def member_list(request: HttpRequest) -> HttpResponse:
    locality = request.locality  # type: ignore[attr-defined]
    require_perm(request.user, Perm.MEMBERS_MANAGE, locality)
    plans = MembershipPlan.objects.filter(locality=locality)
    wards = Ward.objects.filter(locality=locality)
    form = forms.MembersFilterForm(request.GET or None, plans=plans, wards=wards)
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {
            "query": data["q"],
            "status": data["status"],
            "plan_id": data["plan"],
            "ward_id": data["ward"],
            "renewal_due": data["renewal_due"],
            "duplicates": data["duplicates"],
        }
    members = selectors.members_list_for(
        actor=request.user, locality=locality, **filters
    )  # type: ignore[arg-type]
    if request.GET.get("format") == "csv":
        rows = selectors.members_export_rows(
            actor=request.user, locality=locality, members=members
        )  # type: ignore[arg-type]
        stamp = timezone.localdate().isoformat()
        return csv_response(rows, filename=f"members-{stamp}.csv")
    page = page_of(members, request.GET.get("page"))
    flagged = selectors.open_duplicate_ids(memberships=list(page.object_list))
    for membership in page.object_list:
        membership.has_open_duplicate = membership.pk in flagged  # type: ignore[attr-defined]
    query = request.GET.copy()
    query.pop("page", None)
    template = (
        "members/_member_rows.html"
        if request.headers.get("HX-Request")
        else "members/member_list.html"
    )
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "filtered": bool(filters),
        },
    )


def _coordinator_membership(request: HttpRequest, pk: int) -> Membership:
    require_perm(request.user, Perm.MEMBERS_MANAGE, request.locality)  # type: ignore[attr-defined]
    return selectors.membership_get_for(
        actor=request.user, locality=request.locality, pk=pk
    )  # type: ignore[arg-type, attr-defined]


@login_required
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _coordinator_membership(request, pk)
    from kith.accounts.services import can_act_for

    return render(
        request,
        "members/member.html",
        {
            "membership": membership,
            "consents": selectors.current_consents(membership),
            "note_form": forms.NoteForm(),
            "fee": pounds(membership.fee_pence),
            "can_act": can_act_for(
                actor=request.user, person=membership.person, locality=request.locality
            ),  # type: ignore[arg-type, attr-defined]
            "history": selectors.record_history(
                actor=request.user, membership=membership
            ),  # type: ignore[arg-type]
            "open_duplicates": [
                d for d in membership.possible_duplicates.all() if d.decision == "open"
            ],
        },
    )


@login_required
def member_fee(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    membership = _coordinator_membership(request, pk)
    if action not in ("activate", "renew"):
        raise Http404
    form = forms.FeeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        service = (
            services.membership_activate
            if action == "activate"
            else services.membership_renew
        )
        try:
            service(actor=request.user, membership=membership, **form.cleaned_data)  # type: ignore[operator]
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(
                request, _("The fee has been recorded and the membership is active.")
            )
            return redirect("members:member", pk=pk)
    return render(
        request,
        "members/member_fee.html",
        {
            "form": form,
            "membership": membership,
            "action": action,
            "fee": pounds(membership.fee_pence),
        },
    )


@login_required
def member_leave(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _coordinator_membership(request, pk)
    others = selectors.members_to_give_credits_to(
        actor=request.user, membership=membership
    )  # type: ignore[arg-type]
    form = forms.LeaveForm(request.POST or None, members=others)
    if request.method == "POST" and form.is_valid():
        target = (
            others.filter(pk=form.cleaned_data["credits_to"]).first()
            if form.cleaned_data["credits_to"]
            else None
        )
        try:
            services.membership_leave(
                actor=request.user,
                membership=membership,  # type: ignore[arg-type]
                credits_choice=form.cleaned_data["credits_choice"],
                credits_to=target,
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(
                request,
                _("%(name)s has left the circle.")
                % {"name": membership.person.full_name},
            )
            return redirect("members:member", pk=pk)
    from kith.credits.services import balance_minutes, credit_settings_for
    from kith.credits.words import credits_text

    left = balance_minutes(person=membership.person, locality=membership.locality)
    per_credit = credit_settings_for(membership.locality).minutes_per_credit
    return render(
        request,
        "members/member_leave.html",
        {
            "form": form,
            "membership": membership,
            "credits_left": credits_text(left, per_credit) if left > 0 else "",
        },
    )


@login_required
def member_profile(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _coordinator_membership(request, pk)
    return _profile_edit(request, membership, reverse("members:member", args=[pk]))


@login_required
def member_consent(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _coordinator_membership(request, pk)
    form = forms.ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_record(
                actor=request.user,
                membership=membership,  # type: ignore[arg-type]
                kind=form.cleaned_data["kind"],
                given=form.cleaned_data["given"] == "yes",
                how=form.cleaned_data["how"],
                service=form.cleaned_data["service"],
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("Their answer has been recorded."))
            return redirect("members:member", pk=pk)
    return render(
        request, "members/member_consent.html", {"form": form, "membership": membership}
    )


@login_required
@require_POST
def member_note(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _coordinator_membership(request, pk)
    form = forms.NoteForm(request.POST)
    if form.is_valid():
        services.note_add(
            actor=request.user, membership=membership, text=form.cleaned_data["text"]
        )  # type: ignore[arg-type]
        messages.success(request, _("Note added."))
    else:
        messages.error(request, _("Enter the note."))
    return redirect("members:member", pk=pk)


@login_required
def member_supporter_invite(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _coordinator_membership(request, pk)
    return _invite(request, membership, reverse("members:member", args=[pk]))


@login_required
def member_supporter_phone_accept(
    request: HttpRequest, pk: int, link_pk: int
) -> HttpResponse:
    membership = _coordinator_membership(request, pk)
    link = membership.supporters.filter(
        pk=link_pk, status=SupporterLink.Status.INVITED
    ).first()
    if link is None:
        raise Http404
    people = (
        User.objects.filter(roles__locality=request.locality, is_active=True)
        .exclude(  # type: ignore[attr-defined]
            pk=membership.person_id
        )
        .distinct()
        .order_by("full_name")
    )
    if link.email:
        matching = people.filter(email__iexact=link.email)
        people = matching if matching.exists() else people
    form = forms.PhoneAcceptForm(request.POST or None, people=people[:500])
    if request.method == "POST" and form.is_valid():
        person = people.filter(pk=form.cleaned_data["person"]).first()
        if person is None:
            form.add_error("person", _("Choose the supporter."))
        else:
            try:
                services.supporter_accept_by_phone(
                    actor=request.user, link=link, person=person
                )  # type: ignore[arg-type]
            except ApplicationError as error:
                form.add_application_error(error)
            else:
                messages.success(
                    request,
                    _("%(name)s is now a supporter.") % {"name": person.full_name},
                )
                return redirect("members:member", pk=pk)
    return render(
        request,
        "members/supporter_phone_accept.html",
        {"form": form, "membership": membership, "link": link},
    )


@login_required
@require_POST
def duplicate_decide(request: HttpRequest, pk: int) -> HttpResponse:
    duplicate = selectors.duplicate_get_for(
        actor=request.user, locality=request.locality, pk=pk
    )  # type: ignore[arg-type, attr-defined]
    merge = request.POST.get("decision") == "merge"
    try:
        services.duplicate_decide(actor=request.user, duplicate=duplicate, merge=merge)  # type: ignore[arg-type]
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The records have been merged.")
            if merge
            else _("Recorded: they are different people."),
        )
    membership = Membership.objects.filter(pk=duplicate.membership_id).first()
    if merge:
        kept = (
            Membership.objects.filter(person=duplicate.other, locality=request.locality)
            .exclude(status="left")
            .first()
        )  # type: ignore[attr-defined]
        if kept:
            return redirect("members:member", pk=kept.pk)
    return redirect("members:member", pk=membership.pk if membership else 0)


# --- plans and interests ------------------------------------------


@login_required
def plans(request: HttpRequest) -> HttpResponse:
    locality = request.locality  # type: ignore[attr-defined]
    found = selectors.plans_for(actor=request.user, locality=locality)  # type: ignore[arg-type]
    interest_form = forms.InterestAddForm(request.POST or None)
    if request.method == "POST" and interest_form.is_valid():
        try:
            services.interest_add(
                actor=request.user,
                locality=locality,
                name=interest_form.cleaned_data["name"],
            )  # type: ignore[arg-type]
        except ApplicationError as error:
            interest_form.add_application_error(error)
        else:
            messages.success(request, _("Interest added."))
            return redirect("members:plans")
    return render(
        request,
        "members/plans.html",
        {
            "plans": found,
            "interests": Interest.objects.filter(locality=locality),
            "form": interest_form,
            "pounds": pounds,
        },
    )


@login_required
def plan_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    locality = request.locality  # type: ignore[attr-defined]
    found = selectors.plans_for(actor=request.user, locality=locality)  # type: ignore[arg-type]
    plan = None
    if pk is not None:
        plan = found.filter(pk=pk).first()
        if plan is None:
            raise Http404
    initial = {"is_open": True, "minimum_age": 50, "joining_credits": 0}
    if plan:
        initial = {
            "name": plan.name,
            "description": plan.description,
            "yearly_fee": plan.yearly_fee_pence / 100,
            "concession_fee": plan.concession_fee_pence / 100,
            "minimum_age": plan.minimum_age,
            "joining_credits": plan.joining_credits,
            "is_open": plan.is_open,
        }
    form = forms.PlanFormAdmin(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.plan_save(
                actor=request.user,
                locality=locality,
                plan=plan,
                name=data["name"],  # type: ignore[arg-type]
                description=data["description"],
                yearly_fee_pence=int(data["yearly_fee"] * 100),
                concession_fee_pence=int(data["concession_fee"] * 100),
                minimum_age=data["minimum_age"],
                joining_credits=data["joining_credits"],
                is_open=data["is_open"],
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("The plan has been saved."))
            return redirect("members:plans")
    return render(request, "members/plan_edit.html", {"form": form, "plan": plan})
