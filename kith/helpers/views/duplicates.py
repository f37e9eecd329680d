"""Two records that may be one person: merge them, or keep both."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kith.accounts.http import AuthenticatedRequest
from kith.accounts.permissions import Perm, require_perm
from kith.core.errors import ApplicationError
from kith.helpers import forms, selectors, services
from kith.helpers.views.common import _locality, _managed, _posted


@login_required
def duplicate(request: AuthenticatedRequest, pk: int, other_pk: int) -> HttpResponse:
    """Compare two records that may be one person: merge, or keep both."""
    locality = _locality(request)
    require_perm(request.user, Perm.HELPERS_MANAGE, locality)
    try:
        profile = _managed(request, pk)
        this = selectors.person_in_locality(
            actor=request.user, locality=locality, pk=profile.user_id
        )
        other = selectors.person_in_locality(
            actor=request.user, locality=locality, pk=other_pk
        )
    except Http404:
        # Already merged (the form sent twice, or by someone else): go there.
        kept = selectors.merged_into(
            actor=request.user, locality=locality, profile_pk=pk, person_pk=other_pk
        )
        if kept is None:
            raise
        messages.info(request, _("These records have already been merged."))
        return redirect("helpers:detail", pk=kept.pk)
    if this.pk == other.pk:
        raise Http404
    form = forms.MergeForm(_posted(request), this=this, other=other)
    if request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"]
        try:
            if decision == "keep_both":
                services.duplicate_keep_both(
                    actor=request.user, locality=locality, person=this, other=other
                )
                messages.success(request, _("Both records have been kept."))
                return redirect("helpers:detail", pk=pk)
            keep, merge = (this, other) if decision == "keep_this" else (other, this)
            kept = services.helper_merge(
                actor=request.user, locality=locality, keep=keep, merge=merge
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("The two records have been merged."))
            return redirect("helpers:detail", pk=kept.pk)
    return render(
        request,
        "helpers/duplicate.html",
        {"form": form, "profile": profile, "people": [this, other]},
    )
