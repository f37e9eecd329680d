from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kith.accounts.search import person_tell_apart
from kith.core.models import TimeStampedModel
from kith.core.times import day_text
from kith.places.models import Locality, Ward


class MembershipPlan(TimeStampedModel):
    """What a member pays each year and who may join on it. Fees are in pence."""

    locality = models.ForeignKey(
        Locality, on_delete=models.PROTECT, related_name="plans"
    )
    name = models.CharField(_("name"), max_length=80)
    description = models.TextField(_("description"), blank=True)
    yearly_fee_pence = models.PositiveIntegerField(_("yearly fee (pence)"))
    concession_fee_pence = models.PositiveIntegerField(_("concession fee (pence)"))
    minimum_age = models.PositiveSmallIntegerField(_("minimum age"), default=50)
    joining_credits = models.PositiveSmallIntegerField(
        _("credits included on joining"), default=0
    )
    is_open = models.BooleanField(_("open to new members"), default=True)

    class Meta:
        ordering = ["locality", "yearly_fee_pence", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["locality", "name"], name="plan_name_unique"
            ),
            models.CheckConstraint(
                condition=Q(concession_fee_pence__lte=models.F("yearly_fee_pence")),
                name="plan_concession_not_above_fee",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def fee_for(self, *, concession: bool) -> int:
        return self.concession_fee_pence if concession else self.yearly_fee_pence


class Interest(models.Model):
    """One of the locality's list of interests (gardening, music, cards...)."""

    locality = models.ForeignKey(
        Locality, on_delete=models.PROTECT, related_name="interests"
    )
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["locality", "name"], name="interest_name_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class AccessNeed(models.TextChoices):
    HEARING = "hearing", _("Hearing")
    SIGHT = "sight", _("Sight")
    MOBILITY = "mobility", _("Mobility or getting about")
    MEMORY = "memory", _("Memory")
    OTHER = "other", _("Something else")


class Membership(TimeStampedModel):
    """A person's membership of one locality's circle, and what the circle
    needs to know about them.

    Status: ``applied`` (asked to join; a coordinator calls to welcome them
    and take the fee) → ``active`` → ``lapsed`` (the year ended without a
    renewal) → ``active`` again on renewal; ``left`` at any time.
    """

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        ACTIVE = "active", _("Active")
        LAPSED = "lapsed", _("Lapsed")
        LEFT = "left", _("Left")

    class JoinedHow(models.TextChoices):
        ONLINE = "online", _("Online")
        PHONE = "phone", _("By phone")
        IN_PERSON = "in_person", _("In person")

    class LeavingCredits(models.TextChoices):
        REFUND = "refund", _("Refund them")
        CIRCLE = "circle", _("Give them to the circle")
        MEMBER = "member", _("Give them to another member")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships"
    )
    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(
        MembershipPlan, on_delete=models.PROTECT, related_name="members"
    )
    concession = models.BooleanField(_("concession"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.APPLIED
    )
    joined_how = models.CharField(_("joined"), max_length=10, choices=JoinedHow.choices)
    joined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The coordinator who took the application, if not the member."),
    )
    applied_on = models.DateField(_("applied on"), default=timezone.localdate)
    started_on = models.DateField(_("member since"), null=True, blank=True)
    renews_on = models.DateField(_("renews on"), null=True, blank=True, db_index=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    leaving_credits = models.CharField(
        _("remaining credits"),
        max_length=10,
        choices=LeavingCredits.choices,
        blank=True,
    )
    leaving_credits_to = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    leaving_reason = models.TextField(_("why they left"), blank=True)

    ward = models.ForeignKey(
        Ward,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Where they live, from their postcode."),
    )
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    access_needs = models.JSONField(_("accessibility needs"), default=list, blank=True)
    access_needs_notes = models.TextField(_("more about their needs"), blank=True)
    interests = models.ManyToManyField(Interest, blank=True, related_name="members")
    own_interests = models.CharField(_("other interests"), max_length=300, blank=True)
    emergency_name = models.CharField(
        _("emergency contact"), max_length=150, blank=True
    )
    emergency_phone = models.CharField(
        _("their phone number"), max_length=20, blank=True
    )
    emergency_relationship = models.CharField(
        _("who they are to the member"), max_length=60, blank=True
    )

    class Meta:
        ordering = ["person__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "locality"],
                condition=~Q(status="left"),
                name="membership_one_current_per_locality",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["applied", "active", "lapsed", "left"]),
                name="membership_known_status",
            ),
        ]
        indexes = [models.Index(fields=["locality", "status"])]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("members:member", args=[self.pk])

    def age_on(self, day: date) -> int | None:
        if self.date_of_birth is None:
            return None
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def label(self) -> str:
        """The member's name with what tells them apart from another member
        of the same name (date of birth, postcode, phone), for choosers."""
        details = person_tell_apart(
            self.person, born=self.date_of_birth, today=timezone.localdate()
        )
        return (
            f"{self.person.full_name} ({details})" if details else self.person.full_name
        )

    @property
    def fee_pence(self) -> int:
        return self.plan.fee_for(concession=self.concession)


