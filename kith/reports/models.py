"""Surveys of wellbeing and loneliness, and the settings the council's
figures use. The figures themselves are not stored: they are counted from
the other parts when asked (kith/reports/figures/)."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kith.places.models import Locality
from kith.reports import scoring


class Instrument(models.Model):
    """One version of a questionnaire. The ONS measures ship with Kith (their
    wording is Crown copyright under the Open Government Licence); any other
    instrument is added by an administrator with the reference of the
    council's licence to use it, and Kith ships none of its text. Once
    anyone has answered a version it is read-only: new wording is a new
    version."""

    code = models.SlugField(_("code"), max_length=40)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    title = models.CharField(_("title"), max_length=150)
    source = models.CharField(_("source"), max_length=400)
    introduction = models.TextField(_("what is read out first"), blank=True)
    shipped = models.BooleanField(default=False, editable=False)
    licence_reference = models.CharField(
        _("licence reference"),
        max_length=200,
        blank=True,
        help_text=_("The council's licence to use this instrument's items."),
    )
    is_active = models.BooleanField(_("asked in surveys"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-shipped", "code", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"], name="instrument_version_unique"
            ),
            models.CheckConstraint(
                condition=Q(shipped=True) | ~Q(licence_reference=""),
                name="instrument_licensed_unless_shipped",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"

    def clean(self) -> None:
        if not self.shipped and not self.licence_reference.strip():
            raise ValidationError(
                {
                    "licence_reference": _(
                        "Enter the reference of the council's licence to use "
                        "this instrument."
                    )
                }
            )

    @property
    def answered(self) -> bool:
        return Answer.objects.filter(item__instrument=self).exists()


class InstrumentItem(models.Model):
    """One question of an instrument, with its answers as (score, words)."""

    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="items"
    )
    position = models.PositiveSmallIntegerField(default=0)
    key = models.SlugField(_("key"), max_length=40)
    text = models.TextField(_("question"))
    answers = models.JSONField(
        _("answers"),
        help_text=_('A list of [score, "words"] pairs, in the order read out.'),
    )

    class Meta:
        ordering = ["instrument", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "key"], name="instrument_item_key_unique"
            )
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def scores(self) -> list[int]:
        return [int(pair[0]) for pair in self.answers]


class SurveySettings(models.Model):
    """When a locality asks its members, and the values its social value
    figures use (each with where it comes from)."""

    locality = models.OneToOneField(
        Locality, on_delete=models.CASCADE, related_name="survey_settings"
    )
    first_follow_up_months = models.PositiveSmallIntegerField(
        _("first follow-up, months after joining"), default=6
    )
    then_every_months = models.PositiveSmallIntegerField(
        _("then every, in months"), default=12
    )
    overdue_after_days = models.PositiveSmallIntegerField(
        _("overdue after, in days"), default=28
    )
    wellby_pounds = models.PositiveIntegerField(
        _("value of one WELLBY (pounds)"), default=13000
    )
    wellby_low_pounds = models.PositiveIntegerField(
        _("low value of one WELLBY (pounds)"), default=10000
    )
    wellby_high_pounds = models.PositiveIntegerField(
        _("high value of one WELLBY (pounds)"), default=16000
    )
    wellby_price_year = models.PositiveSmallIntegerField(
        _("prices of the year"), default=2019
    )
    wellby_source = models.CharField(
        _("source of the WELLBY value"),
        max_length=300,
        default=(
            "HM Treasury, The Green Book: Wellbeing guidance for appraisal "
            "(supplementary Green Book guidance, 2021), 2019 prices"
        ),
    )

    class Meta:
        verbose_name_plural = "survey settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(wellby_low_pounds__lte=models.F("wellby_pounds"))
                & Q(wellby_pounds__lte=models.F("wellby_high_pounds")),
                name="wellby_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(first_follow_up_months__gte=1)
                & Q(then_every_months__gte=1),
                name="survey_intervals_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"Survey settings of {self.locality}"


class Survey(models.Model):
    """One member's answer (or refusal) at one wave: 0 is the baseline at
    joining, 1 the first follow-up, then one a year. The scores of the ONS
    measures are kept with it so that the figures need not read every answer.
    Personal data: only ever published in aggregate."""

    class Status(models.TextChoices):
        ANSWERED = "answered", _("Answered")
        DECLINED = "declined", _("Declined")

    class How(models.TextChoices):
        ONLINE = "online", _("Online, by the member")
        PAPER = "paper", _("On paper, entered by staff")
        PHONE = "phone", _("By phone, with a coordinator")

    membership = models.ForeignKey(
        "members.Membership", on_delete=models.PROTECT, related_name="+"
    )
    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="+")
    wave = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices)
    how = models.CharField(max_length=10, choices=How.choices)
    stop_asking = models.BooleanField(_("do not ask again"), default=False)
    answered_on = models.DateField(default=timezone.localdate)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    submission_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    life_satisfaction = models.PositiveSmallIntegerField(null=True, blank=True)
    worthwhile = models.PositiveSmallIntegerField(null=True, blank=True)
    happiness = models.PositiveSmallIntegerField(null=True, blank=True)
    anxiety = models.PositiveSmallIntegerField(null=True, blank=True)
    lonely_direct = models.PositiveSmallIntegerField(null=True, blank=True)
    ucla_total = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["membership", "wave"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "wave"], name="survey_once_per_wave"
            ),
            models.CheckConstraint(
                condition=Q(ucla_total__isnull=True)
                | Q(ucla_total__gte=3, ucla_total__lte=9),
                name="survey_ucla_total_3_to_9",
            ),
            models.CheckConstraint(
                condition=Q(status="answered")
                | Q(
                    life_satisfaction__isnull=True,
                    lonely_direct__isnull=True,
                    ucla_total__isnull=True,
                ),
                name="survey_declined_has_no_scores",
            ),
        ]
        indexes = [
            # Covers the figures' counts by month, status and member (then
            # ward), so they read the index and not the surveys.
            models.Index(
                fields=["locality", "answered_on", "status", "membership"],
                name="survey_figures",
            ),
            # Covers the outcomes' reading of baselines and follow-ups with
            # their scores: an index-only range, not a row per survey.
            models.Index(
                fields=[
                    "locality",
                    "status",
                    "answered_on",
                    "wave",
                    "membership",
                    "life_satisfaction",
                    "worthwhile",
                    "happiness",
                    "anxiety",
                    "lonely_direct",
                    "ucla_total",
                ],
                name="survey_outcomes",
            ),
        ]

    def __str__(self) -> str:
        return f"Survey {self.wave} of membership {self.membership_id}"


class Answer(models.Model):
    """One item's answer in one survey. An item not answered has no row."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(InstrumentItem, on_delete=models.PROTECT, related_name="+")
    value = models.SmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "item"], name="answer_once_per_item"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item.key}: {self.value}"


