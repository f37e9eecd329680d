from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kith.core.errors import ApplicationError
from kith.core.times import when_text


class TimeStampedModel(models.Model):
    """Base for records that say when they were made and last changed."""

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs):
        raise ApplicationError(_("Audit events are never changed."))

    def delete(self):
        raise ApplicationError(_("Audit events are never deleted."))


class AuditEvent(models.Model):
    """Who did what, for whom, to which record, when and from where.

    Written by services in the same transaction as the change they describe,
    and for each time staff open a person's record. Never edited or deleted
    through the application: the model refuses, and the database refuses
    updates too (migration 0002).
    """

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
        help_text=_("Empty when the system acted on its own (a scheduled job)."),
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("for whom"),
    )
    action = models.CharField(_("what"), max_length=80, db_index=True)
    target_type = models.CharField(_("record type"), max_length=80, blank=True)
    target_id = models.CharField(_("record"), max_length=64, blank=True)
    target_label = models.CharField(_("record name"), max_length=200, blank=True)
    locality = models.ForeignKey(
        "places.Locality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    ip_address = models.GenericIPAddressField(_("from address"), null=True, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            models.Index(fields=["locality", "-created_at"]),
            models.Index(fields=["actor", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{when_text(self.created_at, year=True)}: {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ApplicationError(_("Audit events are never changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ApplicationError(_("Audit events are never deleted."))


class SavedAnswers(models.Model):
    """The answers of unfinished question pages (asking for help, proposing
    an activity, joining...) of someone signed out because they were idle
    or signed in too long, kept so that signing in again resumes them. Only
    ever given back to the same person, and removed when given back."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    flows = models.JSONField(default=dict)
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("saved answers")
        verbose_name_plural = _("saved answers")
        constraints = [
            models.UniqueConstraint(fields=["user"], name="saved_answers_one_per_user")
        ]

    def __str__(self) -> str:
        saved = when_text(self.saved_at, year=True)
        return f"Saved answers of {self.user_id} ({saved})"
