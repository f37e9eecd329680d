"""Introductions between members, and the activities they go to and host."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kith.core.models import TimeStampedModel
from kith.core.times import when_text
from kith.places.models import Locality, Ward

#: The times of the week a member may say they are free: day and part of day.
DAYS = [
    ("mon", _("Monday")),
    ("tue", _("Tuesday")),
    ("wed", _("Wednesday")),
    ("thu", _("Thursday")),
    ("fri", _("Friday")),
    ("sat", _("Saturday")),
    ("sun", _("Sunday")),
]
PARTS = [
    ("morning", _("morning")),
    ("afternoon", _("afternoon")),
    ("evening", _("evening")),
]
FREE_TIMES = [(f"{d}_{p}", f"{dl} {pl}") for d, dl in DAYS for p, pl in PARTS]


class SocialProfile(models.Model):
    """What introductions need to know about a member beyond their
    membership: the times of the week they are usually free."""

    membership = models.OneToOneField(
        "members.Membership", on_delete=models.CASCADE, related_name="social_profile"
    )
    free_times = models.JSONField(_("usually free"), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Social profile of {self.membership_id}"


class Introduction(TimeStampedModel):
    """A suggestion that two members might get on, and what came of it.

    suggested → asked (a coordinator asked both) → agreed (both said yes: first
    names and contact details shared, or a first meeting arranged); or closed
    (either said no or stopped, or a coordinator set it aside). Nobody is told
    why an introduction closed; ``closed_reason`` is for coordinators only.
    ``first`` always has the smaller membership id, so a pair is stored once.
    """

    class Status(models.TextChoices):
        SUGGESTED = "suggested", _("Suggested")
        ASKED = "asked", _("Asked")
        AGREED = "agreed", _("Agreed")
        CLOSED = "closed", _("Not going ahead")

    class Answer(models.TextChoices):
        WAITING = "", _("Not answered yet")
        YES = "yes", _("Yes")
        NO = "no", _("No")

    class ShareHow(models.TextChoices):
        CONTACT = "contact", _("Share first names and contact details")
        MEETING = "meeting", _("Arrange a first meeting")

    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="+")
    first = models.ForeignKey(
        "members.Membership", on_delete=models.CASCADE, related_name="+"
    )
    second = models.ForeignKey(
        "members.Membership", on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.SUGGESTED
    )
    score = models.FloatField(default=0)
    reasons = models.JSONField(default=list, blank=True)
    share_how = models.CharField(
        max_length=10, choices=ShareHow.choices, default=ShareHow.CONTACT
    )
    first_answer = models.CharField(
        max_length=3, choices=Answer.choices, default=Answer.WAITING, blank=True
    )
    second_answer = models.CharField(
        max_length=3, choices=Answer.choices, default=Answer.WAITING, blank=True
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    asked_at = models.DateTimeField(null=True, blank=True)
    agreed_at = models.DateTimeField(null=True, blank=True)
    meeting_at = models.DateTimeField(_("when"), null=True, blank=True)
    meeting_place = models.CharField(_("where"), max_length=200, blank=True)
    helper_present = models.BooleanField(_("a helper will be there"), default=False)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.CharField(max_length=300, blank=True)
    follow_up_asked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["first", "second"], name="introduction_pair_once"
            ),
            models.CheckConstraint(
                condition=Q(first__lt=models.F("second")),
                name="introduction_pair_ordered",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["suggested", "asked", "agreed", "closed"]),
                name="introduction_known_status",
            ),
        ]
        indexes = [models.Index(fields=["locality", "status", "-score"])]

    def __str__(self) -> str:
        return f"Introduction {self.pk} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("social:introduction", args=[self.pk])

    def side_of(self, membership_id: int) -> str | None:
        """``first`` or ``second``: which side ``membership_id`` is on."""
        if membership_id == self.first_id:
            return "first"
        if membership_id == self.second_id:
            return "second"
        return None

    def answer_of(self, membership_id: int) -> str:
        side = self.side_of(membership_id)
        return getattr(self, f"{side}_answer") if side else ""


class FollowUp(models.Model):
    """A member's answer, a few weeks after an introduction: did they meet,
    and would they meet again. A meeting counts as a connection."""

    class Again(models.TextChoices):
        YES = "yes", _("Yes")
        NO = "no", _("No")
        NOT_SURE = "not_sure", _("Not sure")

    introduction = models.ForeignKey(
        Introduction, on_delete=models.CASCADE, related_name="follow_ups"
    )
    membership = models.ForeignKey(
        "members.Membership", on_delete=models.CASCADE, related_name="+"
    )
    met = models.BooleanField(_("did they meet"))
    meet_again = models.CharField(
        _("would they meet again"), max_length=10, choices=Again.choices
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["introduction", "membership"], name="follow_up_once"
            )
        ]

    def __str__(self) -> str:
        return f"Follow-up of introduction {self.introduction_id}"


class Venue(TimeStampedModel):
    """A place activities happen, with what it offers for access."""

    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name of the place"), max_length=120)
    address = models.CharField(_("address"), max_length=300)
    postcode = models.CharField(_("postcode"), max_length=8, blank=True)
    ward = models.ForeignKey(
        Ward, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    step_free = models.BooleanField(_("step-free access"), default=False)
    accessible_toilet = models.BooleanField(_("accessible toilet"), default=False)
    hearing_loop = models.BooleanField(_("hearing loop"), default=False)
    seating = models.BooleanField(_("seating for everyone"), default=False)
    parking = models.BooleanField(_("parking nearby"), default=False)
    quiet = models.BooleanField(_("quiet enough to talk"), default=False)
    bus_routes = models.CharField(
        _("buses that stop nearby"), max_length=120, blank=True
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["locality", "name"], name="venue_name_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    #: The accessibility features, in the order pages list them.
    FEATURES = (
        "step_free",
        "accessible_toilet",
        "hearing_loop",
        "seating",
        "parking",
        "quiet",
    )

    @property
    def features(self) -> list[str]:
        return [
            str(getattr(self._meta.get_field(name), "verbose_name", name))
            for name in self.FEATURES
            if getattr(self, name)
        ]


class Activity(TimeStampedModel):
    """Something members can go to: a coffee morning, a trip, a party.

    proposed → listed (approved by a coordinator, or at once when a
    coordinator or an organisation proposes it) or declined; listed →
    cancelled, which cancels every date to come.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Waiting for a coordinator")
        LISTED = "listed", _("Listed")
        DECLINED = "declined", _("Not listed")
        CANCELLED = "cancelled", _("Cancelled")

    class HostKind(models.TextChoices):
        MEMBER = "member", _("A member")
        HELPER = "helper", _("A Neighbourhood Helper")
        COORDINATOR = "coordinator", _("The circle")
        ORGANISATION = "organisation", _("An organisation")

    class Repeat(models.TextChoices):
        ONCE = "once", _("Just once")
        WEEKLY = "weekly", _("Every week")
        FORTNIGHTLY = "fortnightly", _("Every two weeks")

    class Cost(models.TextChoices):
        FREE = "free", _("Free")
        POUNDS = "pounds", _("Pounds")
        CREDITS = "credits", _("Credits")

    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("name of the activity"), max_length=120)
    description = models.TextField(_("what happens"))
    interest = models.ForeignKey(
        "members.Interest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    venue = models.ForeignKey(
        Venue, on_delete=models.PROTECT, related_name="activities"
    )
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    host_kind = models.CharField(max_length=12, choices=HostKind.choices)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    starts_on = models.DateField(_("first date"))
    start_time = models.TimeField(_("starts at"))
    minutes = models.PositiveSmallIntegerField(_("how long"))
    repeat = models.CharField(max_length=12, choices=Repeat.choices)
    repeat_count = models.PositiveSmallIntegerField(_("how many times"), default=1)
    cost = models.CharField(max_length=10, choices=Cost.choices, default=Cost.FREE)
    cost_pence = models.PositiveIntegerField(default=0)
    cost_credits = models.PositiveSmallIntegerField(default=0)
    places = models.PositiveSmallIntegerField(_("places"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True)
    submission_key = models.CharField(max_length=64, unique=True, null=True, blank=True)

    class Meta:
        ordering = ["starts_on", "start_time", "pk"]
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["locality", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(places__gte=1), name="activity_has_places"
            ),
            models.CheckConstraint(
                condition=Q(minutes__gte=15, minutes__lte=720),
                name="activity_length",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["proposed", "listed", "declined", "cancelled"]),
                name="activity_known_status",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("social:activity", args=[self.pk])

    @property
    def member_hosted(self) -> bool:
        return self.host_kind == self.HostKind.MEMBER


class Occurrence(models.Model):
    """One date of an activity: what people sign up for."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="occurrences"
    )
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    cancelled = models.BooleanField(default=False)
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "starts_at"], name="occurrence_once"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="occurrence_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity}, {when_text(self.starts_at, year=True)}"

    def get_absolute_url(self) -> str:
        return reverse("social:occurrence", args=[self.pk])


class SignUp(TimeStampedModel):
    """A person's place at one date of an activity, or their place in the
    queue for one. When a place frees up the first person waiting gets it."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("Has a place")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    occurrence = models.ForeignKey(
        Occurrence, on_delete=models.CASCADE, related_name="sign_ups"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices)
    waiting_since = models.DateTimeField(null=True, blank=True)
    signed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    needs_lift = models.BooleanField(_("needs a lift"), default=False)
    lift_request = models.ForeignKey(
        "help.HelpRequest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    attended = models.BooleanField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["occurrence", "person"],
                condition=Q(status__in=["booked", "waiting"]),
                name="sign_up_once",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["booked", "waiting", "cancelled"]),
                name="sign_up_known_status",
            ),
        ]
        indexes = [
            models.Index(fields=["occurrence", "status", "waiting_since"]),
            models.Index(fields=["person", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.person} for {self.occurrence} ({self.get_status_display()})"


class CalendarFeed(models.Model):
    """A person's private calendar address. Only a digest of its secret is
    kept: the address is shown once, when it is made, and can be replaced."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    locality = models.ForeignKey(Locality, on_delete=models.CASCADE, related_name="+")
    token_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Calendar feed of {self.person_id}"
