"""Pages of the projects part: thin, each calls one selector or service."""

import secrets
from datetime import time as time_of_day
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kith.accounts.http import AuthenticatedRequest
from kith.accounts.permissions import Perm, has_perm
from kith.core.errors import ApplicationError
from kith.core.middleware import CONTENT_SECURITY_POLICY
from kith.core.money import pounds
from kith.core.questions import IncompleteAnswers, QuestionPages, Step
from kith.projects import forms, rules, selectors, services
from kith.projects.models import RESIDENT, Asset, Pledge, Project


def _locality(request: HttpRequest) -> Any:
    locality = getattr(request, "locality", None)
    if locality is None:
        raise Http404
    return locality


def _require(request: HttpRequest, perm: Perm) -> Any:
    locality = _locality(request)
    if not has_perm(request.user, perm, locality):
        raise Http404
    return locality


def _form_page(request: HttpRequest, form: Any, **context: Any) -> HttpResponse:
    return render(request, "projects/form_page.html", {"form": form, **context})


# --- the public list and map ---------------------------------------------------


def _map_policy() -> str:
    """The page's Content-Security-Policy: Kith's own, plus the tile server's
    host for images when tiles are configured."""
    tiles = str(getattr(settings, "KITH_MAP_TILE_URL", "") or "")
    parts = urlsplit(tiles.replace("{", "").replace("}", ""))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return CONTENT_SECURITY_POLICY
    origin = f"{parts.scheme}://{parts.netloc}"
    return CONTENT_SECURITY_POLICY.replace(
        "img-src 'self' data:", f"img-src 'self' data: {origin}"
    )


def assets_public(request: HttpRequest) -> HttpResponse:
    """Land and buildings the public may see: a text list that works without
    JavaScript, and a map drawn over it by projects/map.js."""
    locality = _locality(request)
    assets = list(selectors.public_assets(locality=locality))
    response = render(
        request,
        "projects/assets.html",
        {
            "assets": assets,
            "mapped": [a for a in assets if a.on_map],
            "tile_url": getattr(settings, "KITH_MAP_TILE_URL", ""),
            "attribution": getattr(settings, "KITH_MAP_ATTRIBUTION", ""),
            "acv": selectors.public_nominations(locality=locality),
        },
    )
    header = (
        "Content-Security-Policy-Report-Only"
        if settings.DEBUG
        else "Content-Security-Policy"
    )
    response.headers[header] = _map_policy()
    return response


def asset_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    locality = _locality(request)
    asset = selectors.asset_get(actor=request.user, locality=locality, uuid=uuid)
    return render(
        request,
        "projects/asset.html",
        {
            "asset": asset,
            "officer": has_perm(request.user, Perm.ASSETS_MANAGE, locality),
            "today": timezone.localdate(),
        },
    )


def photo(request: HttpRequest, uuid: str) -> HttpResponse:
    found = selectors.photo_get(
        actor=request.user, locality=_locality(request), uuid=uuid
    )
    response = HttpResponse(bytes(found.image), content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- the register (council officers) ------------------------------------------


@login_required
def register(request: AuthenticatedRequest) -> HttpResponse:
    locality = _require(request, Perm.ASSETS_MANAGE)
    return render(
        request,
        "projects/register.html",
        {
            "assets": selectors.register_assets(actor=request.user, locality=locality),
            "waiting": selectors.nominations_waiting(
                actor=request.user, locality=locality
            ),
            "today": timezone.localdate(),
        },
    )


ASSET_FIELDS = (
    "name",
    "kind",
    "status",
    "condition",
    "description",
    "address",
    "postcode",
    "size_square_metres",
    "let_terms",
    "let_from",
    "let_until",
    "public",
)


def _asset_form(request: HttpRequest, locality: Any, asset: Asset | None) -> Any:
    initial = {}
    if asset is not None:
        initial = {name: getattr(asset, name) for name in ASSET_FIELDS}
        initial.update(
            owner=asset.owner_id, let_to=asset.let_to_id, part_of=asset.part_of_id
        )
    return forms.AssetForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        organisations=selectors.organisations_for(locality=locality),
        buildings=selectors.buildings_for(locality=locality),
    )


