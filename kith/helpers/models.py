"""Neighbourhood Helpers: applications, vetting checks, skills, where and when
they help, and pauses."""

import os
import uuid
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
)
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from kith.core.models import TimeStampedModel
from kith.core.times import clock_text, day_text
from kith.helpers.vetting import (
    NEVER,
    CheckFacts,
    CheckKind,
    DbsType,
    StatusCheckFacts,
    VettingLevel,
    level_on_from_ladder,
)
from kith.places.models import Locality

__all__ = [
    "AvailabilityException",
    "AvailabilitySlot",
    "CheckKind",
    "CheckOutcome",
    "DbsCertificate",
    "DbsStatusCheck",
    "DbsType",
    "HelperProfile",
    "HelperSkill",
    "HelperStatus",
    "IdentityDocument",
    "PayBasis",
    "Referee",
    "SharingAgreement",
    "Skill",
    "SkillLevel",
    "TravelMode",
    "VettingCheck",
    "VettingLevel",
    "VettingReminder",
]


class HelperStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    VETTING = "vetting", _("Being checked")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    LEFT = "left", _("Left")


class PayBasis(models.TextChoices):
    PAID = "paid", _("Paid, at the London Living Wage")
    VOLUNTEER = "volunteer", _("Volunteer, unpaid")


class TravelMode(models.TextChoices):
    WALK = "walk", _("Walking")
    BIKE = "bike", _("Bike")
    CAR = "car", _("Car")
    PUBLIC_TRANSPORT = "public_transport", _("Bus, train or tube")


class SkillLevel(models.TextChoices):
    SOME = "some", _("Some experience")
    GOOD = "good", _("Experienced")
    EXPERT = "expert", _("Qualified, or a trade")


class CheckOutcome(models.TextChoices):
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Not passed")


class IdentityDocument(models.TextChoices):
    """Documents a coordinator may record seeing for an identity check."""

    PASSPORT = "passport", _("Passport")
    DRIVING_LICENCE = "driving_licence", _("Photocard driving licence")
    BIRTH_CERTIFICATE = "birth_certificate", _("Birth or adoption certificate")
    RESIDENCE = "residence", _("Biometric residence permit or eVisa share code")
    UTILITY_BILL = "utility_bill", _("Utility bill from the last 3 months")
    BANK_STATEMENT = "bank_statement", _("Bank or building society statement")
    COUNCIL_TAX = "council_tax", _("Council tax bill for this year")
    BENEFITS_LETTER = "benefits_letter", _("Letter about benefits or a pension")


class ApplicationChannel(models.TextChoices):
    ONLINE = "online", _("Online, by themselves")
    PHONE = "phone", _("By a coordinator, on the phone or in person")


#: How far a helper will travel from home, in metres, as people say it.
TRAVEL_DISTANCES = [
    (800, _("Up to half a mile (about 10 minutes’ walk)")),
    (1600, _("Up to 1 mile")),
    (3200, _("Up to 2 miles")),
    (4800, _("Up to 3 miles")),
    (8000, _("Up to 5 miles")),
]
MAX_VISITS_PER_WEEK = 14


