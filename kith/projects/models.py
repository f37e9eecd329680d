"""Community projects on local land and buildings (issue 16).

The asset register (land, buildings, rooms), Assets of Community Value
(nominations, listings, disposal notices and their moratoria), projects
proposed on them, pledges of money, materials and time from people and
organisations of every sector, and the photos that go with them.

Money is in whole pence (integers). Organisations are the directory's; a
pledge's sector is its organisation's, or "a resident" for a person.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kith.core.models import TimeStampedModel
from kith.directory.models import Organisation
from kith.places.models import Locality, Ward


def _uuid_field() -> models.UUIDField:
    return models.UUIDField(default=uuid.uuid4, unique=True, editable=False)


# --- the asset register ----------------------------------------------------------


class Asset(TimeStampedModel):
    """A piece of land, a building, or a room in a building."""

    class Kind(models.TextChoices):
        LAND = "land", _("Land")
        BUILDING = "building", _("Building")
        ROOM = "room", _("Room in a building")

    class Condition(models.TextChoices):
        GOOD = "good", _("Good")
        FAIR = "fair", _("Fair: needs some work")
        POOR = "poor", _("Poor: needs a lot of work")
        UNSAFE = "unsafe", _("Not safe to use")

    class Status(models.TextChoices):
        IN_USE = "in_use", _("In use")
        UNUSED = "unused", _("Unused")
        AVAILABLE = "available", _("Available for community use")
        LET = "let", _("Let to a community group")
        DISPOSED = "disposed", _("Disposed of")

    class Terms(models.TextChoices):
        LICENCE = "licence", _("Licence")
        LEASE = "lease", _("Lease")

    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="+")
    uuid = _uuid_field()
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    part_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rooms",
        verbose_name=_("building it is in"),
    )
    owner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    description = models.TextField(_("description"), blank=True)
    address = models.TextField(_("address"), blank=True)
    postcode = models.CharField(_("postcode"), max_length=8, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    ward = models.ForeignKey(
        Ward, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    size_square_metres = models.PositiveIntegerField(
        _("size in square metres"), null=True, blank=True
    )
    condition = models.CharField(
        _("condition"), max_length=10, choices=Condition.choices, default="fair"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default="unused"
    )
    let_to = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("let to"),
    )
    let_terms = models.CharField(
        _("licence or lease"), max_length=10, choices=Terms.choices, blank=True
    )
    let_from = models.DateField(_("let from"), null=True, blank=True)
    let_until = models.DateField(_("let until"), null=True, blank=True)
    public = models.BooleanField(_("shown to the public"), default=False)

    class Meta:
        verbose_name = _("land or building")
        verbose_name_plural = _("land and buildings")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["locality", "public", "name"])]
        constraints = [
            models.UniqueConstraint(
                fields=["locality", "name"], name="projects_asset_name_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["land", "building", "room"]),
                name="projects_asset_known_kind",
            ),
            models.CheckConstraint(
                condition=Q(kind="room") | Q(part_of__isnull=True),
                name="projects_asset_only_rooms_are_part_of",
            ),
            models.CheckConstraint(
                condition=~Q(status="let")
                | (
                    Q(let_to__isnull=False)
                    & Q(let_from__isnull=False)
                    & Q(let_terms__in=["licence", "lease"])
                ),
                name="projects_asset_let_has_group_terms_and_date",
            ),
            models.CheckConstraint(
                condition=Q(let_until__isnull=True)
                | Q(let_from__isnull=True)
                | Q(let_until__gte=models.F("let_from")),
                name="projects_asset_let_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projects:asset", args=[self.uuid])

    @property
    def on_map(self) -> bool:
        return self.latitude is not None and self.longitude is not None


# --- Assets of Community Value ---------------------------------------------------


class Nomination(TimeStampedModel):
    """A community group's nomination of an asset as an Asset of Community
    Value, the council's decision, and the listing that follows."""

    class GroupKind(models.TextChoices):
        PARISH = "parish", _("Parish or town council")
        FORUM = "forum", _("Neighbourhood forum")
        CHARITY = "charity", _("Local charity")
        CIC = "cic", _("Community interest company")
        GUARANTEE = "guarantee", _("Company limited by guarantee (not for profit)")
        COOPERATIVE = "cooperative", _("Co-operative or community benefit society")
        UNINCORPORATED = (
            "unincorporated",
            _("Group of at least 21 people on the local electoral roll"),
        )

    class Status(models.TextChoices):
        RECEIVED = "received", _("Waiting for a decision")
        LISTED = "listed", _("Listed")
        UNSUCCESSFUL = "unsuccessful", _("Not listed")
        ENDED = "ended", _("Listing ended")

    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="+")
    uuid = _uuid_field()
    asset = models.ForeignKey(
        Asset, on_delete=models.PROTECT, related_name="nominations"
    )
    group_name = models.CharField(_("group"), max_length=200)
    group_kind = models.CharField(
        _("kind of group"), max_length=20, choices=GroupKind.choices
    )
    local_voters = models.PositiveIntegerField(
        _("local people on the electoral roll in the group"), null=True, blank=True
    )
    reasons = models.TextField(_("why it matters to the community"))
    received_on = models.DateField(_("received on"))
    decision_due_on = models.DateField(_("decision due by"))
    status = models.CharField(
        _("status"), max_length=15, choices=Status.choices, default="received"
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_reason = models.TextField(_("reasons for the decision"), blank=True)
    #: The last day of the listing (listed) or of being shown on the public
    #: list of unsuccessful nominations (unsuccessful).
    shown_until = models.DateField(_("shown until"), null=True, blank=True)
    #: The officer who recorded a nomination received by post or email;
    #: empty for one a group sent online (``nominated_by``).
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    #: The person who sent the nomination online for their group.
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    #: The directory's organisation nominating, when its editor sent it.
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation nominating"),
    )
    group_contact = models.TextField(_("how to contact the group"), blank=True)
    reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("nomination as an Asset of Community Value")
        ordering = ["decision_due_on", "pk"]
        indexes = [models.Index(fields=["locality", "status", "decision_due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(group_kind="unincorporated") | Q(local_voters__gte=21),
                name="projects_nomination_unincorporated_has_21_voters",
            ),
            models.CheckConstraint(
                condition=Q(status="received") | Q(decided_on__isnull=False),
                name="projects_nomination_decided_has_date",
            ),
            models.CheckConstraint(
                condition=Q(recorded_by__isnull=False) | Q(nominated_by__isnull=False),
                name="projects_nomination_recorded_or_sent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.asset} ({self.group_name})"


class DisposalNotice(TimeStampedModel):
    """An owner's notice that they mean to sell a listed asset, and the
    moratoria it starts (computed by ``kith.projects.dates``)."""

    nomination = models.ForeignKey(
        Nomination, on_delete=models.PROTECT, related_name="disposal_notices"
    )
    notified_on = models.DateField(_("notice given on"))
    bid_requested_on = models.DateField(
        _("a community group asked in writing to bid on"), null=True, blank=True
    )
    bid_requested_by = models.CharField(
        _("group asking to bid"), max_length=200, blank=True
    )
    starts_moratorium = models.BooleanField(default=True)
    interim_ends_on = models.DateField(_("interim moratorium ends"))
    full_ends_on = models.DateField(_("full moratorium ends"), null=True, blank=True)
    protected_ends_on = models.DateField(_("protected period ends"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("notice of disposal")
        ordering = ["-notified_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.nomination.asset} ({self.notified_on:%Y-%m-%d})"


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


class WorkDay(models.Model):
    """A project's work day: an activity in the social calendar, with its
    sign-up and waiting list."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="work_days"
    )
    activity = models.OneToOneField(
        "social.Activity", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("work day")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"Work day {self.activity_id} of {self.project_id}"


class VolunteerTask(TimeStampedModel):
    """Something a project needs doing that people take on (watering in
    August, keeping the tool shed, a poster in the shop window), with how
    many people it needs."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="tasks")
    uuid = _uuid_field()
    title = models.CharField(_("what needs doing"), max_length=150)
    description = models.TextField(_("more about it"), blank=True)
    people_needed = models.PositiveSmallIntegerField(_("how many people it needs"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    done = models.BooleanField(_("done"), default=False)

    class Meta:
        verbose_name = _("volunteer task")
        ordering = ["done", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(people_needed__gte=1) & Q(people_needed__lte=100),
                name="projects_task_people_needed_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class TaskTaken(TimeStampedModel):
    """A person who took on a volunteer task (or was put down for it from a
    paper sheet by staff)."""

    task = models.ForeignKey(
        VolunteerTask, on_delete=models.CASCADE, related_name="taken"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("volunteer task taken on")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "person"], name="projects_task_taken_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} on task {self.task_id}"


class HoursGiven(TimeStampedModel):
    """Time a person gave to a project, recorded by the organisers."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="hours_given"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    given_on = models.DateField(_("on"))
    minutes = models.PositiveIntegerField(_("time given"))
    work_day = models.ForeignKey(
        WorkDay, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    on_paper = models.BooleanField(_("from a paper sign-up sheet"), default=False)

    class Meta:
        verbose_name = _("hours given")
        verbose_name_plural = _("hours given")
        ordering = ["-given_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "person", "given_on"],
                name="projects_hours_once_a_day",
            ),
            models.CheckConstraint(
                condition=Q(minutes__gt=0) & Q(minutes__lte=24 * 60),
                name="projects_hours_in_a_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.minutes} minutes for {self.project_id}"


class Update(TimeStampedModel):
    """News on the project page, or the "what we did" story when it is done."""

    class Kind(models.TextChoices):
        UPDATE = "update", _("Update")
        STORY = "story", _("What we did")

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="updates"
    )
    uuid = _uuid_field()
    kind = models.CharField(max_length=10, choices=Kind.choices, default="update")
    words = models.TextField(_("what happened"))
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("project update")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.project}"


class Photo(models.Model):
    """A photo of an asset or in a project update: re-encoded on upload, so it
    holds no location or camera data, and served by Kith itself."""

    class When(models.TextChoices):
        NONE = "", _("No")
        BEFORE = "before", _("Before")
        AFTER = "after", _("After")

    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="+")
    uuid = _uuid_field()
    asset = models.ForeignKey(
        Asset, on_delete=models.CASCADE, null=True, blank=True, related_name="photos"
    )
    update = models.ForeignKey(
        Update, on_delete=models.CASCADE, null=True, blank=True, related_name="photos"
    )
    image = models.BinaryField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    description = models.CharField(_("what the photo shows"), max_length=200)
    before_after = models.CharField(
        max_length=10, choices=When.choices, blank=True, default=""
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("photo")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(asset__isnull=False) | Q(update__isnull=False),
                name="projects_photo_belongs_somewhere",
            )
        ]

    def __str__(self) -> str:
        return self.description

    def get_absolute_url(self) -> str:
        return reverse("projects:photo", args=[self.uuid])
