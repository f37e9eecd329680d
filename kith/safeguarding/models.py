"""Safeguarding concerns (Care Act 2014, Making Safeguarding Personal): what
was raised, kept apart from what the lead did about it. Only the locality's
safeguarding leads read a concern (ADR 0033); the raiser sees that it was
received; coordinators see that a member has an open concern, nothing more."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kith.core.models import TimeStampedModel
from kith.places.models import Locality


class AbuseKind(models.TextChoices):
    """The kinds of abuse and neglect of the Care and Support Statutory
    Guidance (14.17)."""

    PHYSICAL = "physical", _("Physical abuse")
    DOMESTIC = "domestic", _("Domestic abuse")
    SEXUAL = "sexual", _("Sexual abuse")
    PSYCHOLOGICAL = "psychological", _("Psychological or emotional abuse")
    FINANCIAL = "financial", _("Financial or material abuse")
    MODERN_SLAVERY = "modern_slavery", _("Modern slavery")
    DISCRIMINATORY = "discriminatory", _("Discriminatory abuse")
    ORGANISATIONAL = "organisational", _("Organisational abuse")
    NEGLECT = "neglect", _("Neglect or acts of omission")
    SELF_NEGLECT = "self_neglect", _("Self-neglect")
    NOT_SURE = "not_sure", _("Not sure")


class SafeguardingSettings(models.Model):
    """A locality's safeguarding policy as Kith uses it."""

    locality = models.OneToOneField(
        Locality, on_delete=models.CASCADE, related_name="safeguarding_settings"
    )
    acknowledge_working_days = models.PositiveSmallIntegerField(
        _("working days to acknowledge a concern"),
        default=1,
        help_text=_("Monday to Friday; a concern not acknowledged by then is late."),
    )

    class Meta:
        verbose_name = _("safeguarding settings")
        verbose_name_plural = _("safeguarding settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(acknowledge_working_days__gte=1)
                & Q(acknowledge_working_days__lte=10),
                name="safeguarding_acknowledge_days_range",
            )
        ]

    def __str__(self) -> str:
        return f"Safeguarding settings of {self.locality}"


