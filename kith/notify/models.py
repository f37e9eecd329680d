import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message")
    LETTER = "letter", _("Letter")
    PHONE = "phone", _("Phone call from a coordinator")


# Which contact detail of a person each channel uses, as named in
# ``User.bad_contact_details``.
CONTACT_DETAIL = {
    Channel.EMAIL: "email",
    Channel.SMS: "mobile",
    Channel.LETTER: "address",
}


class Message(models.Model):
    """One message to one person, in the outbox until it is sent.

    Written in the same transaction as the event that causes it; sent by a
    background task after commit. ``reference`` is sent to the provider as the
    idempotency key, so a retried send is never delivered twice. ``key``, when
    given, makes queueing idempotent too: a scheduled job that runs twice
    queues each message once.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")
        # Notify refused it because of Kith's configuration (no template id,
        # a template of the wrong type): it waits for an administrator to fix
        # the template and send it again.
        HELD = "held", _("Held: Notify configuration problem")

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    key = models.CharField(max_length=150, unique=True, null=True, blank=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
    )
    locality = models.ForeignKey(
        "places.Locality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    to = models.CharField(_("to"), max_length=500)
    template = models.CharField(max_length=60)
    personalisation = models.JSONField(default=dict, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True, db_index=True)
    urgent = models.BooleanField(default=False)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # The sender holding a message in "sending": its token, and when its
    # lease ends unless renewed. The sender renews it while it works through
    # its batch and checks it at the moment of sending; only an expired lease
    # lets the sweep take the message back (KITH_NOTIFY_LEASE_SECONDS).
    lease_token = models.CharField(max_length=32, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    # Why a queued message waits beyond its turn: Notify's daily limit for
    # its channel (the coordinators are told when it will go).
    waiting_for = models.CharField(max_length=12, blank=True)
    provider_reference = models.CharField(max_length=100, blank=True)
    last_error = models.TextField(blank=True)
    replaces = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="fallbacks",
        help_text="The message that failed for good, which this one tries again "
        "by another channel.",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["to", "status"]),
            models.Index(fields=["status", "lease_expires_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="message_sent_has_time",
            )
        ]

    def __str__(self) -> str:
        return f"{self.template} to {self.to} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (
            self.Status.SENT,
            self.Status.DELIVERED,
            self.Status.FAILED,
        )


class MessageSecret(models.Model):
    """The values of one message that let someone into an account (a sign-in
    code, a link with a token), kept apart from the message (ADR 0016).

    The message itself stores words in their place ("a sign-in code"), so no
    page, export or admin screen can show the secret. Only the channel reads
    this row, when it hands the message over; the row is deleted as soon as
    the message is sent or has failed for good. It is not in the admin.
    """

    message = models.OneToOneField(
        Message, on_delete=models.CASCADE, primary_key=True, related_name="secret"
    )
    values = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"Secret values of message {self.message_id}"


class TemplateProblem(models.Model):
    """A GOV.UK Notify template that is wrong for Kith: found by
    ``manage.py notify_check`` (which replaces the list each time it runs) or
    by a message Notify refused because of it. While any is listed, the
    administrators see a warning on every staff page."""

    class Kind(models.TextChoices):
        MISSING = "missing", _("No template")
        WRONG_TYPE = "wrong_type", _("Template of the wrong type")
        FIELDS = "fields", _("Personalisation fields differ")
        REFUSED = "refused", _("Notify refused a message")

    class Source(models.TextChoices):
        CHECK = "check", _("The Notify check")
        SEND = "send", _("A message Notify refused")

    template = models.CharField(max_length=60, blank=True)
    channel = models.CharField(max_length=10, blank=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    source = models.CharField(max_length=8, choices=Source.choices)
    detail = models.TextField()
    found_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["template", "channel", "source"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "channel", "source"],
                name="templateproblem_once_per_template_channel_source",
            )
        ]

    def __str__(self) -> str:
        return f"{self.template} by {self.channel}: {self.get_kind_display()}"


class RateBucket(models.Model):
    """The token bucket that keeps every worker together under Notify's
    requests a minute per API key (kith.notify.limits). One row per key."""

    name = models.CharField(max_length=40, unique=True)
    tokens = models.FloatField(default=0)
    refilled_at = models.DateTimeField(default=timezone.now)
    slowed_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name}: {self.tokens:.1f} tokens"


class DailySendCount(models.Model):
    """How many messages of one channel were handed to Notify on one day
    (UK time), against Notify's daily limit for the channel."""

    day = models.DateField()
    channel = models.CharField(max_length=10)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "channel"], name="dailysendcount_once_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.channel}: {self.count}"


class Call(models.Model):
    """One person to phone, and why: a line of the coordinators' call list.

    The list is built by a scheduled job (``call_list_prepare``): members who
    prefer the phone and have a visit to confirm or a message waiting, and
    anyone a message could not reach. ``key`` keeps it idempotent. A call stays
    on the list, day after day, until it is done (spoken to, or a wrong
    number).
    """

    class Reason(models.TextChoices):
        VISIT_TO_CONFIRM = "visit_to_confirm", _("Visit to confirm")
        MESSAGE = "message", _("Message to pass on")
        FAILED_MESSAGE = "failed_message", _("A message did not reach them")
        SURVEY_DUE = "survey_due", _("Wellbeing survey due")

    class Outcome(models.TextChoices):
        SPOKE = "spoke", _("Spoke to them")
        LEFT_MESSAGE = "left_message", _("Left a message")
        NO_ANSWER = "no_answer", _("No answer")
        WRONG_NUMBER = "wrong_number", _("Wrong number")

    key = models.CharField(max_length=150, unique=True)
    locality = models.ForeignKey(
        "places.Locality", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField(help_text="The day it was first listed.")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    summary = models.CharField(max_length=300)
    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, null=True, blank=True, related_name="calls"
    )
    visit = models.ForeignKey(
        "help.Visit", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    done = models.BooleanField(default=False)
    note = models.CharField(_("note"), max_length=500, blank=True)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    called_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["day", "person__full_name", "pk"]
        indexes = [models.Index(fields=["locality", "done", "day"])]

    def __str__(self) -> str:
        return f"Call {self.person} on {self.day}: {self.get_reason_display()}"


class JobRun(models.Model):
    """One run of one scheduled job for one slot (a day, or a time of day).

    The (job, slot) pair is unique, so however many schedulers run, each slot
    is enqueued once; a run that did not finish is enqueued again later.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    job = models.CharField(max_length=80)
    slot = models.CharField(max_length=40)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    enqueued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.CharField(max_length=300, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-enqueued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["job", "slot"], name="jobrun_once_per_slot")
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.slot} ({self.status})"
