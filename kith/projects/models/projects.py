"""Projects, their cost items and quotes, the funds that pledge and the
pledges."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kith.core.models import TimeStampedModel
from kith.directory.models import Organisation
from kith.places.models import Locality, Ward
from kith.projects.models.assets import Asset
from kith.projects.models.common import _uuid_field

# --- projects ------------------------------------------------------------------


class ProjectSettings(models.Model):
    """A locality's choices for projects."""

    locality = models.OneToOneField(
        Locality, on_delete=models.CASCADE, related_name="+"
    )
    volunteering_earns_credits = models.BooleanField(
        _("volunteering on a project earns time credits"), default=False
    )

    class Meta:
        verbose_name = _("project settings")
        verbose_name_plural = _("project settings")

    def __str__(self) -> str:
        return f"Project settings of {self.locality_id}"


class Project(TimeStampedModel):
    """A community project: proposed, checked by a council officer,
    published for pledges and volunteers, and done."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Waiting for a check")
        CHANGES = "changes", _("Changes asked for")
        PUBLISHED = "published", _("Open for pledges")
        CLOSED = "closed", _("Closed")
        DONE = "done", _("Done")

    class FundingModel(models.TextChoices):
        ALL_OR_NOTHING = (
            "all_or_nothing",
            _("All or nothing: nothing is collected unless the target is reached"),
        )
        KEEP = (
            "keep",
            _("Keep what you raise: pledges are kept even if the target is missed"),
        )

    class Outcome(models.TextChoices):
        OPEN = "open", _("Still open")
        REACHED = "reached", _("Target reached")
        MISSED = "missed", _("Target missed")

    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="+")
    uuid = _uuid_field()
    title = models.CharField(_("name of the project"), max_length=150)
    what = models.TextField(_("what you want to do"))
    why = models.TextField(_("why it is needed"))
    who_for = models.TextField(_("who it is for"))
    where = models.TextField(_("where"), blank=True)
    asset = models.ForeignKey(
        Asset,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("land or building"),
    )
    ward = models.ForeignKey(
        Ward, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    permissions_needed = models.TextField(_("permissions needed"), blank=True)
    milestones = models.TextField(_("milestones"), blank=True)
    involves_people_at_risk = models.BooleanField(
        _("involves children or adults at risk"), default=False
    )
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation proposing it"),
    )
    #: A group of residents proposing it together (not an organisation in
    #: the directory): its name, shown on the project's page.
    group_name = models.CharField(
        _("group of residents proposing it"), max_length=150, blank=True
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    target_pence = models.PositiveIntegerField(_("target"))
    funding_model = models.CharField(
        _("funding model"), max_length=20, choices=FundingModel.choices
    )
    deadline = models.DateField(_("pledges close on"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default="proposed"
    )
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default="open"
    )
    # The officer's checklist.
    quotes_checked = models.BooleanField(_("quotes are attached"), default=False)
    owner_permission = models.BooleanField(
        _("the owner has given permission"), default=False
    )
    safeguarding_checked = models.BooleanField(
        _("safeguarding is in place"), default=False
    )
    insurance_checked = models.BooleanField(_("insurance is in place"), default=False)
    changes_reason = models.TextField(_("changes asked for"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(null=True, blank=True)
    people_served = models.PositiveIntegerField(
        _("people it serves"), null=True, blank=True
    )
    done_on = models.DateField(_("finished on"), null=True, blank=True)
    submission_key = models.CharField(
        max_length=64, null=True, blank=True, unique=True, editable=False
    )
    #: For the poster's short address (/projects/p/<code>/).
    short_code = models.CharField(max_length=12, unique=True, editable=False)

    class Meta:
        verbose_name = _("project")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["locality", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_pence__gt=0), name="projects_project_has_target"
            ),
            models.CheckConstraint(
                condition=Q(funding_model__in=["all_or_nothing", "keep"]),
                name="projects_project_known_funding_model",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:project", args=[self.uuid])

    @property
    def open_for_pledges(self) -> bool:
        return self.status == self.Status.PUBLISHED and (
            timezone.localdate() <= self.deadline
        )


class CostItem(models.Model):
    """One thing the project needs to buy, with the supplier's quote."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="cost_items"
    )
    description = models.CharField(_("what"), max_length=200)
    amount_pence = models.PositiveIntegerField(_("cost"))
    quote_from = models.CharField(_("quote from"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("cost item")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.description


class Quote(models.Model):
    """A supplier's quote or estimate attached to a project, as a file: a PDF
    kept as sent, or a photo of a paper quote re-encoded (no location data).
    Seen only by the project's organisers and council officers (ADR 0035)."""

    class Format(models.TextChoices):
        PDF = "pdf", _("PDF")
        JPEG = "jpeg", _("Photo")

    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="+")
    uuid = _uuid_field()
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="quotes"
    )
    description = models.CharField(_("what the quote is for"), max_length=200)
    data = models.BinaryField()
    file_format = models.CharField(max_length=10, choices=Format.choices)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("quote")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(file_format__in=["pdf", "jpeg"]),
                name="projects_quote_known_format",
            ),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def content_type(self) -> str:
        return "application/pdf" if self.file_format == "pdf" else "image/jpeg"

    @property
    def filename(self) -> str:
        return f"quote-{self.pk}.{'pdf' if self.file_format == 'pdf' else 'jpg'}"


