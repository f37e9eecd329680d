"""Pages of reports: wellbeing surveys (members online, staff on paper or
by phone) and the council's figures. Thin: each calls one selector or one
service."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.http import AuthenticatedRequest
from kith.core.csv import csv_response
from kith.core.errors import ApplicationError
from kith.core.params import date_param, month_param
from kith.members.models import Membership
from kith.reports import figures, forms, presentation, selectors, services
from kith.reports.scrutiny import CAVEATS, METHOD, SCRUTINY_TABLES
from kith.reports.scrutiny import scrutiny_pdf as build_scrutiny_pdf


def _locality(request: HttpRequest) -> Any:
    locality = getattr(request, "locality", None)
    if locality is None:
        raise Http404
    return locality


# --- surveys ------------------------------------------------------------------


@login_required
def surveys_due(request: AuthenticatedRequest) -> HttpResponse:
    locality = _locality(request)
    due = selectors.surveys_due(
        actor=request.user, locality=locality, today=timezone.localdate()
    )
    return render(request, "reports/surveys_due.html", {"due": due})


def _survey_page(
    request: AuthenticatedRequest,
    membership: Membership,
    *,
    staff: bool,
    done_url: str,
    decline_url: str,
) -> HttpResponse:
    due = selectors.survey_due_now(membership=membership, today=timezone.localdate())
    instruments = selectors.instruments_asked()
    form = forms.SurveyForm(request.POST or None, instruments=instruments, staff=staff)
    if due is not None and request.method == "POST" and form.is_valid():
        try:
            services.survey_record(
                actor=request.user,
                membership=membership,
                how=form.how(),
                answers=form.answers(),
                submission_key=form.cleaned_data["key"],
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(
                request,
                _("Thank you. The answers are saved.")
                if not staff
                else _("The survey for %(name)s is saved.")
                % {"name": membership.person.full_name},
            )
            return redirect(done_url)
    return render(
        request,
        "reports/survey.html",
        {
            "membership": membership,
            "due": due,
            "form": form,
            "staff": staff,
            "decline_url": decline_url,
            "back": done_url,
        },
    )


def _decline_page(
    request: AuthenticatedRequest, membership: Membership, *, staff: bool, done_url: str
) -> HttpResponse:
    due = selectors.survey_due_now(membership=membership, today=timezone.localdate())
    form = forms.DeclineForm(request.POST or None, staff=staff)
    if due is not None and request.method == "POST" and form.is_valid():
        try:
            services.survey_decline(
                actor=request.user,
                membership=membership,
                how=form.how(),
                stop_asking=form.cleaned_data["stop_asking"],
                submission_key=form.cleaned_data["key"],
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("Recorded: they would rather not answer."))
            return redirect(done_url)
    return render(
        request,
        "reports/decline.html",
        {"membership": membership, "due": due, "form": form, "back": done_url},
    )


@login_required
def survey_enter(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    membership = selectors.membership_for_survey(
        actor=request.user, locality=_locality(request), pk=pk
    )
    return _survey_page(
        request,
        membership,
        staff=True,
        done_url=_url("reports:surveys_due"),
        decline_url=_url("reports:survey_decline", pk),
    )


@login_required
def survey_decline(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    membership = selectors.membership_for_survey(
        actor=request.user, locality=_locality(request), pk=pk
    )
    return _decline_page(
        request, membership, staff=True, done_url=_url("reports:surveys_due")
    )


@login_required
def my_survey(request: AuthenticatedRequest) -> HttpResponse:
    membership = selectors.own_membership(
        actor=request.user, locality=_locality(request)
    )
    return _survey_page(
        request,
        membership,
        staff=False,
        done_url=_url("reports:my_survey"),
        decline_url=_url("reports:my_survey_decline"),
    )


@login_required
def my_survey_decline(request: AuthenticatedRequest) -> HttpResponse:
    membership = selectors.own_membership(
        actor=request.user, locality=_locality(request)
    )
    return _decline_page(
        request, membership, staff=False, done_url=_url("reports:my_survey")
    )


def _url(name: str, *args: Any) -> str:
    from django.urls import reverse

    return reverse(name, args=args)


# --- the council's figures ------------------------------------------------------


def _chosen(request: HttpRequest) -> tuple[figures.Scope, list[str]]:
    """The scope the address asks for. A malformed or impossible period is
    reported and the last twelve months shown; wards that are not the
    locality's are ignored."""
    locality = _locality(request)
    today = timezone.localdate()
    default = figures.last_twelve_months(today)
    problems = []
    for name, words in (("start", _("start")), ("end", _("end"))):
        given = request.GET.get(name, "")
        if given and date_param({name: f"{given.strip()}-01"}, name) is None:
            problems.append(
                _("Enter the %(which)s month as a year and month, like 2026-04.")
                % {"which": words}
            )
    start = month_param(request.GET, "start", default.start)
    end = month_param(request.GET, "end", default.end)
    try:
        period = figures.period_of(start, end)
    except ValueError as error:
        problems.append(str(error))
        period = default
    ward_ids = [
        int(value)
        for value in request.GET.getlist("ward")
        if value.isascii() and value.isdigit() and len(value) < 10
    ]
    scope = figures.scope_for(
        actor=request.user, locality=locality, period=period, ward_ids=ward_ids
    )
    return scope, problems


