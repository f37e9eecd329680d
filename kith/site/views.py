"""The site's own pages: the home page, the audit log and the 500 page.

They sit at the top floor because they draw on every part below. Their URL
names keep the ``core`` namespace (``core:home``, ``core:audit``) that every
template and view already uses (docs/adr/0019-floors-and-hooks.md).
"""

import logging
import secrets
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from kith.accounts.http import AuthenticatedRequest, KithRequest
from kith.accounts.permissions import Perm, has_perm, require_perm, roles_in
from kith.accounts.selectors import audit_actions_for, audit_events_for
from kith.core.errors import ApplicationError
from kith.core.forms import GovukForm
from kith.core.middleware import ACTING_FOR_SESSION_KEY, LOCALITY_SESSION_KEY
from kith.places import services as place_services
from kith.places.models import Locality
from kith.places.selectors import locality_first
from kith.places.services import ward_lines_parse
from kith.reports import selectors as report_selectors
from kith.site import selectors, services
from kith.site.forms import LocalityEditForm, LocalityForm, LocalityStatusForm

logger = logging.getLogger(__name__)


def home(request: KithRequest) -> HttpResponse:
    """Shows each person what they can do next, by their roles."""
    locality = request.locality
    user = request.user
    context: dict[str, object] = {}
    if user.is_authenticated:
        held = roles_in(user, locality)
        context.update(
            roles=sorted(held),
            can=lambda perm: has_perm(user, perm, locality),
            can_people=has_perm(user, Perm.PEOPLE_VIEW, locality),
            can_create=has_perm(user, Perm.PEOPLE_CREATE, locality),
            can_audit=has_perm(user, Perm.AUDIT_VIEW, locality),
            can_places=has_perm(user, Perm.PLACES_VIEW, locality),
            can_roles=has_perm(user, Perm.ROLES_MANAGE, locality),
            can_act=has_perm(user, Perm.ACT_ON_BEHALF, locality),
            can_members=has_perm(user, Perm.MEMBERS_MANAGE, locality),
            can_plans=has_perm(user, Perm.PLANS_MANAGE, locality),
            is_member="member" in held,
            is_helper="helper" in held,
            can_help=has_perm(user, Perm.HELP_MANAGE, locality),
            can_helpers=has_perm(user, Perm.HELPERS_MANAGE, locality),
            can_credits=has_perm(user, Perm.CREDITS_MANAGE, locality),
            can_grant=has_perm(user, Perm.CREDITS_GRANT, locality),
            can_payroll=has_perm(user, Perm.PAYROLL_EXPORT, locality),
            is_supporter="supporter" in held,
            can_directory_edit=has_perm(user, Perm.DIRECTORY_EDIT, locality),
            can_directory_check=has_perm(user, Perm.DIRECTORY_CHECK, locality),
            can_raise=has_perm(user, Perm.SAFEGUARDING_RAISE, locality),
            is_lead=has_perm(user, Perm.SAFEGUARDING_LEAD, locality),
        )
        acting_for = getattr(request, "acting_for", None)
        if locality is not None and "member" in held and not acting_for:
            context["member_home"] = selectors.member_home_for(
                actor=user, locality=locality
            )
            context["survey_due"] = report_selectors.own_survey_due(
                actor=user, locality=locality, today=timezone.localdate()
            )
    return render(request, "site/home.html", context)


class AuditFilterForm(GovukForm):
    who = forms.CharField(label=_("Who (name)"), required=False, max_length=100)
    action = forms.ChoiceField(label=_("What"), required=False)
    record = forms.CharField(
        label=_("Record (name or number)"), required=False, max_length=100
    )
    date_from = forms.DateField(
        label=_("From (day/month/year)"),
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"],
        help_text=_("For example, 27/11/2026"),
    )
    date_to = forms.DateField(
        label=_("To (day/month/year)"),
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"],
    )

    def __init__(self, *args, actions: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("Any"))] + [
            (a, a.replace("_", " ").capitalize()) for a in actions
        ]
        self.fields["action"].choices = choices  # type: ignore[attr-defined]

    def clean(self):
        data = cast(dict[str, Any], super().clean())
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error(
                "date_to",
                _("The ‘to’ date must be the same as or after the ‘from’ date."),
            )
        for name in ("date_from", "date_to"):
            value = data.get(name)
            today = timezone.localdate()
            if value and value > today.replace(year=today.year + 1):
                self.add_error(name, _("Enter a date that is not far in the future."))
        return data


