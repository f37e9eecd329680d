"""Credits: members' and helpers' own accounts, supporters' view, and the
coordinators', council's and payroll pages. Thin: each page checks who may
see it, binds a form, calls one service and redirects."""

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.http import AuthenticatedRequest, KithRequest
from kith.accounts.models import Role, User
from kith.accounts.permissions import Perm, has_role, require_perm
from kith.accounts.selectors import user_by_id
from kith.core.csv import csv_response
from kith.core.errors import ApplicationError
from kith.core.params import choice_param
from kith.credits import forms, selectors, services
from kith.credits.models import Account, AccountKind, TransferKind
from kith.credits.words import credits_text, describe_minutes
from kith.helpers.selectors import helper_profile_of

PER_PAGE = 25
GIFT_SESSION_KEY = "kith_credit_gift"


def _locality(request: KithRequest) -> Any:
    locality = request.locality
    if locality is None:
        raise Http404
    return locality


def _per_credit(locality: Any) -> int:
    return services.credit_settings_for(locality).minutes_per_credit


def _statement_context(
    request: HttpRequest, account: Account | None, locality: Any
) -> dict[str, Any]:
    """A balance and one page of lines: the same few queries for any page."""
    if account is None:
        return {
            "account": None,
            "balance": selectors.balance_summary(None, locality),
            "page": None,
            "lines": [],
        }
    page = selectors.statement_entries(
        account=account, number=request.GET.get("page"), per_page=PER_PAGE
    )
    lines = selectors.statement_lines(account=account, entries=list(page.object_list))
    return {
        "account": account,
        "balance": selectors.balance_summary(account, locality),
        "page": page,
        "lines": lines,
    }


# --- members and helpers: their own ----------------------------------------------


@login_required
def mine(request: AuthenticatedRequest) -> HttpResponse:
    """Your credits: a member's balance and statement."""
    locality = _locality(request)
    user: User = request.user
    is_member = has_role(user, Role.MEMBER, locality)
    account = selectors.own_account(
        actor=user, locality=locality, kind=AccountKind.MEMBER
    )
    if not is_member and account is None:
        return render(request, "credits/not_a_member.html", status=404)
    context = _statement_context(request, account, locality)
    context["is_helper"] = has_role(user, Role.HELPER, locality)
    return render(request, "credits/mine.html", context)


@login_required
def helper_mine(request: AuthenticatedRequest) -> HttpResponse:
    """A helper's own account: the time they have given."""
    locality = _locality(request)
    user: User = request.user
    profile = helper_profile_of(person=user, locality=locality)
    if profile is None and not has_role(user, Role.HELPER, locality):
        raise Http404
    account = selectors.own_account(
        actor=user, locality=locality, kind=AccountKind.HELPER
    )
    context = _statement_context(request, account, locality)
    context["profile"] = profile
    context["can_give"] = bool(
        profile
        and profile.pay_basis == "volunteer"
        and profile.status != "left"
        and account is not None
        and account.balance_minutes > 0
    )
    return render(request, "credits/helper_mine.html", context)


def _gift_helper(request: AuthenticatedRequest) -> tuple[Any, Any]:
    locality = _locality(request)
    profile = helper_profile_of(person=request.user, locality=locality)
    if profile is None:
        raise Http404
    return locality, profile


