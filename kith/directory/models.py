"""The local directory: the services of every sector in a locality.

The names follow Open Referral UK 3.0 (docs/adr, and the contract with the
``openreferral`` app that publishes them). Every object the standard shows
has a ``uuid`` that never changes; Django's integer key is only for joins.

Draft and published (docs/adr/0022-directory-draft-copies.md): a ``Service`` row in
the ``published`` state is what the public sees. An editor who changes a
published service changes a *draft copy* of it (``draft_of`` pointing at the
published row, with copies of its cost options, schedules, contacts and so
on); publishing the copy writes its content over the published row, keeping
every id the public already knows.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kith.places.models import Locality, Ward


def _uuid_field() -> models.UUIDField:
    return models.UUIDField(default=uuid.uuid4, unique=True, editable=False)


class Taxonomy(models.Model):
    """A list of categories (the council's "Everyday needs")."""

    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="+")
    uuid = _uuid_field()
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    uri = models.URLField(_("web address"), blank=True)
    version = models.CharField(_("version"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("taxonomy")
        verbose_name_plural = _("taxonomies")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["locality", "name"], name="directory_taxonomy_name_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(models.Model):
    """One category: "Lunch clubs", "Money advice". A retired term stays on
    the services that had it but is no longer offered or shown."""

    taxonomy = models.ForeignKey(
        Taxonomy, on_delete=models.PROTECT, related_name="terms"
    )
    uuid = _uuid_field()
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    code = models.SlugField(_("code"), max_length=60)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    retired = models.BooleanField(_("retired"), default=False)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["taxonomy", "code"], name="directory_term_code_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Sector(models.TextChoices):
    PUBLIC = "public", _("Public sector")
    PRIVATE = "private", _("Private business")
    VOLUNTARY = "voluntary", _("Voluntary organisation or charity")
    COMMUNITY = "community", _("Community group")
    FAITH = "faith", _("Faith group")
    SOCIAL_ENTERPRISE = "social_enterprise", _("Social enterprise")


class Organisation(models.Model):
    """Who runs services: a council department, a charity, a business."""

    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="+")
    uuid = _uuid_field()
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("what the organisation does"), blank=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    email = models.EmailField(_("email address"), blank=True)
    website = models.URLField(_("website"), blank=True)
    phone = models.CharField(_("phone number"), max_length=30, blank=True)
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="directory_organisations",
        verbose_name=_("organisation editors"),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["locality", "name"], name="directory_organisation_name_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(sector__in=Sector.values),
                name="directory_organisation_known_sector",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class HowToAccess(models.TextChoices):
    DROP_IN = "drop_in", _("Just turn up")
    PHONE = "phone", _("Phone them")
    REFERRAL = "referral", _("Someone refers you")
    ONLINE = "online", _("Online")


class ServiceStatus(models.TextChoices):
    # The values are Open Referral UK's.
    ACTIVE = "active", _("Running")
    INACTIVE = "inactive", _("Not running at the moment")
    DEFUNCT = "defunct", _("Closed for good")
    TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")


class ReviewState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    WAITING = "waiting", _("Waiting for a check")
    PUBLISHED = "published", _("Published")
    HIDDEN = "hidden", _("Hidden: not checked for too long")


class Service(models.Model):
    """Something an organisation offers: a lunch club, a benefits check."""

    Status = ServiceStatus
    ReviewState = ReviewState

    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="services"
    )
    uuid = _uuid_field()
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("what it is, in plain words"))
    url = models.URLField(_("web page"), blank=True)
    email = models.EmailField(_("email address"), blank=True)
    status = models.CharField(
        _("running"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    review_state = models.CharField(
        _("state"),
        max_length=10,
        choices=ReviewState.choices,
        default=ReviewState.DRAFT,
        db_index=True,
    )
    draft_of = models.OneToOneField(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="draft",
        help_text=_("The published service this is a changed copy of."),
    )
    returned_reason = models.TextField(
        _("why it was sent back"),
        blank=True,
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    minimum_age = models.PositiveSmallIntegerField(
        _("youngest age"), null=True, blank=True
    )
    maximum_age = models.PositiveSmallIntegerField(
        _("oldest age"), null=True, blank=True
    )
    eligibility_description = models.TextField(_("who it is for"), blank=True)
    wards = models.ManyToManyField(
        Ward, blank=True, related_name="+", verbose_name=_("wards it serves")
    )
    radius_km = models.DecimalField(
        _("distance it covers, in kilometres"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
    )
    how_to_access = models.JSONField(
        _("how to get it"),
        default=list,
        blank=True,
        help_text=_("A list of HowToAccess values."),
    )
    takes_referrals = models.BooleanField(_("takes referrals"), default=False)
    referral_email = models.EmailField(_("email address for referrals"), blank=True)
    terms = models.ManyToManyField(
        TaxonomyTerm,
        blank=True,
        related_name="services",
        verbose_name=_("categories"),
    )
    last_checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    stale_flagged_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("When the editor was told it needs checking."),
    )
    last_modified = models.DateTimeField(auto_now=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("service")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["locality", "review_state", "name"]),
            models.Index(fields=["review_state", "last_checked_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(review_state__in=ReviewState.values),
                name="directory_service_known_review_state",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ServiceStatus.values),
                name="directory_service_known_status",
            ),
            models.CheckConstraint(
                condition=models.Q(minimum_age__isnull=True)
                | models.Q(maximum_age__isnull=True)
                | models.Q(minimum_age__lte=models.F("maximum_age")),
                name="directory_service_ages_in_order",
            ),
            # A draft copy is never itself published.
            models.CheckConstraint(
                condition=models.Q(draft_of__isnull=True)
                | models.Q(review_state__in=["draft", "waiting"]),
                name="directory_service_copy_not_published",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        bad = [v for v in self.how_to_access or [] if v not in HowToAccess.values]
        if not isinstance(self.how_to_access, list) or bad:
            raise ValidationError({"how_to_access": _("Choose how to get it.")})
        if (
            self.minimum_age is not None
            and self.maximum_age is not None
            and self.minimum_age > self.maximum_age
        ):
            raise ValidationError(
                {"maximum_age": _("The oldest age must be at least the youngest.")}
            )
        if self.takes_referrals and not (self.referral_email or self.email):
            raise ValidationError(
                {"referral_email": _("Enter the email address referrals should go to.")}
            )

    @property
    def how_to_access_labels(self) -> list[str]:
        labels = dict(HowToAccess.choices)
        return [str(labels[v]) for v in self.how_to_access if v in labels]

    @property
    def is_public(self) -> bool:
        return self.review_state == self.ReviewState.PUBLISHED


class ServiceLanguage(models.Model):
    """A language the service is offered in (ISO 639-1 code)."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="languages"
    )
    uuid = _uuid_field()
    name = models.CharField(_("language"), max_length=60)
    code = models.CharField(_("code"), max_length=10)
    copy_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "code"], name="directory_language_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class CostOption(models.Model):
    """What the service costs: free, a fee, or time credits."""

    class Kind(models.TextChoices):
        FREE = "free", _("Free")
        POUNDS = "pounds", _("A fee in pounds")
        CREDITS = "credits", _("Time credits")

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="cost_options"
    )
    uuid = _uuid_field()
    option = models.CharField(_("name of the charge"), max_length=120, blank=True)
    kind = models.CharField(_("cost"), max_length=10, choices=Kind.choices)
    amount = models.DecimalField(
        _("amount"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    amount_description = models.CharField(
        _("more about the cost"), max_length=250, blank=True
    )
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    copy_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="free", amount__isnull=True)
                | (~models.Q(kind="free") & models.Q(amount__gte=0)),
                name="directory_cost_amount_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.option or self.get_kind_display()

    def clean(self) -> None:
        if self.kind == self.Kind.FREE:
            self.amount = None
        elif self.amount is None:
            raise ValidationError({"amount": _("Enter how much it costs.")})
        elif self.amount < 0:
            raise ValidationError({"amount": _("The amount cannot be below zero.")})

    @property
    def text(self) -> str:
        if self.kind == self.Kind.FREE:
            return str(_("Free"))
        if self.kind == self.Kind.CREDITS:
            return _("%(amount)s time credits") % {"amount": f"{self.amount:g}"}
        return f"£{self.amount:.2f}"


class Location(models.Model):
    """A place where services happen, with its access features (the same
    features as an activity venue's)."""

    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="locations",
    )
    uuid = _uuid_field()
    name = models.CharField(_("name of the place"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    address_1 = models.CharField(_("address"), max_length=250)
    city = models.CharField(_("town or city"), max_length=100)
    postcode = models.CharField(_("postcode"), max_length=8)
    ward = models.ForeignKey(
        Ward, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    step_free = models.BooleanField(_("step-free access"), default=False)
    accessible_toilet = models.BooleanField(_("accessible toilet"), default=False)
    hearing_loop = models.BooleanField(_("hearing loop"), default=False)
    seating = models.BooleanField(_("seating for everyone"), default=False)
    parking = models.BooleanField(_("parking nearby"), default=False)
    quiet = models.BooleanField(_("quiet enough to talk"), default=False)
    accessibility_details = models.TextField(_("more about access"), blank=True)

    #: The accessibility features, in the order pages list them.
    FEATURES = (
        "step_free",
        "accessible_toilet",
        "hearing_loop",
        "seating",
        "parking",
        "quiet",
    )

    class Meta:
        verbose_name = _("location")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def features(self) -> list[str]:
        return [
            str(getattr(self._meta.get_field(name), "verbose_name", name))
            for name in self.FEATURES
            if getattr(self, name)
        ]

    @property
    def address_text(self) -> str:
        return ", ".join(p for p in (self.address_1, self.city, self.postcode) if p)


class ServiceAtLocation(models.Model):
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="service_at_locations"
    )
    uuid = _uuid_field()
    copy_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "location"], name="directory_sal_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service} at {self.location}"


class Schedule(models.Model):
    """When a service runs: "Tuesdays 10am to 12 noon"."""

    class Freq(models.TextChoices):
        WEEKLY = "WEEKLY", _("Every week")
        MONTHLY = "MONTHLY", _("Every month")

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="schedules"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="schedules",
    )
    uuid = _uuid_field()
    freq = models.CharField(
        _("how often"), max_length=10, choices=Freq.choices, default=Freq.WEEKLY
    )
    byday = models.CharField(
        _("days"), max_length=30, help_text=_("For example TU, or MO,WE.")
    )
    opens_at = models.TimeField(_("opens"))
    closes_at = models.TimeField(_("closes"))
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    description = models.CharField(_("when, in words"), max_length=250, blank=True)
    notes = models.CharField(_("notes"), max_length=250, blank=True)
    copy_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens_at__lt=models.F("closes_at")),
                name="directory_schedule_opens_before_closes",
            )
        ]

    def __str__(self) -> str:
        return self.description or self.byday

    @property
    def days(self) -> list[str]:
        return [d for d in self.byday.split(",") if d]

    def clean(self) -> None:
        days = self.days
        if not days or any(d not in self.DAYS for d in days):
            raise ValidationError({"byday": _("Choose at least one day.")})
        if (
            self.opens_at is not None
            and self.closes_at is not None
            and self.opens_at >= self.closes_at
        ):
            raise ValidationError(
                {"closes_at": _("The closing time must be after the opening time.")}
            )


class Closure(models.Model):
    """A holiday: the service does not run between these dates."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="closures"
    )
    uuid = _uuid_field()
    starts_on = models.DateField(_("first day closed"))
    ends_on = models.DateField(_("last day closed"))
    reason = models.CharField(_("why"), max_length=200, blank=True)
    copy_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_on__lte=models.F("ends_on")),
                name="directory_closure_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.starts_on} to {self.ends_on}"

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.starts_on > self.ends_on:
            raise ValidationError(
                {"ends_on": _("The last day must be on or after the first day.")}
            )


class Contact(models.Model):
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="contacts"
    )
    uuid = _uuid_field()
    name = models.CharField(_("name"), max_length=120)
    title = models.CharField(_("job title"), max_length=120, blank=True)
    email = models.EmailField(_("email address"), blank=True)
    copy_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Phone(models.Model):
    """A phone number for a service, or for one of its contacts."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    uuid = _uuid_field()
    number = models.CharField(_("phone number"), max_length=30)
    description = models.CharField(_("what it is for"), max_length=200, blank=True)
    copy_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(service__isnull=False)
                | models.Q(contact__isnull=False),
                name="directory_phone_has_owner",
            )
        ]

    def __str__(self) -> str:
        return self.number


class Signposting(models.Model):
    """A coordinator or helper pointed a member to a service (and perhaps
    referred them to it by email or letter)."""

    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(
        "members.Membership", on_delete=models.PROTECT, related_name="+"
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="signpostings"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    note = models.TextField(_("note"), blank=True)
    referred = models.BooleanField(_("referred"), default=False)
    message = models.ForeignKey(
        "notify.Message",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("signposting")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["locality", "at"])]

    def __str__(self) -> str:
        return f"{self.member_id} to {self.service}"