class Fund(TimeStampedModel):
    """A pot an organisation (usually the council) pledges from, with caps:
    at most ``cap_pence`` and at most ``cap_percent`` of a project's target,
    and at most ``budget_pence`` across all projects together."""

    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=150)
    cap_pence = models.PositiveIntegerField(_("most it gives one project"))
    cap_percent = models.PositiveSmallIntegerField(
        _("most share of a project's target, in per cent")
    )
    #: The most the fund pledges across all projects together (released
    #: pledges give theirs back); empty for no overall limit (ADR 0036).
    budget_pence = models.PositiveIntegerField(
        _("budget across all projects"), null=True, blank=True
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("fund")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cap_percent__gte=1) & Q(cap_percent__lte=100),
                name="projects_fund_percent_range",
            ),
            models.CheckConstraint(
                condition=Q(budget_pence__isnull=True) | Q(budget_pence__gt=0),
                name="projects_fund_budget_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name


#: The sector of a person pledging for themselves.
RESIDENT = "resident"


class Pledge(TimeStampedModel):
    """A promise of money, materials or time to a project. Recorded, never
    charged: collecting the money happens outside Kith, which records when
    it was received."""

    class Kind(models.TextChoices):
        MONEY = "money", _("Money")
        MATERIALS = "materials", _("Materials or equipment")
        TIME = "time", _("Time")

    class Status(models.TextChoices):
        PLEDGED = "pledged", _("Pledged")
        RECEIVED = "received", _("Received")
        RELEASED = "released", _("Released")

    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="+")
    uuid = _uuid_field()
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="pledges"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    #: Money: the amount; materials: their value; time: 0.
    amount_pence = models.PositiveIntegerField(_("amount or value"), default=0)
    minutes = models.PositiveIntegerField(_("time"), default=0)
    description = models.CharField(_("what"), max_length=200, blank=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    fund = models.ForeignKey(
        Fund, on_delete=models.PROTECT, null=True, blank=True, related_name="pledges"
    )
    #: Copied from the organisation when made ("resident" for a person), so
    #: totals by sector stay what they were if an organisation is re-described.
    sector = models.CharField(_("sector"), max_length=20)
    release_if_missed = models.BooleanField(
        _("release this pledge if the target is missed"), default=False
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default="pledged"
    )
    received_on = models.DateField(_("received on"), null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    on_paper = models.BooleanField(_("from a paper form"), default=False)
    submission_key = models.CharField(
        max_length=64, null=True, blank=True, unique=True, editable=False
    )

    class Meta:
        verbose_name = _("pledge")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["project", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(organisation__isnull=False),
                name="projects_pledge_from_someone",
            ),
            models.CheckConstraint(
                condition=(Q(kind="time") & Q(minutes__gt=0))
                | (~Q(kind="time") & Q(amount_pence__gt=0)),
                name="projects_pledge_has_amount",
            ),
            models.CheckConstraint(
                condition=~Q(status="received") | Q(received_on__isnull=False),
                name="projects_pledge_received_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.project}"

    @property
    def from_name(self) -> str:
        if self.organisation_id:
            return str(self.organisation)
        return str(getattr(self.person, "display_name", "") or _("A resident"))
