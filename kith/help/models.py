from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kith.core.models import TimeStampedModel
from kith.core.times import span_text
from kith.helpers.vetting import VettingLevel
from kith.places.models import Locality


class HelpSettings(models.Model):
    """A locality's rules for visits."""

    locality = models.OneToOneField(
        Locality, on_delete=models.CASCADE, related_name="+"
    )
    late_cancellation_hours = models.PositiveSmallIntegerField(
        _("a cancellation is late within this many hours of the visit"), default=24
    )
    late_cancellation_minutes = models.PositiveSmallIntegerField(
        _("minutes a member pays the helper for a late cancellation or not being in"),
        default=30,
    )

    def __str__(self) -> str:
        return f"Help settings for {self.locality}"


class HelpCategory(models.Model):
    """A kind of help, with the vetting level a helper needs for it."""

    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=80)
    description = models.CharField(_("description"), max_length=200, blank=True)
    vetting_level = models.CharField(
        _("vetting level needed"),
        max_length=20,
        choices=[c for c in VettingLevel.choices if c[0] != VettingLevel.NONE],
    )
    usual_minutes = models.PositiveSmallIntegerField(
        _("usual length in minutes"), default=60
    )
    skill = models.ForeignKey(
        "helpers.Skill",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The helpers’ skill this kind of help needs."),
    )
    is_active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = _("help categories")
        constraints = [
            models.UniqueConstraint(
                fields=["locality", "name"], name="help_category_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("No rush: within a week or two")
    SOON = "soon", _("Soon: in the next few days")
    URGENT = "urgent", _("Urgent: today or tomorrow")


class HelpRequest(TimeStampedModel):
    """What a member asked for. Open until a visit is arranged; a decline
    or cancellation by a helper sends it back to be offered again."""

    class Status(models.TextChoices):
        OPEN = "open", _("Looking for a helper")
        OFFERED = "offered", _("Offered to a helper")
        ARRANGED = "arranged", _("Arranged")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    class AskedHow(models.TextChoices):
        ONLINE = "online", _("Online")
        PHONE = "phone", _("By phone")
        SUPPORTER = "supporter", _("By their supporter")

    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="+")
    membership = models.ForeignKey(
        "members.Membership", on_delete=models.PROTECT, related_name="help_requests"
    )
    category = models.ForeignKey(
        HelpCategory, on_delete=models.PROTECT, related_name="+"
    )
    details = models.TextField(_("what they need"))
    at_home = models.BooleanField(_("at home"), default=True)
    place = models.CharField(_("where, if not at home"), max_length=300, blank=True)
    minutes = models.PositiveSmallIntegerField(_("how long"))
    notes_for_helper = models.TextField(
        _("anything the helper should know"), blank=True
    )
    urgency = models.CharField(
        max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE
    )
    repeat_weeks = models.PositiveSmallIntegerField(
        _("weekly visits in the series"),
        default=1,
        help_text=_("1 for one visit; more for regular help such as weekly company."),
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    asked_how = models.CharField(max_length=10, choices=AskedHow.choices)
    submission_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    cancelled_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["locality", "status", "urgency"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=15), name="help_request_minutes"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category} for {self.membership.person}"

    def get_absolute_url(self) -> str:
        return reverse("help:request", args=[self.pk])


class HelpWindow(models.Model):
    """A time the member is free for the visit."""

    request = models.ForeignKey(
        HelpRequest, on_delete=models.CASCADE, related_name="windows"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="help_window_order"
            )
        ]

    def __str__(self) -> str:
        return span_text(self.starts_at, self.ends_at)


class Visit(TimeStampedModel):
    """A helper going to help a member.

    offered → accepted (the helper agrees a time inside a window) or declined
    (with a reason) → confirmed (to the member) → done (actual minutes and a
    note) → settled (credits moved). Or cancelled (by the member, the helper or
    a coordinator, with a reason; maybe late) or a no-show of either side.
    """

    class Status(models.TextChoices):
        OFFERED = "offered", _("Offered")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        CONFIRMED = "confirmed", _("Confirmed")
        DONE = "done", _("Done")
        SETTLED = "settled", _("Settled")
        CANCELLED = "cancelled", _("Cancelled")
        NO_SHOW = "no_show", _("Did not happen")

    class Party(models.TextChoices):
        MEMBER = "member", _("the member")
        HELPER = "helper", _("the helper")
        COORDINATOR = "coordinator", _("a coordinator")

    request = models.ForeignKey(
        HelpRequest, on_delete=models.PROTECT, related_name="visits"
    )
    helper = models.ForeignKey(
        "helpers.HelperProfile", on_delete=models.PROTECT, related_name="visits"
    )
    occurrence = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OFFERED
    )
    starts_at = models.DateTimeField(null=True, blank=True, db_index=True)
    minutes = models.PositiveSmallIntegerField()
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    offered_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(max_length=300, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    actual_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    helper_note = models.TextField(blank=True)
    cancelled_by = models.CharField(max_length=12, choices=Party.choices, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)
    late_cancellation = models.BooleanField(default=False)
    no_show_by = models.CharField(max_length=12, choices=Party.choices, blank=True)
    settled_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["helper", "status"]),
            models.Index(fields=["status", "starts_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "occurrence"],
                condition=Q(
                    status__in=["offered", "accepted", "confirmed", "done", "settled"]
                ),
                name="visit_one_live_per_occurrence",
            )
        ]

    def __str__(self) -> str:
        return f"Visit {self.pk}: {self.request} by {self.helper.user}"

    def get_absolute_url(self) -> str:
        return reverse("help:visit", args=[self.pk])

    @property
    def live(self) -> bool:
        return self.status in (
            self.Status.OFFERED,
            self.Status.ACCEPTED,
            self.Status.CONFIRMED,
        )


class RequestEvent(models.Model):
    """One line of a request's timeline, in plain words."""

    request = models.ForeignKey(
        HelpRequest, on_delete=models.CASCADE, related_name="events"
    )
    visit = models.ForeignKey(
        Visit, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    text = models.CharField(max_length=400)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.text


class Feedback(models.Model):
    """How a visit went, from the member (or a coordinator for them)."""

    visit = models.OneToOneField(
        Visit, on_delete=models.CASCADE, related_name="feedback"
    )
    rating = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    by_phone = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="feedback_rating_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rating}/5 for visit {self.visit_id}"
