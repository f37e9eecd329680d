"""What the projects pages share: the locality, permission checks that
answer 404, the one form page, sector names, and an organiser's project."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from kith.accounts.permissions import Perm, has_perm
from kith.projects import selectors, services
from kith.projects.models import RESIDENT, Project


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


SECTOR_WORDS = {RESIDENT: gettext_lazy("Residents")}


def _sector_label(code: str) -> str:
    from kith.directory.models import Sector

    if code in SECTOR_WORDS:
        return str(SECTOR_WORDS[code])
    return str(dict(Sector.choices).get(code, code))


def _organiser_project(request: HttpRequest, uuid: str) -> tuple[Any, Project]:
    locality = _locality(request)
    project = selectors.project_get(actor=request.user, locality=locality, uuid=uuid)
    if not services.is_organiser(request.user, project):
        raise Http404
    return locality, project
