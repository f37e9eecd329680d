"""The demo locality's community projects, the Barnet way: an unused plot
behind Elm Road, a garden project on it (published, with pledges from every
sector and a work day people have signed up for), a pocket park that is
finished with its story, the register of land and buildings with an Asset
of Community Value listed and a nomination waiting for a decision, and the
council's Community Chest.

Everything goes through the services, so it is exactly what the application
would make; a refusal stops the whole demo load (kith/core/demo.py).
"""

import io
import random
from datetime import date, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from kith.accounts.models import User
from kith.core.demo import DemoLoadError, demo_step
from kith.directory.models import Organisation
from kith.members.models import Membership
from kith.places.models import Locality, Postcode, Ward
from kith.projects import services
from kith.projects.models import Asset, Fund, Project, ProjectSettings
from kith.social import services as social

ORGANISATIONS = [
    # name, sector: the directory's demo makes the business and the charity
    # (the demo editor keeps Riverside Age Concern); the others are made here.
    ("Riverside Borough Council", "public"),
    ("Riverside Handyman Ltd", "private"),
    ("Riverside Age Concern", "voluntary"),
    ("Friends of Elm Road", "community"),
]


def _person(email: str) -> User:
    found = User.objects.filter(email=email).first()
    if found is None:
        raise DemoLoadError("the demo's projects", f"there is no {email}")
    return found


def _postcodes(locality: Locality, rng: random.Random) -> list[str]:
    codes = list(
        Ward.objects.filter(locality=locality).values_list("ons_code", flat=True)
    )
    found = list(
        Postcode.objects.filter(ward_code__in=codes)
        .order_by("postcode")
        .values_list("postcode", flat=True)
    )
    if len(found) < 3:
        raise DemoLoadError("the demo's land and buildings", "too few postcodes")
    rng.shuffle(found)
    return found


def _photo(name: str, colour: tuple[int, int, int], words: str) -> SimpleUploadedFile:
    """A drawn picture standing in for a phone's photo."""
    image = Image.new("RGB", (640, 420), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 300, 620, 400), fill=(240, 240, 240))
    draw.text((40, 340), words, fill=(20, 20, 20))
    out = io.BytesIO()
    image.save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def _quote_pdf(name: str, lines: list[str]) -> SimpleUploadedFile:
    """A one-page PDF quote, written by hand (offsets and all), standing in
    for a supplier's email attachment."""
    text = " ".join(
        f"({line.replace('(', '').replace(')', '')}) Tj 0 -18 Td" for line in lines
    )
    stream = f"BT /F1 12 Tf 72 760 Td {text} ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, xref)
    )
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/pdf")