def _query(scope: figures.Scope) -> str:
    params: list[tuple[str, str]] = [
        ("start", f"{scope.period.start:%Y-%m}"),
        ("end", f"{scope.period.end:%Y-%m}"),
    ]
    if not scope.all_wards:
        params += [("ward", str(pk)) for pk in scope.ward_ids]
    return urlencode(params)


def _context(scope: figures.Scope, problems: list[str]) -> dict[str, Any]:
    return {
        "scope": scope,
        "problems": problems,
        "query": _query(scope),
        "all_wards": figures.wards_of(scope.locality),
        "areas": [(key, title) for key, (title, _keys) in presentation.AREAS.items()],
        "hidden": presentation.HIDDEN,
    }


@login_required
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    scope, problems = _chosen(request)
    report = figures.report_for(scope, only=figures.DASHBOARD_TABLES)
    visits = report.table("visits_done")
    joined = report.table("members_joined")
    context = _context(scope, problems) | {
        "report": report,
        "headline": [
            (title, presentation.shown(value, unit))
            for title, value, unit in report.headline()
        ],
        "charts": [
            (presentation.month_chart(visits), visits),
            (presentation.ward_chart(joined), joined),
        ],
    }
    return render(request, "reports/dashboard.html", context)


@login_required
def area(request: AuthenticatedRequest, key: str) -> HttpResponse:
    if key not in presentation.AREAS:
        raise Http404
    scope, problems = _chosen(request)
    report = figures.report_for(scope)
    title, keys = presentation.AREAS[key]
    tables = [report.table(k) for k in keys]
    context = _context(scope, problems) | {
        "report": report,
        "area_key": key,
        "title": _(title),
        "tables": [
            (table, presentation.month_chart(table) or presentation.ward_chart(table))
            for table in tables
        ],
    }
    return render(request, "reports/area.html", context)


@login_required
def table_csv(request: AuthenticatedRequest, key: str) -> StreamingHttpResponse:
    if key not in figures.MEASURES:
        raise Http404
    scope, _problems = _chosen(request)
    table = figures.report_for(scope).table(key)
    name = f"{key}-{scope.period.start:%Y-%m}-to-{scope.period.end:%Y-%m}.csv"
    return csv_response(presentation.csv_rows(table), filename=name)


@login_required
def figures_json(request: AuthenticatedRequest) -> JsonResponse:
    scope, problems = _chosen(request)
    body = presentation.report_json(figures.report_for(scope))
    body["problems"] = problems
    return JsonResponse(body, json_dumps_params={"indent": 1})


@login_required
def data_dictionary(request: AuthenticatedRequest) -> HttpResponse:
    scope, problems = _chosen(request)
    return render(
        request,
        "reports/dictionary.html",
        _context(scope, problems) | {"measures": list(figures.MEASURES.values())},
    )


@login_required
def scrutiny(request: AuthenticatedRequest) -> HttpResponse:
    scope, problems = _chosen(request)
    report = figures.report_for(scope)
    context = _context(scope, problems) | {
        "report": report,
        "headline": [
            (title, presentation.shown(value, unit))
            for title, value, unit in report.headline()
        ],
        "tables": [
            (
                report.table(key),
                presentation.month_chart(report.table(key))
                or presentation.ward_chart(report.table(key)),
            )
            for key in SCRUTINY_TABLES
        ],
        "method": METHOD,
        "caveats": CAVEATS,
    }
    return render(request, "reports/scrutiny.html", context)


@login_required
def scrutiny_pdf(request: AuthenticatedRequest) -> HttpResponse:
    scope, _problems = _chosen(request)
    body = build_scrutiny_pdf(figures.report_for(scope))
    response = HttpResponse(body, content_type="application/pdf")
    name = f"scrutiny-{scope.period.start:%Y-%m}-to-{scope.period.end:%Y-%m}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- the council's values ---------------------------------------------------------


@login_required
def values(request: AuthenticatedRequest) -> HttpResponse:
    locality = _locality(request)
    proxies = selectors.proxy_values_for(actor=request.user, locality=locality)
    return render(
        request,
        "reports/values.html",
        {
            "locality": locality,
            "in_use": [p for p in proxies if p.retired_at is None],
            "retired": [p for p in proxies if p.retired_at is not None],
            "help_values": selectors.help_values_for(
                actor=request.user, locality=locality
            ),
        },
    )


def _proxy_initial(proxy: Any) -> dict[str, Any]:
    return {
        "outcome": proxy.outcome,
        "value_pence": f"{proxy.value_pence / 100:.2f}",
        "source": proxy.source,
        "year": proxy.year,
        "licence": proxy.licence,
        "deadweight_percent": proxy.deadweight_percent.normalize(),
    }


