from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Locality(models.Model):
    """The area one circle serves. One deployment can serve several.

    Its status says what may happen there (docs/adr/0041): an active locality
    works in full; a paused one keeps working for what is already arranged
    but takes no new members, help requests or bookings; an archived one is
    closed, its records kept for retention and seen only by the deployment's
    administrators.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        ARCHIVED = "archived", _("Archived")

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("short name"), max_length=50, unique=True)
    council_name = models.CharField(_("council"), max_length=150)
    phone = models.CharField(
        _("phone number"), max_length=30, help_text=_("Shown on every page.")
    )
    email = models.EmailField(_("email address"), blank=True)
    address = models.TextField(_("postal address"), blank=True)
    domain = models.CharField(
        _("web address"),
        max_length=255,
        blank=True,
        help_text=_("Host name this locality is served on, if it has its own."),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.ACTIVE,
        db_default=Status.ACTIVE,
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_reason = models.CharField(
        _("reason"), max_length=500, blank=True, default="", db_default=""
    )
    # The columns added after the first release have defaults in the
    # database too, so rows written by code of the release before (during a
    # rolling deployment, or a data migration's historical model) are whole.
    # Branding (docs/adr/0041): one colour, behind the header's white text,
    # and a logo re-encoded as a PNG, kept in the database and served by
    # places' ``logo`` view under its version, so it can be cached for good.
    brand_colour = models.CharField(
        _("colour"),
        max_length=7,
        blank=True,
        default="",
        db_default="",
        help_text=_("As #RRGGBB. Empty: Kith's own green."),
    )
    logo = models.BinaryField(null=True, blank=True, editable=False)
    logo_width = models.PositiveSmallIntegerField(default=0, db_default=0)
    logo_height = models.PositiveSmallIntegerField(default=0, db_default=0)
    logo_version = models.CharField(
        max_length=16, blank=True, default="", db_default=""
    )
    logo_alt = models.CharField(
        _("what the logo shows"), max_length=150, blank=True, default="", db_default=""
    )
    # When texts are not sent, local time (notify's outbox); empty: the
    # deployment's KITH_NOTIFY_QUIET_FROM_HOUR and KITH_NOTIFY_QUIET_UNTIL_HOUR.
    quiet_from_hour = models.PositiveSmallIntegerField(
        _("no texts from (hour)"), null=True, blank=True
    )
    quiet_until_hour = models.PositiveSmallIntegerField(
        _("no texts until (hour)"), null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("locality")
        verbose_name_plural = _("localities")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("domain"),
                condition=~models.Q(domain=""),
                name="locality_domain_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["active", "paused", "archived"]),
                name="locality_status_known",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(
                        quiet_from_hour__isnull=True, quiet_until_hour__isnull=True
                    )
                    | models.Q(quiet_from_hour__lte=23, quiet_until_hour__lte=23)
                ),
                name="locality_quiet_hours_in_day",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def is_paused(self) -> bool:
        return self.status == self.Status.PAUSED

    @property
    def is_archived(self) -> bool:
        return self.status == self.Status.ARCHIVED


class Ward(models.Model):
    """A neighbourhood of a locality, named as the ONS names electoral wards."""

    locality = models.ForeignKey(
        Locality, on_delete=models.PROTECT, related_name="wards"
    )
    name = models.CharField(_("name"), max_length=100)
    ons_code = models.CharField(_("ONS code"), max_length=9, unique=True)

    class Meta:
        verbose_name = _("ward")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["locality", "name"], name="ward_name_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("places:ward", args=[self.pk])


class Postcode(models.Model):
    """A postcode from the ONS Postcode Directory, with its centre and ward.

    The table holds the whole country, so a postcode names its ward by ONS code
    rather than by foreign key: importing never needs to look wards up, and a
    ward added later finds its postcodes at once.
    """

    postcode = models.CharField(_("postcode"), max_length=8, primary_key=True)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    ward_code = models.CharField(_("ward ONS code"), max_length=9, db_index=True)

    class Meta:
        verbose_name = _("postcode")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90),
                name="postcode_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__gte=-180, longitude__lte=180),
                name="postcode_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return self.postcode
