"""Writes of the projects part: the asset register, Assets of Community
Value, projects, pledges, volunteers and updates.

Every service takes the acting person as ``actor``, checks their permission
in the locality, validates, writes in its own transaction and records an
audit event. A refused change raises ApplicationError (or PermissionDenied)
and changes nothing.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kith.accounts.models import RoleAssignment, User
from kith.accounts.permissions import Perm, has_perm, require_perm
from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.credits.services import volunteering_credits_earn
from kith.directory.models import Organisation
from kith.notify.services import message_queue_for_person
from kith.places.models import Locality, Ward
from kith.places.postcodes import postcode_or_none
from kith.places.selectors import postcode_locate
from kith.projects import dates, rules
from kith.projects.models import (
    RESIDENT,
    Asset,
    CostItem,
    DisposalNotice,
    Fund,
    HoursGiven,
    Nomination,
    Photo,
    Pledge,
    Project,
    ProjectSettings,
    Update,
    WorkDay,
)
from kith.projects.photos import photo_clean
from kith.social.services import (
    ActivityAnswers,
    VenueAnswers,
    activity_propose,
    venue_save,
)


def _validation_error(exc: ValidationError) -> ApplicationError:
    """The first message of a model's ``full_clean`` as an ApplicationError."""
    if hasattr(exc, "error_dict"):
        name, errors = next(iter(exc.error_dict.items()))
        return ApplicationError(
            errors[0].messages[0], field=None if name == "__all__" else name
        )
    return ApplicationError(exc.messages[0])


def _clean(instance: Any, exclude: list[str] | None = None) -> None:
    try:
        instance.full_clean(exclude=exclude, validate_unique=True)
    except ValidationError as exc:
        raise _validation_error(exc) from None


def _same_locality(obj: Any, locality: Locality) -> None:
    if obj is not None and obj.locality_id != locality.pk:
        raise PermissionDenied


# --- the asset register ----------------------------------------------------------


@dataclass
class AssetAnswers:
    name: str
    kind: str
    status: str
    condition: str = Asset.Condition.FAIR
    description: str = ""
    address: str = ""
    postcode: str = ""
    owner: Organisation | None = None
    part_of: Asset | None = None
    size_square_metres: int | None = None
    let_to: Organisation | None = None
    let_terms: str = ""
    let_from: date | None = None
    let_until: date | None = None
    public: bool = False
    latitude: float | None = None
    longitude: float | None = None


def _check_let(answers: AssetAnswers) -> None:
    if answers.status == Asset.Status.LET:
        if answers.let_to is None:
            raise ApplicationError(_("Choose the group it is let to."), field="let_to")
        if answers.let_terms not in Asset.Terms.values:
            raise ApplicationError(
                _("Say whether it is let on a licence or a lease."), field="let_terms"
            )
        if answers.let_from is None:
            raise ApplicationError(
                _("Enter the date the licence or lease started."), field="let_from"
            )
    if answers.let_from and answers.let_until and answers.let_until < answers.let_from:
        raise ApplicationError(
            _("The end of the licence or lease must be after its start."),
            field="let_until",
        )
    if answers.kind == Asset.Kind.ROOM and answers.part_of is None:
        raise ApplicationError(
            _("Choose the building the room is in."), field="part_of"
        )
    if answers.part_of is not None and answers.part_of.kind != Asset.Kind.BUILDING:
        raise ApplicationError(_("A room can only be in a building."), field="part_of")


@transaction.atomic
def asset_save(
    *,
    actor: User,
    locality: Locality,
    answers: AssetAnswers,
    asset: Asset | None = None,
) -> Asset:
    """Add an asset to the register, or change one. Only a council officer
    keeps the register. The postcode gives the ward and, unless entered, the
    place on the map. Raises ApplicationError for a broken rule."""
    require_perm(actor, Perm.ASSETS_MANAGE, locality)
    if asset is not None:
        _same_locality(asset, locality)
        asset = Asset.objects.select_for_update().get(pk=asset.pk)
    for related in (answers.owner, answers.let_to, answers.part_of):
        _same_locality(related, locality)
    if (
        asset is not None
        and answers.part_of is not None
        and answers.part_of.pk == asset.pk
    ):
        raise ApplicationError(_("A room cannot be in itself."), field="part_of")
    _check_let(answers)
    postcode = ""
    ward = None
    latitude, longitude = answers.latitude, answers.longitude
    if answers.postcode.strip():
        postcode = postcode_or_none(answers.postcode) or ""
        if not postcode:
            raise ApplicationError(_("Enter a real postcode."), field="postcode")
        found = postcode_locate(postcode=postcode)
        if found is not None:
            ward = Ward.objects.filter(
                locality=locality, ons_code=found.ward_code
            ).first()
            if latitude is None or longitude is None:
                latitude, longitude = found.latitude, found.longitude
    target = asset or Asset(locality=locality)
    values = {
        "name": answers.name.strip(),
        "kind": answers.kind,
        "status": answers.status,
        "condition": answers.condition,
        "description": answers.description.strip(),
        "address": answers.address.strip(),
        "postcode": postcode,
        "ward": ward,
        "latitude": latitude,
        "longitude": longitude,
        "owner": answers.owner,
        "part_of": answers.part_of if answers.kind == Asset.Kind.ROOM else None,
        "size_square_metres": answers.size_square_metres,
        "let_to": answers.let_to,
        "let_terms": answers.let_terms,
        "let_from": answers.let_from,
        "let_until": answers.let_until,
        "public": answers.public,
    }
    for name, value in values.items():
        setattr(target, name, value)
    _clean(target)
    created = target.pk is None
    target.save()
    audit_record(
        actor=actor,
        action="asset_added" if created else "asset_changed",
        target=target,
        locality=locality,
        data={"status": target.status, "public": target.public},
    )
    return target


