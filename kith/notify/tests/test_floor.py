"""The outbox is a floor low down: it imports nothing above places and core,
its own modules import one way, and higher parts hook in from above (their
periodic jobs, who may see the outbox's pages)."""

import ast
from datetime import time
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.utils.module_loading import import_string

from kith.core.permissions import perm_check
from kith.help.tests.conftest import circle  # noqa: F401 - a fixture
from kith.notify import access, schedule

NOTIFY = Path(__file__).resolve().parent.parent


def _modules() -> dict[str, Path]:
    found = {}
    for path in NOTIFY.rglob("*.py"):
        parts = path.relative_to(NOTIFY).with_suffix("").parts
        if parts[0] == "tests":
            continue
        name = ".".join(("kith", "notify", *parts)).removesuffix(".__init__")
        found[name] = path
    return found


def _imports(path: Path) -> set[str]:
    """Every module imported, at the top or inside a function."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_the_outbox_imports_no_part_above_places_and_core():
    allowed = ("kith.notify", "kith.core", "kith.places")
    upward = sorted(
        f"{name} imports {imported}"
        for name, path in _modules().items()
        for imported in _imports(path)
        if imported.startswith("kith.") and not imported.startswith(allowed)
    )
    assert upward == []


def test_the_outbox_modules_import_one_way():
    modules = _modules()
    graph = {
        name: {m for m in _imports(path) if m in modules and m != name}
        for name, path in modules.items()
    }
    cycles = []

    def walk(name, trail):
        for after in graph[name]:
            if after in trail:
                cycles.append([*trail[trail.index(after) :], after])
            else:
                walk(after, [*trail, after])

    for name in graph:
        walk(name, [name])
    assert cycles == []


def test_the_old_task_paths_still_name_the_tasks():
    # Tasks queued before the move are stored by these paths.
    for name in ("messages_send_task", "message_send_task", "job_run_task"):
        assert import_string(f"kith.notify.tasks.{name}").name == name


def test_tasks_queued_by_the_services_old_path_still_run():
    # The outbox's tasks were once defined in kith/notify/services.py, so a
    # queued task may name them by that module; the package re-exports them.
    from kith.notify.services import sending

    for name in ("messages_send_task", "message_send_task"):
        found = import_string(f"kith.notify.services.{name}")
        assert found is getattr(sending, name)
        assert found.name == name


def test_every_part_registers_its_jobs_from_its_own_jobs_module():
    by_name = {job.name: job for job in schedule.JOBS}
    assert by_name["visit_reminders"].path == "kith.help.jobs.visit_reminders_queue"
    assert by_name["monthly_letters"].path == "kith.social.jobs.monthly_letters_queue"
    assert by_name["matching_nightly"].at == time(6, 0)
    assert by_name["call_list"].every_minutes == 15
    assert by_name["requests_urgency"].at == time(0, 20)
    assert by_name["directory_check_stale"].at == time(7, 15)
    assert by_name["acv_decisions_due"].path == (
        "kith.projects.services.nominations.nomination_reminders_queue"
    )
    assert by_name["retention"].path == "kith.privacy.jobs.retention"
    assert by_name["visit_months"].path == "kith.reports.jobs.visit_months"
    assert len(schedule.JOBS) == 23


def test_a_job_name_is_registered_once(monkeypatch):
    monkeypatch.setattr(schedule, "JOBS", [])

    def first():
        return 1

    def second():
        return 2

    schedule.scheduled("tidy", at=time(3))(first)
    schedule.scheduled("tidy", at=time(3))(first)  # found again: no change
    assert [job.path for job in schedule.JOBS] == [
        f"{__name__}.test_a_job_name_is_registered_once.<locals>.first"
    ]
    with pytest.raises(ValueError, match="Two jobs called 'tidy'"):
        schedule.scheduled("tidy", at=time(4))(second)


@pytest.mark.django_db
def test_the_outbox_asks_accounts_who_may_see_its_pages(circle, monkeypatch):  # noqa: F811
    coordinator, member = circle.coordinator, circle.membership.person
    locality = circle.locality
    assert access.allowed(coordinator, access.MESSAGES_VIEW, locality)
    assert access.allowed(coordinator, access.CALL_LIST, locality)
    assert not access.allowed(member, access.CALL_LIST, locality)
    assert not access.allowed(coordinator, access.ADMIN, locality)
    with pytest.raises(PermissionDenied):
        access.require(member, access.MESSAGES_VIEW, locality)
    assert access.allowed(circle.admin, access.ADMIN, locality)
    # With no check registered, nobody may.
    monkeypatch.setattr(perm_check, "_receivers", [])
    assert not access.allowed(coordinator, access.MESSAGES_VIEW, locality)
