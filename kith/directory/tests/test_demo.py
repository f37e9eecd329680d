import pytest

from kith.core.demo import DemoLoadError
from kith.directory import demo as directory_demo
from kith.directory import selectors
from kith.directory.models import Organisation, Service, Signposting
from kith.places.models import Locality
from kith.site.demo import demo_load


def test_the_demo_has_a_varied_directory_and_the_editors_journey(db):
    demo_load()
    locality = Locality.objects.get(slug="riverside")
    published = selectors.published_services(locality=locality)
    assert published.count() == 59
    assert Service.objects.filter(draft_of__isnull=True).count() >= 60
    sectors = set(Organisation.objects.values_list("sector", flat=True))
    assert sectors == {
        "public",
        "private",
        "voluntary",
        "community",
        "faith",
        "social_enterprise",
    }
    editor_org = Organisation.objects.get(editors__email="editor@riverside.example")
    assert editor_org.name == "Riverside Age Concern"
    waiting = Service.objects.filter(review_state="waiting")
    assert waiting.filter(draft_of__isnull=False).count() == 1
    assert waiting.filter(draft_of__isnull=True).count() == 1
    assert (
        Service.objects.filter(review_state="draft")
        .exclude(returned_reason="")
        .exists()
    )
    assert (
        Signposting.objects.filter(
            member__person__email="member@riverside.example"
        ).count()
        == 2
    )
    lunch = list(selectors.services_search(locality=locality, term="lunch-clubs"))
    assert len(lunch) >= 3


def test_a_refusal_stops_the_directory_demo(db, monkeypatch):
    def refuse(**kwargs):
        from kith.core.errors import ApplicationError

        raise ApplicationError("No room")

    monkeypatch.setattr(directory_demo.services, "cost_option_save", refuse)
    with pytest.raises(DemoLoadError, match="No room"):
        demo_load()
    assert not Locality.objects.filter(slug="riverside").exists()