@login_required
def audit_log(request: AuthenticatedRequest) -> HttpResponse:
    locality = request.locality
    require_perm(request.user, Perm.AUDIT_VIEW, locality)
    actions = audit_actions_for(actor=request.user, locality=locality)
    form = AuditFilterForm(request.GET or None, actions=actions)
    filters: dict[str, object] = {}
    if form.is_bound and form.is_valid():
        filters = {key: value for key, value in form.cleaned_data.items() if value}
    events = audit_events_for(actor=request.user, locality=locality, **filters)  # type: ignore[arg-type]
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "site/audit_log.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page, rendered without the database: it may be what failed."""
    context = {"service_name": "Kith", "phone": ""}
    try:
        locality = getattr(request, "locality", None) or locality_first()
        if locality is not None:
            context.update(service_name=locality.name, phone=locality.phone)
    except Exception:  # noqa: S110 - the page must render whatever failed
        pass
    try:
        page = loader.get_template("500.html").render(context)
    except Exception:
        # The page's stylesheet is named through the static manifest; if that
        # is what failed (collectstatic not run), say sorry without it.
        logger.exception("The error page could not be rendered")
        page = format_html(
            '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
            "<title>Sorry, there is a problem with the service – {}</title></head>"
            "<body><main><h1>Sorry, there is a problem with the service</h1>"
            "<p>Try again later. Anything you had not finished has not been "
            "saved, so you may need to start again.</p>"
            "<p>If you need help now, phone us{}.</p></main></body></html>",
            context["service_name"],
            f" on {context['phone']}" if context["phone"] else "",
        )
    return HttpResponse(page, status=500)


def _require_deployment_admin(request: AuthenticatedRequest) -> None:
    if not (request.user.is_superuser and request.user.is_active):
        raise PermissionDenied


@login_required
def localities(request: AuthenticatedRequest) -> HttpResponse:
    """For the deployment's administrators: every locality this deployment
    serves, and adding one."""
    _require_deployment_admin(request)
    return render(
        request,
        "site/localities.html",
        {"localities": selectors.localities_overview()},
    )


_DETAIL_KEYS = (
    "name",
    "council_name",
    "phone",
    "email",
    "address",
    "domain",
    "brand_colour",
    "logo_alt",
    "quiet_from_hour",
    "quiet_until_hour",
)


def _settings_from(data: dict[str, Any]) -> services.LocalitySettings:
    return services.LocalitySettings(
        minutes_per_credit=data["minutes_per_credit"],
        overdraft_limit_minutes=data["overdraft_limit_minutes"],
        first_follow_up_months=data["first_follow_up_months"],
        then_every_months=data["then_every_months"],
        overdue_after_days=data["overdue_after_days"],
    )


