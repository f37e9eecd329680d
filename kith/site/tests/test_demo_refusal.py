"""The demo loader never swallows a refusal: anything a part planned but
could not make stops the whole load, saying what and why, and leaves
nothing behind."""

import pytest

from kith.accounts.models import User
from kith.core.demo import DemoLoadError
from kith.help import demo as help_demo
from kith.help.models import HelpCategory
from kith.places.models import Locality
from kith.site.demo import demo_load, demo_loaded


def test_a_refusal_inside_a_part_stops_the_load_and_leaves_nothing(db, monkeypatch):
    # Every request the help part plans has empty details, which the help
    # service rightly refuses.
    monkeypatch.setattr(
        help_demo, "DETAILS", {name: ["   "] for name in help_demo.CATEGORY_SKILLS}
    )
    with pytest.raises(DemoLoadError) as raised:
        demo_load()
    message = str(raised.value)
    assert message.startswith("The demo could not create a confirmed request for")
    assert message.endswith("Say what help is needed.")
    assert not demo_loaded()
    assert not Locality.objects.exists()
    assert not User.objects.exists()
    assert not HelpCategory.objects.exists()


def test_a_plan_that_cannot_be_met_stops_the_load(db, monkeypatch):
    from kith.helpers import demo as helpers_demo

    monkeypatch.setattr(helpers_demo, "CORE_TEAM", helpers_demo.CORE_TEAM * 100)
    with pytest.raises(DemoLoadError, match="core team of helpers"):
        demo_load()
    assert not Locality.objects.exists()
