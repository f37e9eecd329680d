from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from kith.accounts.models import User


class EmailBackend(ModelBackend):
    """Sign in with an email address (any case) and password."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        email = (username or kwargs.get("email") or "").strip()
        if not email or not password:
            return None
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            User().set_password(password)  # same work either way: no timing clue
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
