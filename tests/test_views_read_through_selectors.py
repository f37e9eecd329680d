"""Views never query models directly and never call a service's private
function: reads go through selectors (scoped to the actor where the data is
personal), writes through services' public names (docs/architecture.md,
CONVENTIONS "Where things go"). This test keeps the old ways from coming back:
a view that reaches for ``Model.objects`` or ``services._something``."""

import re
from pathlib import Path

KITH = Path(__file__).resolve().parent.parent / "kith"

RULES = [
    (re.compile(r"\.objects\b"), "a model queried directly"),
    (re.compile(r"\._default_manager\b|\._base_manager\b"), "a model queried directly"),
    (re.compile(r"\bservices\._\w+"), "a service's private function"),
    (
        re.compile(
            r"from\s+kith\.\w+\.services(?:\.\w+)*\s+import\s+"
            r"(?:\([^)]*|[^(\n]*)\b_\w+"
        ),
        "a service's private function",
    ),
]


def offences(text: str) -> list[str]:
    return [
        f"{name}: {match.group(0).strip()}"
        for rule, name in RULES
        for match in rule.finditer(text)
    ]


def view_modules() -> list[Path]:
    return sorted([*KITH.glob("*/views.py"), *KITH.glob("*/views/*.py")])


def test_the_checks_catch_each_old_way():
    assert offences("found = HelpCategory.objects.filter(locality=locality)")
    assert offences("people = (\n    User.objects\n    .filter(pk=pk)\n)")
    assert offences("Visit._default_manager.get(pk=pk)")
    assert offences("late = services._is_late(visit)")
    assert offences("from kith.help.services import _is_late")
    assert offences("from kith.help.services.cancelling import (\n    _is_late,\n)")
    assert not offences("found = selectors.categories_for(locality=locality)")
    assert not offences("services.visit_cancel(actor=actor, visit=visit)")
    assert not offences("from kith.helpers.views.common import _locality")
    assert not offences("from kith.help.services import can_ask_for")
    assert not offences(
        "from kith.core.services import audit_record\n"
        "from kith.helpers.views.common import _locality"
    )


def test_the_scan_finds_the_views():
    names = {str(path.relative_to(KITH.parent)) for path in view_modules()}
    assert "kith/help/views.py" in names
    assert "kith/members/views/joining.py" in names


def test_no_view_queries_a_model_or_calls_a_private_service():
    found = {
        str(path.relative_to(KITH.parent)): found
        for path in view_modules()
        if (found := offences(path.read_text()))
    }
    assert found == {}