class ProxyValue(models.Model):
    """A financial proxy the council may use for an outcome, from a source
    it is licensed to use (Kith ships none: the HACT Social Value Bank's
    licence forbids passing its values on). Never deleted: a value no
    longer used is retired (kept, with the audit trail of every change, so
    a report already taken to scrutiny can be explained later)."""

    locality = models.ForeignKey(Locality, on_delete=models.CASCADE, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=150)
    value_pence = models.PositiveIntegerField(_("value per person (pence)"))
    source = models.CharField(_("source"), max_length=300)
    year = models.PositiveSmallIntegerField(_("prices of the year"))
    licence = models.CharField(_("licence"), max_length=200)
    deadweight_percent = models.DecimalField(
        _("deadweight (%)"), max_digits=5, decimal_places=2, default=Decimal(0)
    )
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)
    submission_key = models.CharField(max_length=64, unique=True, null=True, blank=True)

    class Meta:
        ordering = ["outcome"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadweight_percent__gte=0) & Q(deadweight_percent__lte=100),
                name="proxy_deadweight_percent",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1900) & Q(year__lte=2200),
                name="proxy_year_sane",
            ),
            models.UniqueConstraint(
                fields=["locality", "outcome"],
                condition=Q(retired_at__isnull=True),
                name="proxy_outcome_once_in_use",
            ),
        ]

    def __str__(self) -> str:
        return self.outcome


class HelpValue(models.Model):
    """What an hour of one kind of help would cost from a business: the
    commercial equivalent that gives each visit a value."""

    locality = models.ForeignKey(Locality, on_delete=models.CASCADE, related_name="+")
    category = models.OneToOneField(
        "help.HelpCategory", on_delete=models.CASCADE, related_name="+"
    )
    pence_per_hour = models.PositiveIntegerField(_("commercial price an hour (pence)"))
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        ordering = ["category__name"]

    def __str__(self) -> str:
        return f"{self.category}: {self.pence_per_hour}p an hour"