@login_required
def proxy_add(request: AuthenticatedRequest) -> HttpResponse:
    locality = _locality(request)
    # Refused before the form is shown, not only when it is sent.
    selectors.proxy_values_for(actor=request.user, locality=locality)
    form = forms.ProxyValueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            proxy = services.proxy_value_add(
                actor=request.user,
                locality=locality,
                submission_key=form.cleaned_data["key"] or None,
                **form.values(),
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(
                request, _("The value for %(outcome)s is added.") % {"outcome": proxy}
            )
            return redirect("reports:values")
    return render(request, "reports/proxy_form.html", {"form": form, "proxy": None})


@login_required
def proxy_change(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    proxy = selectors.proxy_value_for(
        actor=request.user, locality=_locality(request), pk=pk
    )
    form = forms.ProxyValueForm(request.POST or None, initial=_proxy_initial(proxy))
    if proxy.retired_at is None and request.method == "POST" and form.is_valid():
        try:
            services.proxy_value_change(
                actor=request.user, proxy=proxy, **form.values()
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("The value is changed."))
            return redirect("reports:values")
    return render(request, "reports/proxy_form.html", {"form": form, "proxy": proxy})


@login_required
def proxy_retire(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    proxy = selectors.proxy_value_for(
        actor=request.user, locality=_locality(request), pk=pk
    )
    retiring = proxy.retired_at is None
    error = None
    if request.method == "POST":
        try:
            services.proxy_value_retire(
                actor=request.user, proxy=proxy, retire=retiring
            )
        except ApplicationError as problem:
            error = problem.message
        else:
            messages.success(
                request,
                _("The value is retired: reports no longer show it.")
                if retiring
                else _("The value is in use again."),
            )
            return redirect("reports:values")
    return render(
        request,
        "reports/proxy_retire.html",
        {"proxy": proxy, "retiring": retiring, "error": error},
    )


@login_required
def help_value(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    category, price = selectors.help_category_for(
        actor=request.user, locality=_locality(request), pk=pk
    )
    initial = (
        {"pence_per_hour": f"{price.pence_per_hour / 100:.2f}", "source": price.source}
        if price
        else {}
    )
    form = forms.HelpValueForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.help_value_set(
                actor=request.user,
                category=category,
                pence_per_hour=form.cleaned_data["pence_per_hour"],
                source=form.cleaned_data["source"],
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(
                request,
                _("The price of %(kind)s is saved.") % {"kind": category.name},
            )
            return redirect("reports:values")
    return render(
        request,
        "reports/help_value.html",
        {"form": form, "category": category, "price": price},
    )


# --- several localities side by side ------------------------------------------------


def _region_period(request: HttpRequest) -> tuple[figures.Period, list[str]]:
    """The period the address asks for, as the dashboard reads it (wards
    are each locality's own, so none is chosen here)."""
    default = figures.last_twelve_months(timezone.localdate())
    problems = []
    for name, words in (("start", _("start")), ("end", _("end"))):
        given = request.GET.get(name, "")
        if given and date_param({name: f"{given.strip()}-01"}, name) is None:
            problems.append(
                _("Enter the %(which)s month as a year and month, like 2026-04.")
                % {"which": words}
            )
    try:
        period = figures.period_of(
            month_param(request.GET, "start", default.start),
            month_param(request.GET, "end", default.end),
        )
    except ValueError as error:
        problems.append(str(error))
        period = default
    return period, problems


def _region_cell(value: float | None, unit: str) -> str:
    if unit == "change":
        return _(presentation.HIDDEN) if value is None else f"{value:+.2f}"
    return presentation.shown(value, unit)


@login_required
def region(request: AuthenticatedRequest) -> HttpResponse:
    period, problems = _region_period(request)
    found = figures.region_for(
        actor=request.user, locality=_locality(request), period=period
    )
    return render(
        request,
        "reports/region.html",
        {
            "region": found,
            "period": period,
            "hidden": presentation.HIDDEN,
            "problems": problems,
            "query": urlencode(
                [("start", f"{period.start:%Y-%m}"), ("end", f"{period.end:%Y-%m}")]
            ),
            "rows": [
                (title, [_region_cell(v, unit) for v, unit in cells])
                for title, cells in found.table()
            ],
        },
    )


@login_required
def region_csv(request: AuthenticatedRequest) -> StreamingHttpResponse:
    period, _problems = _region_period(request)
    found = figures.region_for(
        actor=request.user, locality=_locality(request), period=period
    )
    rows: list[list[Any]] = [
        [_("Figure"), *[column.locality.name for column in found.columns]]
    ]
    for title, cells in found.table():
        rows.append(
            [
                title,
                *[
                    presentation.HIDDEN if value is None else value
                    for value, _unit in cells
                ],
            ]
        )
    name = f"localities-{period.start:%Y-%m}-to-{period.end:%Y-%m}.csv"
    return csv_response(rows, filename=name)