def demo_load(*, locality: Locality, rng: random.Random) -> None:
    officer = _person("council@riverside.example")
    coordinator = _person("coordinator@riverside.example")
    editor = _person("editor@riverside.example")
    joan = _person("member@riverside.example")
    sam = _person("helper@riverside.example")
    today = timezone.localdate()
    postcodes = _postcodes(locality, rng)

    with demo_step("the demo's organisations for projects"):
        orgs = {}
        for name, sector in ORGANISATIONS:
            # The directory's demo may have made it already: the same one.
            organisation, _made = Organisation.objects.get_or_create(
                locality=locality, name=name, defaults={"sector": sector}
            )
            if organisation.sector != sector:
                raise DemoLoadError(name, f"it is not in the {sector} sector")
            orgs[sector] = organisation
        if not orgs["voluntary"].editors.filter(pk=editor.pk).exists():
            orgs["voluntary"].editors.add(editor)
        council = orgs["public"]
        ProjectSettings.objects.update_or_create(
            locality=locality, defaults={"volunteering_earns_credits": True}
        )

    with demo_step("the demo's land and buildings"):
        plot = services.asset_save(
            actor=officer,
            locality=locality,
            answers=services.AssetAnswers(
                name="Land behind Elm Road",
                kind=Asset.Kind.LAND,
                status=Asset.Status.UNUSED,
                condition=Asset.Condition.POOR,
                description=(
                    "A fenced plot between the flats and the railway, unused for "
                    "ten years. Brambles and fly-tipping."
                ),
                address="Behind 2–40 Elm Road",
                postcode=postcodes[0],
                owner=council,
                size_square_metres=850,
                public=True,
            ),
        )
        services.asset_photo_add(
            actor=officer,
            asset=plot,
            upload=_photo("plot.jpg", (120, 100, 70), "Land behind Elm Road, 2026"),
            description="The plot, overgrown, seen from Elm Road",
        )
        verge = services.asset_save(
            actor=officer,
            locality=locality,
            answers=services.AssetAnswers(
                name="Wharf Road corner",
                kind=Asset.Kind.LAND,
                status=Asset.Status.LET,
                condition=Asset.Condition.GOOD,
                description="A corner of grass by the river path.",
                address="Corner of Wharf Road and the river path",
                postcode=postcodes[1],
                owner=council,
                size_square_metres=300,
                let_to=orgs["community"],
                let_terms=Asset.Terms.LICENCE,
                let_from=today - timedelta(days=200),
                let_until=today + timedelta(days=5 * 365),
                public=True,
            ),
        )
        pavilion = services.asset_save(
            actor=officer,
            locality=locality,
            answers=services.AssetAnswers(
                name="Albion Park pavilion",
                kind=Asset.Kind.BUILDING,
                status=Asset.Status.IN_USE,
                condition=Asset.Condition.FAIR,
                description="The bowls club's pavilion, with a kitchen.",
                address="Albion Park",
                postcode=postcodes[2],
                owner=council,
                public=True,
            ),
        )
        services.asset_save(
            actor=officer,
            locality=locality,
            answers=services.AssetAnswers(
                name="Pavilion meeting room",
                kind=Asset.Kind.ROOM,
                status=Asset.Status.AVAILABLE,
                part_of=pavilion,
                owner=council,
                size_square_metres=40,
                public=True,
            ),
        )
        depot = services.asset_save(
            actor=officer,
            locality=locality,
            answers=services.AssetAnswers(
                name="Old highways depot",
                kind=Asset.Kind.BUILDING,
                status=Asset.Status.UNUSED,
                condition=Asset.Condition.UNSAFE,
                owner=council,
                public=False,
            ),
        )

    with demo_step("the demo's Assets of Community Value"):
        listed = services.nomination_record(
            actor=officer,
            asset=pavilion,
            group_name="Albion Park Bowls Club",
            group_kind="cooperative",
            reasons="Home of the bowls club and the over-60s lunch for forty years.",
            received_on=date(2025, 1, 13),
        )
        services.nomination_decide(
            actor=officer,
            nomination=listed,
            listed=True,
            decided_on=date(2025, 3, 3),
            reason="Its main use furthers the social wellbeing of the community.",
        )
        services.nomination_record(
            actor=officer,
            asset=depot,
            group_name="Riverside Residents",
            group_kind="unincorporated",
            local_voters=34,
            reasons="Could be workshops for young people.",
            received_on=today - timedelta(weeks=7),
        )

    with demo_step("the demo's Community Chest"):
        chest = services.fund_save(
            actor=officer,
            locality=locality,
            organisation=council,
            name="Riverside Community Chest",
            cap_pence=1_000_000,
            cap_percent=50,
            budget_pence=5_000_000,
        )
        chest.managers.add(officer)

    with demo_step("the demo's garden project"):
        garden = _publish(
            officer,
            services.project_propose(
                actor=joan,
                locality=locality,
                answers=services.ProjectAnswers(
                    title="Elm Road community garden",
                    what=(
                        "Clear the plot and build raised beds, a polytunnel, a "
                        "wildflower strip and benches, for neighbours to grow food "
                        "together."
                    ),
                    why=(
                        "The plot has been empty for ten years. The flats have no "
                        "gardens and people want somewhere to grow and to meet."
                    ),
                    who_for=(
                        "Neighbours young and old, the primary school and the "
                        "lunch club."
                    ),
                    asset=plot,
                    target_pence=1_500_000,
                    funding_model=Project.FundingModel.KEEP,
                    deadline=today + timedelta(days=60),
                    permissions_needed="The council's licence to use the land.",
                    milestones=(
                        "Clear the plot this month; build the beds next month; "
                        "plant in spring."
                    ),
                    involves_people_at_risk=True,
                    cost_items=[
                        services.CostLine(
                            "Timber for twelve raised beds", 450_000, "Hadley Builders"
                        ),
                        services.CostLine("Polytunnel", 600_000, "Grow Supplies Ltd"),
                        services.CostLine(
                            "Topsoil and compost", 450_000, "Green Soils"
                        ),
                    ],
                ),
            ),
        )
        services.quote_add(
            actor=joan,
            project=garden,
            upload=_quote_pdf(
                "hadley-builders.pdf",
                [
                    "Hadley Builders - quotation",
                    "Timber for twelve raised beds, delivered: 4,500.00 GBP",
                    "Valid for 60 days.",
                ],
            ),
            description="Timber for the raised beds, from Hadley Builders",
        )
        _pledge(garden, officer, services.PledgeAnswers("money", 750_000), fund=chest)
        _pledge(
            garden,
            coordinator,
            services.PledgeAnswers(
                "materials", 120_000, description="Timber and screws"
            ),
            organisation=orgs["private"],
            on_paper=True,
        )
        _pledge(
            garden,
            editor,
            services.PledgeAnswers("money", 50_000, release_if_missed=True),
            organisation=orgs["voluntary"],
        )
        _pledge(
            garden,
            coordinator,
            services.PledgeAnswers("time", minutes=40 * 60),
            organisation=orgs["community"],
            on_paper=True,
        )
        _pledge(garden, joan, services.PledgeAnswers("money", 5_000))
        _pledge(garden, sam, services.PledgeAnswers("time", minutes=6 * 60))
        work_day = services.work_day_add(
            actor=coordinator,
            project=garden,
            answers=services.WorkDayAnswers(
                starts_on=today + timedelta(days=9),
                start_time=time(10, 0),
                minutes=180,
                places=15,
                description="Clearing brambles and rubbish. Gloves and tea provided.",
            ),
        )
        occurrence = work_day.activity.occurrences.get()
        members = list(
            Membership.objects.filter(
                locality=locality, status=Membership.Status.ACTIVE
            )
            .select_related("person")
            .order_by("pk")[:6]
        )
        for membership in members:
            social.sign_up_create(
                actor=coordinator, occurrence=occurrence, membership=membership
            )
        watering = services.task_add(
            actor=joan,
            project=garden,
            title="Water the beds in the summer holidays",
            description="Twice a week from late July to early September.",
            people_needed=4,
        )
        services.task_take_on(actor=sam, task=watering)
        services.task_add(
            actor=joan,
            project=garden,
            title="Put a poster up in your shop or block",
            people_needed=10,
        )
        services.update_post(
            actor=joan,
            project=garden,
            words="Thank you to everyone who pledged. Our first work day is booked.",
        )

    with demo_step("the demo's finished pocket park"):
        park = _publish(
            officer,
            services.project_propose(
                actor=coordinator,
                locality=locality,
                answers=services.ProjectAnswers(
                    title="Wharf Road pocket park",
                    what="Benches, bulbs and a bird box on the corner by the river.",
                    why="Somewhere to sit on the walk to the shops.",
                    who_for="Older neighbours walking to the shops, and everyone.",
                    asset=verge,
                    organisation=orgs["community"],
                    target_pence=300_000,
                    funding_model=Project.FundingModel.ALL_OR_NOTHING,
                    deadline=today + timedelta(days=20),
                    permissions_needed="The licence the Friends hold.",
                    cost_items=[services.CostLine("Two benches", 300_000, "Parkware")],
                ),
            ),
        )
        _pledge(park, officer, services.PledgeAnswers("money", 150_000), fund=chest)
        _pledge(
            park,
            coordinator,
            services.PledgeAnswers("materials", 150_000, description="Two benches"),
            organisation=orgs["private"],
            on_paper=True,
        )
        for person, minutes, days_ago in ((joan, 180, 30), (sam, 240, 30)):
            services.hours_record(
                actor=coordinator,
                project=park,
                person=person,
                given_on=today - timedelta(days=days_ago),
                minutes=minutes,
                on_paper=True,
            )
        services.project_done(
            actor=coordinator,
            project=park,
            story=(
                "Twelve neighbours spent two Saturdays clearing the corner, "
                "planting 400 bulbs and putting in two benches. The primary "
                "school made the bird box. People stop and talk there now."
            ),
            people_served=250,
            done_on=today - timedelta(days=3),
            before=services.PhotoUpload(
                _photo("before.jpg", (110, 90, 60), "Before"), "The bare corner"
            ),
            after=services.PhotoUpload(
                _photo("after.jpg", (60, 140, 60), "After"),
                "Benches among the daffodils",
            ),
        )

    with demo_step("the demo's project waiting for a check"):
        cafe = services.project_propose(
            actor=sam,
            locality=locality,
            answers=services.ProjectAnswers(
                title="Pavilion repair café",
                what="A monthly repair café in the pavilion meeting room.",
                why="Mend things instead of throwing them away.",
                who_for="Anyone with something broken.",
                where="Pavilion meeting room",
                target_pence=80_000,
                funding_model=Project.FundingModel.KEEP,
                deadline=today + timedelta(days=45),
                cost_items=[services.CostLine("Tools", 80_000, "Toolstation")],
            ),
        )
        services.quote_add(
            actor=sam,
            project=cafe,
            upload=_photo("tools-quote.jpg", (235, 235, 225), "Toolstation: tools 800"),
            description="A photo of Toolstation's paper quote for the tools",
        )


def _publish(officer: User, project: Project) -> Project:
    return services.project_check(
        actor=officer,
        project=project,
        quotes_checked=True,
        owner_permission=True,
        safeguarding_checked=True,
        insurance_checked=True,
        publish=True,
        reason="",
    )


def _pledge(
    project: Project,
    actor: User,
    answers: services.PledgeAnswers,
    *,
    fund: Fund | None = None,
    organisation: Organisation | None = None,
    on_paper: bool = False,
) -> None:
    services.pledge_make(
        actor=actor,
        project=project,
        answers=answers,
        fund=fund,
        organisation=organisation,
        on_paper=on_paper,
    )
