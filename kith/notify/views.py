"""The outbox's pages: messages sent, the call list, Notify's configuration,
and the endpoint for GOV.UK Notify's delivery receipts. (The large-print
pages are in kith.help.print_views and kith.social.print_views.)"""

import hmac
import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from kith.core.errors import ApplicationError
from kith.core.pagination import page_of
from kith.notify import access, selectors, services
from kith.notify.forms import CallOutcomeForm, MessageFilterForm
from kith.notify.metrics import metrics_text
from kith.notify.templates_text import SECRET_FIELDS
from kith.notify.templates_text import render as render_message


def _locality(request: HttpRequest) -> Any:
    return request.locality  # type: ignore[attr-defined]


@login_required
def messages_sent(request: HttpRequest) -> HttpResponse:
    form = MessageFilterForm(request.GET or None)
    filters = {"status": "", "channel": "", "query": ""}
    if form.is_bound and form.is_valid():
        filters = {
            "status": form.cleaned_data["status"],
            "channel": form.cleaned_data["channel"],
            "query": form.cleaned_data["q"].strip(),
        }
    found = selectors.messages_for(
        actor=request.user,
        locality=_locality(request),
        **filters,
    )
    page = page_of(found, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    held_back = selectors.messages_held_back_for(
        actor=request.user,
        locality=_locality(request),
    )
    return render(
        request,
        "notify/messages.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "held_back": held_back,
        },
    )


@login_required
def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    message = selectors.message_get_for(
        actor=request.user,
        locality=_locality(request),
        pk=pk,
    )
    subject, body = render_message(message.template, message.personalisation)
    return render(
        request,
        "notify/message.html",
        {
            "message": message,
            "subject": subject,
            "body": body,
            "has_secret": message.template in SECRET_FIELDS,
        },
    )


#: Calls finished today shown under the list (the count says how many).
CALLS_DONE_SHOWN = 20


@login_required
def calls(request: HttpRequest) -> HttpResponse:
    locality = _locality(request)
    to_make = selectors.calls_to_make_for(actor=request.user, locality=locality)
    done = selectors.calls_done_today_for(actor=request.user, locality=locality)
    done_shown = list(done[: CALLS_DONE_SHOWN + 1])
    held_back = []
    if access.allowed(request.user, access.MESSAGES_VIEW, _locality(request)):
        held_back = selectors.messages_held_back_for(
            actor=request.user,
            locality=_locality(request),
        )
    return render(
        request,
        "notify/calls.html",
        {
            "page": page_of(to_make, request.GET.get("page")),
            "done": done_shown[:CALLS_DONE_SHOWN],
            "done_count": (
                len(done_shown)
                if len(done_shown) <= CALLS_DONE_SHOWN
                else done.order_by().count()
            ),
            "held_back": held_back,
        },
    )


@login_required
def call_record(request: HttpRequest, pk: int) -> HttpResponse:
    call = selectors.call_get_for(
        actor=request.user,
        locality=_locality(request),
        pk=pk,
    )
    form = CallOutcomeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.call_record(
                actor=request.user,
                call=call,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(
                request,
                _("The call to %(name)s is recorded.")
                % {"name": call.person.full_name},
            )
            return redirect("notify:calls")
    return render(request, "notify/call.html", {"call": call, "form": form})


@login_required
def configuration(request: HttpRequest) -> HttpResponse:
    """For administrators: what is wrong with Notify's templates, and the
    messages Notify refused because of it."""
    found = selectors.configuration_problems_for(
        actor=request.user,
        locality=_locality(request),
    )
    return render(request, "notify/configuration.html", {"found": found})


@login_required
@require_POST
def configuration_check(request: HttpRequest) -> HttpResponse:
    try:
        problems = services.notify_check_run(
            actor=request.user, locality=_locality(request)
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        if problems:
            messages.warning(
                request,
                _("Checked: %(count)s templates are wrong.") % {"count": len(problems)},
            )
        else:
            messages.success(request, _("Checked: every Notify template is right."))
    return redirect("notify:configuration")


@login_required
@require_POST
def configuration_release(request: HttpRequest) -> HttpResponse:
    count = services.held_messages_release(
        actor=request.user, locality=_locality(request)
    )
    messages.success(
        request,
        _("%(count)s held messages will be sent again.") % {"count": count},
    )
    return redirect("notify:configuration")


@csrf_exempt
@require_POST
def delivery_receipt(request: HttpRequest) -> HttpResponse:
    """GOV.UK Notify's callback: one receipt per request, authorised by the
    bearer token set in Notify's callback settings."""
    expected = getattr(settings, "NOTIFY_CALLBACK_TOKEN", "")
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        return JsonResponse({"error": "Not authorised"}, status=401)
    try:
        payload = json.loads(request.body)
        if not isinstance(payload, dict):
            raise ValueError
        message = services.delivery_receipt_record(payload=payload)
    except (ValueError, ApplicationError):
        return JsonResponse({"error": "Not a delivery receipt"}, status=400)
    return JsonResponse({"found": message is not None})


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """The operator's figures in Prometheus's text format (kith.notify.metrics),
    for a scraper holding the bearer token in KITH_METRICS_TOKEN. Without a
    token set the address does not exist."""
    expected = getattr(settings, "KITH_METRICS_TOKEN", "")
    if not expected:
        raise Http404
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), expected.encode()):
        response = HttpResponse(
            "Not authorised\n", status=401, content_type="text/plain"
        )
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    response = HttpResponse(
        metrics_text(), content_type="text/plain; version=0.0.4; charset=utf-8"
    )
    response["Cache-Control"] = "no-store"
    return response