@transaction.atomic
def asset_photo_add(
    *, actor: User, asset: Asset, upload: Any, description: str
) -> Photo:
    """Add a photo of an asset (checked and re-encoded: ``photo_clean``)."""
    require_perm(actor, Perm.ASSETS_MANAGE, asset.locality)
    if not description.strip():
        raise ApplicationError(_("Say what the photo shows."), field="description")
    clean = photo_clean(upload)
    photo = Photo.objects.create(
        locality=asset.locality,
        asset=asset,
        image=clean.data,
        width=clean.width,
        height=clean.height,
        description=description.strip()[:200],
        uploaded_by=actor,
    )
    audit_record(actor=actor, action="asset_photo_added", target=asset)
    return photo


# --- Assets of Community Value ---------------------------------------------------


@transaction.atomic
def nomination_record(
    *,
    actor: User,
    asset: Asset,
    group_name: str,
    group_kind: str,
    reasons: str,
    received_on: date,
    local_voters: int | None = None,
) -> Nomination:
    """Record a nomination received from a community group. The group must be
    eligible (an unincorporated group needs at least 21 local voters); the
    decision is due within the decision period of receipt. An asset already
    listed, or waiting for a decision, cannot be nominated again."""
    locality = asset.locality
    require_perm(actor, Perm.ASSETS_MANAGE, locality)
    Asset.objects.select_for_update().filter(pk=asset.pk).first()
    if group_kind not in Nomination.GroupKind.values:
        raise ApplicationError(_("Choose the kind of group."), field="group_kind")
    if group_kind == Nomination.GroupKind.UNINCORPORATED and (local_voters or 0) < 21:
        raise ApplicationError(
            _(
                "A group that is not incorporated must have at least 21 members "
                "on the local electoral roll."
            ),
            field="local_voters",
        )
    if received_on > timezone.localdate():
        raise ApplicationError(
            _("The date received cannot be in the future."), field="received_on"
        )
    if asset.nominations.filter(
        status__in=[Nomination.Status.RECEIVED, Nomination.Status.LISTED]
    ).exists():
        raise ApplicationError(
            _("This asset is already listed or waiting for a decision.")
        )
    periods = dates.ACVPeriods.from_settings()
    nomination = Nomination(
        locality=locality,
        asset=asset,
        group_name=group_name.strip(),
        group_kind=group_kind,
        local_voters=local_voters,
        reasons=reasons.strip(),
        received_on=received_on,
        decision_due_on=dates.decision_due(received_on, periods),
        recorded_by=actor,
    )
    _clean(nomination)
    nomination.save()
    audit_record(actor=actor, action="acv_nomination_recorded", target=nomination)
    return nomination


@transaction.atomic
def nomination_decide(
    *,
    actor: User,
    nomination: Nomination,
    listed: bool,
    decided_on: date,
    reason: str,
) -> Nomination:
    """List the asset (for the listing period from ``decided_on``) or turn the
    nomination down (kept on the public list for the same number of years).
    A decision needs its reasons."""
    require_perm(actor, Perm.ASSETS_MANAGE, nomination.locality)
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if nomination.status != Nomination.Status.RECEIVED:
        raise ApplicationError(_("This nomination has already been decided."))
    if not reason.strip():
        raise ApplicationError(_("Give the reasons for the decision."), field="reason")
    if decided_on < nomination.received_on or decided_on > timezone.localdate():
        raise ApplicationError(
            _("The decision date must be between the date received and today."),
            field="decided_on",
        )
    periods = dates.ACVPeriods.from_settings()
    nomination.status = (
        Nomination.Status.LISTED if listed else Nomination.Status.UNSUCCESSFUL
    )
    nomination.decided_on = decided_on
    nomination.decided_by = actor
    nomination.decision_reason = reason.strip()
    nomination.shown_until = (
        dates.listing_ends(decided_on, periods)
        if listed
        else dates.unsuccessful_shown_until(decided_on, periods)
    )
    nomination.save()
    audit_record(
        actor=actor,
        action="acv_listed" if listed else "acv_not_listed",
        target=nomination,
        data={"shown_until": nomination.shown_until.isoformat()},
    )
    return nomination


