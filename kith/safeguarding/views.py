"""Pages of the safeguarding part: raising a concern (anyone working for the
circle), the concerns one raised (received, nothing more), and the leads'
list and a concern's page with each step of their work."""

import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kith.accounts.http import AuthenticatedRequest
from kith.accounts.permissions import Perm, has_perm, require_perm
from kith.core.errors import ApplicationError
from kith.core.forms import GovukForm
from kith.core.pagination import page_of
from kith.help.selectors import visit_get_for_helper
from kith.safeguarding import forms, selectors, services
from kith.safeguarding.models import Concern


def _locality(request: AuthenticatedRequest) -> Any:
    return request.locality


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    """Where anyone working for the circle raises a concern, and sees the
    ones they raised were received."""
    locality = _locality(request)
    require_perm(request.user, Perm.SAFEGUARDING_RAISE, locality)
    raised = selectors.concerns_raised_by(actor=request.user, locality=locality)
    return render(
        request,
        "safeguarding/home.html",
        {
            "page": page_of(raised, request.GET.get("page")),
            "is_lead": has_perm(request.user, Perm.SAFEGUARDING_LEAD, locality),
        },
    )


def _subject(request: AuthenticatedRequest) -> dict[str, Any]:
    """Who the concern will be about when the page was opened from a visit,
    a member's record or a helper's record (``?visit=``, ``?member=``,
    ``?helper=``); empty otherwise."""
    locality = _locality(request)
    source = request.GET if request.method == "GET" else request.POST
    visit_pk = _int(source.get("visit"))
    if visit_pk is not None:
        visit = visit_get_for_helper(actor=request.user, pk=visit_pk)
        if visit.request.locality_id != locality.pk:
            raise Http404
        return {"visit": visit, "membership": visit.request.membership}
    member_pk = _int(source.get("member"))
    if member_pk is not None:
        return {
            "membership": selectors.member_for_raising(
                actor=request.user, locality=locality, pk=member_pk
            )
        }
    helper_pk = _int(source.get("helper"))
    if helper_pk is not None:
        return {
            "helper": selectors.helper_for_raising(
                actor=request.user, locality=locality, pk=helper_pk
            )
        }
    return {}


def _hidden(fixed: dict[str, Any]) -> dict[str, int]:
    """The page's subject, carried in the form as it came in the address."""
    if "visit" in fixed:
        return {"visit": fixed["visit"].pk}
    if "membership" in fixed:
        return {"member": fixed["membership"].pk}
    if "helper" in fixed:
        return {"helper": fixed["helper"].pk}
    return {}