class Consent(models.Model):
    """One answer to one consent question, with when and how it was given.

    A change is a new row: the latest row of each kind is the member's
    current answer, and the older rows are the history.
    """

    class Kind(models.TextChoices):
        INTRODUCTIONS = "introductions", _("To be introduced to other members")
        PHOTOGRAPHS = "photographs", _("To be in photographs")
        SHARING = "sharing", _("To share details with a named service")

    class How(models.TextChoices):
        ONLINE = "online", _("Online")
        PHONE = "phone", _("On the phone")
        PAPER = "paper", _("On a paper form")
        IN_PERSON = "in_person", _("In person")

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="consents"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    service = models.CharField(
        _("named service"), max_length=150, blank=True, help_text=_("For sharing only.")
    )
    given = models.BooleanField()
    given_on = models.DateField(default=timezone.localdate)
    how = models.CharField(max_length=10, choices=How.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["membership", "kind", "-recorded_at"])]

    def __str__(self) -> str:
        answer = "yes" if self.given else "no"
        return f"{self.get_kind_display()}: {answer} ({self.given_on})"


class CoordinatorNote(models.Model):
    """A note about a member, seen only by coordinators."""

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Note by {self.author} on {day_text(self.created_at, weekday=False)}"


class FeePayment(models.Model):
    """A membership fee paid (or waived), recorded by a coordinator."""

    class Method(models.TextChoices):
        CASH = "cash", _("Cash")
        CHEQUE = "cheque", _("Cheque")
        CARD = "card", _("Card by phone")
        BANK = "bank", _("Bank transfer")
        WAIVED = "waived", _("Waived")

    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="payments"
    )
    amount_pence = models.PositiveIntegerField()
    method = models.CharField(max_length=10, choices=Method.choices)
    reference = models.CharField(max_length=100, blank=True)
    covers_from = models.DateField()
    covers_to = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-covers_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "covers_from"], name="fee_payment_once_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.amount_pence / 100:.2f} for {self.covers_from}–{self.covers_to}"


class RenewalReminder(models.Model):
    """Records that the renewal message for one year was queued, so running
    the reminder job twice sends nothing twice."""

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="+"
    )
    renews_on = models.DateField()
    queued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "renews_on"], name="renewal_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"Renewal reminder for {self.membership_id} ({self.renews_on})"


class SupporterLink(TimeStampedModel):
    """A relative or friend who supports a member, with the member's consent.

    ``invited`` → ``active`` when the supporter accepts; ``ended`` by the
    member (or a coordinator for them, or the supporter) at any time, which
    ends the supporter's access at once; ``declined`` by the supporter.
    """

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")
        DECLINED = "declined", _("Declined")

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="supporters"
    )
    supporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supporting",
    )
    name = models.CharField(_("their name"), max_length=150)
    relationship = models.CharField(_("who they are to the member"), max_length=60)
    email = models.EmailField(_("email address"), blank=True)
    mobile = models.CharField(_("mobile number"), max_length=16, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.INVITED
    )
    share_visits = models.BooleanField(_("see coming visits"), default=True)
    ask_for_help = models.BooleanField(_("ask for help for them"), default=True)
    # Off unless the member chooses it: the balance and the statement say
    # what they have spent and on what (ADR 0021).
    see_credits = models.BooleanField(_("see their credits"), default=False)
    get_notifications = models.BooleanField(_("get their notifications"), default=False)
    consent_given_on = models.DateField(default=timezone.localdate)
    consent_how = models.CharField(max_length=10, choices=Consent.How.choices)
    token_hash = models.CharField(max_length=128, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "supporter"],
                condition=Q(status="active"),
                name="supporter_link_one_active",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} supports {self.membership.person}"
