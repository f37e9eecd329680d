"""Volunteering and news: work days, tasks people take on, time given,
updates and the photos of assets and updates."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kith.core.models import TimeStampedModel
from kith.places.models import Locality
from kith.projects.models.assets import Asset
from kith.projects.models.common import _uuid_field
from kith.projects.models.projects import Project


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
