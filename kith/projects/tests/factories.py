"""Builders for the projects part's tests. Organisations are the
directory's (made directly: the directory's own tests cover its services);
everything of projects goes through the services."""

import io
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from kith.directory.models import Organisation
from kith.projects import services
from kith.projects.models import Asset, Fund, Project


def organisation(circle, name="Testford Borough Council", sector="public"):
    found, _created = Organisation.objects.get_or_create(
        locality=circle.locality, name=name, defaults={"sector": sector}
    )
    return found


def asset(circle, name="Land behind Elm Road", **overrides):
    values = {
        "name": name,
        "kind": Asset.Kind.LAND,
        "status": Asset.Status.UNUSED,
        "owner": organisation(circle),
        "public": True,
        "latitude": 51.49,
        "longitude": -0.09,
    }
    values.update(overrides)
    return services.asset_save(
        actor=circle.council_officer,
        locality=circle.locality,
        answers=services.AssetAnswers(**values),
    )


def photo_upload(name="garden.jpg", *, size=(40, 30), with_location=True, fmt="JPEG"):
    """A real small photo; with the GPS block a phone writes, if asked."""
    image = Image.new("RGB", size, (40, 120, 40))
    out = io.BytesIO()
    kwargs = {}
    if with_location and fmt == "JPEG":
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # camera make
        exif[0x8825] = {1: "N", 2: (51.0, 29.0, 0.0), 3: "W", 4: (0.0, 5.0, 0.0)}
        kwargs["exif"] = exif.tobytes()
    image.save(out, format=fmt, **kwargs)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def council_fund(circle, *, cap_pence=1_000_000, cap_percent=50):
    fund, _created = Fund.objects.get_or_create(
        locality=circle.locality,
        name="Community Chest",
        defaults={
            "organisation": organisation(circle),
            "cap_pence": cap_pence,
            "cap_percent": cap_percent,
        },
    )
    return fund


def project_answers(**overrides):
    values = {
        "title": "Elm Road community garden",
        "what": "Turn the unused plot into a garden with raised beds.",
        "why": "The plot is full of rubbish and people want somewhere to grow food.",
        "who_for": "Neighbours of all ages, the school and the lunch club.",
        "where": "Land behind Elm Road",
        "target_pence": 1_500_000,
        "funding_model": Project.FundingModel.KEEP,
        "deadline": timezone.localdate() + timedelta(days=60),
        "permissions_needed": "The council's licence to use the land.",
        "milestones": "Clear the plot in spring; plant in May.",
        "involves_people_at_risk": False,
        "cost_items": [
            services.CostLine("Timber for raised beds", 450_000, "Barnet Timber"),
            services.CostLine("Topsoil", 300_000, "Green Soils Ltd"),
        ],
    }
    values.update(overrides)
    return services.ProjectAnswers(**values)


def published_project(circle, *, asset_=None, **overrides):
    made = services.project_propose(
        actor=circle.member,
        locality=circle.locality,
        answers=project_answers(asset=asset_, **overrides),
    )
    return services.project_check(
        actor=circle.council_officer,
        project=made,
        quotes_checked=True,
        owner_permission=True,
        safeguarding_checked=True,
        insurance_checked=True,
        publish=True,
        reason="",
    )


def today():
    return timezone.localdate()


def days_ago(n: int) -> date:
    return today() - timedelta(days=n)
