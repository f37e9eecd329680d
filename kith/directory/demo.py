"""The demo locality's directory: about 60 services from 20 organisations
of every sector, with places, times, costs and contacts.

Most are published (checked at different times; one not for over a year);
the demo organisation editor, Ade Mensah of Riverside Age Concern, has a new
service waiting for a check, changes to a published one waiting, and one
sent back. The coordinator has pointed the demo member to a lunch club.

Everything goes through the services, so it is what the application would
make; a refusal stops the whole demo (kith/core/demo.py).
"""

import random
from datetime import time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from kith.accounts.models import Role, RoleAssignment, User
from kith.core.demo import DemoLoadError, demo_step
from kith.directory import services
from kith.directory.models import Service
from kith.members.models import Membership
from kith.places.models import Locality, Postcode, Ward

EDITOR_EMAIL = "editor@riverside.example"

# (name, sector, description, place (name, address) or None, step free,
#  phone, services)
# each service: (name, description, terms, days, opens, closes, cost, access,
#  extra) with cost "free", ("pounds", amount) or ("credits", amount)
ORGANISATIONS: list[tuple[Any, ...]] = [
    (
        "Riverside Age Concern",
        "voluntary",
        "A local charity for older people: lunch clubs, advice and company.",
        ("Age Concern Centre", "18 Mill Lane"),
        True,
        "020 7946 0501",
        [
            (
                "Tuesday lunch club",
                "A hot two-course lunch and a chat. Transport can be arranged.",
                ["lunch-clubs", "food"],
                "TU",
                12,
                14,
                ("pounds", "4.50"),
                ["drop_in", "phone"],
                {
                    "takes_referrals": True,
                    "referral_email": "referrals@ageconcern-riverside.example",
                },
            ),
            (
                "Befriending by phone",
                "A volunteer phones you for a chat once a week.",
                ["befriending"],
                "MO,WE,FR",
                10,
                16,
                "free",
                ["phone", "referral"],
                {
                    "takes_referrals": True,
                    "referral_email": "befriending@ageconcern-riverside.example",
                },
            ),
            (
                "Benefits check",
                "We check you get all you are entitled to, and help with the forms.",
                ["money-advice"],
                "TH",
                10,
                13,
                "free",
                ["phone"],
                {},
            ),
            (
                "Memory café",
                "A relaxed afternoon for people living with dementia and their carers.",
                ["memory", "carers"],
                "WE",
                14,
                16,
                "free",
                ["drop_in"],
                {},
            ),
        ],
    ),
    (
        "Riverside Borough Council: Adult Social Care",
        "public",
        "The council's help for adults who need care and support.",
        ("Town Hall", "1 Market Street"),
        True,
        "020 7946 0600",
        [
            (
                "Care needs assessment",
                "A social worker talks with you about what help you need at home.",
                ["personal-care"],
                "MO,TU,WE,TH,FR",
                9,
                17,
                "free",
                ["phone", "referral"],
                {
                    "takes_referrals": True,
                    "referral_email": "asc@riverside-council.example",
                },
            ),
            (
                "Blue Badge applications",
                "Help applying for a disabled parking badge.",
                ["council", "transport"],
                "MO,TU,WE,TH,FR",
                9,
                17,
                ("pounds", "10.00"),
                ["online", "phone"],
                {},
            ),
            (
                "Carers' assessment",
                "Support and breaks for people who look after someone.",
                ["carers"],
                "MO,TU,WE,TH,FR",
                9,
                17,
                "free",
                ["phone"],
                {},
            ),
            (
                "Council Tax Support",
                "Help paying Council Tax if you are on a low income.",
                ["council", "money-advice"],
                "MO,TU,WE,TH,FR",
                9,
                17,
                "free",
                ["online", "phone"],
                {},
            ),
            (
                "Bulky waste collection",
                "Large items collected from your home.",
                ["council"],
                "MO,TU,WE,TH,FR",
                8,
                16,
                ("pounds", "25.00"),
                ["online", "phone"],
                {},
            ),
            (
                "Community alarms",
                "A pendant alarm that calls for help if you fall.",
                ["equipment", "home-safety"],
                "MO,TU,WE,TH,FR",
                9,
                17,
                ("pounds", "4.20"),
                ["phone"],
                {},
            ),
        ],
    ),
    (
        "Riverside Library",
        "public",
        "Books, computers, classes and warm space for everyone.",
        ("Riverside Library", "40 High Street"),
        True,
        "020 7946 0610",
        [
            (
                "Computer class for beginners",
                "Learn to use email, video calls and the internet, at your own pace.",
                ["digital-help", "learning"],
                "TH",
                10,
                12,
                "free",
                ["drop_in"],
                {},
            ),
            (
                "Books at home",
                "Library books brought to your door if you cannot get out.",
                ["learning"],
                "MO",
                10,
                15,
                "free",
                ["phone"],
                {},
            ),
            (
                "Family history help",
                "Trace your family tree with a volunteer.",
                ["learning"],
                "TU",
                14,
                16,
                "free",
                ["drop_in"],
                {},
            ),
            (
                "Warm space",
                "Come in, keep warm, have a hot drink and read the papers.",
                ["energy", "social-groups"],
                "MO,TU,WE,TH,FR,SA",
                9,
                17,
                "free",
                ["drop_in"],
                {},
            ),
            (
                "Reading group",
                "A friendly group reading a book a month.",
                ["learning", "arts-culture"],
                "WE",
                18,
                19,
                "free",
                ["drop_in"],
                {"freq": "MONTHLY"},
            ),
        ],
    ),
    (
        "Mill Green Community Centre",
        "community",
        "A community centre run by local people.",
        ("Mill Green Community Centre", "5 Green Road"),
        True,
        "020 7946 0620",
        [
            (
                "Chair exercise",
                "Gentle exercise sitting down, to music.",
                ["exercise"],
                "MO",
                11,
                12,
                ("pounds", "2.00"),
                ["drop_in"],
                {},
            ),
            (
                "Coffee morning",
                "Tea, coffee and a chat.",
                ["social-groups"],
                "SA",
                10,
                12,
                "free",
                ["drop_in"],
                {},
            ),
            (
                "Tai chi",
                "Slow, gentle movement for balance.",
                ["exercise", "health"],
                "WE",
                10,
                11,
                ("pounds", "3.00"),
                ["drop_in"],
                {},
            ),
            (
                "Friday lunch",
                "Home-cooked lunch made by volunteers.",
                ["lunch-clubs", "food"],
                "FR",
                12,
                14,
                ("pounds", "3.00"),
                ["drop_in"],
                {},
            ),
            (
                "Bingo afternoon",
                "Bingo, tea and cake.",
                ["social-groups"],
                "TH",
                14,
                16,
                ("pounds", "1.50"),
                ["drop_in"],
                {},
            ),
        ],
    ),
    (
        "Riverside Food Bank",
        "voluntary",
        "Emergency food for people in crisis, with a referral.",
        ("St Anne's Church Hall", "2 Church Walk"),
        True,
        "020 7946 0630",
        [
            (
                "Food parcels",
                "Three days of food. Bring your voucher from a referral agency.",
                ["food"],
                "TU,FR",
                10,
                13,
                "free",
                ["referral"],
                {
                    "takes_referrals": True,
                    "referral_email": "vouchers@riverside-foodbank.example",
                },
            ),
            (
                "Food delivery for people who cannot come",
                "Parcels delivered by volunteers.",
                ["food"],
                "WE",
                10,
                14,
                "free",
                ["referral", "phone"],
                {
                    "takes_referrals": True,
                    "referral_email": "vouchers@riverside-foodbank.example",
                },
            ),
        ],
    ),
    (
        "Riverside Handyman Ltd",
        "private",
        "Small repairs by a local firm, with a discount for pensioners.",
        None,
        False,
        "020 7946 0640",
        [
            (
                "Small repairs at home",
                "Shelves, curtain rails, taps and door handles. 10% off for over-65s.",
                ["home-repairs"],
                "MO,TU,WE,TH,FR",
                8,
                17,
                ("pounds", "35.00"),
                ["phone"],
                {},
            ),
            (
                "Key safe fitting",
                "A key safe fitted by your door so carers can get in.",
                ["home-safety"],
                "MO,TU,WE,TH,FR",
                8,
                17,
                ("pounds", "60.00"),
                ["phone"],
                {},
            ),
        ],
    ),
    (
        "St Mary's Church",
        "faith",
        "The parish church, open to all.",
        ("St Mary's Church Hall", "12 Church Street"),
        True,
        "020 7946 0650",
        [
            (
                "Sunday service",
                "A traditional service with hymns, followed by coffee.",
                ["faith-groups"],
                "SU",
                10,
                11,
                "free",
                ["drop_in"],
                {},
            ),
            (
                "Tea and toast",
                "A warm welcome, hot drinks and toast.",
                ["social-groups", "food"],
                "WE",
                10,
                12,
                "free",
                ["drop_in"],
                {},
            ),
            (
                "Bereavement group",
                "Meet others who have lost someone close.",
                ["bereavement"],
                "TU",
                14,
                16,
                "free",
                ["drop_in", "phone"],
                {"freq": "MONTHLY"},
            ),
        ],
    ),
    (
        "Riverside Mosque",
        "faith",
        "A mosque and community centre.",
        ("Riverside Mosque", "77 Station Road"),
        False,
        "020 7946 0660",
        [
            (
                "Friday prayers",
                "Congregational prayers.",
                ["faith-groups"],
                "FR",
                13,
                14,
                "free",
                ["drop_in"],
                {},
            ),
            (
                "Community kitchen",
                "Hot meals for anyone who needs one.",
                ["food", "lunch-clubs"],
                "SA",
                12,
                15,
                "free",
                ["drop_in"],
                {"languages": ["en", "ur", "bn", "ar"]},
            ),
            (
                "English classes",
                "English for speakers of other languages.",
                ["learning"],
                "SU",
                11,
                13,
                "free",
                ["drop_in"],
                {"languages": ["en", "ur", "bn"]},
            ),
        ],
    ),
    (
        "Riverside Community Transport",
        "social_enterprise",
        "Accessible minibuses and volunteer drivers.",
        None,
        False,
        "020 7946 0670",
        [
            (
                "Dial-a-ride",
                "A door-to-door minibus for people who cannot use buses.",
                ["transport"],
                "MO,TU,WE,TH,FR",
                8,
                18,
                ("pounds", "2.50"),
                ["phone"],
                {},
            ),
            (
                "Hospital car scheme",
                "A volunteer driver takes you to hospital appointments.",
                ["transport", "health"],
                "MO,TU,WE,TH,FR",
                8,
                18,
                ("pounds", "5.00"),
                ["phone", "referral"],
                {
                    "takes_referrals": True,
                    "referral_email": "bookings@riverside-transport.example",
                },
            ),
            (
                "Shopping bus",
                "A weekly trip to the supermarket, with help with bags.",
                ["transport", "food"],
                "TH",
                10,
                13,
                ("credits", "1"),
                ["phone"],
                {},
            ),
        ],
    ),
    (
        "Riverside Citizens Advice",
        "voluntary",
        "Free, confidential advice on money, housing, work and law.",
        ("Advice Centre", "9 Market Street"),
        True,
        "020 7946 0680",
        [
            (
                "Debt advice",
                "Help with debts and bills, and talking to the people you owe.",
                ["money-advice"],
                "MO,WE",
                10,
                16,
                "free",
                ["drop_in", "phone"],
                {
                    "takes_referrals": True,
                    "referral_email": "referrals@ca-riverside.example",
                },
            ),
            (
                "Housing advice",
                "Help with renting, repairs and eviction.",
                ["housing", "legal-advice"],
                "TU",
                10,
                16,
                "free",
                ["phone"],
                {},
            ),
            (
                "Energy bills help",
                "Help cutting your energy bills and getting grants.",
                ["energy", "money-advice"],
                "TH",
                10,
                13,
                "free",
                ["drop_in"],
                {},
            ),
            (
                "Pension Credit help",
                "We help you claim Pension Credit.",
                ["money-advice"],
                "FR",
                10,
                13,
                "free",
                ["phone"],
                {},
            ),
        ],
    ),
    (
        "Wharfside Walking Group",
        "community",
        "Friendly walks for all abilities.",
        ("Wharfside Park gates", "Wharf Road"),
        False,
        "",
        [
            (
                "Health walk",
                "An easy walk of about 30 minutes, led by a trained walk leader.",
                ["exercise", "health"],
                "TU",
                10,
                11,
                "free",
                ["drop_in"],
                {},
            ),
            (
                "Longer Saturday walk",
                "About five miles, with a café stop.",
                ["exercise"],
                "SA",
                10,
                14,
                "free",
                ["drop_in"],
                {"freq": "MONTHLY"},
            ),
        ],
    ),
    (
        "Riverside Carers Centre",
        "voluntary",
        "Support for people who look after a relative or friend.",
        ("Carers Centre", "22 Old Town Road"),
        True,
        "020 7946 0690",
        [
            (
                "Carers' café",
                "A break and a chat with other carers.",
                ["carers"],
                "WE",
                10,
                12,
                "free",
                ["drop_in"],
                {},
            ),
            (
                "Sitting service",
                "A volunteer stays with the person you care for while you go out.",
                ["carers", "befriending"],
                "MO,TU,WE,TH,FR",
                9,
                17,
                "free",
                ["phone", "referral"],
                {
                    "takes_referrals": True,
                    "referral_email": "sitting@riverside-carers.example",
                },
            ),
        ],
    ),
    (
        "Old Town Medical Practice",
        "public",
        "A GP surgery.",
        ("Old Town Medical Practice", "4 Surgery Lane"),
        True,
        "020 7946 0700",
        [
            (
                "Flu jabs for over-65s",
                "Free flu vaccination. Book or come to a walk-in session.",
                ["health"],
                "SA",
                9,
                12,
                "free",
                ["drop_in", "phone"],
                {},
            ),
            (
                "Social prescribing",
                "A link worker helps you find local groups and support.",
                ["health", "mental-health"],
                "MO,TU,WE,TH,FR",
                9,
                17,
                "free",
                ["referral"],
                {
                    "takes_referrals": True,
                    "referral_email": "linkworker@oldtown-gp.example",
                },
            ),
        ],
    ),
    (
        "Riverside Mind",
        "voluntary",
        "Support for mental health and wellbeing.",
        ("Wellbeing Hub", "31 High Street"),
        True,
        "020 7946 0710",
        [
            (
                "Talking group",
                "A safe place to talk about how you feel.",
                ["mental-health"],
                "TH",
                18,
                20,
                "free",
                ["drop_in"],
                {},
            ),
            (
                "Wellbeing phone line",
                "Someone to talk to when things are hard.",
                ["mental-health"],
                "MO,TU,WE,TH,FR,SA,SU",
                17,
                23,
                "free",
                ["phone"],
                {},
            ),
        ],
    ),
    (
        "Green Fingers Riverside",
        "social_enterprise",
        "Gardening help and a community garden.",
        ("Community Garden", "Allotment Lane"),
        False,
        "020 7946 0720",
        [
            (
                "Garden tidy-up",
                "A team tidies your garden: mowing, weeding and pruning.",
                ["gardening"],
                "TU,WE,TH",
                9,
                15,
                ("pounds", "15.00"),
                ["phone"],
                {},
            ),
            (
                "Community garden mornings",
                "Grow vegetables together. Tools and tea provided.",
                ["gardening", "volunteering"],
                "SA",
                10,
                12,
                "free",
                ["drop_in"],
                {},
            ),
            (
                "Allotment taster",
                "Try growing your own on a shared plot.",
                ["gardening"],
                "SU",
                10,
                12,
                "free",
                ["drop_in"],
                {"freq": "MONTHLY"},
            ),
        ],
    ),
    (
        "Riverside Sight Loss Group",
        "community",
        "A group run by and for people with sight loss.",
        ("Age Concern Centre", "18 Mill Lane"),
        True,
        "020 7946 0730",
        [
            (
                "Monthly meeting",
                "News, talks and company.",
                ["sight-hearing", "social-groups"],
                "MO",
                14,
                16,
                "free",
                ["drop_in"],
                {"freq": "MONTHLY"},
            ),
            (
                "Talking newspaper",
                "Local news on a memory stick, posted free.",
                ["sight-hearing"],
                "MO,TU,WE,TH,FR",
                9,
                17,
                "free",
                ["phone"],
                {},
            ),
        ],
    ),
    (
        "Riverside Men's Shed",
        "community",
        "A workshop where men (and women) make, mend and chat.",
        ("The Shed", "Unit 3, Canal Yard"),
        False,
        "",
        [
            (
                "Shed sessions",
                "Woodwork, repairs and a cuppa. No experience needed.",
                ["social-groups", "learning"],
                "TU,TH",
                10,
                15,
                ("pounds", "2.00"),
                ["drop_in"],
                {},
            ),
        ],
    ),
    (
        "Riverside Arts Centre",
        "voluntary",
        "Films, music and classes.",
        ("Arts Centre", "10 Theatre Street"),
        True,
        "020 7946 0740",
        [
            (
                "Silver screen",
                "Afternoon films for older people, with tea.",
                ["arts-culture", "social-groups"],
                "WE",
                14,
                16,
                ("pounds", "3.00"),
                ["drop_in"],
                {},
            ),
            (
                "Singing for the brain",
                "Singing for people with memory problems and their carers.",
                ["memory", "arts-culture"],
                "FR",
                11,
                12,
                "free",
                ["drop_in"],
                {},
            ),
            (
                "Painting class",
                "Watercolours for beginners.",
                ["arts-culture", "learning"],
                "MO",
                10,
                12,
                ("credits", "2"),
                ["drop_in"],
                {},
            ),
            (
                "Community choir",
                "Sing together. No auditions.",
                ["arts-culture", "social-groups"],
                "TU",
                19,
                21,
                ("pounds", "2.00"),
                ["drop_in"],
                {},
            ),
        ],
    ),
    (
        "Safer Riverside Partnership",
        "public",
        "Police, fire service and council working together.",
        None,
        False,
        "020 7946 0750",
        [
            (
                "Home fire safety visit",
                "A free visit to check smoke alarms and fire risks.",
                ["home-safety"],
                "MO,TU,WE,TH,FR",
                9,
                17,
                "free",
                ["phone", "referral"],
                {
                    "takes_referrals": True,
                    "referral_email": "hfsv@riverside-fire.example",
                },
            ),
            (
                "Scam advice",
                "Help if you think you have been targeted by a scam.",
                ["safety-abuse", "money-advice"],
                "MO,TU,WE,TH,FR",
                9,
                17,
                "free",
                ["phone"],
                {},
            ),
        ],
    ),
    (
        "Paws Riverside",
        "voluntary",
        "Help for older people to keep their pets.",
        None,
        False,
        "020 7946 0760",
        [
            (
                "Dog walking",
                "A volunteer walks your dog if you cannot.",
                ["pets"],
                "MO,TU,WE,TH,FR,SA,SU",
                8,
                18,
                "free",
                ["phone"],
                {},
            ),
            (
                "Vet trips",
                "A volunteer takes you and your pet to the vet.",
                ["pets", "transport"],
                "MO,TU,WE,TH,FR",
                9,
                17,
                "free",
                ["phone"],
                {},
            ),
        ],
    ),
]


