"""The asset register (land, buildings, rooms) and Assets of Community
Value (nominations, listings, notices of disposal)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kith.core.models import TimeStampedModel
from kith.directory.models import Organisation
from kith.places.models import Locality, Ward
from kith.projects.models.common import _uuid_field

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