@transaction.atomic
def disposal_notice_record(
    *,
    actor: User,
    nomination: Nomination,
    notified_on: date,
    bid_requested_on: date | None = None,
    bid_requested_by: str = "",
) -> DisposalNotice:
    """Record an owner's notice of disposal of a listed asset, and work out
    the moratoria. A notice within the protected period of an earlier one
    starts no new moratorium."""
    require_perm(actor, Perm.ASSETS_MANAGE, nomination.locality)
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if nomination.status != Nomination.Status.LISTED:
        raise ApplicationError(_("Only a listed asset has notices of disposal."))
    assert nomination.decided_on is not None  # noqa: S101 - listed has a date
    if notified_on < nomination.decided_on:
        raise ApplicationError(
            _("The notice cannot come before the asset was listed."),
            field="notified_on",
        )
    if bid_requested_on is not None and not bid_requested_by.strip():
        raise ApplicationError(
            _("Enter the group that asked to bid."), field="bid_requested_by"
        )
    periods = dates.ACVPeriods.from_settings()
    earlier = list(
        nomination.disposal_notices.filter(starts_moratorium=True).values_list(
            "notified_on", flat=True
        )
    )
    starts = dates.notice_starts_moratorium(
        notified_on, earlier_notices=earlier, periods=periods
    )
    try:
        found = dates.moratorium_dates(
            notified_on, bid_requested_on=bid_requested_on, periods=periods
        )
    except ValueError:
        raise ApplicationError(
            _("A request to bid cannot come before the notice."),
            field="bid_requested_on",
        ) from None
    notice = DisposalNotice.objects.create(
        nomination=nomination,
        notified_on=notified_on,
        bid_requested_on=bid_requested_on,
        bid_requested_by=bid_requested_by.strip(),
        starts_moratorium=starts,
        interim_ends_on=found.interim_ends,
        full_ends_on=found.full_ends,
        protected_ends_on=found.protected_ends,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="acv_disposal_notice",
        target=nomination,
        data={"notified_on": notified_on.isoformat(), "starts_moratorium": starts},
    )
    return notice


#: Officers are reminded of decisions due within this many days (and overdue).
REMIND_DAYS_AHEAD = 14


def nomination_reminders_queue(*, today: date | None = None) -> int:
    """Remind each locality's council officers, once a week at most per
    nomination, of nominations whose decision is due within two weeks or
    overdue. Returns how many messages were queued. Idempotent: each message
    has a key naming the officer and the day."""
    from datetime import timedelta

    from kith.accounts.models import Role

    today = today or timezone.localdate()
    due = (
        Nomination.objects.filter(
            status=Nomination.Status.RECEIVED,
            decision_due_on__lte=today + timedelta(days=REMIND_DAYS_AHEAD),
        )
        .exclude(reminded_on__gt=today - timedelta(days=7))
        .select_related("asset", "locality")
        .order_by("locality_id", "decision_due_on")
    )
    by_locality: dict[int, list[Nomination]] = {}
    for nomination in due:
        by_locality.setdefault(nomination.locality_id, []).append(nomination)
    count = 0
    for locality_id, nominations in by_locality.items():
        locality = nominations[0].locality
        lines = "\n".join(
            f"- {n.asset.name} ({n.group_name}): "
            + _("decision due by %(day)s")
            % {"day": f"{n.decision_due_on.day} {n.decision_due_on:%B %Y}"}
            for n in nominations
        )
        officers = User.objects.filter(
            pk__in=RoleAssignment.objects.filter(
                locality_id=locality_id, role=Role.COUNCIL_OFFICER
            ).values("user_id"),
            is_active=True,
        )
        with transaction.atomic():
            for officer in officers:
                message_queue_for_person(
                    person=officer,
                    template="acv_decisions_due",
                    personalisation={
                        "name": officer.display_name,
                        "nominations": lines,
                        "locality_name": locality.name,
                    },
                    locality=locality,
                    key=f"acv_due:{officer.pk}:{today.isoformat()}",
                )
                count += 1
            Nomination.objects.filter(pk__in=[n.pk for n in nominations]).update(
                reminded_on=today
            )
    return count


def nominations_end_listings(*, today: date | None = None) -> int:
    """Mark listings whose period is over as ended. Returns how many."""
    today = today or timezone.localdate()
    return Nomination.objects.filter(
        status=Nomination.Status.LISTED, shown_until__lt=today
    ).update(status=Nomination.Status.ENDED)


# --- projects ------------------------------------------------------------------


@dataclass(frozen=True)
class CostLine:
    description: str
    amount_pence: int
    quote_from: str = ""