@login_required
def asset_edit(request: AuthenticatedRequest, uuid: str | None = None) -> HttpResponse:
    locality = _require(request, Perm.ASSETS_MANAGE)
    asset = (
        selectors.asset_get(actor=request.user, locality=locality, uuid=uuid)
        if uuid
        else None
    )
    form = _asset_form(request, locality, asset)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        by_pk = {
            o.pk: o
            for o in selectors.organisations_for(locality=locality).filter(
                pk__in=[data["owner"], data["let_to"]]
            )
        }
        part_of = (
            selectors.asset_in(locality=locality, pk=data["part_of"])
            if data["part_of"]
            else None
        )
        same_place = asset is not None and (
            data["postcode"].replace(" ", "").upper()
            == asset.postcode.replace(" ", "").upper()
        )
        answers = services.AssetAnswers(
            name=data["name"],
            kind=data["kind"],
            status=data["status"],
            condition=data["condition"],
            description=data["description"],
            address=data["address"],
            postcode=data["postcode"],
            owner=by_pk.get(data["owner"]),
            part_of=part_of,
            size_square_metres=data["size_square_metres"],
            let_to=by_pk.get(data["let_to"]),
            let_terms=data["let_terms"],
            let_from=data["let_from"],
            let_until=data["let_until"],
            public=data["public"],
            # Kept where they were unless the postcode moves the asset.
            latitude=asset.latitude if asset and same_place else None,
            longitude=asset.longitude if asset and same_place else None,
        )
        try:
            saved = services.asset_save(
                actor=request.user, locality=locality, answers=answers, asset=asset
            )
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            return redirect(saved.get_absolute_url())
    return _form_page(
        request,
        form,
        title=_("Change %(name)s") % {"name": asset}
        if asset
        else _("Add land or a building"),
        back=asset.get_absolute_url() if asset else reverse("projects:register"),
        button=_("Save"),
    )


@login_required
def asset_photo_add(request: AuthenticatedRequest, uuid: str) -> HttpResponse:
    locality = _require(request, Perm.ASSETS_MANAGE)
    asset = selectors.asset_get(actor=request.user, locality=locality, uuid=uuid)
    form = forms.PhotoForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.asset_photo_add(
                actor=request.user,
                asset=asset,
                upload=form.cleaned_data["photo"],
                description=form.cleaned_data["description"],
            )
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            return redirect(asset.get_absolute_url())
    return _form_page(
        request,
        form,
        title=_("Add a photo of %(name)s") % {"name": asset},
        back=asset.get_absolute_url(),
        button=_("Add the photo"),
        multipart=True,
    )


# --- Assets of Community Value ------------------------------------------------


@login_required
def nomination_add(request: AuthenticatedRequest, uuid: str) -> HttpResponse:
    locality = _require(request, Perm.ASSETS_MANAGE)
    asset = selectors.asset_get(actor=request.user, locality=locality, uuid=uuid)
    form = forms.NominationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.nomination_record(
                actor=request.user, asset=asset, **form.cleaned_data
            )
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            return redirect(asset.get_absolute_url())
    return _form_page(
        request,
        form,
        title=_("Record a nomination of %(name)s as an Asset of Community Value")
        % {"name": asset},
        back=asset.get_absolute_url(),
        button=_("Record the nomination"),
    )


