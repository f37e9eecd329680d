"""Pages for participatory budgeting: thin, each calls one service."""

import secrets
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kith.accounts.http import AuthenticatedRequest
from kith.budgeting import forms, selectors, services
from kith.budgeting.models import Phase, Round, Voter
from kith.budgeting.words import SPOILT_REASONS
from kith.core.csv import csv_response
from kith.core.errors import ApplicationError
from kith.core.questions import IncompleteAnswers, QuestionPages, Step

VOTE_SESSION = "budgeting_vote"


def _locality(request: HttpRequest) -> Any:
    locality = getattr(request, "locality", None)
    if locality is None:
        raise Http404
    return locality


def _round(request: HttpRequest, pk: int) -> Round:
    return selectors.round_get(locality=_locality(request), pk=pk)


def _form_page(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    return render(request, "budgeting/form_page.html", context)


def rounds(request: HttpRequest) -> HttpResponse:
    locality = _locality(request)
    found = list(selectors.rounds_for(locality=locality))
    may_manage = selectors.may_manage_locality(actor=request.user, locality=locality)
    return render(
        request, "budgeting/rounds.html", {"rounds": found, "may_manage": may_manage}
    )


def round_page(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    context = {
        "round": round_,
        "phase": round_.phase(),
        "Phase": Phase,
        "proposals": list(selectors.proposals_for(round_=round_)),
        "may_manage": selectors.may_manage(actor=request.user, round_=round_),
        "may_enter": selectors.may_enter(actor=request.user, round_=round_),
    }
    return render(request, "budgeting/round.html", context)


def _require_manage_locality(request: AuthenticatedRequest) -> Any:
    locality = _locality(request)
    if not selectors.may_manage_locality(actor=request.user, locality=locality):
        raise PermissionDenied
    return locality


@login_required
def round_new(request: AuthenticatedRequest) -> HttpResponse:
    locality = _require_manage_locality(request)
    form = forms.RoundForm(request.POST or None, locality=locality)
    if request.method == "POST" and form.is_valid():
        data = {
            k: v
            for k, v in form.cleaned_data.items()
            if k not in forms.RoundForm.DATE_FIELDS
        }
        try:
            round_ = services.round_create(
                actor=request.user, locality=locality, **data, **form.times()
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("Round set up. Now add its headings."))
            return redirect("budgeting:heading_add", pk=round_.pk)
    return _form_page(
        request,
        {
            "title": _("Set up a budgeting round"),
            "form": form,
            "button": _("Set up the round"),
            "back": reverse("budgeting:rounds"),
        },
    )


@login_required
def round_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    if not selectors.may_manage(actor=request.user, round_=round_):
        raise PermissionDenied
    initial = {
        field: getattr(round_, field)
        for field in (*services.RULE_FIELDS, *services.OTHER_FIELDS)
    }
    for field in forms.RoundForm.DATE_FIELDS:
        moment = timezone.localtime(getattr(round_, field))
        closes = field.endswith("closes")
        initial[field] = (moment - timedelta(days=1) if closes else moment).date()
    initial["wards"] = list(round_.wards.all())
    form = forms.RoundForm(
        request.POST or None, locality=round_.locality, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = {
            k: v
            for k, v in form.cleaned_data.items()
            if k not in forms.RoundForm.DATE_FIELDS and k != "wards"
        }
        try:
            services.round_update(
                actor=request.user,
                round_=round_,
                wards=list(form.cleaned_data["wards"]),
                **data,
                # A date left as it was is not a change (it is shown as a day,
                # the round keeps the moment).
                **{
                    k: v
                    for k, v in form.times().items()
                    if form.cleaned_data[k] != initial[k]
                },
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("Round saved."))
            return redirect(round_)
    return _form_page(
        request,
        {
            "title": _("Change the round"),
            "caption": round_.title,
            "intro": _(
                "Once voting opens, the rules (ballot, who may take part, counting "
                "method, voting dates, headings) cannot change."
            ),
            "form": form,
            "button": _("Save"),
            "back": round_.get_absolute_url(),
        },
    )


@login_required
def heading_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    if not selectors.may_manage(actor=request.user, round_=round_):
        raise PermissionDenied
    form = forms.HeadingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.heading_add(actor=request.user, round_=round_, **form.cleaned_data)
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("Heading added."))
            return redirect(round_)
    return _form_page(
        request,
        {
            "title": _("Add a heading"),
            "caption": round_.title,
            "intro": _("A part of the money with its own amount, counted on its own."),
            "form": form,
            "button": _("Add the heading"),
            "back": round_.get_absolute_url(),
        },
    )


class ProposeQuestions(QuestionPages):
    """Proposing, one question a page; the round is kept with the answers."""

    def round_of(self, request: HttpRequest) -> Round:
        return _round(request, self.context(request).get("round", 0))

    def form_kwargs(self, request: HttpRequest, step: Step) -> dict[str, Any]:
        round_ = self.round_of(request)
        if step.slug == "heading":
            return {"headings": list(round_.headings.all())}
        if step.slug == "where":
            return {"assets": selectors.proposal_places(round_=round_)}
        if step.slug == "project":
            return {"projects": selectors.proposal_projects(round_=round_)}
        if step.slug == "you":
            kwargs: dict[str, Any] = {"minimum_age": round_.minimum_age}
            if not selectors.may_enter(actor=request.user, round_=round_):
                # A resident proposing for themselves: what we know of them.
                user = request.user
                kwargs["initial"] = {
                    "proposer_name": getattr(user, "full_name", ""),
                    "postcode": getattr(user, "postcode", ""),
                }
            return kwargs
        return {}

    def active_steps(self, request: HttpRequest) -> list[Step]:
        # With one heading there is nothing to choose; with no public
        # projects, nothing to link.
        round_ = self.round_of(request)
        skip = set()
        if round_.headings.count() < 2:
            skip.add("heading")
        if not selectors.proposal_projects(round_=round_).exists():
            skip.add("project")
        return [s for s in super().active_steps(request) if s.slug not in skip]


PROPOSE = ProposeQuestions(
    "budgeting_propose",
    [
        Step(
            "heading",
            forms.ProposeHeadingForm,
            gettext_lazy("Which part of the money is it for?"),
        ),
        Step("idea", forms.ProposeIdeaForm, gettext_lazy("What is your idea?")),
        Step("where", forms.ProposeWhereForm, gettext_lazy("Where would it be?")),
        Step(
            "project",
            forms.ProposeProjectForm,
            gettext_lazy("Is it part of a community project?"),
        ),
        Step("cost", forms.ProposeCostForm, gettext_lazy("What might it cost?")),
        Step("you", forms.ProposeProposerForm, gettext_lazy("Who is proposing it?")),
    ],
)


@login_required
def propose(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Start proposing an idea for a round: one question a page, then check
    the answers and send."""
    round_ = _round(request, pk)
    if round_.phase() != Phase.PROPOSING:
        messages.error(request, _("This round is not taking proposals now."))
        return redirect(round_)
    PROPOSE.start(request, round=round_.pk, submission_key=secrets.token_hex(16))
    first = PROPOSE.next_slug(request)
    return redirect("budgeting:propose_step", slug=first or "idea")


def _require_proposing(request: HttpRequest) -> Round | None:
    if PROPOSE.session_key not in request.session:
        return None
    return PROPOSE.round_of(request)


@login_required
def propose_step(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    round_ = _require_proposing(request)
    if round_ is None:
        return redirect("budgeting:rounds")
    try:
        step = PROPOSE.step(slug)
    except KeyError as exc:
        raise Http404 from exc
    if step not in PROPOSE.active_steps(request):
        raise Http404
    changing = request.GET.get("change") == "1"
    form = PROPOSE.page_form(request, step)
    if request.method == "POST" and form.is_valid():
        following = PROPOSE.answer(request, slug, changing=changing)
        return (
            redirect("budgeting:propose_check")
            if following is None
            else redirect("budgeting:propose_step", slug=following)
        )
    back = PROPOSE.back_url(
        request,
        slug,
        changing=changing,
        check_url=reverse("budgeting:propose_check"),
        step_url=lambda previous: reverse("budgeting:propose_step", args=[previous]),
        start_url=round_.get_absolute_url(),
    )
    return render(
        request,
        "budgeting/propose_step.html",
        {"form": form, "step": step, "back": back, "round": round_},
    )


def _proposal_answers(round_: Round, cleaned: dict[str, dict[str, Any]]) -> Any:
    """The answers as the service's arguments. An asset or project that is
    no longer public is asked again."""
    headings = {str(h.pk): h for h in round_.headings.all()}
    if "heading" in cleaned:
        heading = headings.get(cleaned["heading"]["heading"])
    else:
        heading = next(iter(headings.values()), None)
    if heading is None:
        raise ApplicationError(_("This round has no headings yet."))
    where = cleaned["where"]
    asset = None
    if where["asset"]:
        asset = (
            selectors.proposal_places(round_=round_).filter(uuid=where["asset"]).first()
        )
        if asset is None:
            raise ApplicationError(_("Choose where it would be again."))
    project = None
    if cleaned.get("project", {}).get("project"):
        project = (
            selectors.proposal_projects(round_=round_)
            .filter(uuid=cleaned["project"]["project"])
            .first()
        )
        if project is None:
            raise ApplicationError(_("Choose the community project again."))
    you = cleaned["you"]
    return {
        "heading": heading,
        "title": cleaned["idea"]["title"],
        "description": cleaned["idea"]["description"],
        "place": where["place"],
        "asset": asset,
        "project": project,
        "estimated_cost": cleaned["cost"]["estimated_cost"],
        "proposer_name": you["proposer_name"],
        "postcode": you["postcode"],
        "born": you.get("born"),
    }


@login_required
def propose_check(request: AuthenticatedRequest) -> HttpResponse:
    round_ = _require_proposing(request)
    if round_ is None:
        return redirect("budgeting:rounds")
    try:
        cleaned = PROPOSE.cleaned(request)
    except IncompleteAnswers as incomplete:
        return redirect("budgeting:propose_step", slug=incomplete.slug)
    error = None
    if request.method == "POST":
        try:
            proposal = services.proposal_submit(
                actor=request.user,
                round_=round_,
                submission_key=PROPOSE.context(request).get("submission_key", ""),
                **_proposal_answers(round_, cleaned),
            )
        except ApplicationError as exc:
            error = exc
        else:
            PROPOSE.clear(request)
            messages.success(
                request,
                _("Your idea is proposal %(n)s. An officer will check it.")
                % {"n": proposal.number},
            )
            return redirect(round_)
    return render(
        request,
        "budgeting/propose_check.html",
        {"rows": PROPOSE.summary(request), "error": error, "round": round_},
    )


@login_required
def proposal_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The proposer or an officer posts news of a winning proposal."""
    proposal = selectors.proposal_get(locality=_locality(request), pk=pk)
    if not selectors.may_post_update(request.user, proposal):
        raise PermissionDenied
    form = forms.UpdateForm(
        request.POST or None,
        initial={
            "delivery": proposal.delivery,
            "submission_key": secrets.token_hex(16),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_update_post(
                actor=request.user, proposal=proposal, **form.cleaned_data
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("Your update is published."))
            return redirect("budgeting:results", pk=proposal.round_id)
    return _form_page(
        request,
        {
            "title": _("Post an update on %(title)s") % {"title": proposal.title},
            "caption": proposal.round.title,
            "intro": _(
                "Tell everyone how the project is going, until it is delivered."
            ),
            "form": form,
            "button": _("Publish the update"),
            "back": reverse("budgeting:results", args=[proposal.round_id]),
        },
    )


@login_required
def proposal_link(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """An officer links a proposal to a place on the map and a project."""
    proposal = selectors.proposal_get(locality=_locality(request), pk=pk)
    if not selectors.may_manage(actor=request.user, round_=proposal.round):
        raise PermissionDenied
    form = forms.LinkForm(
        request.POST or None,
        assets=selectors.proposal_places(round_=proposal.round),
        projects=selectors.proposal_projects(round_=proposal.round),
        initial={
            "asset": str(proposal.asset.uuid) if proposal.asset else "",
            "project": str(proposal.project.uuid) if proposal.project else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_link(
                actor=request.user,
                proposal=proposal,
                asset=form.assets.get(form.cleaned_data["asset"]),
                project=form.projects.get(form.cleaned_data["project"]),
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("Links saved."))
            return redirect(proposal.round)
    return _form_page(
        request,
        {
            "title": _("Link proposal %(n)s to a place or project")
            % {"n": proposal.number},
            "caption": proposal.round.title,
            "intro": proposal.title,
            "form": form,
            "button": _("Save"),
            "back": proposal.round.get_absolute_url(),
        },
    )


@login_required
def proposal_check(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    proposal = selectors.proposal_get(locality=_locality(request), pk=pk)
    if not selectors.may_manage(actor=request.user, round_=proposal.round):
        raise PermissionDenied
    form = forms.CheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_check(
                actor=request.user, proposal=proposal, **form.cleaned_data
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(
                request, _("Proposal %(n)s checked.") % {"n": proposal.number}
            )
            return redirect(proposal.round)
    return _form_page(
        request,
        {
            "title": _("Check proposal %(n)s: %(title)s")
            % {"n": proposal.number, "title": proposal.title},
            "caption": proposal.round.title,
            "intro": proposal.description,
            "form": form,
            "button": _("Save"),
            "back": proposal.round.get_absolute_url(),
        },
    )


def vote_start(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for an email address or mobile number and send a code to it."""
    round_ = _round(request, pk)
    form = forms.CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        to = form.cleaned_data["to"].strip()
        try:
            sent = services.ballot_code_send(round_=round_, to=to)
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            request.session[VOTE_SESSION] = {
                "round": round_.pk,
                "code_id": sent.pk,
                "to": to,
            }
            return redirect("budgeting:vote_ballot", pk=round_.pk)
    return _form_page(
        request,
        {
            "title": _("Vote online"),
            "caption": round_.title,
            "intro": _(
                "You do not need an account. We will send a code to your email "
                "address or mobile to confirm it is you. You can change your "
                "choices until voting closes."
            ),
            "form": form,
            "button": _("Send me a code"),
            "back": round_.get_absolute_url(),
        },
    )


def vote_ballot(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    pending = request.session.get(VOTE_SESSION) or {}
    if pending.get("round") != round_.pk:
        return redirect("budgeting:vote_start", pk=round_.pk)
    form = forms.OnlineBallotForm(request.POST or None, round_=round_)
    if request.method == "POST" and form.is_valid():
        try:
            services.ballot_online_cast(
                round_=round_,
                to=pending["to"],
                code_id=pending["code_id"],
                code=form.cleaned_data["code"].strip(),
                full_name=form.cleaned_data["full_name"],
                postcode=form.cleaned_data["postcode"],
                born=form.cleaned_data["born"],
                choices=form.choices(),
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            del request.session[VOTE_SESSION]
            return render(request, "budgeting/voted.html", {"round": round_})
    return _form_page(
        request,
        {
            "title": _("Your vote"),
            "caption": round_.title,
            "intro": _("We sent a code to %(to)s.") % {"to": pending["to"]},
            "form": form,
            "button": _("Send my vote"),
            "back": round_.get_absolute_url(),
        },
    )


@login_required
def ballot_enter(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Staff enter a stack of paper ballots (or a phone vote) one at a time."""
    round_ = _round(request, pk)
    if not selectors.may_enter(actor=request.user, round_=round_):
        raise PermissionDenied
    form = forms.PaperBallotForm(request.POST or None, round_=round_)
    if request.method == "POST" and form.is_valid():
        try:
            entered = services.ballot_enter(
                actor=request.user,
                round_=round_,
                channel=form.cleaned_data["channel"],
                full_name=form.cleaned_data["full_name"],
                postcode=form.cleaned_data["postcode"],
                born=form.cleaned_data["born"],
                paper_number=form.cleaned_data["paper_number"],
                choices=form.choices(),
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _entered_message(entered))
            return redirect("budgeting:ballot_enter", pk=round_.pk)
    return _form_page(
        request,
        {
            "title": _("Enter a ballot"),
            "caption": round_.title,
            "form": form,
            "button": _("Enter this ballot"),
            "back": round_.get_absolute_url(),
        },
    )


def _entered_message(entered: services.Entered) -> str:
    voter = entered.voter
    what = (
        _("paper %(n)s") % {"n": voter.paper_number}
        if voter.paper_number
        else _("the phone vote")
    )
    if voter.status == Voter.Status.DUPLICATE:
        return _("Recorded %(what)s as a duplicate, not counted: %(reason)s") % {
            "what": what,
            "reason": voter.reason,
        }
    if entered.spoiled:
        return _("Recorded %(what)s as spoiled: %(reason)s") % {
            "what": what,
            "reason": " ".join(
                str(SPOILT_REASONS[reason]) for reason in entered.spoiled
            ),
        }
    return _("Entered %(what)s.") % {"what": what}


ACTIONS = {
    "seal": (
        services.round_seal,
        "Close the ballot box",
        "Online voters will no longer be able to change their ballots, nothing "
        "will link a ballot to a voter, and no more papers can be entered.",
    ),
    "count": (
        services.round_count,
        "Count the votes",
        "Counts every heading by the round's published method.",
    ),
    "publish": (
        services.round_publish,
        "Publish the results",
        "Everyone will see the results.",
    ),
}


@login_required
def round_action(request: AuthenticatedRequest, pk: int, action: str) -> HttpResponse:
    round_ = _round(request, pk)
    if action not in ACTIONS:
        raise Http404
    if not selectors.may_manage(actor=request.user, round_=round_):
        raise PermissionDenied
    service, title, intro = ACTIONS[action]
    error = None
    if request.method == "POST":
        try:
            service(actor=request.user, round_=round_)
        except ApplicationError as refused:
            error = refused.message
        else:
            messages.success(request, _("Done."))
            return redirect(
                "budgeting:results" if action != "seal" else "budgeting:round",
                pk=round_.pk,
            )
    return render(
        request,
        "budgeting/action.html",
        {"round": round_, "title": _(title), "intro": _(intro), "error": error},
    )


@login_required
def draw_record(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    if not selectors.may_manage(actor=request.user, round_=round_):
        raise PermissionDenied
    form = forms.DrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.round_draw_record(
                actor=request.user, round_=round_, order=form.cleaned_data["order"]
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("The draw is recorded."))
            return redirect(round_)
    return _form_page(
        request,
        {
            "title": _("Record the public draw"),
            "caption": round_.title,
            "intro": _("Only used when projects tie on votes, cost and submission."),
            "form": form,
            "button": _("Record the draw"),
            "back": round_.get_absolute_url(),
        },
    )


def results(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    found = selectors.results_for(actor=request.user, round_=round_)
    return render(
        request,
        "budgeting/results.html",
        {
            "results": found,
            "may_manage": selectors.may_manage(actor=request.user, round_=round_),
        },
    )


def results_csv(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    round_ = _round(request, pk)
    rows = selectors.results_csv_rows(actor=request.user, round_=round_)
    return csv_response(rows, filename=f"budget-results-{round_.pk}.csv")
