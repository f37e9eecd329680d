"""Recorded matching plans: who built each, when, what it proposed, what was sent.

The engine itself (engine.py) knows nothing of these; services.py turns the
database into a problem (build.py), solves it and writes the answer here.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kith.core.models import TimeStampedModel
from kith.places.models import Locality


class MatchingPlan(TimeStampedModel):
    """One plan for a locality's open help requests (or one request, after a
    decline). Built in the background, reviewed by a coordinator, then sent:
    each kept proposal becomes an offer to the helper."""

    class Trigger(models.TextChoices):
        COORDINATOR = "coordinator", _("Built by a coordinator")
        NIGHTLY = "nightly", _("Built overnight")
        DECLINE = "decline", _("Planned again after a helper said no")

    class Status(models.TextChoices):
        BUILDING = "building", _("Being built")
        PROPOSED = "proposed", _("Ready to review")
        SENT = "sent", _("Offers sent")
        DISCARDED = "discarded", _("Put aside")
        FAILED = "failed", _("Could not be built")

    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="+")
    trigger = models.CharField(max_length=12, choices=Trigger.choices)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.BUILDING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the worker built it by itself."),
    )
    #: The night a nightly plan was built for: one per locality a night.
    nightly_on = models.DateField(null=True, blank=True)
    #: For a plan after a decline: the proposal the helper said no to.
    replans = models.OneToOneField(
        "PlanItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replanned_by",
    )
    policy = models.JSONField(default=dict, blank=True)
    objective = models.JSONField(default=dict, blank=True)
    stats = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    built_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # Two clicks on "Build a plan" build one plan.
            models.UniqueConstraint(
                fields=["locality"],
                condition=Q(status="building"),
                name="matching_one_plan_building_per_locality",
            ),
            # A night's plan that failed may be built again that night.
            models.UniqueConstraint(
                fields=["locality", "nightly_on"],
                condition=~Q(status="failed"),
                name="matching_one_nightly_plan_a_night",
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="matching_sent_plan_has_sent_at",
            ),
        ]

    def __str__(self) -> str:
        return f"Plan {self.pk} for {self.locality} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("matching:plan", args=[self.pk])


class PlanItem(models.Model):
    """One request in a plan: the helper proposed for it (or why none), and
    what became of the proposal when the plan was sent."""

    class Outcome(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        UNMATCHED = "unmatched", _("No helper found")
        SENT = "sent", _("Offered")
        LEFT = "left", _("Not sent")
        FAILED = "failed", _("Could not be offered")

    plan = models.ForeignKey(
        MatchingPlan, on_delete=models.CASCADE, related_name="items"
    )
    request = models.ForeignKey(
        "help.HelpRequest", on_delete=models.PROTECT, related_name="plan_items"
    )
    helper = models.ForeignKey(
        "helpers.HelperProfile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_items",
    )
    distance_m = models.PositiveIntegerField(null=True, blank=True)
    cost = models.IntegerField(null=True, blank=True)
    #: Why this helper, in plain words (for a match); why none (unmatched).
    reasons = models.JSONField(default=list, blank=True)
    outcome = models.CharField(
        max_length=12, choices=Outcome.choices, default=Outcome.PROPOSED
    )
    outcome_note = models.CharField(max_length=300, blank=True)
    visit = models.OneToOneField(
        "help.Visit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_item",
    )

    class Meta:
        ordering = ["plan", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "request"], name="matching_one_item_per_request"
            ),
            models.CheckConstraint(
                condition=Q(outcome="unmatched") | Q(helper__isnull=False),
                name="matching_item_has_helper_unless_unmatched",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request} → {self.helper or '—'} ({self.outcome})"
