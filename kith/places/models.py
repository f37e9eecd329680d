from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Locality(models.Model):
    """The area one circle serves. One deployment can serve several."""

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
            )
        ]

    def __str__(self) -> str:
        return self.name


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
