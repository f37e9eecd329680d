"""The time-credit ledger: accounts, balanced transfers and their entries.

Credits are held in whole minutes (1 credit = 60 minutes by default, a
locality setting), so quarter hours are exact. Every movement is a
``Transfer`` of two or more ``Entry`` rows that sum to zero; entries are never
changed or deleted, and a mistake is put right by a reversing transfer. Each
account caches its balance, kept in the same transaction as its entries.
Only ``kith.credits.services.transfer_create`` writes any of this.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kith.core.errors import ApplicationError
from kith.places.models import Locality


class CreditSettings(models.Model):
    """A locality's rules for credits, created with the defaults when first
    needed (``services.credit_settings_for``)."""

    locality = models.OneToOneField(
        Locality, on_delete=models.PROTECT, related_name="credit_settings"
    )
    minutes_per_credit = models.PositiveSmallIntegerField(
        _("minutes of help in one credit"), default=60
    )
    overdraft_limit_minutes = models.PositiveIntegerField(
        _("how far below nothing a member may go, in minutes"),
        default=0,
        help_text=_("0 means members cannot book help they have no credits for."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("credit settings")
        verbose_name_plural = _("credit settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes_per_credit__gte=1),
                name="credit_settings_minutes_positive",
            )
        ]

    def __str__(self) -> str:
        return f"Credit settings for {self.locality}"


class AccountKind(models.TextChoices):
    MEMBER = "member", _("Member")
    HELPER = "helper", _("Neighbourhood Helper")
    POT = "pot", _("The circle’s pot")
    OUTSIDE = "outside", _("Money paid in")


#: Kinds that belong to a person; the others are the locality's own.
PERSONAL_KINDS = (AccountKind.MEMBER, AccountKind.HELPER)
#: Kinds a locality holds as several rows (shards), so that transfers at the
#: same moment rarely wait for the same row lock (ADR 0024).
SHARED_KINDS = (AccountKind.POT, AccountKind.OUTSIDE)
#: How many shards the pot and the outside world each have. Each transfer
#: uses one, chosen from its key; a balance shown or checked is their sum.
#: Raising it adds shards as they are first needed; lowering it leaves the
#: higher shards' balances counted, only no longer written.
SHARED_ACCOUNT_SHARDS = 8


class Account(models.Model):
    """Where credits are held: one per member, per helper, the locality's pot,
    and ``outside`` (the world money comes in from: top-ups and grants are
    issued from it, so its balance is minus everything ever issued).

    The pot and the outside world are each ``SHARED_ACCOUNT_SHARDS`` rows,
    numbered by ``shard``; what they hold is the sum of their rows. A
    person's account is one row, shard 0.

    ``balance_minutes`` always equals the sum of the account's entries.
    ``floor_minutes`` is the lowest the balance may go (``None``: no limit,
    only for ``outside``); the database refuses any balance below it, row by
    row, so the pot as a whole never goes below nothing either.
    """

    locality = models.ForeignKey(
        Locality, on_delete=models.PROTECT, related_name="credit_accounts"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AccountKind.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_accounts",
    )
    shard = models.PositiveSmallIntegerField(
        _("shard"),
        default=0,
        help_text=_("Which of the pot's or the outside world's rows this is."),
    )
    balance_minutes = models.BigIntegerField(_("balance (minutes)"), default=0)
    floor_minutes = models.BigIntegerField(
        _("lowest balance allowed (minutes)"), null=True, blank=True
    )
    overdraft_override_minutes = models.PositiveIntegerField(
        _("overdraft for this member (minutes)"),
        null=True,
        blank=True,
        help_text=_("Empty: the locality’s overdraft limit applies."),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("credit account")
        ordering = ["locality", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=AccountKind.values), name="credit_account_kind"
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind__in=PERSONAL_KINDS, person__isnull=False)
                    | (~Q(kind__in=PERSONAL_KINDS) & Q(person__isnull=True))
                ),
                name="credit_account_person_matches_kind",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind=AccountKind.OUTSIDE, floor_minutes__isnull=True)
                    | (
                        ~Q(kind=AccountKind.OUTSIDE)
                        & Q(floor_minutes__isnull=False, floor_minutes__lte=0)
                    )
                ),
                name="credit_account_floor_by_kind",
            ),
            models.CheckConstraint(
                condition=Q(floor_minutes__isnull=True)
                | Q(balance_minutes__gte=F("floor_minutes")),
                name="credit_account_balance_within_limit",
            ),
            models.UniqueConstraint(
                fields=["locality", "kind", "person"],
                condition=Q(person__isnull=False),
                name="credit_account_one_per_person",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=SHARED_KINDS) | Q(shard=0),
                name="credit_account_personal_shard_zero",
            ),
            models.UniqueConstraint(
                fields=["locality", "kind", "shard"],
                condition=Q(person__isnull=True),
                name="credit_account_one_shared_shard",
            ),
        ]
        indexes = [models.Index(fields=["locality", "kind", "balance_minutes"])]

    def __str__(self) -> str:
        # The shard is not named: to a person the pot is one pot.
        if self.kind == AccountKind.POT:
            return str(_("The circle’s pot"))
        if self.kind == AccountKind.OUTSIDE:
            return str(_("Money paid in"))
        return f"{self.person} ({self.get_kind_display()})"

    def get_absolute_url(self) -> str:
        return reverse("credits:account", args=[self.pk])

    @property
    def spendable_minutes(self) -> int | None:
        """How many minutes may leave the account now (None: no limit)."""
        if self.floor_minutes is None:
            return None
        return max(0, self.balance_minutes - self.floor_minutes)


class TransferKind(models.TextChoices):
    TOPUP = "topup", _("Credits bought")
    GRANT = "grant", _("Credits from the council")
    JOINING = "joining", _("Credits included with membership")
    VISIT = "visit", _("Visit")
    GIFT = "gift", _("Gift of credits")
    LEAVING = "leaving", _("Credits of a member who left")
    REVERSAL = "reversal", _("Correction")
    ADJUSTMENT = "adjustment", _("Adjustment")
    VOLUNTEERING = "volunteering", _("Volunteering on a community project")


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    CHEQUE = "cheque", _("Cheque")
    CARD = "card", _("Card by phone")
    BANK = "bank", _("Bank transfer")


class ImmutableQuerySet(models.QuerySet):
    """Ledger rows are written once: updating or deleting them through the
    ORM is refused (and the database refuses too, see migration 0002)."""

    def update(self, **kwargs):
        raise ApplicationError(_("The ledger is never changed: reverse a transfer."))

    def delete(self):
        raise ApplicationError(_("The ledger is never changed: reverse a transfer."))


class Transfer(models.Model):
    """One movement of credits: its entries sum to zero.

    ``key`` makes a retried or double-clicked request harmless: the same key
    returns the transfer already made. A reversal names the transfer it puts
    right (``reverses``), at most one per transfer, and cannot itself be
    reversed.
    """

    locality = models.ForeignKey(
        Locality,
        on_delete=models.PROTECT,
        related_name="credit_transfers",
        db_index=False,  # covered by the (locality, kind, occurred_on) index
    )
    key = models.CharField(max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=TransferKind.choices)
    description = models.CharField(_("description"), max_length=200, blank=True)
    occurred_on = models.DateField(_("date"), default=timezone.localdate)
    created_at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the system moved the credits."),
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reference_type = models.CharField(max_length=40, blank=True)
    reference_id = models.CharField(max_length=64, blank=True)
    payment_method = models.CharField(
        _("how it was paid"), max_length=10, choices=PaymentMethod.choices, blank=True
    )
    payment_reference = models.CharField(
        _("payment reference"), max_length=100, blank=True
    )
    amount_pence = models.PositiveIntegerField(_("amount paid (pence)"), null=True)
    paid_by_name = models.CharField(_("who paid"), max_length=150, blank=True)
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
    )

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        verbose_name = _("credit transfer")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=TransferKind.values), name="credit_transfer_kind"
            ),
            models.CheckConstraint(
                condition=Q(kind=TransferKind.REVERSAL, reverses__isnull=False)
                | (~Q(kind=TransferKind.REVERSAL) & Q(reverses__isnull=True)),
                name="credit_transfer_reversal_names_original",
            ),
            models.CheckConstraint(
                condition=~Q(key=""), name="credit_transfer_key_not_blank"
            ),
        ]
        indexes = [
            models.Index(fields=["locality", "kind", "occurred_on"]),
            models.Index(fields=["reference_type", "reference_id"]),
        ]

    def __str__(self) -> str:
        # Plain, untranslated words: it labels every audit event, written on
        # the ledger's busiest path.
        return f"{self.kind} {self.pk}: {self.description}"[:200]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ApplicationError(
                _("The ledger is never changed: reverse a transfer.")
            )
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("credits:transfer", args=[self.pk])

    def delete(self, *args, **kwargs):
        raise ApplicationError(_("The ledger is never changed: reverse a transfer."))


class Entry(models.Model):
    """One account's side of a transfer. ``balance_after`` is the account's
    balance once this entry was written, so a statement needs no sums."""

    # Both foreign keys are covered by the indexes below, so they need none
    # of their own: fewer indexes to write on the hot path.
    transfer = models.ForeignKey(
        Transfer, on_delete=models.PROTECT, related_name="entries", db_index=False
    )
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="entries", db_index=False
    )
    minutes = models.BigIntegerField(_("minutes"))
    balance_after = models.BigIntegerField(_("balance after (minutes)"))

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        verbose_name = _("credit entry")
        verbose_name_plural = _("credit entries")
        ordering = ["-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(minutes=0), name="credit_entry_minutes_not_zero"
            ),
            models.UniqueConstraint(
                fields=["transfer", "account"], name="credit_entry_one_per_account"
            ),
        ]
        indexes = [models.Index(fields=["account", "-id"])]

    def __str__(self) -> str:
        return f"{self.minutes:+d} minutes on account {self.account_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ApplicationError(
                _("The ledger is never changed: reverse a transfer.")
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ApplicationError(_("The ledger is never changed: reverse a transfer."))
