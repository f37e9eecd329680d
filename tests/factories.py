"""factory_boy factories: the one way tests build people, members, helpers,
help requests and visits.

Rows a test only needs to exist are made directly, with the fields the
services would set; states whose meaning lives in the services (vetting
checks, a visit's steps, settling credits) are reached through the services,
so a built row is what the app would make."""

from datetime import date, timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from kith.accounts.models import Role, RoleAssignment, User
from kith.places.models import Locality, Postcode, Ward


class LocalityFactory(DjangoModelFactory):
    class Meta:
        model = Locality
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Testford Circle {n}")
    slug = factory.Sequence(lambda n: f"testford-{n}")
    council_name = "Testford Borough Council"
    phone = "020 7946 0999"


class WardFactory(DjangoModelFactory):
    class Meta:
        model = Ward

    locality = factory.SubFactory(LocalityFactory)
    name = factory.Sequence(lambda n: f"Ward {n}")
    ons_code = factory.Sequence(lambda n: f"E0599{n:04d}")


class PostcodeFactory(DjangoModelFactory):
    class Meta:
        model = Postcode
        django_get_or_create = ["postcode"]

    postcode = factory.Sequence(lambda n: f"TF{n % 99 + 1} {n % 9 + 1}AB")
    latitude = 51.5
    longitude = -0.1
    ward_code = "E05990000"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    full_name = factory.Faker("name", locale="en_GB")
    email = factory.Sequence(lambda n: f"person{n}@example.com")
    mobile = None
    password = factory.PostGenerationMethodCall("set_password", "a-long-test-password")

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()


