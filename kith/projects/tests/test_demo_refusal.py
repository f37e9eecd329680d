"""A refusal in the projects' demo stops the whole demo load, saying why
(its own module: the other demo tests keep the demo loaded)."""

import pytest

from kith.core.demo import DemoLoadError
from kith.core.errors import ApplicationError
from kith.places.models import Locality
from kith.site.demo import DEMO_SLUG, demo_load


def test_a_refusal_in_the_projects_demo_stops_the_load(db, monkeypatch):
    from kith.projects import services

    def refuse(**kwargs):
        raise ApplicationError("No more funds.")

    monkeypatch.setattr(services, "fund_save", refuse)
    with pytest.raises(DemoLoadError, match="Community Chest: No more funds"):
        demo_load()
    assert not Locality.objects.filter(slug=DEMO_SLUG).exists()
