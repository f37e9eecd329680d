"""The directory's pages: public search and service pages (no sign-in),
organisation editors' pages, the checkers' queue, the categories, and
signposting a member."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kith.accounts.http import AuthenticatedRequest
from kith.accounts.permissions import Perm, has_perm
from kith.core.errors import ApplicationError
from kith.core.pagination import page_of
from kith.directory import forms, selectors, services
from kith.directory.access import can_check
from kith.directory.models import Location, Service
from kith.places.selectors import wards_for


def _locality(request: HttpRequest) -> Any:
    locality = getattr(request, "locality", None)
    if locality is None:
        raise Http404
    return locality


# --- public pages -----------------------------------------------------------


def search(request: HttpRequest) -> HttpResponse:
    """Find a service: by need, words, postcode (nearest first), day and
    time, free only, step-free only. No sign-in."""
    locality = _locality(request)
    terms = list(selectors.taxonomy_terms(locality=locality))
    form = forms.SearchForm(request.GET or None, terms=terms)
    page = None
    searched = bool(request.GET)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            found = selectors.services_search(
                locality=locality,
                words=data["words"] or None,
                term=data["term"] or None,
                postcode=data["postcode"] or None,
                day=data["day"] or None,
                time=data["time"],
                free_only=data["free"],
                step_free_only=data["step_free"],
            )
            page = page_of(found, request.GET.get("page"), per_page=20)
        except ValidationError as error:
            form.add_error("postcode", error.messages[0])
    elif not form.is_bound:
        page = page_of(
            selectors.services_search(locality=locality), request.GET.get("page"), 20
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "directory/search.html",
        {
            "form": form,
            "page": page,
            "searched": searched,
            "query": query.urlencode(),
            "terms": terms,
        },
    )


def service_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    locality = _locality(request)
    service = selectors.published_service_get(locality=locality, uuid=uuid)
    return render(
        request,
        "directory/service.html",
        {
            "service": service,
            "can_signpost": has_perm(request.user, Perm.SIGNPOST_RECORD, locality),
        },
    )


def print_list(request: HttpRequest) -> HttpResponse:
    """Every published service by category, to print, read out or post."""
    locality = _locality(request)
    term = None
    if request.GET.get("term"):
        term = selectors.term_get(locality=locality, code=request.GET["term"])
        if term is None:
            raise Http404
    return render(
        request,
        "directory/print.html",
        {
            "groups": selectors.published_services_by_term(
                locality=locality, term=term
            ),
            "term": term,
            "terms": selectors.taxonomy_terms(locality=locality),
        },
    )


# --- organisation editors ---------------------------------------------------


def _require_keeper(request: AuthenticatedRequest) -> Any:
    locality = _locality(request)
    if not (
        has_perm(request.user, Perm.DIRECTORY_EDIT, locality)
        or can_check(request.user, locality)
    ):
        raise PermissionDenied
    return locality


@login_required
def mine(request: AuthenticatedRequest) -> HttpResponse:
    """The organisations a person keeps, with their services."""
    locality = _require_keeper(request)
    page = page_of(
        selectors.organisations_for(actor=request.user, locality=locality),
        request.GET.get("page"),
        per_page=20,
    )
    return render(
        request,
        "directory/mine.html",
        {"page": page, "is_checker": can_check(request.user, locality)},
    )


@login_required
def organisation_add(request: AuthenticatedRequest) -> HttpResponse:
    locality = _require_keeper(request)
    form = forms.OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(
                actor=request.user, locality=locality, **form.cleaned_data
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("The organisation is added."))
            return redirect("directory:organisation", pk=organisation.pk)
    return _form_page(
        request,
        form,
        _("Add an organisation"),
        _("Add the organisation"),
        "directory:mine",
    )


def _form_page(
    request: HttpRequest,
    form: Any,
    title: str,
    button: str,
    back: str,
    *args: Any,
    caption: str = "",
    intro: str = "",
) -> HttpResponse:
    from django.urls import reverse

    return render(
        request,
        "directory/form_page.html",
        {
            "form": form,
            "title": title,
            "button": button,
            "back": reverse(back, args=args),
            "caption": caption,
            "intro": intro,
        },
    )


@login_required
def organisation_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    locality = _locality(request)
    organisation = selectors.organisation_get_for(
        actor=request.user, locality=locality, pk=pk
    )
    return render(
        request,
        "directory/organisation.html",
        {
            "organisation": organisation,
            "is_checker": can_check(request.user, locality),
            "editors": selectors.organisation_editors(organisation=organisation),
            "services": selectors.organisation_services(organisation=organisation),
            "locations": selectors.organisation_locations(organisation=organisation),
        },
    )


@login_required
def organisation_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    locality = _locality(request)
    organisation = selectors.organisation_get_for(
        actor=request.user, locality=locality, pk=pk
    )
    initial = {
        name: getattr(organisation, name) for name in services.ORGANISATION_FIELDS
    }
    form = forms.OrganisationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("The organisation’s details are saved."))
            return redirect("directory:organisation", pk=organisation.pk)
    return _form_page(
        request,
        form,
        _("Change the organisation’s details"),
        _("Save"),
        "directory:organisation",
        organisation.pk,
        caption=organisation.name,
    )


@login_required
def organisation_editor_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A checker makes an organisation editor an editor of this organisation."""
    locality = _locality(request)
    if not can_check(request.user, locality):
        raise PermissionDenied
    organisation = selectors.organisation_get_for(
        actor=request.user, locality=locality, pk=pk
    )
    form = forms.EditorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = selectors.organisation_editor_find(
            locality=locality, email=form.cleaned_data["email"]
        )
        if person is None:
            form.add_error(
                "email",
                _("Nobody with that email address is an organisation editor here."),
            )
        else:
            try:
                services.organisation_editor_add(
                    actor=request.user, organisation=organisation, person=person
                )
            except ApplicationError as error:
                form.add_application_error(error)
            else:
                messages.success(
                    request,
                    _("%(name)s can now keep this organisation’s entries.")
                    % {"name": person.full_name},
                )
                return redirect("directory:organisation", pk=organisation.pk)
    return _form_page(
        request,
        form,
        _("Add an editor"),
        _("Add them"),
        "directory:organisation",
        organisation.pk,
        caption=organisation.name,
    )