@login_required
def raise_concern(request: AuthenticatedRequest) -> HttpResponse:
    locality = _locality(request)
    require_perm(request.user, Perm.SAFEGUARDING_RAISE, locality)
    fixed = _subject(request)
    if "membership" in fixed:
        member = fixed["membership"]
        subjects = [(f"m{member.pk}", member.person.full_name)]
    elif "helper" in fixed:
        subjects = [(f"h{fixed['helper'].pk}", fixed["helper"].user.full_name)]
    else:
        visited = selectors.members_visited_by(actor=request.user, locality=locality)
        subjects = [(f"m{m.pk}", m.person.full_name) for m in visited]
        subjects.append(("other", _("Someone else, or a situation")))
    phone = has_perm(request.user, Perm.PEOPLE_VIEW, locality) or has_perm(
        request.user, Perm.SAFEGUARDING_LEAD, locality
    )
    form = forms.RaiseForm(
        request.POST or None,
        subjects=subjects,
        phone=phone,
        initial={"submission_key": secrets.token_hex(16)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        subject = data["subject"]
        membership = fixed.get("membership")
        if membership is None and subject.startswith("m"):
            membership = selectors.member_for_raising(
                actor=request.user, locality=locality, pk=int(subject[1:])
            )
        happened_at = None
        if data.get("happened_on"):
            happened_at = timezone.make_aware(
                datetime.combine(
                    data["happened_on"],
                    data.get("happened_time") or datetime.min.time(),
                )
            )
        try:
            services.concern_raise(
                actor=request.user,
                locality=locality,
                membership=membership,
                helper=fixed.get("helper"),
                about_name=data["about_name"] if subject == "other" else "",
                visit=fixed.get("visit"),
                by_phone=data.get("by_phone") == "yes",
                told_by=data.get("told_by", ""),
                happened_at=happened_at,
                happened_where=data["happened_where"],
                present=data["present"],
                facts=data["facts"],
                hearsay=data["hearsay"],
                opinion=data["opinion"],
                kinds=data["kinds"],
                immediate_risk=data["immediate_risk"] == "yes",
                risk_action=data["risk_action"],
                adult_views=data["adult_views"],
                adult_outcomes=data["adult_outcomes"],
                consent=data["consent"],
                capacity=data["capacity"],
                submission_key=data["submission_key"],
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(
                request,
                _(
                    "Thank you. Your concern has been received by the safeguarding "
                    "lead."
                ),
            )
            return redirect("safeguarding:home")
    return render(
        request,
        "safeguarding/raise.html",
        {
            "form": form,
            "subject_name": subjects[0][1] if fixed else "",
            "holds_helper": "helper" in fixed,
            "back_url": reverse("help:visit", args=[fixed["visit"].pk])
            if "visit" in fixed
            else reverse("safeguarding:home"),
            "locality": locality,
            "hidden": _hidden(fixed),
        },
        status=400 if form.is_bound else 200,
    )


# --- the leads ---------------------------------------------------------------------


@login_required
def concerns(request: AuthenticatedRequest) -> HttpResponse:
    locality = _locality(request)
    closed = request.GET.get("show") == "closed"
    found = selectors.concerns_for_lead(
        actor=request.user, locality=locality, closed=closed
    )
    form = forms.SettingsForm(
        request.POST or None,
        initial={
            "acknowledge_working_days": selectors.settings_for(
                locality
            ).acknowledge_working_days
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.settings_update(
                actor=request.user,
                locality=locality,
                acknowledge_working_days=form.cleaned_data["acknowledge_working_days"],
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("Saved."))
            return redirect("safeguarding:concerns")
    return render(
        request,
        "safeguarding/concerns.html",
        {
            "page": page_of(found, request.GET.get("page")),
            "closed": closed,
            "late": selectors.late_count(actor=request.user, locality=locality),
            "settings_form": form,
        },
        status=400 if form.is_bound else 200,
    )


def _forms_for(concern: Concern, request: AuthenticatedRequest) -> dict[str, Form]:
    today = timezone.localdate()
    return {
        "note_form": forms.NoteForm(),
        "referral_form": forms.ReferralForm(
            initial={
                "referred": {"referred": "yes", "not_referred": "no"}.get(
                    concern.referral, ""
                ),
                "rationale": concern.referral_rationale,
                "reference": concern.referral_reference,
            }
        ),
        "sharing_form": forms.SharingForm(initial={"shared_on": today}),
        "action_form": forms.ActionForm(),
        "helper_form": forms.HelperDecisionForm(),
        "dbs_form": forms.DbsForm(initial={"decided_on": today}),
        "close_form": forms.CloseForm(),
        "link_form": forms.LinkHelperForm(
            helpers=selectors.helpers_for_linking(
                actor=request.user, locality=concern.locality
            )
            if concern.about == Concern.About.OTHER
            and concern.status == Concern.Status.OPEN
            else []
        ),
    }


def _concern_page(
    request: AuthenticatedRequest, concern: Concern, **bound: Form
) -> HttpResponse:
    context: dict[str, Any] = {
        "concern": concern,
        "blockers": services.close_blockers(concern),
        **_forms_for(concern, request),
        **bound,
        # The form sent, for the error summary.
        "form": next(iter(bound.values()), None),
    }
    return render(
        request, "safeguarding/concern.html", context, status=400 if bound else 200
    )


@login_required
def concern_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    concern = selectors.concern_get_for(
        actor=request.user, locality=_locality(request), pk=pk
    )
    return _concern_page(request, concern)


def _act(
    request: AuthenticatedRequest,
    pk: int,
    form_class: Callable[..., GovukForm],
    form_name: str,
    act: Callable[[Concern, dict[str, Any]], Any],
    done: str,
    **form_kwargs: Any,
) -> HttpResponse:
    concern = selectors.concern_get_for(
        actor=request.user, locality=_locality(request), pk=pk, audit=False
    )
    form = form_class(request.POST, **form_kwargs)
    if form.is_valid():
        try:
            act(concern, form.cleaned_data)
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, done)
            return redirect(concern)
    concern = selectors.concern_get_for(
        actor=request.user, locality=_locality(request), pk=pk
    )
    return _concern_page(request, concern, **{form_name: form})


@login_required
@require_POST
def concern_acknowledge(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    concern = selectors.concern_get_for(
        actor=request.user, locality=_locality(request), pk=pk, audit=False
    )
    try:
        services.concern_acknowledge(actor=request.user, concern=concern)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Acknowledged."))
    return redirect(concern)


@login_required
@require_POST
def concern_note(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        forms.NoteForm,
        "note_form",
        lambda concern, data: services.concern_note_add(
            actor=request.user, concern=concern, text=data["text"]
        ),
        _("The note is added."),
    )


@login_required
@require_POST
def concern_referral(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        forms.ReferralForm,
        "referral_form",
        lambda concern, data: services.concern_referral_decide(
            actor=request.user,
            concern=concern,
            referred=data["referred"] == "yes",
            rationale=data["rationale"],
            reference=data["reference"],
        ),
        _("The referral decision is recorded."),
    )


@login_required
@require_POST
def concern_sharing(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        forms.SharingForm,
        "sharing_form",
        lambda concern, data: services.concern_sharing_record(
            actor=request.user,
            concern=concern,
            shared_with=data["shared_with"],
            shared_on=data["shared_on"],
            with_consent=data["with_consent"] == "yes",
            why=data["why"],
        ),
        _("The sharing is recorded."),
    )


@login_required
@require_POST
def concern_action(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        forms.ActionForm,
        "action_form",
        lambda concern, data: services.concern_action_add(
            actor=request.user,
            concern=concern,
            what=data["what"],
            owner=data["owner"],
            due_on=data["due_on"],
        ),
        _("The action is added."),
    )


@login_required
@require_POST
def concern_action_done(
    request: AuthenticatedRequest, pk: int, action_pk: int
) -> HttpResponse:
    action = selectors.concern_action_get_for(
        actor=request.user, locality=_locality(request), pk=pk, action_pk=action_pk
    )
    services.concern_action_done(actor=request.user, action=action)
    messages.success(request, _("Marked as done."))
    return redirect(action.concern)


@login_required
@require_POST
def concern_link_helper(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    locality = _locality(request)
    helpers = selectors.helpers_for_linking(actor=request.user, locality=locality)

    def act(concern: Concern, data: dict[str, Any]) -> Concern:
        helper = helpers.filter(pk=data["helper"]).first()
        if helper is None:
            raise ApplicationError(_("Choose the helper."), field="helper")
        return services.concern_link_helper(
            actor=request.user, concern=concern, helper=helper
        )

    return _act(
        request,
        pk,
        forms.LinkHelperForm,
        "link_form",
        act,
        _("The concern is now about this helper, who is paused."),
        helpers=helpers,
    )


@login_required
@require_POST
def concern_helper(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        forms.HelperDecisionForm,
        "helper_form",
        lambda concern, data: services.concern_helper_decide(
            actor=request.user,
            concern=concern,
            decision=data["decision"],
            reason=data["reason"],
        ),
        _("The decision about the helper is recorded."),
    )


@login_required
@require_POST
def concern_dbs(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        forms.DbsForm,
        "dbs_form",
        lambda concern, data: services.concern_dbs_decide(
            actor=request.user,
            concern=concern,
            referred=data["dbs_referred"] == "yes",
            decided_on=data["decided_on"],
            reason=data["dbs_reason"],
        ),
        _("The decision on the duty to refer is recorded."),
    )


@login_required
@require_POST
def concern_close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        forms.CloseForm,
        "close_form",
        lambda concern, data: services.concern_close(
            actor=request.user,
            concern=concern,
            outcome=data["outcome"],
            wishes_met=data["wishes_met"],
        ),
        _("The concern is closed."),
    )
