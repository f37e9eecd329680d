"""People's rights under UK GDPR, and the breach log.

A rights request (articles 15 to 21) is answered within one month of being
received, or within three when the person is told of the extension within
the first month. A breach is reported to the Information Commissioner's
Office within 72 hours of being found, when it is reportable.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kith.core.models import TimeStampedModel
from kith.places.models import Locality


class RightsKind(models.TextChoices):
    ACCESS = "access", _("See their data (access)")
    RECTIFICATION = "rectification", _("Correct their data (rectification)")
    ERASURE = "erasure", _("Erase their data (erasure)")
    RESTRICTION = "restriction", _("Limit how it is used (restriction)")
    OBJECTION = "objection", _("Object to how it is used (objection)")
    PORTABILITY = "portability", _("Take their data elsewhere (portability)")


class RightsRequest(TimeStampedModel):
    Kind = RightsKind

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class ReceivedHow(models.TextChoices):
        PHONE = "phone", _("By phone")
        LETTER = "letter", _("By letter")
        EMAIL = "email", _("By email")
        IN_PERSON = "in_person", _("In person")

    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="rights_requests",
        verbose_name=_("whose data"),
    )
    kind = models.CharField(_("what they ask"), max_length=20, choices=Kind.choices)
    received_on = models.DateField(_("date received"))
    received_how = models.CharField(
        _("how it came"), max_length=10, choices=ReceivedHow.choices
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_by_name = models.CharField(
        _("asked by, if not the person"),
        max_length=200,
        blank=True,
        help_text=_("For example their daughter, with the person's authority."),
    )
    identity_checked_on = models.DateField(
        _("identity checked on"), null=True, blank=True
    )
    identity_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    identity_how = models.CharField(
        _("how identity was checked"), max_length=200, blank=True
    )
    due_on = models.DateField(_("answer due by"))
    extended_to = models.DateField(_("extended to"), null=True, blank=True)
    extension_reason = models.TextField(_("why it was extended"), blank=True)
    person_told_of_extension_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    notes = models.TextField(_("notes"), blank=True)
    outcome = models.TextField(_("what was done"), blank=True)
    closed_on = models.DateField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    submission_key = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("rights request")
        ordering = ["status", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=RightsKind.values),
                name="rights_request_known_kind",
            ),
            models.CheckConstraint(
                condition=Q(extended_to__isnull=True)
                | Q(extended_to__gt=models.F("due_on")),
                name="rights_request_extension_later",
            ),
            models.UniqueConstraint(
                fields=["locality", "submission_key"],
                condition=~Q(submission_key=""),
                name="rights_request_submitted_once",
            ),
        ]
        indexes = [models.Index(fields=["locality", "status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.received_on:%d/%m/%Y})"

    def get_absolute_url(self) -> str:
        return reverse("privacy:request", args=[self.pk])

    @property
    def answer_by(self):
        return self.extended_to or self.due_on

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Breach(TimeStampedModel):
    class Status(models.TextChoices):
        OPEN = "open", _("Being dealt with")
        CLOSED = "closed", _("Closed")

    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="+")
    what = models.TextField(_("what happened"))
    found_at = models.DateTimeField(_("when it was found"))
    people_affected = models.PositiveIntegerField(_("how many people are affected"))
    data_kinds = models.JSONField(_("what kinds of data"), default=list, blank=True)
    reportable = models.BooleanField(
        _("reportable to the ICO"),
        null=True,
        blank=True,
        help_text=_("Empty until decided."),
    )
    not_reportable_reason = models.TextField(_("why it is not reportable"), blank=True)
    reported_to_ico_at = models.DateTimeField(null=True, blank=True)
    ico_reference = models.CharField(_("ICO reference"), max_length=100, blank=True)
    people_told_on = models.DateField(null=True, blank=True)
    actions = models.TextField(_("what was done"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    #: UK GDPR article 33: without undue delay and, where feasible, within
    #: 72 hours of becoming aware of it.
    REPORT_WITHIN = timedelta(hours=72)

    class Meta:
        verbose_name = _("data breach")
        verbose_name_plural = _("data breaches")
        ordering = ["-found_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reportable=False) | ~Q(not_reportable_reason=""),
                name="breach_not_reportable_says_why",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.found_at:%d/%m/%Y}: {self.what[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("privacy:breach", args=[self.pk])

    @property
    def report_by(self):
        return self.found_at + self.REPORT_WITHIN

    def hours_left_to_report(self, now=None) -> float | None:
        """Hours left before the 72 hours run out, for a breach that is or
        may be reportable and has not been reported; None otherwise."""
        if self.reported_to_ico_at or self.reportable is False:
            return None
        now = now or timezone.now()
        return (self.report_by - now).total_seconds() / 3600