@login_required
def location_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    locality = _locality(request)
    organisation = selectors.organisation_get_for(
        actor=request.user, locality=locality, pk=pk
    )
    return _location_form(request, organisation, None)


@login_required
def location_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    locality = _locality(request)
    location = selectors.location_get_for(actor=request.user, locality=locality, pk=pk)
    assert location.organisation is not None  # noqa: S101 - the selector checks
    return _location_form(request, location.organisation, location)


def _location_form(
    request: AuthenticatedRequest, organisation: Any, location: Location | None
) -> HttpResponse:
    initial = {}
    if location is not None:
        initial = {
            name: getattr(location, name)
            for name in ("name", "address_1", "city", "postcode", "description")
        }
        initial["accessibility_details"] = location.accessibility_details
        initial["features"] = [n for n in Location.FEATURES if getattr(location, n)]
    form = forms.LocationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.location_save(
                actor=request.user,
                organisation=organisation,
                location=location,
                **form.service_fields(),
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("The place is saved."))
            return redirect("directory:organisation", pk=organisation.pk)
    return _form_page(
        request,
        form,
        _("Add a place") if location is None else _("Change a place"),
        _("Save the place"),
        "directory:organisation",
        organisation.pk,
        caption=organisation.name,
        intro=_(
            "A place is shared by the organisation’s services. Changes to it "
            "show at once."
        ),
    )


def _service_form(request: AuthenticatedRequest, locality: Any, **kw: Any) -> Any:
    return forms.ServiceForm(
        request.POST or None,
        terms=selectors.taxonomy_terms(locality=locality),
        wards=wards_for(locality=locality),
        **kw,
    )