class Concern(TimeStampedModel):
    """One safeguarding concern: what the raiser said, in the parts the
    Care Act guidance keeps apart, then the lead's work on it.

    ``status``: ``open`` from raising until the lead closes it with an
    outcome. ``acknowledge_by`` is set when it is raised, from the
    locality's setting; an open concern not acknowledged by then is late.
    """

    class About(models.TextChoices):
        MEMBER = "member", _("A member")
        HELPER = "helper", _("A Neighbourhood Helper")
        OTHER = "other", _("Someone else, or a situation")

    class Channel(models.TextChoices):
        PAGE = "page", _("Written by the person who raised it")
        PHONE = "phone", _("By phone, written by a coordinator")
        MOVED = "moved", _("Raised before concerns had their own part")

    class Consent(models.TextChoices):
        YES = "yes", _("Yes, they agreed it can be shared")
        NO = "no", _("No, they do not want it shared")
        NOT_ASKED = "not_asked", _("Not asked")

    class Capacity(models.TextChoices):
        YES = "yes", _("They seem able to decide for themselves")
        DOUBT = "doubt", _("There is doubt that they can decide")
        NOT_KNOWN = "not_known", _("Not known")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class Referral(models.TextChoices):
        REFERRED = "referred", _("Referred to adult social care (section 42)")
        NOT_REFERRED = "not_referred", _("Not referred")

    class HelperDecision(models.TextChoices):
        CARRY_ON = "carry_on", _("They may carry on helping")
        STOP = "stop", _("They must stop helping (harm or risk of harm)")

    class DbsDecision(models.TextChoices):
        REFERRED = "referred", _("Referred to the Disclosure and Barring Service")
        NOT_REFERRED = "not_referred", _("Not referred")

    class WishesMet(models.TextChoices):
        YES = "yes", _("Yes")
        PARTLY = "partly", _("In part")
        NO = "no", _("No")
        NOT_KNOWN = "not_known", _("Not known, or they did not say")

    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="+")
    about = models.CharField(_("who it is about"), max_length=10, choices=About.choices)
    membership = models.ForeignKey(
        "members.Membership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="safeguarding_concerns",
    )
    helper = models.ForeignKey(
        "helpers.HelperProfile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="safeguarding_concerns",
    )
    about_name = models.CharField(
        _("who or what it is about"), max_length=200, blank=True
    )
    visit = models.ForeignKey(
        "help.Visit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="safeguarding_concerns",
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    told_by = models.CharField(
        _("who phoned, if it came by phone"), max_length=200, blank=True
    )
    # What was raised, kept apart as the guidance asks.
    happened_at = models.DateTimeField(_("when it happened"), null=True, blank=True)
    happened_where = models.CharField(_("where"), max_length=200, blank=True)
    present = models.TextField(_("who was there"), blank=True)
    facts = models.TextField(_("what was seen or said"))
    hearsay = models.TextField(_("what others said"), blank=True)
    opinion = models.TextField(_("what the raiser thinks"), blank=True)
    kinds = models.JSONField(_("kinds of abuse or neglect"), default=list, blank=True)
    immediate_risk = models.BooleanField(_("someone is at risk now"), default=False)
    risk_action = models.TextField(_("what was done about the risk"), blank=True)
    adult_views = models.TextField(_("the adult's own views"), blank=True)
    adult_outcomes = models.TextField(_("what they want to happen"), blank=True)
    consent = models.CharField(
        _("consent to share"),
        max_length=10,
        choices=Consent.choices,
        default=Consent.NOT_ASKED,
    )
    capacity = models.CharField(
        _("able to decide"),
        max_length=10,
        choices=Capacity.choices,
        default=Capacity.NOT_KNOWN,
    )
    submission_key = models.CharField(max_length=64, blank=True)
    # The lead's work.
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN
    )
    acknowledge_by = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    referral = models.CharField(
        _("referral to adult social care"),
        max_length=20,
        choices=Referral.choices,
        blank=True,
    )
    referral_rationale = models.TextField(_("why"), blank=True)
    referral_reference = models.CharField(
        _("reference given by adult social care"), max_length=100, blank=True
    )
    referral_decided_at = models.DateTimeField(null=True, blank=True)
    referral_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    helper_status_before = models.CharField(
        max_length=10,
        blank=True,
        help_text="The helper's status when the concern held them.",
    )
    helper_decision = models.CharField(
        _("decision about the helper"),
        max_length=10,
        choices=HelperDecision.choices,
        blank=True,
    )
    helper_decision_reason = models.TextField(blank=True)
    helper_decided_at = models.DateTimeField(null=True, blank=True)
    dbs_decision = models.CharField(
        _("duty to refer to the DBS"),
        max_length=20,
        choices=DbsDecision.choices,
        blank=True,
    )
    dbs_decision_reason = models.TextField(blank=True)
    dbs_decided_on = models.DateField(null=True, blank=True)
    dbs_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome = models.TextField(_("outcome"), blank=True)
    wishes_met = models.CharField(
        _("were the person's wishes met"),
        max_length=10,
        choices=WishesMet.choices,
        blank=True,
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(about="member", membership__isnull=False, helper=None)
                | Q(about="helper", helper__isnull=False, membership=None)
                | Q(about="other", membership=None, helper=None),
                name="safeguarding_concern_about_one",
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(closed_at__isnull=False),
                name="safeguarding_concern_closed_has_date",
            ),
            models.UniqueConstraint(
                fields=["locality", "submission_key"],
                condition=~Q(submission_key=""),
                name="safeguarding_concern_submitted_once",
            ),
        ]
        indexes = [models.Index(fields=["locality", "status", "acknowledge_by"])]

    def __str__(self) -> str:
        return f"Safeguarding concern {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("safeguarding:concern", args=[self.pk])

    @property
    def subject_name(self) -> str:
        if self.membership is not None:
            return self.membership.person.full_name
        if self.helper is not None:
            return self.helper.user.full_name
        return self.about_name

    @property
    def is_late(self) -> bool:
        """Open, not acknowledged, and past the locality's time for it."""
        return (
            self.status == self.Status.OPEN
            and self.acknowledged_at is None
            and self.acknowledge_by < timezone.now()
        )

    def kind_labels(self) -> list[str]:
        labels = dict(AbuseKind.choices)
        return [str(labels.get(code, code)) for code in self.kinds]


class ConcernNote(models.Model):
    """A note the lead adds while gathering what happened. Notes are never
    changed or removed through Kith: a correction is a new note."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="notes")
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Note on concern {self.concern_id}"


class ConcernSharing(models.Model):
    """Information about a concern shared outside the circle: with whom, with
    or without the adult's consent, and why."""

    concern = models.ForeignKey(
        Concern, on_delete=models.CASCADE, related_name="sharings"
    )
    shared_with = models.CharField(_("shared with"), max_length=200)
    shared_on = models.DateField(_("date shared"))
    with_consent = models.BooleanField(_("with the adult's consent"))
    why = models.TextField(_("why"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["shared_on", "pk"]

    def __str__(self) -> str:
        return f"Shared with {self.shared_with}"


class ConcernAction(models.Model):
    """Something agreed to do about a concern, who does it and by when."""

    concern = models.ForeignKey(
        Concern, on_delete=models.CASCADE, related_name="actions"
    )
    what = models.CharField(_("what"), max_length=300)
    owner = models.CharField(_("who does it"), max_length=200)
    due_on = models.DateField(_("by when"))
    done_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.what
