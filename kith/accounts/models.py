from django.conf import settings
from django.contrib.auth.models import (
    AbstractBaseUser,
    BaseUserManager,
    PermissionsMixin,
)
from django.db import models
from django.db.models.functions import Concat, Lower, Replace
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kith.core.times import when_text
from kith.places.models import Locality


class Role(models.TextChoices):
    MEMBER = "member", _("Member")
    SUPPORTER = "supporter", _("Supporter")
    HELPER = "helper", _("Neighbourhood Helper")
    COORDINATOR = "coordinator", _("Coordinator")
    COUNCIL_OFFICER = "council_officer", _("Council officer")
    ORGANISATION_EDITOR = "organisation_editor", _("Organisation editor")
    SAFEGUARDING_LEAD = "safeguarding_lead", _("Safeguarding lead")
    ADMIN = "admin", _("Administrator")


#: Roles whose holders see other people's records: they confirm every sign-in
#: with an authenticator app and their sessions end after 30 minutes idle.
STAFF_ROLES = frozenset(
    {Role.COORDINATOR, Role.COUNCIL_OFFICER, Role.SAFEGUARDING_LEAD, Role.ADMIN}
)


class ContactBy(models.TextChoices):
    PHONE = "phone", _("Phone call")
    SMS = "sms", _("Text message")
    EMAIL = "email", _("Email")
    LETTER = "letter", _("Letter")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email=None, password=None, **fields):
        normalised = self.normalize_email(email).lower() if email else None
        user = self.model(email=normalised, **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password, **fields):
        fields.setdefault("full_name", "Administrator")
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email=email, password=password, **fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person known to Kith. Email and mobile are both optional: many members
    have neither, and a coordinator acts for them."""

    full_name = models.CharField(_("full name"), max_length=150)
    preferred_name = models.CharField(
        _("what they like to be called"), max_length=80, blank=True
    )
    email = models.EmailField(_("email address"), unique=True, null=True, blank=True)
    mobile = models.CharField(
        _("mobile number"), max_length=16, unique=True, null=True, blank=True
    )
    phone = models.CharField(_("other phone number"), max_length=20, blank=True)
    address_line_1 = models.CharField(_("address line 1"), max_length=100, blank=True)
    address_line_2 = models.CharField(_("address line 2"), max_length=100, blank=True)
    town = models.CharField(_("town or city"), max_length=60, blank=True)
    postcode = models.CharField(_("postcode"), max_length=8, blank=True, db_index=True)
    contact_by = models.CharField(
        _("how they like to be contacted"),
        max_length=10,
        choices=ContactBy.choices,
        default=ContactBy.PHONE,
    )
    contact_times = models.CharField(
        _("best times to contact them"), max_length=200, blank=True
    )
    bad_contact_details = models.JSONField(
        default=list,
        blank=True,
        help_text="Contact details a provider said do not work (email, mobile...).",
    )
    home_locality = models.ForeignKey(
        Locality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("home locality"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("can use the Django admin"),
        default=False,
        help_text=_("Only for administrators who run the deployment."),
    )
    date_joined = models.DateTimeField(_("added"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    #: Name, preferred name, email, postcode (as written and without its
    #: space) and both phone numbers (as digits from 0, the mobile's stored
    #: +44 turned back into 0) in lower case, kept by the database: the
    #: coordinators' searches (``kith.accounts.search``) match one column, not
    #: seven case-folded ones, so a search over 10,000 people stays quick.
    search_text = models.GeneratedField(
        expression=Lower(
            Concat(
                "full_name",
                models.Value(" "),
                "preferred_name",
                models.Value(" "),
                "email",
                models.Value(" "),
                "postcode",
                models.Value(" "),
                Replace("postcode", models.Value(" "), models.Value("")),
                models.Value(" "),
                Replace("mobile", models.Value("+44"), models.Value("0")),
                models.Value(" "),
                Replace("phone", models.Value(" "), models.Value("")),
                output_field=models.TextField(),
            )
        ),
        output_field=models.TextField(),
        db_persist=True,
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            models.CheckConstraint(
                condition=~models.Q(email=""), name="user_email_null_not_blank"
            ),
            models.CheckConstraint(
                condition=~models.Q(mobile=""), name="user_mobile_null_not_blank"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("accounts:person", args=[self.pk])

    @property
    def display_name(self) -> str:
        return self.preferred_name or self.full_name

    def get_full_name(self) -> str:
        return self.full_name

    def own_locality(self) -> Locality | None:
        """The locality whose staff look after this person, so where their
        messages and the audit events about them belong (not the locality of
        the page that caused them): their home locality, else the one where
        they were first given a role, else None (then only an administrator
        sees them)."""
        if self.home_locality_id:
            return self.home_locality
        first = self.roles.select_related("locality").order_by("pk").first()
        return first.locality if first is not None else None

    def get_short_name(self) -> str:
        return self.display_name

    @property
    def address_lines(self) -> list[str]:
        return [
            line
            for line in (
                self.address_line_1,
                self.address_line_2,
                self.town,
                self.postcode,
            )
            if line
        ]


class RoleAssignment(models.Model):
    """One role held by one person within one locality."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    granted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("role")
        ordering = ["locality", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "locality", "role"], name="role_assignment_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values),
                name="role_assignment_known_role",
            ),
        ]
        indexes = [models.Index(fields=["locality", "role"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} ({self.locality})"


class SignInCode(models.Model):
    """A one-time 6-digit code sent by email or text. Only its hash is kept."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("email")
        SMS = "sms", _("text message")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    wrong_tries = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The coordinator who sent it, when the person did not ask "
        "for it themself.",
    )

    class Meta:
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return f"Sign-in code for {self.user} ({when_text(self.created_at, year=True)})"


class ContactCode(models.Model):
    """A one-time 6-digit code sent to an email address or mobile number that
    is on nobody's account yet, to prove that the person opening a page holds
    it (an invited supporter accepting before they have an account, ADR
    0020). Only hashes are kept: of the code, and of the address with what
    the code is for."""

    purpose = models.CharField(max_length=40)
    sent_to = models.CharField(max_length=128)
    channel = models.CharField(max_length=10, choices=SignInCode.Channel.choices)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    wrong_tries = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["sent_to", "created_at"])]

    def __str__(self) -> str:
        return (
            f"Code for {self.purpose} ({self.created_at.isoformat(timespec='minutes')})"
        )


class SignInAttempt(models.Model):
    """A failed (or successful) sign-in, for slowing down guessing."""

    identifier = models.CharField(max_length=254, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    succeeded = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["ip_address", "created_at"])]

    def __str__(self) -> str:
        outcome = "ok" if self.succeeded else "failed"
        return f"{self.identifier} {outcome} {self.created_at}"


class SignedInSession(models.Model):
    """Where a person is signed in: one row per session, so they can see
    their sessions and end any of them from their own page. The session
    itself lives in the session store (the database or Redis); a row whose
    session has ended is dropped when the list is next read."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    device = models.CharField(max_length=120, blank=True)

    class Meta:
        verbose_name = _("signed-in session")
        indexes = [models.Index(fields=["user", "-last_seen_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at.isoformat(timespec='minutes')}"


class Authenticator(models.Model):
    """A staff member's authenticator app (TOTP, RFC 6238)."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="authenticator"
    )
    secret = models.CharField(max_length=64)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_used_step = models.BigIntegerField(
        default=0, help_text="The last time step accepted, so a code works only once."
    )

    def __str__(self) -> str:
        return f"Authenticator for {self.user}"


class RecoveryCode(models.Model):
    """A single-use code for a staff member who has lost their authenticator."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="recovery_codes"
    )
    code_hash = models.CharField(max_length=128)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Recovery code for {self.user}"


class PossibleDuplicate(models.Model):
    """Two records in a locality that may be one person, and what a
    coordinator decided: the one model for members and helpers alike.

    Joining flags a pair when it is found (``open``); the helpers' list finds
    pairs as it is drawn and records only a decision. ``first`` is always the
    record known first (the lower id), so a pair is one row whichever side
    found it: ``kept`` (two people, never shown again) or ``merged`` (into
    ``first``, as a member's merge does, or as a coordinator chose).
    """

    class Reason(models.TextChoices):
        NAME_AND_BIRTH = "name_birth", _("Same name and date of birth")
        NAME_AND_POSTCODE = "name_postcode", _("Same name and postcode")
        PHONE = "phone", _("Same phone number")
        EMAIL = "email", _("Same email address")
        DECIDED = "decided", _("Looked alike to a coordinator")

    class Decision(models.TextChoices):
        OPEN = "open", _("Not yet looked at")
        MERGED = "merged", _("Merged")
        KEPT = "kept", _("Different people")

    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="+")
    first = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=16, choices=Reason.choices)
    decision = models.CharField(
        max_length=10, choices=Decision.choices, default=Decision.OPEN
    )
    found_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["locality", "first", "second"],
                name="possible_duplicate_pair_once",
            ),
            models.CheckConstraint(
                condition=models.Q(first__lt=models.F("second")),
                name="possible_duplicate_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(decision__in=["open", "merged", "kept"]),
                name="possible_duplicate_known_decision",
            ),
        ]
        indexes = [models.Index(fields=["locality", "decision"])]

    def __str__(self) -> str:
        return f"{self.first_id} may be {self.second_id} ({self.decision})"

    def other_than(self, person_id: int) -> User:
        """The other record of the pair, seen from ``person_id``'s."""
        return self.second if person_id == self.first_id else self.first
