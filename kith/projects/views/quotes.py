"""Quotes attached to a project: adding one, reading one, removing one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kith.accounts.http import AuthenticatedRequest
from kith.core.errors import ApplicationError
from kith.projects import forms, selectors, services
from kith.projects.views.common import _form_page, _locality, _organiser_project


@login_required
def quote_add(request: AuthenticatedRequest, uuid: str) -> HttpResponse:
    project = _organiser_project(request, uuid)[1]
    posting = request.method == "POST"
    form = forms.QuoteForm(
        request.POST if posting else None, request.FILES if posting else None
    )
    if posting and form.is_valid():
        try:
            services.quote_add(
                actor=request.user,
                project=project,
                upload=form.cleaned_data["quote"],
                description=form.cleaned_data["description"],
            )
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            return redirect(project.get_absolute_url() + "#quotes")
    return _form_page(
        request,
        form,
        title=_("Attach a quote"),
        caption=project.title,
        intro=_(
            "A supplier's quote or estimate for something the project will buy: "
            "a PDF, or a photo of a paper quote. Only you and council officers "
            "see it."
        ),
        back=project.get_absolute_url() + "#quotes",
        button=_("Attach the quote"),
        multipart=True,
    )


def quote_file(request: HttpRequest, uuid: str, quote: str) -> HttpResponse:
    """The quote's file, always as a download (never shown inside a page)."""
    found = selectors.quote_get(
        actor=request.user, locality=_locality(request), project_uuid=uuid, uuid=quote
    )
    response = HttpResponse(bytes(found.data), content_type=found.content_type)
    response["Content-Disposition"] = f'attachment; filename="{found.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def quote_remove(request: AuthenticatedRequest, uuid: str, quote: str) -> HttpResponse:
    project = _organiser_project(request, uuid)[1]
    found = project.quotes.filter(uuid=quote).first()
    if found is None:
        raise Http404
    try:
        services.quote_remove(actor=request.user, quote=found)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Quote removed: %(what)s.") % {"what": found.description}
        )
    return redirect(project.get_absolute_url() + "#quotes")