@login_required
def locality_new(request: AuthenticatedRequest) -> HttpResponse:
    _require_deployment_admin(request)
    form = LocalityForm(
        request.POST or None,
        request.FILES or None,
        initial={"submission_key": secrets.token_hex(16)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            locality = services.locality_open(
                actor=request.user,
                locality_fields={key: data[key] for key in _DETAIL_KEYS},
                wards=ward_lines_parse(data["wards"]),
                coordinator_name=data["coordinator_name"],
                coordinator_email=data["coordinator_email"],
                base_url=request.build_absolute_uri("/").rstrip("/"),
                submission_key=data["submission_key"],
                settings=_settings_from(data),
                plan=services.FirstPlan(
                    name=data["plan_name"],
                    yearly_fee_pence=services.pence(data["plan_yearly_fee"]),
                    concession_fee_pence=services.pence(data["plan_concession_fee"]),
                    minimum_age=data["plan_minimum_age"],
                    joining_credits=data["plan_joining_credits"],
                ),
                logo_upload=data.get("logo"),
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(
                request,
                _(
                    "%(name)s is ready. We have emailed %(coordinator)s a link to "
                    "choose their password."
                )
                % {"name": locality.name, "coordinator": data["coordinator_name"]},
            )
            return redirect("core:localities")
    return render(
        request,
        "site/locality_form.html",
        {"form": form, "adding": True},
        status=400 if form.is_bound else 200,
    )


@login_required
def locality_edit(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """A deployment administrator changes a locality's details, branding and
    settings (its wards and plans have their own pages)."""
    _require_deployment_admin(request)
    locality = get_object_or_404(Locality, slug=slug)
    current = services.settings_of(locality)
    initial = {key: getattr(locality, key) for key in _DETAIL_KEYS} | {
        "minutes_per_credit": current.minutes_per_credit,
        "overdraft_limit_minutes": current.overdraft_limit_minutes,
        "first_follow_up_months": current.first_follow_up_months,
        "then_every_months": current.then_every_months,
        "overdue_after_days": current.overdue_after_days,
    }
    form = LocalityEditForm(
        request.POST or None, request.FILES or None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.locality_settings_save(
                actor=request.user,
                locality=locality,
                locality_fields={key: data[key] for key in _DETAIL_KEYS},
                settings=_settings_from(data),
                logo_upload=data.get("logo"),
                logo_remove=data.get("logo_remove", False),
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("The locality’s details are saved."))
            return redirect("core:localities")
    return render(
        request,
        "site/locality_form.html",
        {"form": form, "adding": False, "subject": locality},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def locality_enter(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """A deployment administrator goes to a locality (archived ones too) to
    act there: its pages are then theirs until they choose another."""
    _require_deployment_admin(request)
    locality = get_object_or_404(Locality, slug=slug)
    request.session[LOCALITY_SESSION_KEY] = locality.pk
    request.session.pop(ACTING_FOR_SESSION_KEY, None)
    return redirect("core:home")


_STATUS_CHOICES: dict[str, list[tuple[str, Any]]] = {
    Locality.Status.ACTIVE: [
        (
            Locality.Status.PAUSED,
            _("Pause it: take no new members, requests or bookings"),
        ),
        (Locality.Status.ARCHIVED, _("Archive it: close it, keeping its records")),
    ],
    Locality.Status.PAUSED: [
        (Locality.Status.ACTIVE, _("Unpause it: everything works again")),
        (Locality.Status.ARCHIVED, _("Archive it: close it, keeping its records")),
    ],
    Locality.Status.ARCHIVED: [
        (Locality.Status.ACTIVE, _("Bring it back, working in full")),
        (Locality.Status.PAUSED, _("Bring it back, paused")),
    ],
}


@login_required
def locality_status(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """Pause, unpause, archive or bring back a locality, with a reason."""
    _require_deployment_admin(request)
    locality = get_object_or_404(Locality, slug=slug)
    form = LocalityStatusForm(
        request.POST or None,
        initial={"submission_key": secrets.token_hex(16)},
        choices=_STATUS_CHOICES[locality.status],
    )
    if request.method == "POST" and form.is_valid():
        try:
            locality = place_services.locality_status_change(
                actor=request.user,
                locality=locality,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(
                request,
                _("%(name)s is now %(status)s.")
                % {
                    "name": locality.name,
                    "status": locality.get_status_display().lower(),
                },
            )
            return redirect("core:localities")
    return render(
        request,
        "site/locality_status.html",
        {"form": form, "subject": locality},
        status=400 if form.is_bound else 200,
    )