@login_required
def service_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    locality = _locality(request)
    organisation = selectors.organisation_get_for(
        actor=request.user, locality=locality, pk=pk
    )
    form = _service_form(request, locality, initial={"status": "active"})
    if request.method == "POST" and form.is_valid():
        try:
            service = services.service_create(
                actor=request.user, organisation=organisation, **form.service_fields()
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(
                request,
                _(
                    "The service is saved as a draft. Now add when it runs and "
                    "what it costs."
                ),
            )
            return redirect("directory:entry", pk=service.pk)
    return _form_page(
        request,
        form,
        _("Add a service"),
        _("Save and continue"),
        "directory:organisation",
        organisation.pk,
        caption=organisation.name,
    )


def _entry(request: AuthenticatedRequest, pk: int) -> Service:
    return selectors.service_get_for(
        actor=request.user, locality=_locality(request), pk=pk
    )


@login_required
def entry(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """An editor's page for one service: what it says, its state, and
    links to change each part. A published service shows its draft copy's
    link, or a button to start changing it."""
    service = _entry(request, pk)
    changing = None
    if service.review_state == "published":
        changing = getattr(service, "draft", None)
    return render(
        request,
        "directory/entry.html",
        {
            "service": service,
            "changing": changing,
            "editable": service.review_state != "published",
            "is_checker": can_check(request.user, service.locality_id),
        },
    )


@login_required
@require_POST
def entry_change(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Start (or carry on) changing a published service: its draft copy."""
    service = _entry(request, pk)
    copy = services.service_working_copy(actor=request.user, service=service)
    return redirect("directory:entry", pk=copy.pk)


@login_required
def entry_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    service = _entry(request, pk)
    if service.review_state == "published":
        return redirect("directory:entry", pk=service.pk)
    initial: dict[str, Any] = {
        name: getattr(service, name) for name in services.SERVICE_FIELDS
    }
    initial["terms"] = [str(t.pk) for t in service.terms.all()]
    initial["wards"] = [str(w.pk) for w in service.wards.all()]
    initial["languages"] = [lang.code for lang in service.languages.all()]
    form = _service_form(request, service.locality, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.service_update(
                actor=request.user, service=service, **form.service_fields()
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect("directory:entry", pk=service.pk)
    return _form_page(
        request,
        form,
        _("Change the service"),
        _("Save"),
        "directory:entry",
        service.pk,
        caption=service.name,
    )


@login_required
@require_POST
def entry_submit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    service = _entry(request, pk)
    try:
        sent = services.service_submit(actor=request.user, service=service)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("directory:entry", pk=service.pk)
    messages.success(
        request,
        _("Sent for a check. A coordinator will check it and publish it."),
    )
    return redirect("directory:entry", pk=sent.pk)


# --- checkers -----------------------------------------------------------------


@login_required
def review(request: AuthenticatedRequest) -> HttpResponse:
    locality = _locality(request)
    page = page_of(
        selectors.services_waiting(actor=request.user, locality=locality),
        request.GET.get("page"),
    )
    return render(request, "directory/review.html", {"page": page})


@login_required
def review_entry(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    locality = _locality(request)
    service = selectors.service_get_for_checker(
        actor=request.user, locality=locality, pk=pk
    )
    form = forms.ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.service_send_back(
                actor=request.user, service=service, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("Sent back to the organisation’s editors."))
            return redirect("directory:review")
    return render(
        request,
        "directory/review_entry.html",
        {
            "service": service,
            "form": form,
            "changes": selectors.service_changes(copy=service)
            if service.draft_of_id
            else None,
        },
    )


@login_required
@require_POST
def review_publish(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    locality = _locality(request)
    service = selectors.service_get_for_checker(
        actor=request.user, locality=locality, pk=pk
    )
    try:
        published = services.service_publish(actor=request.user, service=service)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("%(name)s is published.") % {"name": published.name}
        )
    return redirect("directory:review")


@login_required
def categories(request: AuthenticatedRequest) -> HttpResponse:
    locality = _locality(request)
    if not can_check(request.user, locality):
        raise PermissionDenied
    form = forms.TermForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.taxonomy_term_create(
                actor=request.user, locality=locality, **form.cleaned_data
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("The category is added."))
            return redirect("directory:categories")
    return render(
        request,
        "directory/categories.html",
        {
            "form": form,
            "terms": selectors.taxonomy_terms(locality=locality, include_retired=True),
        },
    )


@login_required
def category_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    locality = _locality(request)
    term = selectors.term_get_for_checker(actor=request.user, locality=locality, pk=pk)
    form = forms.TermForm(
        request.POST or None,
        initial={"name": term.name, "description": term.description},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.taxonomy_term_update(
                actor=request.user, term=term, **form.cleaned_data
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("The category is saved."))
            return redirect("directory:categories")
    return _form_page(
        request, form, _("Change a category"), _("Save"), "directory:categories"
    )


@login_required
@require_POST
def category_retire(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    locality = _locality(request)
    term = selectors.term_get_for_checker(actor=request.user, locality=locality, pk=pk)
    services.taxonomy_term_retire(
        actor=request.user, term=term, retired=not term.retired
    )
    messages.success(
        request,
        (_("%(name)s is retired.") if not term.retired else _("%(name)s is back."))
        % {"name": term.name},
    )
    return redirect("directory:categories")


# --- signposting -------------------------------------------------------------


@login_required
def signpost(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Record that a member was pointed to a service (and refer them)."""
    locality = _locality(request)
    if not has_perm(request.user, Perm.SIGNPOST_RECORD, locality):
        raise PermissionDenied
    membership = selectors.member_for_signposting(
        actor=request.user, locality=locality, pk=pk
    )
    form = forms.SignpostForm(
        request.POST or None,
        services=selectors.signpost_choices(locality=locality),
        initial={"service": request.GET.get("service", "")},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.signposting_record(
                actor=request.user,
                member=membership,
                service=form.services[d["service"]],
                note=d["note"],
                refer=d["refer"],
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("Recorded on their record."))
            if has_perm(request.user, Perm.MEMBERS_MANAGE, locality):
                return redirect("members:member", pk=membership.pk)
            return redirect("directory:search")
    back = (
        ("members:member", membership.pk)
        if has_perm(request.user, Perm.MEMBERS_MANAGE, locality)
        else ("directory:search",)
    )
    return _form_page(
        request,
        form,
        _("Point them to a service"),
        _("Record it"),
        *back,
        caption=membership.person.full_name,
    )


@login_required
def signpost_member_choice(request: AuthenticatedRequest, uuid: str) -> HttpResponse:
    """From a service's page: choose the member pointed to it."""
    locality = _locality(request)
    service = selectors.published_service_get(locality=locality, uuid=uuid)
    members = selectors.members_for_signposting(actor=request.user, locality=locality)
    is_coordinator = has_perm(request.user, Perm.MEMBERS_MANAGE, locality)
    return render(
        request,
        "directory/signpost_choose.html",
        {
            "service": service,
            "members": [] if is_coordinator else members[:200],
            "is_coordinator": is_coordinator,
        },
    )