class Skill(models.Model):
    """Something helpers can do, from the locality's own list (kept by its
    coordinators). A skill no longer offered is retired, never deleted, so
    past records still say what it was."""

    locality = models.ForeignKey(
        Locality, on_delete=models.PROTECT, related_name="helper_skills"
    )
    name = models.CharField(_("name"), max_length=80)
    description = models.CharField(_("description"), max_length=200, blank=True)
    retired = models.BooleanField(_("no longer offered"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("skill")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "locality", Lower("name"), name="helper_skill_name_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class HelperProfile(TimeStampedModel):
    """A person's Neighbourhood Helper record in one locality.

    Status, and how it changes (every change is audited):

    - ``applied``: the application has arrived; nothing checked yet.
    - ``vetting``: a coordinator has recorded the first check (automatic).
    - ``active``: a coordinator approved them, which needs at least the basic
      vetting level on the day. Only active helpers are offered visits, and
      only visits their level *today* allows: a lapsed check lowers the level
      (``level_on``) without changing the status.
    - ``paused``: an active helper (or a coordinator for them) stopped for a
      while, with a reason; resuming makes them active again.
    - ``left``: no longer a helper (they stopped, or were not accepted), with a
      reason. Applying again reopens the record as ``applied``.

    ``safeguarding_hold`` is set while a safeguarding concern about them waits
    for the lead's decision: an active helper is paused at once, and nobody
    (the helper included) can approve or resume them until it is lifted.

    The vetting level is derived from the checks by ``kith.helpers.vetting``
    and never typed in. The service stores what it computed so that lists can
    filter in SQL: ``vetting_level`` on ``vetting_level_on``, and for each
    level the last day it holds if nothing is added (``basic_until`` ...;
    ``vetting.NEVER`` when it does not lapse, empty when not reached). As the
    level only falls between checks, that ladder gives the right level on any
    later day, including the day a check lapses.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="helper_profiles",
        verbose_name=_("person"),
    )
    locality = models.ForeignKey(
        Locality, on_delete=models.PROTECT, related_name="helper_profiles"
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=HelperStatus.choices,
        default=HelperStatus.APPLIED,
    )
    status_changed_at = models.DateTimeField(default=timezone.now)
    date_of_birth = models.DateField(_("date of birth"))
    about = models.TextField(_("about them"), blank=True, max_length=1000)
    pay_basis = models.CharField(
        _("paid or volunteer"), max_length=10, choices=PayBasis.choices
    )
    right_to_work = models.BooleanField(_("has the right to work in the UK"))
    travel_distance_m = models.PositiveIntegerField(
        _("how far they will travel"), choices=TRAVEL_DISTANCES, default=1600
    )
    travel_modes = models.JSONField(_("how they travel"), default=list, blank=True)
    max_visits_per_week = models.PositiveSmallIntegerField(
        _("most visits a week"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_VISITS_PER_WEEK)],
    )
    applied_at = models.DateTimeField(_("applied"), default=timezone.now)
    application_channel = models.CharField(
        _("how they applied"), max_length=10, choices=ApplicationChannel.choices
    )
    application_key = models.CharField(
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text="Makes sending the same application twice harmless.",
    )
    application_data = models.JSONField(
        _("details given when applying"),
        default=dict,
        blank=True,
        help_text=_(
            "Kept when an application matched someone already known, so a "
            "coordinator can compare."
        ),
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status_reason = models.CharField(
        _("reason for the status"), max_length=300, blank=True
    )
    vetting_level = models.CharField(
        _("vetting level"),
        max_length=20,
        choices=VettingLevel.choices,
        default=VettingLevel.NONE,
    )
    vetting_level_on = models.DateField(null=True, blank=True)
    vetting_level_until = models.DateField(null=True, blank=True)
    basic_until = models.DateField(null=True, blank=True)
    enhanced_until = models.DateField(null=True, blank=True)
    enhanced_barred_until = models.DateField(null=True, blank=True)
    next_lapse_on = models.DateField(
        _("next check runs out"),
        null=True,
        blank=True,
        help_text="Last day of the check that runs out first.",
    )
    safeguarding_hold = models.BooleanField(
        _("held while a safeguarding concern is looked into"),
        default=False,
        help_text=(
            "Set when a safeguarding concern about them is raised, cleared when "
            "the safeguarding lead decides: while set they are paused and can be "
            "neither approved nor started again (ADR 0034)."
        ),
    )

    class Meta:
        verbose_name = _("helper")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "locality"], name="helper_profile_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=HelperStatus.values),
                name="helper_profile_known_status",
            ),
            models.CheckConstraint(
                condition=models.Q(vetting_level__in=VettingLevel.values),
                name="helper_profile_known_level",
            ),
            models.CheckConstraint(
                condition=models.Q(pay_basis__in=PayBasis.values),
                name="helper_profile_known_pay_basis",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    max_visits_per_week__gte=1,
                    max_visits_per_week__lte=MAX_VISITS_PER_WEEK,
                ),
                name="helper_profile_visits_range",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=HelperStatus.ACTIVE)
                | models.Q(approved_at__isnull=False),
                name="helper_profile_active_is_approved",
            ),
        ]
        indexes = [
            models.Index(fields=["locality", "status"]),
            models.Index(fields=["locality", "next_lapse_on"]),
            models.Index(fields=["locality", "basic_until"]),
        ]

    def __str__(self) -> str:
        return f"{self.user.full_name} (Neighbourhood Helper)"

    def get_absolute_url(self) -> str:
        return reverse("helpers:detail", args=[self.pk])

    @property
    def ladder(self) -> dict[str, date | None]:
        """The stored last day of each level reached (None: never lapses)."""
        stored = {
            VettingLevel.BASIC: self.basic_until,
            VettingLevel.ENHANCED: self.enhanced_until,
            VettingLevel.ENHANCED_BARRED: self.enhanced_barred_until,
        }
        return {
            level: (None if until == NEVER else until)
            for level, until in stored.items()
            if until is not None
        }

    def level_on(self, day: date | None = None) -> VettingLevel:
        """The vetting level on ``day`` (today by default), from the stored
        ladder: right on any day after it was computed."""
        return level_on_from_ladder(self.ladder, day or timezone.localdate())

    def level_until(self, day: date | None = None) -> date | None:
        """The last day the level held on ``day`` holds (None: never lapses)."""
        level = self.level_on(day)
        return self.ladder.get(level) if level != VettingLevel.NONE else None

    @property
    def age(self) -> int:
        today = timezone.localdate()
        born = self.date_of_birth
        return (
            today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        )


class Referee(models.Model):
    """Someone who agreed to give a helper a reference: their contact details
    only. The reference itself is a vetting check."""

    profile = models.ForeignKey(
        HelperProfile, on_delete=models.CASCADE, related_name="referees"
    )
    full_name = models.CharField(_("full name"), max_length=150)
    relationship = models.CharField(
        _("how they know the helper"), max_length=150, blank=True
    )
    email = models.EmailField(_("email address"), blank=True)
    phone = models.CharField(_("phone number"), max_length=20, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("referee")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                "profile", Lower("full_name"), name="helper_referee_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(email="", phone=""),
                name="helper_referee_contactable",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name


#: DBS certificate numbers are 12 digits.
dbs_number_validator = RegexValidator(
    r"^\d{12}$",
    message=_("Enter the 12-digit certificate number, like 001234567890."),
    code="invalid_dbs_number",
)


class VettingCheck(models.Model):
    """One check a coordinator recorded for a helper, with its outcome.

    Checks are never edited or deleted: one recorded in error is withdrawn,
    with a reason, and then no longer counts. ``expires_on`` is the last day
    the check counts (empty: it does not lapse), computed by the vetting rules.
    """

    profile = models.ForeignKey(
        HelperProfile, on_delete=models.CASCADE, related_name="checks"
    )
    kind = models.CharField(_("check"), max_length=20, choices=CheckKind.choices)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=CheckOutcome.choices
    )
    checked_on = models.DateField(_("date"))
    expires_on = models.DateField(_("counts until"), null=True, blank=True)
    evidence_reference = models.CharField(
        _("evidence reference"), max_length=200, blank=True
    )
    documents_seen = models.JSONField(_("documents seen"), default=list, blank=True)
    referee = models.ForeignKey(
        Referee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="references",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    submission_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawn_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("vetting check")
        ordering = ["-checked_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=CheckKind.values),
                name="vetting_check_known_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(outcome__in=CheckOutcome.values),
                name="vetting_check_known_outcome",
            ),
            models.CheckConstraint(
                condition=models.Q(kind=CheckKind.REFERENCE, referee__isnull=False)
                | (
                    ~models.Q(kind=CheckKind.REFERENCE) & models.Q(referee__isnull=True)
                ),
                name="vetting_check_reference_has_referee",
            ),
        ]
        indexes = [
            models.Index(fields=["profile", "kind"]),
            models.Index(fields=["expires_on"]),
        ]

    def __str__(self) -> str:
        kind, outcome = self.get_kind_display(), self.get_outcome_display()
        return f"{kind} — {outcome} ({day_text(self.checked_on, weekday=False)})"

    @property
    def passed(self) -> bool:
        return self.outcome == CheckOutcome.PASSED

    def facts(self) -> CheckFacts:
        """Plain data for the vetting rules. DBS details come from
        ``self.dbs`` and its prefetched status checks."""
        dbs: DbsCertificate | None = (
            getattr(self, "dbs", None) if self.kind == CheckKind.DBS else None
        )
        return CheckFacts(
            id=self.pk,
            kind=self.kind,
            passed=self.passed,
            checked_on=self.checked_on,
            referee=self.referee_id,
            dbs_type=dbs.dbs_type if dbs else "",
            dbs_issued_on=dbs.issued_on if dbs else None,
            update_service=dbs.update_service_consent if dbs else False,
            status_checks=tuple(
                StatusCheckFacts(
                    checked_on=s.checked_on, current=s.result == StatusResult.CURRENT
                )
                for s in dbs.status_checks.all()
            )
            if dbs
            else (),
        )


@deconstructible
class PrivateFileStorage(FileSystemStorage):
    """Files that are never served by a URL: only a view that checks
    permission and audits can read them. Kept under ``KITH_PRIVATE_DIR``
    (by default ``var/private``), read when used, not at import."""

    def __init__(self, subdirectory: str = "") -> None:
        self.subdirectory = subdirectory
        super().__init__()

    @property
    def base_location(self) -> str:
        root = getattr(settings, "KITH_PRIVATE_DIR", None) or (
            Path(settings.VAR_DIR) / "private"
        )
        return str(Path(root) / self.subdirectory)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    @property
    def base_url(self) -> str:
        return ""

    def url(self, name: Any) -> str:
        raise ValueError("Private files have no URL.")


dbs_scan_storage = PrivateFileStorage("dbs-scans")


def _dbs_scan_name(instance: Any, filename: str) -> str:
    # Never keep the uploaded file's name: it may hold personal details.
    extension = Path(filename).suffix.lower()[:6]
    return f"{uuid.uuid4().hex}{extension}"


class DbsCertificate(models.Model):
    """The DBS details of a DBS vetting check: only what the DBS Code of
    Practice lets an employer keep. The certificate's contents are never
    recorded; a scanned copy, if any, is deleted within 6 months of the
    decision (``services.dbs_scans_purge``). Every view is audited."""

    check_record = models.OneToOneField(
        VettingCheck, on_delete=models.CASCADE, related_name="dbs"
    )
    certificate_number = models.CharField(
        _("certificate number"), max_length=12, validators=[dbs_number_validator]
    )
    issued_on = models.DateField(_("date of issue"))
    dbs_type = models.CharField(
        _("type of check"), max_length=20, choices=DbsType.choices
    )
    role_applied_for = models.CharField(
        _("role it was for"), max_length=150, default="Neighbourhood Helper"
    )
    update_service_consent = models.BooleanField(
        _("on the update service and agreed to status checks"), default=False
    )
    scan = models.FileField(
        _("scanned copy"),
        storage=dbs_scan_storage,
        upload_to=_dbs_scan_name,
        blank=True,
        max_length=100,
    )
    scan_deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("DBS certificate")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(dbs_type__in=DbsType.values),
                name="dbs_certificate_known_type",
            )
        ]

    def __str__(self) -> str:
        return f"DBS certificate ({self.get_dbs_type_display()})"


class StatusResult(models.TextChoices):
    CURRENT = "current", _("No new information: the certificate is still current")
    CHANGED = "changed", _("New information: they need a new certificate")


class DbsStatusCheck(models.Model):
    """One online check of the DBS update service, made with the helper's
    consent."""

    certificate = models.ForeignKey(
        DbsCertificate, on_delete=models.CASCADE, related_name="status_checks"
    )
    checked_on = models.DateField(_("date checked"))
    result = models.CharField(_("result"), max_length=10, choices=StatusResult.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("DBS status check")
        ordering = ["-checked_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "checked_on"], name="dbs_status_check_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(result__in=StatusResult.values),
                name="dbs_status_check_known_result",
            ),
        ]

    def __str__(self) -> str:
        day = day_text(self.checked_on, weekday=False)
        return f"{day}: {self.get_result_display()}"


class VettingReminder(models.Model):
    """That the 30-day reminder for one check's expiry was sent. Unique, so
    running the reminders again sends nothing twice."""

    check_record = models.ForeignKey(
        VettingCheck, on_delete=models.CASCADE, related_name="reminders"
    )
    expires_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["check_record", "expires_on"], name="vetting_reminder_unique"
            )
        ]

    def __str__(self) -> str:
        runs_out = day_text(self.expires_on, weekday=False)
        return f"Reminder for check {self.check_record_id}, runs out {runs_out}"


class HelperSkill(models.Model):
    profile = models.ForeignKey(
        HelperProfile, on_delete=models.CASCADE, related_name="skills"
    )
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="helpers")
    level = models.CharField(_("level"), max_length=10, choices=SkillLevel.choices)

    class Meta:
        ordering = ["skill__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "skill"], name="helper_skill_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(level__in=SkillLevel.values),
                name="helper_skill_known_level",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.skill} ({self.get_level_display()})"


WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class AvailabilitySlot(models.Model):
    """A time in the week a helper can usually help."""

    profile = models.ForeignKey(
        HelperProfile, on_delete=models.CASCADE, related_name="availability"
    )
    weekday = models.PositiveSmallIntegerField(_("day"), choices=WEEKDAYS)
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("to"))

    class Meta:
        ordering = ["weekday", "starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "weekday", "starts_at", "ends_at"],
                name="availability_slot_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="availability_slot_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(weekday__lte=6), name="availability_slot_weekday"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_weekday_display()} "
            f"{clock_text(self.starts_at)} to {clock_text(self.ends_at)}"
        )


class AvailabilityException(models.Model):
    """Days a helper cannot help (a holiday, a hospital stay)."""

    profile = models.ForeignKey(
        HelperProfile, on_delete=models.CASCADE, related_name="exceptions"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    reason = models.CharField(_("reason"), max_length=150, blank=True)

    class Meta:
        ordering = ["starts_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "starts_on", "ends_on"],
                name="availability_exception_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="availability_exception_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{day_text(self.starts_on, weekday=False)} to "
            f"{day_text(self.ends_on, weekday=False)}"
        )


#: The furthest a locality may let its helpers go into a neighbour's, and
#: the choices given, in metres (ADR 0042).
SHARING_DISTANCES = [
    (1000, _("Up to 1 km from the member’s home")),
    (2000, _("Up to 2 km")),
    (3000, _("Up to 3 km")),
    (5000, _("Up to 5 km")),
    (8000, _("Up to 8 km")),
]
SHARING_MAX_METRES = 8000


class SharingAgreement(TimeStampedModel):
    """One locality's side of sharing helpers with a neighbouring locality.

    Sharing is on only while both sides have a current agreement naming the
    other, and then both ways: each locality's active volunteer helpers may be
    offered the other's requests within the smaller of the two distances
    (ADR 0042). Withdrawing sets ``withdrawn_at``: the row is kept, as the
    record of what was agreed; agreeing again makes a new row.
    """

    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="+")
    partner = models.ForeignKey(
        Locality,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("neighbouring locality"),
    )
    max_distance_m = models.PositiveIntegerField(
        _("how far from the member’s home"), choices=SHARING_DISTANCES
    )
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("helper sharing agreement")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["locality", "partner"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="helper_sharing_one_current",
            ),
            models.CheckConstraint(
                condition=~models.Q(locality=models.F("partner")),
                name="helper_sharing_not_itself",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    max_distance_m__gte=1, max_distance_m__lte=SHARING_MAX_METRES
                ),
                name="helper_sharing_distance_range",
            ),
        ]
        indexes = [models.Index(fields=["partner", "withdrawn_at"])]

    def __str__(self) -> str:
        return f"{self.locality} shares helpers with {self.partner}"
