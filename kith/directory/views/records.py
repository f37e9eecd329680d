"""The pages that add, change and remove a service's own records (times,
holidays, costs, contacts, phone numbers, the places it happens at). A
published service is changed through its draft copy (ADR 0025)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from kith.accounts.http import AuthenticatedRequest
from kith.core.errors import ApplicationError
from kith.directory import forms, selectors, services
from kith.directory.views import _entry, _form_page

#: The kinds of a service's own records that are changed through a form
#: (a place it happens at is removed or added; the place itself is the
#: organisation's, changed on its own page).
_RECORD_TITLES = {
    "cost": (_l("Add a cost"), _l("Change a cost")),
    "schedule": (_l("Add when it runs"), _l("Change when it runs")),
    "contact": (_l("Add a person to contact"), _l("Change a person to contact")),
    "phone": (_l("Add a phone number"), _l("Change a phone number")),
    "place": (_l("Add a place where it happens"), ""),
    "closure": (_l("Add a holiday when it is closed"), _l("Change a holiday")),
}


def _record_initial(kind: str, record: Any) -> dict[str, Any]:
    """What a change form starts with: the record as it is."""
    if kind == "cost":
        return {"kind": record.kind, "amount": record.amount, "option": record.option}
    if kind == "schedule":
        return {
            "byday": [d for d in record.byday.split(",") if d],
            "starts": forms.time_choice(record.opens_at),
            "ends": forms.time_choice(record.closes_at),
            "freq": record.freq,
            "notes": record.notes,
        }
    if kind == "contact":
        phone = record.phones.first()
        return {
            "name": record.name,
            "title": record.title,
            "email": record.email,
            "phone": phone.number if phone else "",
        }
    if kind == "phone":
        return {"number": record.number, "description": record.description}
    return {
        "starts_on": record.starts_on,
        "ends_on": record.ends_on,
        "reason": record.reason,
    }


def _record_form(
    request: AuthenticatedRequest, pk: int, kind: str, record_pk: int | None = None
) -> HttpResponse:
    """Add one of a service's records, or change one (``record_pk``). A
    published service is changed through its draft copy, so the public
    keeps seeing the checked entry until a coordinator checks the change."""
    if kind not in _RECORD_TITLES or (record_pk is not None and kind == "place"):
        raise Http404
    service = _entry(request, pk)
    if service.review_state == "published":
        return redirect("directory:entry", pk=service.pk)
    record = None
    initial: dict[str, Any] = {}
    if record_pk is not None:
        record = selectors.service_record_get(service=service, kind=kind, pk=record_pk)
        initial = _record_initial(kind, record)
    data = request.POST or None
    form: Any
    if kind == "cost":
        form = forms.CostForm(data, initial=initial)
    elif kind == "schedule":
        form = forms.ScheduleForm(data, initial=initial)
    elif kind == "contact":
        form = forms.ContactForm(data, initial=initial)
    elif kind == "phone":
        form = forms.PhoneForm(data, initial=initial)
    elif kind == "closure":
        form = forms.ClosureForm(data, initial=initial)
    else:
        locations = list(
            selectors.organisation_locations(organisation=service.organisation)
        )
        if not locations:
            messages.info(request, _("Add the organisation’s place first."))
            return redirect("directory:location_add", pk=service.organisation_id)
        form = forms.PlaceChoiceForm(data, locations=locations)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if kind == "cost":
                services.cost_option_save(
                    actor=request.user,
                    service=service,
                    cost_option=record,
                    kind=d["kind"],
                    amount=d["amount"],
                    option=d["option"],
                    # Kept from an import: the form does not ask for it.
                    amount_description=record.amount_description if record else "",
                )
            elif kind == "schedule":
                at = record.service_at_location if record else None
                services.schedule_save(
                    actor=request.user,
                    service=service,
                    schedule=record,
                    byday=d["byday"],
                    opens_at=d["opens_at"],
                    closes_at=d["closes_at"],
                    freq=d["freq"],
                    notes=d["notes"],
                    location=at.location if at else None,
                )
            elif kind == "contact":
                services.contact_save(
                    actor=request.user, service=service, contact=record, **d
                )
            elif kind == "phone":
                services.phone_save(
                    actor=request.user, service=service, phone=record, **d
                )
            elif kind == "closure":
                services.closure_save(
                    actor=request.user, service=service, closure=record, **d
                )
            else:
                services.service_location_add(
                    actor=request.user,
                    service=service,
                    location=form.locations[d["location"]],
                )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("Saved."))
            return redirect("directory:entry", pk=service.pk)
    add_title, change_title = _RECORD_TITLES[kind]
    return _form_page(
        request,
        form,
        str(add_title if record is None else change_title),
        _("Save"),
        "directory:entry",
        service.pk,
        caption=service.name,
        intro=_(
            "Changes to a published entry wait for a coordinator’s check. "
            "Until then the public sees the entry as it was."
        )
        if service.draft_of_id
        else "",
    )


@login_required
def record_add(request: AuthenticatedRequest, pk: int, kind: str) -> HttpResponse:
    return _record_form(request, pk, kind)


@login_required
def record_edit(
    request: AuthenticatedRequest, pk: int, kind: str, record: int
) -> HttpResponse:
    return _record_form(request, pk, kind, record)


@login_required
@require_POST
def record_delete(
    request: AuthenticatedRequest, pk: int, kind: str, record: int
) -> HttpResponse:
    service = _entry(request, pk)
    found = selectors.service_record_get(service=service, kind=kind, pk=record)
    try:
        services.service_record_delete(
            actor=request.user, service=service, record=found
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Removed."))
    return redirect("directory:entry", pk=service.pk)
