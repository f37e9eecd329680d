"""Named hooks: how a lower part triggers a higher one without importing it.

Kith's apps sit on floors (docs/architecture.md): an app imports only apps
below it. When something that happens low down must change something higher
up (a person merged in accounts moves their membership in members; a declined
visit re-plans in matching), the lower app declares a hook and calls it, and
the higher app registers a receiver on that hook in its ``AppConfig.ready()``::

    # kith/accounts/hooks.py (the lower app declares and documents the hook)
    person_merged = Hook("accounts.person_merged", "keep=, gone=, actor=")

    # kith/accounts/services.py (the lower app runs it, inside its transaction)
    hooks.person_merged.run(keep=keep, gone=gone, actor=actor)

    # kith/members/apps.py (the higher app registers in ready())
    def ready(self):
        from kith.accounts.hooks import person_merged
        from kith.members.services import membership_merge
        person_merged.register(membership_merge)

Unlike Django's signals, a hook is declared in one place with the arguments it
passes, every receiver is called synchronously in the caller's transaction in
the order registered, and an exception from a receiver is not swallowed: it
reaches the caller, so the whole change rolls back. Receivers take keyword
arguments only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

Receiver = Callable[..., Any]

_hooks: dict[str, Hook] = {}


class Hook:
    """One named point where higher apps may add work to a lower app's action."""

    def __init__(self, name: str, arguments: str = "") -> None:
        if name in _hooks:
            raise ValueError(f"A hook named {name!r} is already declared.")
        self.name = name
        self.arguments = arguments
        self._receivers: list[Receiver] = []
        _hooks[name] = self

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self._receivers)} receiver(s)>"

    def register(self, receiver: Receiver) -> Receiver:
        """Add ``receiver``; registering the same function twice adds it once.

        Returns the receiver, so this works as a decorator too.
        """
        if receiver not in self._receivers:
            self._receivers.append(receiver)
        return receiver

    def unregister(self, receiver: Receiver) -> None:
        if receiver in self._receivers:
            self._receivers.remove(receiver)

    @property
    def receivers(self) -> tuple[Receiver, ...]:
        return tuple(self._receivers)

    def run(self, **kwargs: Any) -> list[Any]:
        """Call every receiver now, in registration order, with ``kwargs``.

        Runs in the caller's transaction; any exception propagates to the
        caller (and so rolls back its atomic block). Returns the receivers'
        results in the same order.
        """
        return [receiver(**kwargs) for receiver in tuple(self._receivers)]

    @contextmanager
    def connected(self, receiver: Receiver) -> Iterator[Receiver]:
        """Register ``receiver`` for the length of a ``with`` block (for tests)."""
        added = receiver not in self._receivers
        self.register(receiver)
        try:
            yield receiver
        finally:
            if added:
                self.unregister(receiver)


def hook(name: str) -> Hook:
    """The hook declared as ``name``; raises ``KeyError`` if none is."""
    return _hooks[name]


def all_hooks() -> dict[str, Hook]:
    """Every declared hook by name (for docs and checks)."""
    return dict(_hooks)