class RoleFactory(DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    locality = factory.SubFactory(LocalityFactory)
    role = Role.MEMBER


def person_with_role(role: str, locality: Locality, **fields) -> User:
    user = UserFactory(**fields)
    RoleAssignment.objects.create(user=user, locality=locality, role=role)
    return user


def coordinator_of(locality: Locality) -> User:
    """The locality's first coordinator, or a new one: the actor for the
    services a factory runs (approving a helper, offering a visit)."""
    found = (
        RoleAssignment.objects.filter(locality=locality, role=Role.COORDINATOR)
        .order_by("pk")
        .select_related("user")
        .first()
    )
    return found.user if found else person_with_role(Role.COORDINATOR, locality)


# --- members ------------------------------------------------------------


class MembershipPlanFactory(DjangoModelFactory):
    """A plan, shared by everyone in the locality who asks for the same name."""

    class Meta:
        model = "members.MembershipPlan"
        django_get_or_create = ["locality", "name"]

    locality = factory.SubFactory(LocalityFactory)
    name = "Full"
    yearly_fee_pence = 3000
    concession_fee_pence = 1000


class ConsentFactory(DjangoModelFactory):
    """A member's answer about introductions (or another kind of consent)."""

    class Meta:
        model = "members.Consent"

    kind = "introductions"
    given = True
    how = "phone"


class MembershipFactory(DjangoModelFactory):
    """A person's membership, as joining and activating would leave it:
    the person holds the member role in the locality.

    Traits: ``applied`` (asked to join, not yet started), ``active`` (the
    default), ``lapsed``, ``left``, ``on_concession``, and
    ``consents_to_introductions``. Pass ``introductions=True/False`` to record
    the introductions consent either way, ``interests=[names]`` to choose
    interests."""

    class Meta:
        model = "members.Membership"
        skip_postgeneration_save = True

    class Params:
        applied = factory.Trait(status="applied", started_on=None, renews_on=None)
        active = factory.Trait(status="active")
        lapsed = factory.Trait(
            status="lapsed",
            started_on=factory.LazyFunction(
                lambda: timezone.localdate() - timedelta(days=400)
            ),
            renews_on=factory.LazyFunction(
                lambda: timezone.localdate() - timedelta(days=35)
            ),
        )
        left = factory.Trait(
            status="left",
            left_on=factory.LazyFunction(timezone.localdate),
            leaving_reason="Moved away",
        )
        on_concession = factory.Trait(concession=True)
        consents_to_introductions = factory.Trait(introductions=True)
        introductions = None

    person = factory.SubFactory(UserFactory)
    locality = factory.SubFactory(LocalityFactory)
    plan = factory.SubFactory(
        MembershipPlanFactory, locality=factory.SelfAttribute("..locality")
    )
    status = "active"
    joined_how = "phone"
    applied_on = factory.LazyFunction(timezone.localdate)
    started_on = factory.LazyFunction(timezone.localdate)
    renews_on = factory.LazyAttribute(
        lambda o: o.started_on and o.started_on + timedelta(days=365)
    )

    introductions_consent = factory.Maybe(
        factory.LazyAttribute(lambda o: o.introductions is not None),
        yes_declaration=factory.RelatedFactory(
            ConsentFactory,
            factory_related_name="membership",
            given=factory.SelfAttribute("..introductions"),
        ),
    )

    @factory.post_generation
    def member_role(self, create, extracted, **kwargs):
        if create and extracted is not False:
            RoleAssignment.objects.get_or_create(
                user=self.person, locality=self.locality, role=Role.MEMBER
            )

    @factory.post_generation
    def joining_credits(self, create, extracted, **kwargs):
        """``joining_credits=True`` issues the plan's joining credits through
        the credits service, as starting a membership does in the app."""
        if create and extracted:
            from kith.credits.services import joining_credits_grant

            joining_credits_grant(actor=None, membership=self)

    @factory.post_generation
    def interests(self, create, extracted, **kwargs):
        if create and extracted:
            from kith.members.models import Interest

            self.interests.set(
                [
                    Interest.objects.get_or_create(locality=self.locality, name=name)[0]
                    for name in extracted
                ]
            )


class SupporterLinkFactory(DjangoModelFactory):
    """A supporter's link to a member, as accepting an invitation leaves it:
    active, and the supporter holds the supporter role in the member's
    locality. By default the member allowed seeing visits and asking for
    help (the invitation form's defaults) but not seeing credits.

    Traits: ``invited`` (not yet accepted: no supporter, no role),
    ``ended``, ``declined``; and what the member allowed, each alone:
    ``ask_only``, ``visits_only``, ``credits_only``, ``notifications_only``,
    or ``everything``."""

    class Meta:
        model = "members.SupporterLink"
        skip_postgeneration_save = True

    class Params:
        invited = factory.Trait(status="invited", supporter=None, accepted_at=None)
        ended = factory.Trait(
            status="ended", ended_at=factory.LazyFunction(timezone.now)
        )
        declined = factory.Trait(status="declined")
        ask_only = factory.Trait(
            ask_for_help=True, share_visits=False, see_credits=False
        )
        visits_only = factory.Trait(
            ask_for_help=False, share_visits=True, see_credits=False
        )
        credits_only = factory.Trait(
            ask_for_help=False, share_visits=False, see_credits=True
        )
        notifications_only = factory.Trait(
            ask_for_help=False,
            share_visits=False,
            see_credits=False,
            get_notifications=True,
        )
        everything = factory.Trait(
            ask_for_help=True,
            share_visits=True,
            see_credits=True,
            get_notifications=True,
        )

    membership = factory.SubFactory(MembershipFactory)
    supporter = factory.SubFactory(UserFactory)
    name = factory.LazyAttribute(
        lambda o: o.supporter.full_name if o.supporter else "Sam Supporter"
    )
    relationship = "daughter"
    email = factory.LazyAttribute(
        lambda o: o.supporter.email if o.supporter and o.supporter.email else ""
    )
    status = "active"
    share_visits = True
    ask_for_help = True
    see_credits = False
    get_notifications = False
    consent_how = "online"
    accepted_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def supporter_role(self, create, extracted, **kwargs):
        if create and self.supporter_id and self.status == "active":
            RoleAssignment.objects.get_or_create(
                user=self.supporter,
                locality=self.membership.locality,
                role=Role.SUPPORTER,
            )


# --- helpers ------------------------------------------------------------


class HelperProfileFactory(DjangoModelFactory):
    """A person's helper record. The person holds the helper role.

    Traits: ``applied`` (the default, as an application leaves it),
    ``active`` (approved), ``paused`` and ``left`` (with a reason). Pass
    ``vetted_to=VettingLevel.X`` to record, through the vetting service, the
    checks that reach that level (two referees are added for the
    references); the level is then derived by the app, never typed in."""

    class Meta:
        model = "helpers.HelperProfile"
        skip_postgeneration_save = True

    class Params:
        applied = factory.Trait(status="applied")
        active = factory.Trait(
            status="active", approved_at=factory.LazyFunction(timezone.now)
        )
        paused = factory.Trait(
            status="paused",
            approved_at=factory.LazyFunction(timezone.now),
            status_reason="Away for a month",
        )
        left = factory.Trait(status="left", status_reason="Moved away")

    user = factory.SubFactory(UserFactory)
    locality = factory.SubFactory(LocalityFactory)
    status = "applied"
    date_of_birth = date(1980, 5, 17)
    pay_basis = "volunteer"
    right_to_work = True
    application_channel = "phone"
    travel_modes = factory.LazyFunction(lambda: ["walk", "public_transport"])

    @factory.post_generation
    def helper_role(self, create, extracted, **kwargs):
        if create and extracted is not False:
            RoleAssignment.objects.get_or_create(
                user=self.user, locality=self.locality, role=Role.HELPER
            )

    @factory.post_generation
    def vetted_to(self, create, extracted, **kwargs):
        if not (create and extracted):
            return
        from types import SimpleNamespace

        from kith.helpers.tests.factories import vet

        if not self.referees.exists():
            for letter in "AB":
                self.referees.create(
                    full_name=f"Referee {letter}{self.pk}",
                    relationship="Neighbour",
                    phone="02079460001",
                )
        actor = kwargs.get("by") or coordinator_of(self.locality)
        status, approved_at = self.status, self.approved_at
        vet(SimpleNamespace(coordinator=actor), self, extracted, on=kwargs.get("on"))
        if self.status != status:  # the first check moves an applicant to vetting
            type(self).objects.filter(pk=self.pk).update(
                status=status, approved_at=approved_at
            )
            self.refresh_from_db()


# --- help requests and visits ----------------------------------------------


def _window(days: int = 1):
    from kith.help.services import Window

    day = timezone.localdate() + timedelta(days=days)
    start = timezone.make_aware(
        timezone.datetime.combine(day, timezone.datetime.min.time())
    ).replace(hour=10)
    return Window(start, start.replace(hour=16))


class HelpRequestFactory(factory.Factory):
    """A member's help request, made through ``request_create`` (so the
    timeline and audit are what the app writes). Traits: ``open`` (the
    default) and ``cancelled`` (through ``request_cancel``)."""

    class Meta:
        model = "help.HelpRequest"

    class Params:
        cancelled = factory.Trait(cancel_reason="No longer needed")

    membership = factory.SubFactory(MembershipFactory)
    category = "Company"
    details = "A chat and a walk to the park"
    minutes = 60
    windows = factory.LazyFunction(lambda: [_window()])
    actor = None
    cancel_reason = None

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise NotImplementedError("help requests are only made through the services")

    @classmethod
    def _create(cls, model_class, *, membership, category, actor, cancel_reason, **kw):
        from kith.help import services
        from kith.help.models import HelpCategory

        if isinstance(category, str):
            services.categories_create_defaults(locality=membership.locality)
            category = HelpCategory.objects.get(
                locality=membership.locality, name=category
            )
        request = services.request_create(
            actor=actor or membership.person,
            membership=membership,
            category=category,
            **kw,
        )
        if cancel_reason:
            request = services.request_cancel(
                actor=actor or membership.person, request=request, reason=cancel_reason
            )
        return request


VISIT_STEPS = ("offered", "accepted", "confirmed", "done", "settled")


class VisitFactory(factory.Factory):
    """A visit taken through the services to the state asked for, so each
    step's timeline, audit, messages and (when settled) ledger entries are
    the app's own. Traits: ``offered`` (the default), ``accepted``,
    ``confirmed``, ``done``, ``settled``, ``declined`` and ``cancelled``
    (by the coordinator, after confirming). The helper defaults to an active
    helper vetted to the highest level; ``coordinator`` is the actor for
    offers, confirmations and settling."""

    class Meta:
        model = "help.Visit"

    class Params:
        offered = factory.Trait(state="offered")
        accepted = factory.Trait(state="accepted")
        confirmed = factory.Trait(state="confirmed")
        done = factory.Trait(state="done")
        settled = factory.Trait(state="settled")
        declined = factory.Trait(state="declined")
        cancelled = factory.Trait(state="cancelled")

    request = factory.SubFactory(HelpRequestFactory)
    helper = factory.LazyAttribute(
        lambda o: HelperProfileFactory(
            locality=o.request.locality, active=True, vetted_to="enhanced_barred"
        )
    )
    state = "offered"
    starts_at = None
    actual_minutes = None
    coordinator = None
    reason = "Something came up"

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise NotImplementedError("visits are only made through the services")

    @classmethod
    def _create(
        cls,
        model_class,
        *,
        request,
        helper,
        state,
        starts_at,
        actual_minutes,
        coordinator,
        reason,
    ):
        from kith.help import services

        actor = coordinator or coordinator_of(request.locality)
        visit = services.visit_offer(actor=actor, request=request, helper=helper)
        if state == "declined":
            return services.visit_decline(actor=helper.user, visit=visit, reason=reason)
        wanted = "confirmed" if state == "cancelled" else state
        if VISIT_STEPS.index(wanted) >= VISIT_STEPS.index("accepted"):
            start = starts_at or request.windows.first().starts_at + timedelta(hours=1)
            services.visit_accept(actor=helper.user, visit=visit, starts_at=start)
        if VISIT_STEPS.index(wanted) >= VISIT_STEPS.index("confirmed"):
            services.visit_confirm(actor=actor, visit=visit)
        visit.refresh_from_db()
        if state == "cancelled":
            return services.visit_cancel(actor=actor, visit=visit, reason=reason)
        if VISIT_STEPS.index(wanted) >= VISIT_STEPS.index("done"):
            # The visit's time has come: a visit can only be done once started.
            Visit = type(visit)
            Visit.objects.filter(pk=visit.pk).update(
                starts_at=timezone.now() - timedelta(minutes=visit.minutes)
            )
            visit.refresh_from_db()
            visit = services.visit_done(
                actor=helper.user,
                visit=visit,
                actual_minutes=actual_minutes or visit.minutes,
            )
        # Done settles the credits when the member has enough; otherwise the
        # visit stays done until a coordinator settles it.
        if wanted == "settled" and visit.status != "settled":
            visit = services.visit_settle(actor=actor, visit=visit)
        visit.refresh_from_db()
        return visit