@login_required
def give(request: AuthenticatedRequest) -> HttpResponse:
    """A volunteer helper chooses who to give credits to, and how many."""
    locality, profile = _gift_helper(request)
    if profile.pay_basis != "volunteer":
        return render(request, "credits/give_not_volunteer.html")
    saved = request.session.get(GIFT_SESSION_KEY, {})
    initial = saved.get("answers", {}) if request.method == "GET" else None
    form = forms.GiftForm(
        request.POST or None, initial=initial, minutes_per_credit=_per_credit(locality)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        member_id = None
        if data["to"] == "member":
            found = selectors.members_named(locality=locality, name=data["name"])
            found = [person for person in found if person.pk != request.user.pk]
            if not found:
                form.add_error(
                    "name",
                    _(
                        "We cannot find a member called %(name)s. Check the "
                        "spelling, or phone us on %(phone)s."
                    )
                    % {"name": data["name"], "phone": locality.phone},
                )
            elif len(found) > 1:
                form.add_error(
                    "name",
                    _(
                        "More than one member is called %(name)s. Phone us on "
                        "%(phone)s so the credits go to the right person."
                    )
                    % {"name": data["name"], "phone": locality.phone},
                )
            else:
                member_id = found[0].pk
        if not form.errors:
            request.session[GIFT_SESSION_KEY] = {
                "answers": {
                    "to": data["to"],
                    "name": data["name"],
                    "credits": request.POST.get("credits", ""),
                },
                "member_id": member_id,
                "minutes": data["credits"],
                "key": saved.get("key") or forms.new_key(),
            }
            return redirect("credits:give_check")
    return render(request, "credits/give.html", {"form": form})


@login_required
def give_check(request: AuthenticatedRequest) -> HttpResponse:
    """Check the gift, then give it."""
    locality, _profile = _gift_helper(request)
    saved = request.session.get(GIFT_SESSION_KEY)
    if not saved:
        return redirect("credits:helper_mine")
    member = user_by_id(pk=saved["member_id"]) if saved.get("member_id") else None
    error = None
    if request.method == "POST":
        try:
            services.gift_give(
                actor=request.user,
                locality=locality,
                helper=request.user,
                minutes=saved["minutes"],
                key=f"gift:{saved['key']}",
                to_member=member,
            )
        except ApplicationError as exc:
            error = exc.message
        else:
            request.session.pop(GIFT_SESSION_KEY, None)
            messages.success(
                request,
                _("Thank you. You gave %(amount)s to %(whom)s.")
                % {
                    "amount": credits_text(saved["minutes"], _per_credit(locality)),
                    "whom": member.display_name if member else _("the circle’s pot"),
                },
            )
            return redirect("credits:helper_mine")
    return render(
        request,
        "credits/give_check.html",
        {
            "member": member,
            "amount": credits_text(saved["minutes"], _per_credit(locality)),
            "time": describe_minutes(saved["minutes"]),
            "error": error,
        },
    )


@login_required
def supporting(request: AuthenticatedRequest, link_pk: int) -> HttpResponse:
    """A supporter sees the balance and statement of the member they support,
    when the member allowed them to see their credits."""
    link, account = selectors.supported_account_for(actor=request.user, link_pk=link_pk)
    context = _statement_context(request, account, link.membership.locality)
    context.update(link=link)
    return render(request, "credits/supporting.html", context)


# --- coordinators ------------------------------------------------------------------


@login_required
def accounts(request: AuthenticatedRequest) -> HttpResponse:
    """Members' (or helpers') balances, searchable, with the low ones."""
    locality = _locality(request)
    require_perm(request.user, Perm.CREDITS_MANAGE, locality)
    kind = choice_param(
        request.GET,
        "kind",
        (AccountKind.MEMBER, AccountKind.HELPER),
        AccountKind.MEMBER,
    )
    form = forms.SearchForm(request.GET or None)
    query, low = "", False
    if form.is_bound and form.is_valid():
        query, low = form.cleaned_data["q"], form.cleaned_data["low"]
    if kind == AccountKind.MEMBER:
        rows = selectors.member_balances_for(
            actor=request.user,
            locality=locality,
            query=query,
            low=low,
        )
    else:
        rows = selectors.helper_balances_for(
            actor=request.user,
            locality=locality,
            query=query,
        )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    per_credit = _per_credit(locality)
    for row in page.object_list:
        row.credit_text = credits_text(row.credit_balance, per_credit)
        row.credit_low = row.credit_balance < per_credit
    shared = [
        (row.account, credits_text(row.minutes, per_credit))
        for row in selectors.shared_accounts_for(actor=request.user, locality=locality)
    ]
    query_string = request.GET.copy()
    query_string.pop("page", None)
    return render(
        request,
        "credits/accounts.html",
        {
            "form": form,
            "kind": kind,
            "page": page,
            "query": query_string.urlencode(),
            "shared": shared,
            "filtered": bool(query or low),
        },
    )


def _staff_statement(
    request: AuthenticatedRequest,
    person: User | None,
    account: Account | None,
    kind: str,
) -> HttpResponse:
    locality = _locality(request)
    context = _statement_context(request, account, locality)
    context.update(
        person=person,
        kind=kind,
        staff=True,
        can_topup=kind == AccountKind.MEMBER and person is not None,
    )
    return render(request, "credits/account.html", context)


@login_required
def member_account(request: AuthenticatedRequest, person_pk: int) -> HttpResponse:
    locality = _locality(request)
    person, account = selectors.person_account_for(
        actor=request.user,
        locality=locality,
        person_pk=person_pk,
        kind=AccountKind.MEMBER,
    )
    return _staff_statement(request, person, account, AccountKind.MEMBER)


@login_required
def helper_account(request: AuthenticatedRequest, person_pk: int) -> HttpResponse:
    locality = _locality(request)
    person, account = selectors.person_account_for(
        actor=request.user,
        locality=locality,
        person_pk=person_pk,
        kind=AccountKind.HELPER,
    )
    return _staff_statement(request, person, account, AccountKind.HELPER)


@login_required
def account(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    locality = _locality(request)
    found = selectors.account_get_for(actor=request.user, locality=locality, pk=pk)
    if found.person_id == request.user.pk:
        return redirect(
            "credits:mine"
            if found.kind == AccountKind.MEMBER
            else "credits:helper_mine"
        )
    return _staff_statement(request, found.person, found, found.kind)


@login_required
def topup(request: AuthenticatedRequest, person_pk: int) -> HttpResponse:
    """A coordinator records a payment for credits."""
    locality = _locality(request)
    person, _account = selectors.person_account_for(
        actor=request.user,
        locality=locality,
        person_pk=person_pk,
        kind=AccountKind.MEMBER,
    )
    supporters = selectors.active_supporters_of(
        actor=request.user,
        locality=locality,
        person=person,
    )
    per_credit = _per_credit(locality)
    form = forms.TopupForm(
        request.POST or None,
        initial={
            "key": forms.new_key(),
            "paid_on": timezone.localdate(),
            "paid_by": "member",
        },
        member_name=person.full_name,
        supporters=supporters,
        minutes_per_credit=per_credit,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.topup_record(
                actor=request.user,
                locality=locality,
                member=person,
                minutes=data["credits"],
                amount_pence=data["amount"],
                method=data["method"],
                reference=data["reference"],
                paid_by_name=form.paid_by_name(),
                key=f"topup:{data['key']}",
                occurred_on=data["paid_on"],
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(
                request,
                _("%(amount)s added to %(name)s’s credits.")
                % {
                    "amount": credits_text(data["credits"], per_credit),
                    "name": person.full_name,
                },
            )
            return redirect("credits:member", person_pk=person.pk)
    return render(
        request,
        "credits/topup.html",
        {"form": form, "person": person, "per_credit": describe_minutes(per_credit)},
    )


@login_required
def transfer(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """One transfer, all its entries, and who recorded it."""
    locality = _locality(request)
    found = selectors.transfer_get_for(actor=request.user, locality=locality, pk=pk)
    per_credit = _per_credit(locality)
    entries = selectors.transfer_entries(found)
    for entry in entries:
        entry.credit_text = credits_text(entry.minutes, per_credit)  # type: ignore[attr-defined]
        entry.time_text = describe_minutes(entry.minutes)  # type: ignore[attr-defined]
    return render(
        request,
        "credits/transfer.html",
        {"transfer": found, "entries": entries, "reversible": _reversible(found)},
    )


def _reversible(found: Any) -> bool:
    return found.kind != TransferKind.REVERSAL and not hasattr(found, "reversed_by")


@login_required
def reverse_transfer(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Put a transfer right: give the reason, confirm, and it is reversed."""
    locality = _locality(request)
    found = selectors.transfer_get_for(actor=request.user, locality=locality, pk=pk)
    if not _reversible(found):
        messages.info(request, _("This transfer cannot be reversed."))
        return redirect("credits:transfer", pk=found.pk)
    per_credit = _per_credit(locality)
    entries = selectors.transfer_entries(found)
    for entry in entries:
        entry.undo_text = credits_text(-entry.minutes, per_credit)  # type: ignore[attr-defined]
    form = forms.ReverseForm(request.POST or None)
    confirming = False
    if request.method == "POST" and form.is_valid():
        if request.POST.get("confirm") == "yes":
            try:
                services.transfer_reverse(
                    actor=request.user,
                    transfer=found,
                    reason=form.cleaned_data["reason"],
                )
            except ApplicationError as error:
                form.add_application_error(error)
            else:
                messages.success(request, _("The transfer has been reversed."))
                return redirect("credits:transfer", pk=found.pk)
        else:
            confirming = True
    template = "credits/reverse_confirm.html" if confirming else "credits/reverse.html"
    return render(
        request, template, {"form": form, "transfer": found, "entries": entries}
    )


@login_required
def overdraft(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Give one member their own overdraft, or the circle's usual one."""
    locality = _locality(request)
    found = selectors.account_get_for(actor=request.user, locality=locality, pk=pk)
    require_perm(request.user, Perm.CREDITS_MANAGE, locality)
    if found.kind != AccountKind.MEMBER:
        raise Http404
    usual = services.credit_settings_for(locality).overdraft_limit_minutes
    form = forms.OverdraftForm(
        request.POST or None,
        initial={
            "choice": "own"
            if found.overdraft_override_minutes is not None
            else "locality",
            "minutes": found.overdraft_override_minutes,
        },
        locality_limit=describe_minutes(usual),
    )
    if request.method == "POST" and form.is_valid():
        own = form.cleaned_data["choice"] == "own"
        try:
            services.account_overdraft_set(
                actor=request.user,
                account=found,
                overdraft_minutes=form.cleaned_data["minutes"] if own else None,
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("The overdraft has been changed."))
            return redirect("credits:member", person_pk=found.person_id)
    return render(request, "credits/overdraft.html", {"form": form, "account": found})


# --- the council's grants ---------------------------------------------------------


@login_required
def grants(request: AuthenticatedRequest) -> HttpResponse:
    """Concession members the council can grant credits to."""
    locality = _locality(request)
    form = forms.SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_bound and form.is_valid() else ""
    rows = selectors.concession_members_for(
        actor=request.user,
        locality=locality,
        query=query,
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    per_credit = _per_credit(locality)
    for row in page.object_list:
        row.credit_text = credits_text(row.credit_balance, per_credit)
    query_string = request.GET.copy()
    query_string.pop("page", None)
    return render(
        request,
        "credits/grants.html",
        {
            "form": form,
            "page": page,
            "query": query_string.urlencode(),
            "filtered": bool(query),
        },
    )


@login_required
def grant(request: AuthenticatedRequest, person_pk: int) -> HttpResponse:
    locality = _locality(request)
    membership = selectors.concession_member_get_for(
        actor=request.user,
        locality=locality,
        person_pk=person_pk,
    )
    per_credit = _per_credit(locality)
    form = forms.GrantForm(
        request.POST or None,
        initial={"key": forms.new_key()},
        minutes_per_credit=per_credit,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.grant_record(
                actor=request.user,
                locality=locality,
                member=membership.person,
                minutes=data["credits"],
                reason=data["reason"],
                key=f"grant:{data['key']}",
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(
                request,
                _("%(amount)s granted to %(name)s.")
                % {
                    "amount": credits_text(data["credits"], per_credit),
                    "name": membership.person.full_name,
                },
            )
            return redirect("credits:grants")
    return render(
        request,
        "credits/grant.html",
        {
            "form": form,
            "membership": membership,
            "balance": credits_text(membership.credit_balance, per_credit),
        },
    )


# --- payroll ---------------------------------------------------------------------


def _last_month() -> tuple[date, date]:
    first_this_month = timezone.localdate().replace(day=1)
    end = first_this_month - timedelta(days=1)
    return end.replace(day=1), end


@login_required
def payroll(request: AuthenticatedRequest) -> HttpResponseBase:
    """Paid helpers' settled visits in a period, on a page or as a CSV."""
    locality = _locality(request)
    require_perm(request.user, Perm.PAYROLL_EXPORT, locality)
    start, end = _last_month()
    form = forms.PeriodForm(
        request.GET if "start_day" in request.GET else None,
        initial={"start": start, "end": end},
    )
    if form.is_bound:
        if form.is_valid():
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        else:
            return render(request, "credits/payroll.html", {"form": form, "rows": None})
    if request.GET.get("format") == "csv":
        rows = selectors.payroll_export_rows(
            actor=request.user,
            locality=locality,
            start=start,
            end=end,
        )
        name = f"payroll-{start.isoformat()}-to-{end.isoformat()}.csv"
        return csv_response(rows, filename=name)
    payroll_rows = selectors.payroll_for(
        actor=request.user,
        locality=locality,
        start=start,
        end=end,
    )
    period = (
        f"start_day={start.day}&start_month={start.month}&start_year={start.year}"
        f"&end_day={end.day}&end_month={end.month}&end_year={end.year}"
    )
    return render(
        request,
        "credits/payroll.html",
        {
            "form": form,
            "rows": payroll_rows,
            "start": start,
            "end": end,
            "period": period,
            "total_minutes": sum(r.minutes for r in payroll_rows),
            "total_visits": sum(r.visits for r in payroll_rows),
        },
    )


@login_required
def payroll_helper(request: AuthenticatedRequest, person_pk: int) -> HttpResponse:
    locality = _locality(request)
    require_perm(request.user, Perm.PAYROLL_EXPORT, locality)
    form = forms.PeriodForm(request.GET)
    if not form.is_valid():
        return redirect("credits:payroll")
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    helper, entries = selectors.payroll_detail_for(
        actor=request.user,
        locality=locality,
        person_pk=person_pk,
        start=start,
        end=end,
    )
    for entry in entries:
        entry.time_text = describe_minutes(entry.minutes)  # type: ignore[attr-defined]
        entry.counted = not hasattr(entry.transfer, "reversed_by")  # type: ignore[attr-defined]
    counted = [e for e in entries if e.counted]  # type: ignore[attr-defined]
    return render(
        request,
        "credits/payroll_helper.html",
        {
            "helper": helper,
            "entries": entries,
            "start": start,
            "end": end,
            "total": describe_minutes(sum(e.minutes for e in counted)),
            "visits": len(counted),
            "back": reverse("credits:payroll") + "?" + request.GET.urlencode(),
        },
    )


# --- settings -------------------------------------------------------------------


@login_required
def settings_edit(request: AuthenticatedRequest) -> HttpResponse:
    locality = _locality(request)
    require_perm(request.user, Perm.LOCALITY_MANAGE, locality)
    current = services.credit_settings_for(locality)
    form = forms.SettingsForm(
        request.POST or None,
        initial={
            "minutes_per_credit": current.minutes_per_credit,
            "overdraft_limit_minutes": current.overdraft_limit_minutes,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.credit_settings_update(
                actor=request.user,
                locality=locality,
                **form.cleaned_data,
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("The credit settings have been saved."))
            return redirect("credits:settings")
    return render(request, "credits/settings.html", {"form": form})
