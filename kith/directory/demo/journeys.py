"""What the demo's people find in the directory beyond its entries: the
demo editor's new service waiting, changes waiting and one sent back; the
coordinator's signposting of the demo member."""

from datetime import time
from typing import Any

from kith.accounts.models import User
from kith.core.demo import DemoLoadError, demo_step
from kith.directory import services
from kith.directory.models import Service
from kith.members.models import Membership
from kith.places.models import Locality


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