def _user(locality: Locality, role: str) -> User:
    user_id = (
        RoleAssignment.objects.filter(locality=locality, role=role)
        .order_by("pk")
        .values_list("user_id", flat=True)
        .first()
    )
    if user_id is None:
        raise DemoLoadError("the demo's directory", f"there is no {role}")
    return User.objects.get(pk=user_id)


def _postcodes(locality: Locality) -> list[str]:
    codes = list(
        Ward.objects.filter(locality=locality).values_list("ons_code", flat=True)
    )
    found = list(
        Postcode.objects.filter(ward_code__in=codes)
        .order_by("postcode")
        .values_list("postcode", flat=True)
    )
    if not found:
        raise DemoLoadError("the demo's directory", "the demo has no postcodes")
    return found


def _cost(cost: Any) -> dict[str, Any]:
    if cost == "free":
        return {"kind": "free"}
    kind, amount = cost
    return {"kind": kind, "amount": Decimal(amount)}


def demo_load(*, locality: Locality, rng: random.Random) -> None:
    coordinator = _user(locality, Role.COORDINATOR)
    editor = User.objects.filter(email=EDITOR_EMAIL).first()
    if editor is None:
        raise DemoLoadError("the demo's directory", "there is no organisation editor")
    with demo_step("the directory's categories"):
        taxonomy = services.taxonomy_default_create(locality=locality, actor=None)
    terms = {t.code: t for t in taxonomy.terms.all()}
    postcodes = _postcodes(locality)
    now = timezone.now()
    made: dict[str, Service] = {}
    for index, (name, sector, about, place, step_free, phone, offered) in enumerate(
        ORGANISATIONS
    ):
        # The demo editor keeps the first organisation; the coordinator
        # entered the others for their organisations.
        actor = editor if index == 0 else coordinator
        with demo_step(f"the organisation {name}"):
            organisation = services.organisation_create(
                actor=actor,
                locality=locality,
                name=name,
                sector=sector,
                description=about,
                phone=phone,
                email=f"hello@{name.split()[0].lower()}{index}.example",
            )
            location = None
            if place is not None:
                location = services.location_save(
                    actor=actor,
                    organisation=organisation,
                    name=place[0],
                    address_1=place[1],
                    city="Riverside",
                    postcode=rng.choice(postcodes),
                    step_free=step_free,
                    accessible_toilet=step_free,
                    seating=True,
                    hearing_loop=step_free and index % 2 == 0,
                )
        for n, (
            title,
            words,
            codes,
            days,
            opens,
            closes,
            cost,
            access,
            extra,
        ) in enumerate(offered):
            extra = dict(extra)
            freq = extra.pop("freq", "WEEKLY")
            languages = extra.pop("languages", ["en"])
            with demo_step(f"the service {title}"):
                service = services.service_create(
                    actor=actor,
                    organisation=organisation,
                    name=title,
                    description=words,
                    how_to_access=access,
                    terms=[terms[c] for c in codes],
                    languages=languages,
                    minimum_age=50 if "older" in about and n == 0 else None,
                    eligibility_description=(
                        "People over 50 living in Riverside." if index == 0 else ""
                    ),
                    **extra,
                )
                if location is not None:
                    services.service_location_add(
                        actor=actor, service=service, location=location
                    )
                services.schedule_save(
                    actor=actor,
                    service=service,
                    byday=days.split(","),
                    opens_at=time(opens),
                    closes_at=time(closes),
                    freq=freq,
                )
                services.cost_option_save(actor=actor, service=service, **_cost(cost))
                if phone:
                    services.phone_save(
                        actor=actor, service=service, number=phone, description=""
                    )
                if n == 0:
                    services.contact_save(
                        actor=actor,
                        service=service,
                        name=rng.choice(
                            ["Sue Patel", "Mo Ahmed", "Kate O'Neill", "Raj Singh"]
                        ),
                        title="Service lead",
                        email=f"lead{index}@example.org",
                    )
                services.service_submit(actor=actor, service=service)
                service = services.service_publish(actor=coordinator, service=service)
            made[title] = service
            # Checked at different times over the past year, as a real
            # directory is.
            Service.objects.filter(pk=service.pk).update(
                last_checked_at=now - timedelta(days=rng.randint(5, 330))
            )
    _editor_journey(locality, editor, coordinator, made, terms)
    _signposting(locality, coordinator, made)
    stale = made["Reading group"]
    Service.objects.filter(pk=stale.pk).update(
        last_checked_at=now - timedelta(days=380)
    )


