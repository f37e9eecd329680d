"""The request as Kith's views see it, for the type checker.

Kith's middleware adds ``locality`` and ``acting_for`` to every request
(kith/site/middleware.py), and a view behind ``login_required`` only ever sees
a signed-in ``User``. Annotating a view's ``request`` with these classes tells
mypy so; nothing here runs, and no request is ever an instance of them.

They live in accounts, not core, because they name ``User`` (accounts) and
``Locality`` (places), which core may not import. The apps below accounts
(places, notify, core) keep plain ``HttpRequest``.
"""

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from kith.accounts.models import User
from kith.places.models import Locality


class KithRequest(HttpRequest):
    """Any request once the middleware has run, signed in or not."""

    user: User | AnonymousUser
    locality: Locality | None
    acting_for: User | None


class AuthenticatedRequest(KithRequest):
    """A request to a view behind ``login_required``.

    Its ``locality`` is typed as always present: the middleware finds one
    whenever the deployment has any, and a deployment is set up with its
    localities before anyone signs in.
    """

    user: User
    locality: Locality