@dataclass(frozen=True)
class ProjectAnswers:
    title: str
    what: str
    why: str
    who_for: str
    target_pence: int
    funding_model: str
    deadline: date
    where: str = ""
    asset: Asset | None = None
    permissions_needed: str = ""
    milestones: str = ""
    involves_people_at_risk: bool = False
    organisation: Organisation | None = None
    cost_items: list[CostLine] = field(default_factory=list)


#: Letters and digits nobody mixes up when typing from a poster.
SHORT_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def _short_code() -> str:
    import secrets

    while True:
        code = "".join(secrets.choice(SHORT_CODE_ALPHABET) for _n in range(6))
        if not Project.objects.filter(short_code=code).exists():
            return code


def _may_speak_for(actor: User, organisation: Organisation) -> bool:
    """An organisation's editors act for it, and so do staff entering for it."""
    return organisation.editors.filter(pk=actor.pk).exists() or has_perm(
        actor, Perm.PROJECTS_ENTER, organisation.locality
    )


@transaction.atomic
def project_propose(
    *,
    actor: User,
    locality: Locality,
    answers: ProjectAnswers,
    proposer: User | None = None,
    submission_key: str | None = None,
) -> Project:
    """Propose a project, for oneself, for an organisation one edits, or (a
    coordinator or officer, on the phone) for ``proposer``. It waits for a
    council officer's check. The same submission sent twice returns the
    first project."""
    require_perm(actor, Perm.PROJECTS_PROPOSE, locality)
    proposer = proposer or actor
    if proposer.pk != actor.pk and not (
        has_perm(actor, Perm.PROJECTS_ENTER, locality)
        and has_perm(proposer, Perm.PROJECTS_PROPOSE, locality)
    ):
        raise PermissionDenied
    if submission_key:
        existing = Project.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            if existing.entered_by_id != actor.pk:
                raise PermissionDenied
            return existing
    _same_locality(answers.asset, locality)
    _same_locality(answers.organisation, locality)
    if answers.organisation is not None and not _may_speak_for(
        proposer if proposer.pk != actor.pk else actor, answers.organisation
    ):
        raise PermissionDenied
    if answers.deadline <= timezone.localdate():
        raise ApplicationError(
            _("The date pledges close must be in the future."), field="deadline"
        )
    if answers.funding_model not in Project.FundingModel.values:
        raise ApplicationError(_("Choose a funding model."), field="funding_model")
    project = Project(
        locality=locality,
        title=answers.title.strip(),
        what=answers.what.strip(),
        why=answers.why.strip(),
        who_for=answers.who_for.strip(),
        where=answers.where.strip(),
        asset=answers.asset,
        ward=answers.asset.ward if answers.asset else None,
        permissions_needed=answers.permissions_needed.strip(),
        milestones=answers.milestones.strip(),
        involves_people_at_risk=answers.involves_people_at_risk,
        proposer=proposer,
        organisation=answers.organisation,
        entered_by=actor,
        target_pence=answers.target_pence,
        funding_model=answers.funding_model,
        deadline=answers.deadline,
        submission_key=submission_key,
        short_code=_short_code(),
    )
    _clean(project, exclude=["submission_key"])
    project.save()
    CostItem.objects.bulk_create(
        [
            CostItem(
                project=project,
                description=line.description.strip()[:200],
                amount_pence=line.amount_pence,
                quote_from=line.quote_from.strip()[:200],
            )
            for line in answers.cost_items
            if line.description.strip()
        ]
    )
    audit_record(
        actor=actor,
        action="project_proposed",
        target=project,
        on_behalf_of=proposer if proposer.pk != actor.pk else None,
        locality=locality,
    )
    return project


@transaction.atomic
def project_check(
    *,
    actor: User,
    project: Project,
    quotes_checked: bool,
    owner_permission: bool,
    safeguarding_checked: bool,
    insurance_checked: bool,
    publish: bool,
    reason: str,
) -> Project:
    """A council officer's check: publish the project (every item on the
    checklist ticked; safeguarding only if it involves children or adults at
    risk) or ask for changes, saying what."""
    require_perm(actor, Perm.PROJECTS_CHECK, project.locality)
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.status not in (Project.Status.PROPOSED, Project.Status.CHANGES):
        raise ApplicationError(_("This project has already been checked."))
    project.quotes_checked = quotes_checked
    project.owner_permission = owner_permission
    project.safeguarding_checked = safeguarding_checked
    project.insurance_checked = insurance_checked
    project.checked_by = actor
    if publish:
        missing = [
            label
            for label, done in (
                (_("the quotes"), quotes_checked),
                (_("the owner's permission"), owner_permission),
                (
                    _("safeguarding"),
                    safeguarding_checked or not project.involves_people_at_risk,
                ),
                (_("insurance"), insurance_checked),
            )
            if not done
        ]
        if missing:
            raise ApplicationError(
                _("Check %(items)s before publishing.") % {"items": ", ".join(missing)},
                field="publish",
            )
        if project.deadline < timezone.localdate():
            raise ApplicationError(
                _("The date pledges close has passed: ask for a new one."),
                field="publish",
            )
        project.status = Project.Status.PUBLISHED
        project.published_at = timezone.now()
        project.changes_reason = ""
    else:
        if not reason.strip():
            raise ApplicationError(_("Say what needs to change."), field="reason")
        project.status = Project.Status.CHANGES
        project.changes_reason = reason.strip()
    project.save()
    audit_record(
        actor=actor,
        action="project_published" if publish else "project_changes_asked",
        target=project,
        data={"reason": project.changes_reason},
    )
    return project


PROJECT_TEXTS = (
    "title",
    "what",
    "why",
    "who_for",
    "where",
    "permissions_needed",
    "milestones",
)


@transaction.atomic
def project_resubmit(
    *, actor: User, project: Project, answers: ProjectAnswers
) -> Project:
    """The proposer changes a project an officer sent back, and it waits for a
    check again."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if actor.pk not in (project.proposer_id, project.entered_by_id):
        raise PermissionDenied
    if project.status != Project.Status.CHANGES:
        raise ApplicationError(
            _("Only a project sent back for changes can be changed.")
        )
    if answers.deadline <= timezone.localdate():
        raise ApplicationError(
            _("The date pledges close must be in the future."), field="deadline"
        )
    _same_locality(answers.asset, project.locality)
    for name in PROJECT_TEXTS:
        setattr(project, name, getattr(answers, name).strip())
    project.asset = answers.asset
    project.involves_people_at_risk = answers.involves_people_at_risk
    project.target_pence = answers.target_pence
    project.funding_model = answers.funding_model
    project.deadline = answers.deadline
    project.status = Project.Status.PROPOSED
    _clean(project, exclude=["submission_key"])
    project.save()
    if answers.cost_items:
        project.cost_items.all().delete()
        CostItem.objects.bulk_create(
            [
                CostItem(
                    project=project,
                    description=line.description,
                    amount_pence=line.amount_pence,
                    quote_from=line.quote_from,
                )
                for line in answers.cost_items
            ]
        )
    audit_record(actor=actor, action="project_resubmitted", target=project)
    return project


# --- pledges ---------------------------------------------------------------------


@dataclass(frozen=True)
class PledgeAnswers:
    kind: str
    amount_pence: int = 0
    minutes: int = 0
    description: str = ""
    release_if_missed: bool = False


@transaction.atomic
def pledge_make(
    *,
    actor: User,
    project: Project,
    answers: PledgeAnswers,
    person: User | None = None,
    organisation: Organisation | None = None,
    fund: Fund | None = None,
    on_paper: bool = False,
    submission_key: str | None = None,
) -> Pledge:
    """Record a pledge of money, materials (with their value) or time, from a
    person (a resident) or an organisation (its sector), or from a fund
    within its caps. Staff enter paper pledges for others (``on_paper``).

    Refused, changing nothing, with the reason: a project not open, after
    the deadline, an amount over a fund's cap. The project's row is locked,
    so two pledges from one fund at once cannot both pass the cap."""
    locality = project.locality
    require_perm(actor, Perm.PROJECTS_PROPOSE, locality)
    if submission_key:
        existing = Pledge.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            if existing.entered_by_id != actor.pk:
                raise PermissionDenied
            return existing
    if fund is not None:
        _same_locality(fund, locality)
        if not (
            fund.managers.filter(pk=actor.pk).exists()
            or has_perm(actor, Perm.PROJECTS_CHECK, locality)
        ):
            raise PermissionDenied
        organisation = fund.organisation
        person = None
    elif organisation is not None:
        _same_locality(organisation, locality)
        if not _may_speak_for(actor, organisation):
            raise PermissionDenied
        person = None
    else:
        person = person or actor
        if person.pk != actor.pk and not has_perm(actor, Perm.PROJECTS_ENTER, locality):
            raise PermissionDenied
    if on_paper and not has_perm(actor, Perm.PROJECTS_ENTER, locality):
        raise PermissionDenied
    project = Project.objects.select_for_update().get(pk=project.pk)
    refusal = rules.pledge_refusal(
        status=project.status, deadline=project.deadline, today=timezone.localdate()
    )
    if refusal:
        raise ApplicationError(refusal)
    if answers.kind not in Pledge.Kind.values:
        raise ApplicationError(_("Choose what you are pledging."), field="kind")
    if answers.kind == Pledge.Kind.TIME:
        if not 0 < answers.minutes <= 1000 * 60:
            raise ApplicationError(
                _("Enter the hours you can give, up to 1,000."), field="hours"
            )
        amount, minutes = 0, answers.minutes
    else:
        if answers.amount_pence <= 0:
            raise ApplicationError(
                _("Enter an amount more than £0.")
                if answers.kind == Pledge.Kind.MONEY
                else _("Enter what the materials are worth, more than £0."),
                field="amount",
            )
        amount, minutes = answers.amount_pence, 0
    if answers.kind == Pledge.Kind.MATERIALS and not answers.description.strip():
        raise ApplicationError(_("Say what the materials are."), field="description")
    if fund is not None:
        if answers.kind != Pledge.Kind.MONEY:
            raise ApplicationError(_("A fund pledges money."), field="kind")
        already = (
            project.pledges.filter(fund=fund)
            .exclude(status=Pledge.Status.RELEASED)
            .aggregate(total=Sum("amount_pence", default=0))["total"]
        )
        refused = rules.fund_refusal(
            amount_pence=amount,
            target_pence=project.target_pence,
            cap_pence=fund.cap_pence,
            cap_percent=fund.cap_percent,
            already_pence=already,
        )
        if refused:
            raise ApplicationError(refused, field="amount")
    pledge = Pledge(
        locality=locality,
        project=project,
        kind=answers.kind,
        amount_pence=amount,
        minutes=minutes,
        description=answers.description.strip()[:200],
        person=person,
        organisation=organisation,
        fund=fund,
        sector=organisation.sector if organisation is not None else RESIDENT,
        release_if_missed=answers.release_if_missed,
        entered_by=actor,
        on_paper=on_paper,
        submission_key=submission_key,
    )
    _clean(pledge, exclude=["submission_key"])
    try:
        with transaction.atomic():
            pledge.save()
    except IntegrityError:
        # The same submission, sent twice at once: the first one made it.
        existing = Pledge.objects.filter(submission_key=submission_key).first()
        if existing is None:
            raise
        return existing
    audit_record(
        actor=actor,
        action="pledge_made",
        target=pledge,
        on_behalf_of=person if person is not None and person.pk != actor.pk else None,
        locality=locality,
        data={
            "kind": pledge.kind,
            "amount_pence": amount,
            "minutes": minutes,
            "on_paper": on_paper,
            "organisation": organisation.pk if organisation else None,
            "fund": fund.pk if fund else None,
        },
    )
    return pledge


@transaction.atomic
def pledge_received(*, actor: User, pledge: Pledge, received_on: date) -> Pledge:
    """Record that the money or materials pledged arrived (collected outside
    Kith). Recording it again keeps the first date."""
    require_perm(actor, Perm.PROJECTS_CHECK, pledge.locality)
    pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
    if pledge.status == Pledge.Status.RECEIVED:
        return pledge
    if pledge.status == Pledge.Status.RELEASED:
        raise ApplicationError(_("This pledge was released: nothing is collected."))
    if received_on > timezone.localdate():
        raise ApplicationError(
            _("The date received cannot be in the future."), field="received_on"
        )
    pledge.status = Pledge.Status.RECEIVED
    pledge.received_on = received_on
    pledge.save(update_fields=["status", "received_on", "updated_at"])
    audit_record(
        actor=actor,
        action="pledge_received",
        target=pledge,
        data={"received_on": received_on.isoformat()},
    )
    return pledge


@transaction.atomic
def project_funding_close(
    *, actor: User | None, project: Project, today: date | None = None
) -> Project:
    """After the deadline, apply the funding model: all or nothing releases
    every pledge if the target was missed (and closes the project); keep what
    you raise releases only the pledges of partners who asked. Time pledges
    are never released: people still come to work days. Closing again
    changes nothing."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.outcome != Project.Outcome.OPEN:
        return project
    if project.status != Project.Status.PUBLISHED:
        return project
    if project.deadline >= (today or timezone.localdate()):
        raise ApplicationError(_("Pledges are still open for this project."))
    counted = list(
        project.pledges.exclude(kind=Pledge.Kind.TIME)
        .exclude(status=Pledge.Status.RELEASED)
        .order_by("pk")
    )
    outcome = rules.funding_outcome(
        funding_model=project.funding_model,
        target_pence=project.target_pence,
        pledges=[
            rules.PledgeLine(p.amount_pence, release_if_missed=p.release_if_missed)
            for p in counted
        ],
    )
    released = [counted[i].pk for i in outcome.released]
    Pledge.objects.filter(pk__in=released).update(
        status=Pledge.Status.RELEASED, updated_at=timezone.now()
    )
    project.outcome = (
        Project.Outcome.REACHED if outcome.reached else Project.Outcome.MISSED
    )
    if (
        not outcome.reached
        and project.funding_model == Project.FundingModel.ALL_OR_NOTHING
    ):
        project.status = Project.Status.CLOSED
    project.save(update_fields=["outcome", "status", "updated_at"])
    audit_record(
        actor=actor,
        action="project_funding_closed",
        target=project,
        data={
            "reached": outcome.reached,
            "counted_pence": outcome.counted_pence,
            "released": released,
        },
    )
    return project


def projects_funding_close_due(*, today: date | None = None) -> int:
    """The nightly job: close the funding of every published project whose
    deadline has passed. Returns how many were closed now."""
    today = today or timezone.localdate()
    count = 0
    for pk in Project.objects.filter(
        status=Project.Status.PUBLISHED,
        outcome=Project.Outcome.OPEN,
        deadline__lt=today,
    ).values_list("pk", flat=True):
        project_funding_close(
            actor=None, project=Project.objects.get(pk=pk), today=today
        )
        count += 1
    return count


# --- volunteers, updates and the story -----------------------------------------


def is_organiser(actor: Any, project: Project) -> bool:
    """The person who proposed the project (or entered it), or staff who
    enter paper forms and sheets."""
    return bool(
        getattr(actor, "is_authenticated", False)
        and (
            actor.pk in (project.proposer_id, project.entered_by_id)
            or has_perm(actor, Perm.PROJECTS_ENTER, project.locality)
        )
    )


def _require_organiser(actor: Any, project: Project) -> None:
    if not is_organiser(actor, project):
        raise PermissionDenied


def project_settings_for(locality: Locality) -> ProjectSettings:
    """The locality's project settings, made with the defaults if new."""
    found, _created = ProjectSettings.objects.get_or_create(locality=locality)
    return found


