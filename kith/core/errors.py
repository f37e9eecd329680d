"""Errors that services raise for people to read."""

from typing import Any


class ApplicationError(Exception):
    """A rule was broken: nothing changed, and ``message`` says why in plain words.

    ``field`` names the form field the message belongs next to, when there is one.
    """

    def __init__(
        self, message: Any, *, field: str | None = None, code: str = ""
    ) -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.field = field
        self.code = code
