"""The GOV.UK timeout warning for everyone signed in: a dialog a couple of
minutes before they are signed out, shown by a static script configured by
the dialog's data- attributes (no inline script, so a strict
Content-Security-Policy allows it; without JavaScript nothing is shown)."""

from typing import Any

from django import template
from django.conf import settings

from kith.accounts.middleware import seconds_left

register = template.Library()


@register.inclusion_tag("accounts/_timeout_warning_dialog.html", takes_context=True)
def timeout_warning(context: template.Context) -> dict[str, Any]:
    request: Any = context.get("request")
    left = seconds_left(request) if request is not None else None
    if left is None:
        return {"show": False}
    idle_left, session_left = left
    warning = settings.KITH_TIMEOUT_WARNING_SECONDS
    return {
        "show": True,
        "idle_seconds": settings.KITH_IDLE_SECONDS,
        "idle_left": idle_left,
        "session_left": session_left,
        "warning_seconds": warning,
        "warning_minutes": max(1, round(warning / 60)),
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }
