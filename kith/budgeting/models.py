"""Participatory budgeting: rounds, their headings, proposals and ballots.

The record of who voted (:class:`Voter`) is kept apart from what they chose
(:class:`Ballot`): nothing joins a confirmed ballot to a person. An online
ballot carries a seal (a keyed digest of its voter) only while it may still
be changed; the seals are wiped when voting closes, before the count.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kith.budgeting import counting
from kith.places.models import Locality, Ward


class BallotType(models.TextChoices):
    APPROVAL = counting.APPROVAL, _("Choose up to a number of projects")
    KNAPSACK = counting.KNAPSACK, _("Choose projects that fit within the amount")


class CountingMethod(models.TextChoices):
    GREEDY = counting.GREEDY, _("Greedy by votes")
    EQUAL_SHARES = counting.EQUAL_SHARES, _("Method of Equal Shares")


class Eligibility(models.TextChoices):
    ANYONE = "anyone", _("Anyone")
    WARDS = "wards", _("Residents of the chosen wards")
    MEMBERS = "members", _("Members of the circle")


class Phase(models.TextChoices):
    """Where a round is, worked out from its dates and what has been done."""

    PLANNED = "planned", _("Planned")
    PROPOSING = "proposing", _("Proposing")
    CHECKING = "checking", _("Checking proposals")
    VOTING = "voting", _("Voting")
    COUNTING = "counting", _("Counting")
    RESULTS = "results", _("Results published")


class Round(models.Model):
    """A participatory budgeting round: money on the table and its rules.

    Its rules (headings and amounts, ballot type, eligibility, counting
    method) are frozen once voting opens: the services refuse to change
    them and say why.
    """

    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("what the round is for"), blank=True)
    owner_organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation putting up the money"),
        help_text=_("Leave empty when it is the council."),
    )
    ballot_type = models.CharField(
        _("ballot"), max_length=10, choices=BallotType.choices
    )
    max_choices = models.PositiveSmallIntegerField(
        _("most projects a voter may choose"), null=True, blank=True
    )
    counting_method = models.CharField(
        _("counting method"), max_length=20, choices=CountingMethod.choices
    )
    eligibility = models.CharField(
        _("who may take part"),
        max_length=10,
        choices=Eligibility.choices,
        default=Eligibility.ANYONE,
    )
    wards = models.ManyToManyField(
        Ward, blank=True, related_name="+", verbose_name=_("wards")
    )
    minimum_age = models.PositiveSmallIntegerField(
        _("minimum age"), null=True, blank=True
    )
    proposing_opens = models.DateTimeField(_("proposals open"))
    proposing_closes = models.DateTimeField(_("proposals close"))
    voting_opens = models.DateTimeField(_("voting opens"))
    voting_closes = models.DateTimeField(_("voting closes"))
    #: The recorded public draw: proposal numbers, first drawn first.
    draw = models.JSONField(_("public draw"), default=list, blank=True)
    draw_recorded_at = models.DateTimeField(null=True, blank=True)
    sealed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the online ballots' seals were wiped, after voting closed.",
    )
    counted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("budgeting round")
        ordering = ["-voting_opens", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(proposing_opens__lte=models.F("proposing_closes"))
                & Q(proposing_closes__lte=models.F("voting_opens"))
                & Q(voting_opens__lt=models.F("voting_closes")),
                name="budgeting_round_phases_in_order",
            ),
            models.CheckConstraint(
                condition=Q(ballot_type__in=BallotType.values),
                name="budgeting_round_known_ballot",
            ),
            models.CheckConstraint(
                condition=Q(counting_method__in=CountingMethod.values),
                name="budgeting_round_known_method",
            ),
            models.CheckConstraint(
                condition=~Q(ballot_type=BallotType.APPROVAL) | Q(max_choices__gte=1),
                name="budgeting_round_approval_has_max",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("budgeting:round", args=[self.pk])

    @property
    def owner_name(self) -> str:
        if self.owner_organisation_id:
            return str(self.owner_organisation)
        return self.locality.council_name

    def phase(self, now=None) -> str:
        now = now or timezone.now()
        if self.published_at:
            return Phase.RESULTS
        if now >= self.voting_closes:
            return Phase.COUNTING
        if now >= self.voting_opens:
            return Phase.VOTING
        if now >= self.proposing_closes:
            return Phase.CHECKING
        if now >= self.proposing_opens:
            return Phase.PROPOSING
        return Phase.PLANNED

    def get_phase_display(self) -> str:
        return str(Phase(self.phase()).label)

    def rules_frozen(self, now=None) -> bool:
        return (now or timezone.now()) >= self.voting_opens


class Heading(models.Model):
    """Part of a round's money, with its own amount (in whole pounds)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="headings")
    name = models.CharField(_("name"), max_length=100)
    amount = models.PositiveIntegerField(_("amount in pounds"))

    class Meta:
        verbose_name = _("heading")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "name"], name="budgeting_heading_name_unique"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=1), name="budgeting_heading_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Delivery(models.TextChoices):
    """How far a winning proposal has got."""

    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("Under way")
    DELIVERED = "delivered", _("Delivered")


class Proposal(models.Model):
    """A resident's idea for spending a heading's money."""

    class Feasibility(models.TextChoices):
        PENDING = "pending", _("Not checked yet")
        FEASIBLE = "feasible", _("Can be done")
        NOT_FEASIBLE = "not_feasible", _("Cannot be done")

    class Via(models.TextChoices):
        ONLINE = "online", _("Online")
        PHONE = "phone", _("By phone, with a coordinator")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="proposals")
    heading = models.ForeignKey(
        Heading, on_delete=models.PROTECT, related_name="proposals"
    )
    #: Its place in the order of submission within the round (the tie-break's
    #: "earlier submission"), and the number voters see on paper ballots.
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("what it is"))
    place = models.CharField(_("where"), max_length=200, blank=True)
    estimated_cost = models.PositiveIntegerField(
        _("what the proposer thinks it costs, in pounds"), null=True, blank=True
    )
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    proposer_name = models.CharField(_("proposed by"), max_length=150)
    via = models.CharField(max_length=10, choices=Via.choices, default=Via.ONLINE)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    feasibility = models.CharField(
        _("can it be done"),
        max_length=15,
        choices=Feasibility.choices,
        default=Feasibility.PENDING,
    )
    feasibility_reason = models.TextField(_("reason, shown to everyone"), blank=True)
    cost = models.PositiveIntegerField(
        _("cost in pounds, set by an officer"), null=True, blank=True
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    #: On the map of land and buildings, where it is on one.
    asset = models.ForeignKey(
        "projects.Asset",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("place on the map"),
    )
    #: The community project it belongs to, when one exists.
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("community project"),
    )
    #: How far a winning proposal has got, as its updates last said.
    delivery = models.CharField(
        _("delivery"),
        max_length=15,
        choices=Delivery.choices,
        default=Delivery.NOT_STARTED,
    )
    #: The token of the page that sent it, so a double click makes one.
    submission_key = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("proposal")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "number"], name="budgeting_proposal_number_unique"
            ),
            models.UniqueConstraint(
                fields=["round", "submission_key"],
                condition=~Q(submission_key=""),
                name="budgeting_proposal_submitted_once",
            ),
            models.CheckConstraint(
                condition=Q(delivery__in=Delivery.values),
                name="budgeting_proposal_known_delivery",
            ),
            models.CheckConstraint(
                condition=~Q(feasibility="feasible") | Q(cost__gte=1),
                name="budgeting_feasible_has_cost",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class ProposalUpdate(models.Model):
    """News of a winning proposal, posted by its proposer or an officer,
    until it is delivered. Public, like the results."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="updates"
    )
    delivery = models.CharField(
        _("how far it has got"), max_length=15, choices=Delivery.choices
    )
    text = models.TextField(_("what has happened"))
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    posted_at = models.DateTimeField(default=timezone.now)
    submission_key = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("proposal update")
        ordering = ["posted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "submission_key"],
                condition=~Q(submission_key=""),
                name="budgeting_update_posted_once",
            ),
            models.CheckConstraint(
                condition=Q(delivery__in=Delivery.values),
                name="budgeting_update_known_delivery",
            ),
        ]

    def __str__(self) -> str:
        return f"Update on {self.proposal}"


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    PAPER = "paper", _("On paper")
    PHONE = "phone", _("By phone")


class Voter(models.Model):
    """That a person voted in a round, and how: never what they chose.

    ``identity`` is a keyed digest of their name, postcode and date of
    birth, the same whichever channel they use, so a person who voted on
    paper cannot vote again online. A second attempt is recorded as a
    duplicate and not counted.
    """

    class Status(models.TextChoices):
        VOTED = "voted", _("Voted")
        DUPLICATE = "duplicate", _("Duplicate, not counted")

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="voters")
    identity = models.CharField(max_length=64)
    full_name = models.CharField(_("name"), max_length=150)
    postcode = models.CharField(_("postcode"), max_length=8)
    ward = models.ForeignKey(
        Ward, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(_("how"), max_length=10, choices=Channel.choices)
    paper_number = models.PositiveIntegerField(_("paper number"), null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.VOTED
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    voted_at = models.DateTimeField(default=timezone.now)
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("voter")
        constraints = [
            # One counted vote per person per round, whatever the channel.
            models.UniqueConstraint(
                fields=["round", "identity"],
                condition=Q(status="voted"),
                name="budgeting_one_vote_per_person",
            ),
            models.UniqueConstraint(
                fields=["round", "paper_number"],
                condition=Q(status="voted"),
                name="budgeting_paper_counted_once",
            ),
        ]
        indexes = [models.Index(fields=["round", "identity"])]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_channel_display()})"


class Ballot(models.Model):
    """What one voter chose in one heading, with no link to who they are.

    Spoiled and duplicate ballots are kept, with their reason, and not
    counted. ``seal`` is set only on online ballots while voting is open,
    so the voter can change their choices; it is wiped when voting closes.
    """

    class Status(models.TextChoices):
        COUNTED = "counted", _("Counted")
        SPOILED = "spoiled", _("Spoiled")
        DUPLICATE = "duplicate", _("Duplicate, not counted")

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="ballots")
    heading = models.ForeignKey(
        Heading, on_delete=models.PROTECT, related_name="ballots"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    choices = models.JSONField(default=list)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.COUNTED
    )
    reason = models.CharField(max_length=30, blank=True)
    seal = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        verbose_name = _("ballot")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="spoiled") | ~Q(reason=""),
                name="budgeting_spoiled_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Ballot {self.pk} ({self.heading})"


class Result(models.Model):
    """The count of one heading, as stored when counted."""

    heading = models.OneToOneField(
        Heading, on_delete=models.CASCADE, related_name="result"
    )
    method = models.CharField(max_length=20, choices=CountingMethod.choices)
    winners = models.JSONField(default=list)  # proposal numbers, in funding order
    votes = models.JSONField(default=dict)  # proposal number -> votes
    tie_breaks = models.JSONField(default=list)
    completed = models.JSONField(default=list)
    share = models.CharField(max_length=80, blank=True)
    spent = models.PositiveIntegerField()
    left = models.PositiveIntegerField()
    ballots_counted = models.PositiveIntegerField()
    ballots_spoiled = models.PositiveIntegerField()
    ballots_duplicate = models.PositiveIntegerField()
    counted_at = models.DateTimeField(default=timezone.now)
    counted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("result")

    def __str__(self) -> str:
        return f"Result of {self.heading}"