class InstrumentScoring(models.Model):
    """How a licensed instrument's answers make one score, set by an
    administrator from the instrument's own scoring instructions: the sum
    of its items (each scored ``item_min`` to ``item_max``), prorated when
    at least ``min_answered`` but not all items were answered, then,
    optionally, looked up in a conversion table (for example SWEMWBS's
    raw-to-metric table). The shipped ONS measures are scored in code
    (kith/reports/scoring.py) and have none."""

    instrument = models.OneToOneField(
        Instrument, on_delete=models.CASCADE, related_name="scoring"
    )
    item_min = models.SmallIntegerField(_("lowest score of an item"))
    item_max = models.SmallIntegerField(_("highest score of an item"))
    min_answered = models.PositiveSmallIntegerField(
        _("fewest items answered to give a score"),
        help_text=_(
            "With fewer answered, the survey has no score. Below all the "
            "items, the total is the mean of the answered items times the "
            "number of items, rounded half up."
        ),
    )
    conversion = models.TextField(
        _("conversion table"),
        blank=True,
        help_text=_(
            "Optional. One line for each possible total: the total, an equals "
            "sign and the score it converts to, like 7 = 7.00."
        ),
    )
    higher_is_better = models.BooleanField(_("a higher score is better"), default=True)
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "instrument scoring"
        constraints = [
            models.CheckConstraint(
                condition=Q(item_min__lt=models.F("item_max")),
                name="scoring_item_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(min_answered__gte=1), name="scoring_min_answered_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"Scoring of {self.instrument}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.instrument_id and self.instrument.shipped:
            errors["instrument"] = str(
                _("The ONS measures are scored by Kith; they need no rule.")
            )
        if (
            self.item_min is not None
            and self.item_max is not None
            and self.item_min >= self.item_max
        ):
            errors["item_max"] = str(
                _("The highest score of an item must be more than the lowest.")
            )
        items = list(self.instrument.items.all()) if self.instrument_id else []
        if (
            self.min_answered is not None
            and items
            and not (1 <= self.min_answered <= len(items))
        ):
            errors["min_answered"] = str(
                _("Enter a number from 1 to %(n)s, the number of its items.")
                % {"n": len(items)}
            )
        if not errors and self.item_min is not None and self.item_max is not None:
            for item in items:
                outside = [
                    s for s in item.scores() if not self.item_min <= s <= self.item_max
                ]
                if outside:
                    errors["item_max"] = str(
                        _(
                            "The item %(key)s has answers scored %(scores)s, "
                            "outside the range."
                        )
                        % {"key": item.key, "scores": outside}
                    )
                    break
            if "item_max" not in errors and items:
                try:
                    self.rule(len(items))
                except ValueError as error:
                    errors["conversion"] = str(error)
        if errors:
            raise ValidationError(errors)

    def rule(self, items: int) -> scoring.ScoringRule:
        """The pure rule for ``items`` items. Raises ValueError for a
        conversion table that does not parse or cover every total."""
        return scoring.ScoringRule(
            items=items,
            item_min=self.item_min,
            item_max=self.item_max,
            min_answered=self.min_answered,
            conversion=scoring.parse_conversion(
                self.conversion, low=items * self.item_min, high=items * self.item_max
            ),
        )


class VisitMonth(models.Model):
    """Last night's count of one locality's visits in one settled month, by
    the member's ward, kind of help and status: the reports read these
    instead of a million visits (ADR 0044). Made afresh each night by
    ``visit_months_refresh``; a month not yet settled, or outside the run's
    months, is counted from the visits themselves. Not personal: counts."""

    locality = models.ForeignKey(Locality, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    # Ids, not keys: a summary, rebuilt whole, need not hold rows apart.
    ward_id = models.PositiveIntegerField(null=True)
    category_id = models.PositiveIntegerField(null=True)
    status = models.CharField(max_length=10)
    visits = models.PositiveIntegerField()
    minutes = models.PositiveBigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["locality", "month"])]

    def __str__(self) -> str:
        return f"{self.visits} visits {self.status} in {self.month:%Y-%m}"


class VisitMonthRun(models.Model):
    """Which months a locality's ``VisitMonth`` rows cover, and when they
    were counted."""

    locality = models.OneToOneField(
        Locality, on_delete=models.CASCADE, related_name="+"
    )
    first_month = models.DateField()
    last_month = models.DateField()
    made_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Visits of {self.first_month:%Y-%m} to {self.last_month:%Y-%m}"