@transaction.atomic
def project_settings_update(
    *, actor: User, locality: Locality, volunteering_earns_credits: bool
) -> ProjectSettings:
    """Decide whether volunteering on a project earns time credits here."""
    require_perm(actor, Perm.LOCALITY_MANAGE, locality)
    found = project_settings_for(locality)
    found.volunteering_earns_credits = volunteering_earns_credits
    found.save()
    audit_record(
        actor=actor,
        action="project_settings_changed",
        target=None,
        locality=locality,
        data={"volunteering_earns_credits": volunteering_earns_credits},
    )
    return found


@dataclass(frozen=True)
class WorkDayAnswers:
    starts_on: date
    start_time: Any
    minutes: int
    places: int
    description: str = ""


@transaction.atomic
def work_day_add(*, actor: User, project: Project, answers: WorkDayAnswers) -> WorkDay:
    """Add a work day to a published project: an activity in the social
    calendar (through social's own services, so sign-up, the waiting list
    and reminders work as for any activity), at the project's land or
    building. A member's work day waits for a coordinator, as any activity
    a member proposes does."""
    _require_organiser(actor, project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.status != Project.Status.PUBLISHED:
        raise ApplicationError(_("Work days are only for published projects."))
    asset = project.asset
    venue = venue_save(
        actor=actor,
        locality=project.locality,
        answers=VenueAnswers(
            name=(asset.name if asset else project.where or project.title)[:120],
            address=(asset.address if asset else project.where) or project.title,
            postcode=asset.postcode if asset else "",
        ),
    )
    activity = activity_propose(
        actor=actor,
        locality=project.locality,
        venue=venue,
        answers=ActivityAnswers(
            title=(_("Work day: %(title)s") % {"title": project.title})[:120],
            description=answers.description.strip() or project.what,
            starts_on=answers.starts_on,
            start_time=answers.start_time,
            minutes=answers.minutes,
            places=answers.places,
        ),
    )
    work_day = WorkDay.objects.create(project=project, activity=activity)
    audit_record(
        actor=actor,
        action="project_work_day_added",
        target=project,
        data={"activity": activity.pk},
    )
    return work_day


@transaction.atomic
def hours_record(
    *,
    actor: User,
    project: Project,
    person: User,
    given_on: date,
    minutes: int,
    work_day: WorkDay | None = None,
    on_paper: bool = False,
) -> HoursGiven:
    """Record the time someone gave (from a work day's register or a paper
    sign-up sheet). Recording the same person on the same day again changes
    the time rather than adding another line. If the locality's setting
    says so, the volunteer earns time credits through the ledger, once per
    record (idempotent by its key); a change of time is not re-credited."""
    _require_organiser(actor, project)
    if on_paper and not has_perm(actor, Perm.PROJECTS_ENTER, project.locality):
        raise PermissionDenied
    if work_day is not None and work_day.project_id != project.pk:
        raise PermissionDenied
    if not RoleAssignment.objects.filter(
        user=person, locality=project.locality
    ).exists():
        raise ApplicationError(
            _("Only people known to the circle can be recorded."), field="person"
        )
    if not 0 < minutes <= 24 * 60:
        raise ApplicationError(_("Enter between 1 minute and 24 hours."), field="hours")
    if given_on > timezone.localdate():
        raise ApplicationError(_("The day cannot be in the future."), field="given_on")
    if project.status not in (Project.Status.PUBLISHED, Project.Status.DONE):
        raise ApplicationError(_("Time is only recorded for published projects."))
    given, created = HoursGiven.objects.select_for_update().get_or_create(
        project=project,
        person=person,
        given_on=given_on,
        defaults={
            "minutes": minutes,
            "work_day": work_day,
            "recorded_by": actor,
            "on_paper": on_paper,
        },
    )
    if not created:
        given.minutes = minutes
        given.recorded_by = actor
        given.save(update_fields=["minutes", "recorded_by", "updated_at"])
    audit_record(
        actor=actor,
        action="project_hours_recorded",
        target=project,
        on_behalf_of=person if person.pk != actor.pk else None,
        data={"minutes": minutes, "on": given_on.isoformat(), "on_paper": on_paper},
    )
    if created and project_settings_for(project.locality).volunteering_earns_credits:
        volunteering_credits_earn(
            actor=actor,
            locality=project.locality,
            person=person,
            minutes=minutes,
            key=str(given.pk),
            description=str(_("Volunteering: %(title)s") % {"title": project.title})[
                :120
            ],
            occurred_on=given_on,
        )
    return given


@dataclass(frozen=True)
class PhotoUpload:
    upload: Any
    description: str
    before_after: str = ""


@transaction.atomic
def update_post(
    *,
    actor: User,
    project: Project,
    words: str,
    photos: list[PhotoUpload] | None = None,
    kind: str = Update.Kind.UPDATE,
) -> Update:
    """Post news on the project page, with photos (each checked and
    re-encoded, ``photo_clean``). Every photo needs a description."""
    _require_organiser(actor, project)
    if project.status not in (Project.Status.PUBLISHED, Project.Status.DONE):
        raise ApplicationError(_("Updates are only for published projects."))
    if not words.strip():
        raise ApplicationError(_("Say what happened."), field="words")
    cleaned = []
    for photo in photos or []:
        if not photo.description.strip():
            raise ApplicationError(
                _("Say what the photo shows."), field="photo_description"
            )
        cleaned.append((photo, photo_clean(photo.upload)))
    update = Update.objects.create(
        project=project, kind=kind, words=words.strip(), posted_by=actor
    )
    Photo.objects.bulk_create(
        [
            Photo(
                locality=project.locality,
                update=update,
                image=clean.data,
                width=clean.width,
                height=clean.height,
                description=photo.description.strip()[:200],
                before_after=photo.before_after,
                uploaded_by=actor,
            )
            for photo, clean in cleaned
        ]
    )
    audit_record(
        actor=actor,
        action="project_update_posted",
        target=project,
        data={"kind": kind, "photos": len(cleaned)},
    )
    return update


@transaction.atomic
def project_done(
    *,
    actor: User,
    project: Project,
    story: str,
    people_served: int | None,
    done_on: date,
    before: PhotoUpload | None = None,
    after: PhotoUpload | None = None,
) -> Project:
    """Mark a published project done, with its "what we did" story and a
    before and an after photo. Its figures then count as done."""
    _require_organiser(actor, project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.status != Project.Status.PUBLISHED:
        raise ApplicationError(_("Only a published project can be marked done."))
    if done_on > timezone.localdate():
        raise ApplicationError(_("The day cannot be in the future."), field="done_on")
    if people_served is not None and people_served < 0:
        raise ApplicationError(_("Enter a number of people."), field="people_served")
    photos = [
        PhotoUpload(p.upload, p.description, when)
        for p, when in ((before, Photo.When.BEFORE), (after, Photo.When.AFTER))
        if p is not None
    ]
    update_post(
        actor=actor, project=project, words=story, photos=photos, kind=Update.Kind.STORY
    )
    project.status = Project.Status.DONE
    project.done_on = done_on
    project.people_served = people_served
    project.save(update_fields=["status", "done_on", "people_served", "updated_at"])
    audit_record(actor=actor, action="project_done", target=project)
    return project


@transaction.atomic
def fund_save(
    *,
    actor: User,
    locality: Locality,
    organisation: Organisation,
    name: str,
    cap_pence: int,
    cap_percent: int,
    fund: Fund | None = None,
) -> Fund:
    """Add or change a fund that pledges to projects (council officers), with
    its caps by amount and by share of a project's target."""
    require_perm(actor, Perm.PROJECTS_CHECK, locality)
    _same_locality(organisation, locality)
    if fund is not None:
        _same_locality(fund, locality)
        fund = Fund.objects.select_for_update().get(pk=fund.pk)
    if not 1 <= cap_percent <= 100:
        raise ApplicationError(
            _("The share must be between 1% and 100%."), field="cap_percent"
        )
    if cap_pence <= 0:
        raise ApplicationError(_("Enter a cap more than £0."), field="cap")
    target = fund or Fund(locality=locality)
    target.organisation = organisation
    target.name = name.strip()
    target.cap_pence = cap_pence
    target.cap_percent = cap_percent
    _clean(target)
    created = target.pk is None
    target.save()
    audit_record(
        actor=actor,
        action="fund_added" if created else "fund_changed",
        target=target,
        data={"cap_pence": cap_pence, "cap_percent": cap_percent},
    )
    return target