def _editor_journey(
    locality: Locality,
    editor: User,
    coordinator: User,
    made: dict[str, Service],
    terms: dict[str, Any],
) -> None:
    """What the demo editor finds: a new service waiting, changes to a
    published one waiting, and one sent back to fix."""
    organisation = made["Tuesday lunch club"].organisation
    with demo_step("the editor's new service"):
        new = services.service_create(
            actor=editor,
            organisation=organisation,
            name="Knit and natter at the centre",
            description="Bring your knitting, or learn. Wool and tea provided.",
            how_to_access=["drop_in"],
            terms=[terms["social-groups"]],
            languages=["en"],
        )
        services.schedule_save(
            actor=editor,
            service=new,
            byday=["TH"],
            opens_at=time(14),
            closes_at=time(16),
        )
        services.cost_option_save(actor=editor, service=new, kind="free")
        services.service_submit(actor=editor, service=new)
    with demo_step("the editor's changes to the lunch club"):
        copy = services.service_working_copy(
            actor=editor, service=made["Tuesday lunch club"]
        )
        services.service_update(
            actor=editor,
            service=copy,
            description=(
                "A hot two-course lunch and a chat, now with a vegetarian choice. "
                "Transport can be arranged."
            ),
        )
        services.service_submit(actor=editor, service=copy)
    with demo_step("the editor's service sent back"):
        back = services.service_create(
            actor=editor,
            organisation=organisation,
            name="Computer help at home",
            description="A volunteer helps with your phone or tablet.",
            how_to_access=["phone"],
            terms=[terms["digital-help"]],
            languages=["en"],
        )
        services.phone_save(actor=editor, service=back, number="020 7946 0501")
        services.service_submit(actor=editor, service=back)
        services.service_send_back(
            actor=coordinator,
            service=back,
            reason="Please say which days volunteers can come, and whether it is free.",
        )


def _signposting(
    locality: Locality, coordinator: User, made: dict[str, Service]
) -> None:
    joan = Membership.objects.filter(
        locality=locality, person__email="member@riverside.example"
    ).first()
    if joan is None:
        raise DemoLoadError("the demo's signposting", "there is no demo member")
    with demo_step("the demo member's signposting"):
        services.signposting_record(
            actor=coordinator,
            member=joan,
            service=made["Tuesday lunch club"],
            note="Joan would like company at lunchtime.",
        )
        services.signposting_record(
            actor=coordinator,
            member=joan,
            service=made["Computer class for beginners"],
            note="To learn video calls with her grandchildren.",
        )