@login_required
def nomination_decide(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    locality = _require(request, Perm.ASSETS_MANAGE)
    nomination = selectors.nomination_get(actor=request.user, locality=locality, pk=pk)
    form = forms.DecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.nomination_decide(
                actor=request.user, nomination=nomination, **form.cleaned_data
            )
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            return redirect(nomination.asset.get_absolute_url())
    return _form_page(
        request,
        form,
        title=_("Decide the nomination of %(name)s") % {"name": nomination.asset},
        caption=_("Decision due by %(day)s")
        % {"day": nomination.decision_due_on.strftime("%-d %B %Y")},
        back=nomination.asset.get_absolute_url(),
        button=_("Record the decision"),
    )


@login_required
def disposal_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    locality = _require(request, Perm.ASSETS_MANAGE)
    nomination = selectors.nomination_get(actor=request.user, locality=locality, pk=pk)
    form = forms.DisposalForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.disposal_notice_record(
                actor=request.user, nomination=nomination, **form.cleaned_data
            )
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            return redirect(nomination.asset.get_absolute_url())
    return _form_page(
        request,
        form,
        title=_("Record a notice of disposal of %(name)s") % {"name": nomination.asset},
        back=nomination.asset.get_absolute_url(),
        button=_("Record the notice"),
    )


# --- projects ------------------------------------------------------------------


def projects_home(request: HttpRequest) -> HttpResponse:
    """Community projects: open and finished ones, and the ways in."""
    locality = _locality(request)
    user = request.user
    return render(
        request,
        "projects/home.html",
        {
            "projects": selectors.public_projects(locality=locality),
            "officer": has_perm(user, Perm.ASSETS_MANAGE, locality),
            "checker": has_perm(user, Perm.PROJECTS_CHECK, locality),
            "may_propose": has_perm(user, Perm.PROJECTS_PROPOSE, locality),
            "figures": has_perm(user, Perm.REPORTS_VIEW, locality),
            "settings": has_perm(user, Perm.LOCALITY_MANAGE, locality),
            "mine": selectors.projects_of(actor=user, locality=locality)
            if user.is_authenticated
            else [],
        },
    )


SECTOR_WORDS = {RESIDENT: gettext_lazy("Residents")}


def _sector_label(code: str) -> str:
    from kith.directory.models import Sector

    if code in SECTOR_WORDS:
        return str(SECTOR_WORDS[code])
    return str(dict(Sector.choices).get(code, code))


def project_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    locality = _locality(request)
    project = selectors.project_get(actor=request.user, locality=locality, uuid=uuid)
    totals = selectors.project_totals(project)
    rows = [
        {
            "sector": _sector_label(code),
            "money": pounds(row["money"]),
            "materials": pounds(row["materials"]),
            "hours": round(row["minutes"] / 60, 1),
            "count": row["count"],
        }
        for code, row in totals["by_sector"]
    ]
    user = request.user
    return render(
        request,
        "projects/project.html",
        {
            "project": project,
            "totals": totals,
            "rows": rows,
            "target": pounds(project.target_pence),
            "counted": pounds(totals["counted_pence"]),
            "received": pounds(totals["received_pence"]),
            "hours": round(totals["pledged_minutes"] / 60, 1),
            "checker": has_perm(user, Perm.PROJECTS_CHECK, locality),
            "may_pledge": project.open_for_pledges
            and has_perm(user, Perm.PROJECTS_PROPOSE, locality),
            "organiser": services.is_organiser(user, project),
            "volunteering": selectors.project_volunteering(project),
            "costs": [(c, pounds(c.amount_pence)) for c in project.cost_items.all()],
            # Organisations are thanked by name; residents never are.
            "thanks": sorted(
                {
                    str(p.organisation)
                    for p in project.pledges.all()
                    if p.organisation_id and p.status != Pledge.Status.RELEASED
                }
            ),
        },
    )


class ProposeQuestions(QuestionPages):
    def form_kwargs(self, request: HttpRequest, step: Step) -> dict[str, Any]:
        if step.slug == "where":
            return {
                "assets": selectors.public_assets(locality=_locality(request)).filter(
                    status__in=[Asset.Status.UNUSED, Asset.Status.AVAILABLE]
                )
            }
        return {}


PROPOSE = ProposeQuestions(
    "project_propose",
    [
        Step("about", forms.AboutForm, gettext_lazy("What is the project?")),
        Step("where", forms.WhereForm, gettext_lazy("Where is it?")),
        Step("money", forms.MoneyForm, gettext_lazy("Money and closing date")),
        Step("costs", forms.CostsForm, gettext_lazy("What it will cost")),
        Step(
            "permissions",
            forms.PermissionsForm,
            gettext_lazy("Permissions and safety"),
        ),
    ],
)


def _require_propose(request: HttpRequest) -> Any:
    locality = _locality(request)
    if not has_perm(request.user, Perm.PROJECTS_PROPOSE, locality):
        raise Http404
    return locality


@login_required
def propose_start(request: AuthenticatedRequest) -> HttpResponse:
    _require_propose(request)
    PROPOSE.start(request, submission_key=secrets.token_hex(16))
    asset = request.GET.get("asset", "")
    if asset:
        data = {"asset": [asset], "where": [""]}
        request.session[PROPOSE.session_key]["answers"]["where"] = data
        request.session.modified = True
    return redirect("projects:propose_step", slug="about")


@login_required
def propose_step(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    _require_propose(request)
    if PROPOSE.session_key not in request.session:
        return redirect("projects:propose_start")
    try:
        step = PROPOSE.step(slug)
    except KeyError as exc:
        raise Http404 from exc
    changing = request.GET.get("change") == "1"
    form = PROPOSE.page_form(request, step)
    if request.method == "POST" and form.is_valid():
        following = PROPOSE.answer(request, slug, changing=changing)
        return (
            redirect("projects:propose_check")
            if following is None
            else redirect("projects:propose_step", slug=following)
        )
    back = PROPOSE.back_url(
        request,
        slug,
        changing=changing,
        check_url=reverse("projects:propose_check"),
        step_url=lambda previous: reverse("projects:propose_step", args=[previous]),
        start_url=reverse("projects:home"),
    )
    return render(
        request,
        "projects/propose_step.html",
        {"form": form, "step": step, "back": back},
    )


def _answers(locality: Any, cleaned: dict[str, dict[str, Any]]) -> Any:
    about, where, money = cleaned["about"], cleaned["where"], cleaned["money"]
    permissions = cleaned["permissions"]
    asset = None
    if where["asset"]:
        asset = (
            selectors.public_assets(locality=locality)
            .filter(uuid=where["asset"])
            .first()
        )
        if asset is None:
            raise ApplicationError(_("Choose where it is."), field="asset")
    return services.ProjectAnswers(
        title=about["title"],
        what=about["what"],
        why=about["why"],
        who_for=about["who_for"],
        where=where["where"] or (str(asset) if asset else ""),
        asset=asset,
        target_pence=money["target"],
        funding_model=money["funding_model"],
        deadline=money["deadline"],
        permissions_needed=permissions["permissions_needed"],
        milestones=permissions["milestones"],
        involves_people_at_risk=permissions["involves_people_at_risk"],
        cost_items=[
            services.CostLine(
                cleaned["costs"][f"item_{n}"],
                cleaned["costs"][f"cost_{n}"] or 0,
                cleaned["costs"].get(f"quote_{n}") or "",
            )
            for n in (1, 2, 3)
            if cleaned["costs"].get(f"item_{n}")
        ],
    )


@login_required
def propose_check(request: AuthenticatedRequest) -> HttpResponse:
    locality = _require_propose(request)
    if PROPOSE.session_key not in request.session:
        done = request.session.get("kith_project_proposed")
        if request.method == "POST" and done:
            return redirect("projects:propose_done")
        return redirect("projects:propose_start")
    try:
        cleaned = PROPOSE.cleaned(request)
    except IncompleteAnswers as incomplete:
        return redirect("projects:propose_step", slug=incomplete.slug)
    error = None
    acting_for = getattr(request, "acting_for", None)
    if request.method == "POST":
        try:
            project = services.project_propose(
                actor=request.user,
                locality=locality,
                answers=_answers(locality, cleaned),
                proposer=acting_for,
                submission_key=PROPOSE.context(request).get("submission_key"),
            )
        except ApplicationError as exc:
            error = exc
        else:
            PROPOSE.clear(request)
            request.session["kith_project_proposed"] = str(project.uuid)
            return redirect("projects:propose_done")
    return render(
        request,
        "projects/propose_check.html",
        {"rows": PROPOSE.summary(request), "error": error, "acting_for": acting_for},
    )


@login_required
def propose_done(request: AuthenticatedRequest) -> HttpResponse:
    locality = _require_propose(request)
    uuid = request.session.get("kith_project_proposed")
    if not uuid:
        return redirect("projects:home")
    project = selectors.project_get(actor=request.user, locality=locality, uuid=uuid)
    return render(request, "projects/propose_done.html", {"project": project})


@login_required
def to_check(request: AuthenticatedRequest) -> HttpResponse:
    locality = _require(request, Perm.PROJECTS_CHECK)
    return render(
        request,
        "projects/to_check.html",
        {
            "projects": selectors.projects_to_check(
                actor=request.user, locality=locality
            )
        },
    )


@login_required
def project_check(request: AuthenticatedRequest, uuid: str) -> HttpResponse:
    locality = _require(request, Perm.PROJECTS_CHECK)
    project = selectors.project_get(actor=request.user, locality=locality, uuid=uuid)
    form = forms.CheckForm(
        request.POST if request.method == "POST" else None,
        initial={
            "quotes_checked": project.quotes_checked,
            "owner_permission": project.owner_permission,
            "safeguarding_checked": project.safeguarding_checked,
            "insurance_checked": project.insurance_checked,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.project_check(
                actor=request.user, project=project, **form.cleaned_data
            )
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            return redirect(project.get_absolute_url())
    return _form_page(
        request,
        form,
        title=_("Check %(title)s") % {"title": project},
        caption=_("Involves children or adults at risk: %(answer)s")
        % {"answer": _("yes") if project.involves_people_at_risk else _("no")},
        back=project.get_absolute_url(),
        button=_("Save the check"),
    )


def _pledge_sources(request: HttpRequest, locality: Any) -> dict[str, Any]:
    """Whom the person may pledge for: themselves (or the person they act
    for), organisations they edit (any, for staff entering paper forms), and
    funds they manage (any, for officers)."""
    user: Any = request.user
    acting_for = getattr(request, "acting_for", None)
    person = acting_for or user
    sources: dict[str, Any] = {
        "person": (person, _("%(name)s, as a resident") % {"name": person.display_name})
    }
    for organisation in selectors.organisations_for_pledging(
        actor=user, locality=locality
    ):
        sources[f"org-{organisation.pk}"] = (organisation, str(organisation))
    for fund in selectors.funds_for(actor=user, locality=locality):
        sources[f"fund-{fund.pk}"] = (fund, _("%(fund)s (a fund)") % {"fund": fund})
    return sources


@login_required
def pledge(request: AuthenticatedRequest, uuid: str) -> HttpResponse:
    locality = _require(request, Perm.PROJECTS_PROPOSE)
    project = selectors.project_get(actor=request.user, locality=locality, uuid=uuid)
    sources = _pledge_sources(request, locality)
    staff = has_perm(request.user, Perm.PROJECTS_ENTER, locality)
    form = forms.PledgeForm(
        request.POST if request.method == "POST" else None,
        sources=[(key, label) for key, (_obj, label) in sources.items()],
        staff=staff,
        initial={"submission_key": secrets.token_hex(16)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = sources[data["source"]][0]
        kwargs: dict[str, Any] = {}
        if data["source"].startswith("org-"):
            kwargs["organisation"] = chosen
        elif data["source"].startswith("fund-"):
            kwargs["fund"] = chosen
        else:
            kwargs["person"] = chosen
        try:
            services.pledge_make(
                actor=request.user,
                project=project,
                answers=services.PledgeAnswers(
                    kind=data["kind"],
                    amount_pence=data["amount"] or 0,
                    minutes=(data["hours"] or 0) * 60,
                    description=data["description"],
                    release_if_missed=data["release_if_missed"],
                ),
                on_paper=bool(data.get("on_paper")),
                submission_key=data.get("submission_key") or None,
                **kwargs,
            )
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            return redirect(project.get_absolute_url() + "#pledges")
    return render(
        request,
        "projects/pledge.html",
        {
            "form": form,
            "project": project,
            "refusal": None
            if project.open_for_pledges
            else rules.pledge_refusal(
                status=project.status,
                deadline=project.deadline,
                today=timezone.localdate(),
            ),
        },
    )


@login_required
@require_POST
def pledge_received(request: AuthenticatedRequest, uuid: str, pk: int) -> HttpResponse:
    locality = _require(request, Perm.PROJECTS_CHECK)
    project = selectors.project_get(actor=request.user, locality=locality, uuid=uuid)
    found = project.pledges.filter(pk=pk).first()
    if found is None:
        raise Http404
    form = forms.ReceivedForm(request.POST)
    if form.is_valid():
        try:
            services.pledge_received(
                actor=request.user,
                pledge=found,
                received_on=form.cleaned_data["received_on"],
            )
        except ApplicationError as exc:
            form.add_application_error(exc)
    if form.errors:
        return _form_page(
            request,
            form,
            title=_("Record a pledge received"),
            back=project.get_absolute_url(),
            button=_("Record it"),
        )
    return redirect(project.get_absolute_url() + "#pledges")


@login_required
def figures(request: AuthenticatedRequest) -> HttpResponse:
    """The council's figures for community projects (aggregates only)."""
    locality = _require(request, Perm.REPORTS_VIEW)
    found = selectors.projects_figures(actor=request.user, locality=locality)
    return render(
        request,
        "projects/figures.html",
        {
            "figures": found,
            "hours": round(found["minutes_given"] / 60, 1),
            "by_sector": [
                {
                    "sector": _sector_label(row["sector"]),
                    "value": pounds(row["pence"]),
                    "hours": round(row["minutes"] / 60, 1),
                }
                for row in found["by_sector"]
            ],
        },
    )


# --- volunteers, updates, the story, the poster -----------------------------------


def _organiser_project(request: HttpRequest, uuid: str) -> tuple[Any, Project]:
    locality = _locality(request)
    project = selectors.project_get(actor=request.user, locality=locality, uuid=uuid)
    if not services.is_organiser(request.user, project):
        raise Http404
    return locality, project


@login_required
def work_day_add(request: AuthenticatedRequest, uuid: str) -> HttpResponse:
    project = _organiser_project(request, uuid)[1]
    form = forms.WorkDayForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        hour, minute = (int(part) for part in data["start_time"].split(":"))
        try:
            services.work_day_add(
                actor=request.user,
                project=project,
                answers=services.WorkDayAnswers(
                    starts_on=data["starts_on"],
                    start_time=time_of_day(hour, minute),
                    minutes=data["minutes"],
                    places=data["places"],
                    description=data["description"],
                ),
            )
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            return redirect(project.get_absolute_url() + "#volunteer")
    return _form_page(
        request,
        form,
        title=_("Add a work day"),
        caption=project.title,
        intro=_(
            "The work day goes in the activities calendar, where people sign "
            "up. If it fills up, they can join the waiting list."
        ),
        back=project.get_absolute_url(),
        button=_("Add the work day"),
    )


@login_required
def hours_add(request: AuthenticatedRequest, uuid: str) -> HttpResponse:
    locality, project = _organiser_project(request, uuid)
    people = selectors.volunteers_to_record(
        project=project, acting_for=getattr(request, "acting_for", None)
    )
    staff = has_perm(request.user, Perm.PROJECTS_ENTER, locality)
    form = forms.HoursForm(
        request.POST if request.method == "POST" else None,
        people=[(p.pk, p.full_name) for p in people],
        staff=staff,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = next((p for p in people if p.pk == data["person"]), None)
        if person is None:
            raise Http404
        try:
            services.hours_record(
                actor=request.user,
                project=project,
                person=person,
                given_on=data["given_on"],
                minutes=int(data["hours"] * 60),
                on_paper=bool(data.get("on_paper")),
            )
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            return redirect(project.get_absolute_url() + "#volunteer")
    return _form_page(
        request,
        form,
        title=_("Record time given"),
        caption=project.title,
        intro=_(
            "People who signed up for a work day are listed. To record someone "
            "else from a paper sheet, act for them first."
        ),
        back=project.get_absolute_url(),
        button=_("Record it"),
    )


@login_required
def update_add(request: AuthenticatedRequest, uuid: str) -> HttpResponse:
    project = _organiser_project(request, uuid)[1]
    posting = request.method == "POST"
    form = forms.UpdateForm(
        request.POST if posting else None, request.FILES if posting else None
    )
    if posting and form.is_valid():
        data = form.cleaned_data
        photos = (
            [services.PhotoUpload(data["photo"], data["photo_description"])]
            if data["photo"]
            else []
        )
        try:
            services.update_post(
                actor=request.user, project=project, words=data["words"], photos=photos
            )
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            return redirect(project.get_absolute_url() + "#updates")
    return _form_page(
        request,
        form,
        title=_("Post an update"),
        caption=project.title,
        back=project.get_absolute_url(),
        button=_("Post it"),
        multipart=True,
    )


@login_required
def project_done(request: AuthenticatedRequest, uuid: str) -> HttpResponse:
    project = _organiser_project(request, uuid)[1]
    posting = request.method == "POST"
    form = forms.DoneForm(
        request.POST if posting else None, request.FILES if posting else None
    )
    if posting and form.is_valid():
        data = form.cleaned_data

        def photo(name: str) -> Any:
            if not data[name]:
                return None
            return services.PhotoUpload(data[name], data[f"{name}_description"])

        try:
            services.project_done(
                actor=request.user,
                project=project,
                story=data["story"],
                people_served=data["people_served"],
                done_on=data["done_on"],
                before=photo("before"),
                after=photo("after"),
            )
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            return redirect(project.get_absolute_url())
    return _form_page(
        request,
        form,
        title=_("Tell the story: what we did"),
        caption=project.title,
        back=project.get_absolute_url(),
        button=_("Mark the project done"),
        multipart=True,
    )


def poster(request: HttpRequest, uuid: str) -> HttpResponse:
    """A printable A4 poster of a published project."""
    locality = _locality(request)
    project = selectors.project_get(actor=request.user, locality=locality, uuid=uuid)
    if project.status != Project.Status.PUBLISHED:
        raise Http404
    return render(
        request,
        "projects/poster.html",
        {
            "project": project,
            "short_address": request.build_absolute_uri(
                reverse("projects:short", args=[project.short_code])
            ),
            "target": pounds(project.target_pence),
        },
    )


def short(request: HttpRequest, code: str) -> HttpResponse:
    """The poster's short address: on to the project's page."""
    locality = _locality(request)
    project = selectors.project_by_short_code(locality=locality, code=code)
    return redirect(project.get_absolute_url())


@login_required
def funds(request: AuthenticatedRequest) -> HttpResponse:
    """The funds that pledge to projects, and adding one (council officers)."""
    locality = _require(request, Perm.PROJECTS_CHECK)
    organisations = selectors.organisations_for(locality=locality)
    form = forms.FundForm(
        request.POST if request.method == "POST" else None,
        organisations=organisations,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        organisation = organisations.filter(pk=data["organisation"]).first()
        if organisation is None:
            raise Http404
        try:
            services.fund_save(
                actor=request.user,
                locality=locality,
                organisation=organisation,
                name=data["name"],
                cap_pence=data["cap"],
                cap_percent=data["cap_percent"],
            )
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            return redirect("projects:funds")
    return render(
        request,
        "projects/funds.html",
        {
            "form": form,
            "funds": [
                (fund, pounds(fund.cap_pence))
                for fund in selectors.funds_for(
                    actor=request.user, locality=locality, managed_only=False
                )
            ],
        },
    )


@login_required
def project_settings(request: AuthenticatedRequest) -> HttpResponse:
    """Whether volunteering on projects earns time credits (administrators)."""
    locality = _require(request, Perm.LOCALITY_MANAGE)
    current = services.project_settings_for(locality)
    form = forms.ProjectSettingsForm(
        request.POST if request.method == "POST" else None,
        initial={"volunteering_earns_credits": current.volunteering_earns_credits},
    )
    if request.method == "POST" and form.is_valid():
        services.project_settings_update(
            actor=request.user,
            locality=locality,
            volunteering_earns_credits=form.cleaned_data["volunteering_earns_credits"],
        )
        return redirect("projects:home")
    return _form_page(
        request,
        form,
        title=_("Community projects: settings"),
        back=reverse("projects:home"),
        button=_("Save"),
    )
