import itertools

import pytest
from django.db import transaction

from kith.core.hooks import Hook, all_hooks, hook
from kith.core.models import AuditEvent
from kith.core.services import audit_record

_names = itertools.count()


@pytest.fixture
def thing_done():
    """A fresh hook, forgotten again after the test."""
    from kith.core import hooks

    name = f"test.thing_done_{next(_names)}"
    made = Hook(name, "who=")
    yield made
    hooks._hooks.pop(name)


def test_receivers_run_in_the_order_registered_with_the_callers_arguments(
    thing_done,
):
    calls = []
    thing_done.register(lambda *, who: calls.append(("first", who)))
    thing_done.register(lambda *, who: calls.append(("second", who)))

    thing_done.run(who="Ada")

    assert calls == [("first", "Ada"), ("second", "Ada")]


def test_registering_the_same_receiver_twice_runs_it_once(thing_done):
    calls = []

    def receiver(*, who):
        calls.append(who)

    # ready() may run more than once (test runners, reloading).
    thing_done.register(receiver)
    thing_done.register(receiver)
    thing_done.run(who="Ada")

    assert calls == ["Ada"]


def test_a_hook_with_no_receivers_does_nothing(thing_done):
    assert thing_done.run(who="Ada") == []


def test_run_returns_each_receivers_result(thing_done):
    thing_done.register(lambda *, who: who.upper())
    thing_done.register(lambda *, who: len(who))

    assert thing_done.run(who="Ada") == ["ADA", 3]


def test_two_hooks_cannot_share_a_name(thing_done):
    with pytest.raises(ValueError, match="already declared"):
        Hook(thing_done.name)


def test_a_hook_is_found_by_its_name(thing_done):
    assert hook(thing_done.name) is thing_done
    assert thing_done.name in all_hooks()
    with pytest.raises(KeyError):
        hook("test.never_declared")


def test_connected_registers_only_inside_the_block(thing_done):
    calls = []

    def receiver(*, who):
        calls.append(who)

    with thing_done.connected(receiver):
        thing_done.run(who="inside")
    thing_done.run(who="outside")

    assert calls == ["inside"]
    assert thing_done.receivers == ()


def test_a_receivers_writes_are_kept_with_the_callers(thing_done, testford):
    def receiver(*, who):
        audit_record(actor=who, action="receiver_wrote")

    thing_done.register(receiver)
    with transaction.atomic():
        audit_record(actor=testford.coordinator, action="caller_wrote")
        thing_done.run(who=testford.coordinator)

    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {
        "caller_wrote",
        "receiver_wrote",
    }


def test_a_receiver_that_fails_rolls_back_the_callers_change(thing_done, testford):
    class Refused(Exception):
        pass

    def writes_then_fails(*, who):
        audit_record(actor=who, action="receiver_wrote")
        raise Refused

    thing_done.register(writes_then_fails)

    @transaction.atomic
    def caller():
        audit_record(actor=testford.coordinator, action="caller_wrote")
        thing_done.run(who=testford.coordinator)

    with pytest.raises(Refused):
        caller()

    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert "caller_wrote" not in actions
    assert "receiver_wrote" not in actions


def test_every_hook_kith_declares_has_a_receiver_once_the_apps_are_ready():
    """A hook nobody answers would drop work silently (joining credits not
    issued, a declined visit not planned again): each of Kith's own hooks is
    answered by the part above that it was declared for."""
    import importlib

    from django.apps import apps

    for config in apps.get_app_configs():
        if config.name.startswith("kith."):
            try:
                importlib.import_module(f"{config.name}.hooks")
            except ModuleNotFoundError:
                continue
    labels = {c.label for c in apps.get_app_configs() if c.name.startswith("kith.")}
    declared = {
        name: found
        for name, found in all_hooks().items()
        if name.split(".")[0] in labels
    }
    assert {
        "members.membership_started",
        "members.membership_left",
        "members.introductions_consent_withdrawn",
        "members.leave_page_extras",
        "help.visit_declined",
        "help.request_page_extras",
        "accounts.person_moved",
        "core.perm_check",
    } <= set(declared)
    unanswered = [name for name, found in declared.items() if not found.receivers]
    assert unanswered == []
