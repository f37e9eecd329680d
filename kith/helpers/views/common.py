"""What the helpers pages share: the locality, the posted form, the record
being changed, and where to go back to."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.permissions import Perm, require_perm
from kith.helpers import selectors
from kith.helpers.models import HelperProfile


def _posted(request: HttpRequest) -> Any:
    """The form data of a POST, even when empty; None for a GET."""
    return request.POST if request.method == "POST" else None


def _locality(request: HttpRequest) -> Any:
    locality = getattr(request, "locality", None)
    if locality is None:
        raise Http404
    return locality


def _today() -> Any:
    return timezone.localdate()


def _profile_for_edit(request: HttpRequest, pk: int | None) -> HelperProfile:
    return selectors.helper_profile_for_edit(
        actor=request.user, locality=_locality(request), pk=pk
    )


def _back_to(profile: HelperProfile, pk: int | None) -> str:
    return (
        reverse("helpers:detail", args=[pk]) if pk else reverse("helpers:own_profile")
    )


def _saved(request: HttpRequest, own: bool) -> None:
    messages.success(
        request,
        _("Your changes have been saved.")
        if own
        else _("The changes have been saved."),
    )


def _managed(request: HttpRequest, pk: int) -> HelperProfile:
    locality = _locality(request)
    require_perm(request.user, Perm.HELPERS_MANAGE, locality)
    return selectors.helper_profile_get_for(
        actor=request.user, locality=locality, pk=pk, audit=False
    )
