"""Reads of the projects part, scoped to a locality (and to the actor for
anything not public)."""

from datetime import date
from typing import Any

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from kith.accounts.permissions import Perm, has_perm
from kith.directory.models import Organisation
from kith.places.models import Locality
from kith.projects import rules
from kith.projects.models import (
    RESIDENT,
    Asset,
    DisposalNotice,
    Fund,
    HoursGiven,
    Nomination,
    Photo,
    Pledge,
    Project,
    Quote,
    TaskTaken,
    Update,
    VolunteerTask,
)


def _photos_without_data() -> Prefetch:
    return Prefetch(
        "photos",
        queryset=Photo.objects.defer("image").order_by("pk"),
    )


def public_assets(*, locality: Locality) -> QuerySet[Asset]:
    """The assets marked public, for anyone, with what the list shows."""
    return (
        Asset.objects.filter(locality=locality, public=True)
        .exclude(status=Asset.Status.DISPOSED)
        .select_related("owner", "ward", "let_to", "part_of")
        .order_by("name", "pk")
    )


def register_assets(*, actor: Any, locality: Locality) -> QuerySet[Asset]:
    """Every asset of the locality, for the officers who keep the register."""
    if not has_perm(actor, Perm.ASSETS_MANAGE, locality):
        raise Http404
    return (
        Asset.objects.filter(locality=locality)
        .select_related("owner", "ward", "let_to", "part_of")
        .order_by("name", "pk")
    )


def asset_get(*, actor: Any, locality: Locality, uuid: Any) -> Asset:
    """One asset: a public one for anyone, any for an officer; Http404 else."""
    officer = has_perm(actor, Perm.ASSETS_MANAGE, locality)
    found = (
        Asset.objects.filter(locality=locality, uuid=uuid)
        .select_related("owner", "ward", "let_to", "part_of")
        .prefetch_related(
            _photos_without_data(),
            Prefetch(
                "nominations",
                queryset=Nomination.objects.select_related("nominated_by")
                .prefetch_related(
                    Prefetch(
                        "disposal_notices",
                        queryset=DisposalNotice.objects.order_by("-notified_on"),
                    )
                )
                .order_by("-received_on"),
            ),
        )
        .first()
    )
    if found is None or not (officer or found.public):
        raise Http404
    return found


def photo_get(*, actor: Any, locality: Locality, uuid: Any) -> Photo:
    """A photo, if the asset or project it belongs to may be seen."""
    photo = (
        Photo.objects.filter(locality=locality, uuid=uuid)
        .select_related("asset", "update__project")
        .first()
    )
    if photo is None:
        raise Http404
    if photo.asset is not None:
        if not (photo.asset.public or has_perm(actor, Perm.ASSETS_MANAGE, locality)):
            raise Http404
    else:
        assert photo.update is not None  # noqa: S101 - a constraint says so
        project_get(actor=actor, locality=locality, uuid=photo.update.project.uuid)
    return photo


def public_nominations(
    *, locality: Locality, today: date | None = None
) -> dict[str, list[Nomination]]:
    """The public lists: assets listed now, and unsuccessful nominations
    still shown (for five years after the decision)."""
    today = today or timezone.localdate()
    rows = (
        Nomination.objects.filter(
            locality=locality,
            status__in=[Nomination.Status.LISTED, Nomination.Status.UNSUCCESSFUL],
            shown_until__gte=today,
        )
        .select_related("asset")
        .order_by("asset__name", "pk")
    )
    listed = [n for n in rows if n.status == Nomination.Status.LISTED]
    unsuccessful = [n for n in rows if n.status == Nomination.Status.UNSUCCESSFUL]
    return {"listed": listed, "unsuccessful": unsuccessful}


def nominations_sent_by(*, actor: Any, locality: Locality) -> QuerySet[Nomination]:
    """The nominations a person sent online for their groups, newest first."""
    if not getattr(actor, "is_authenticated", False):
        return Nomination.objects.none()
    return (
        Nomination.objects.filter(locality=locality, nominated_by=actor)
        .select_related("asset")
        .order_by("-received_on", "-pk")
    )


def may_nominate(*, actor: Any, asset: Asset) -> bool:
    """Whether the page offers a group's online nomination of ``asset``: a
    public asset not disposed of, not listed or waiting for a decision, to
    someone who may propose projects (council officers record nominations
    on their own form)."""
    if not asset.public or asset.status == Asset.Status.DISPOSED:
        return False
    if not has_perm(actor, Perm.PROJECTS_PROPOSE, asset.locality):
        return False
    if has_perm(actor, Perm.ASSETS_MANAGE, asset.locality):
        return False
    return not any(
        n.status in (Nomination.Status.RECEIVED, Nomination.Status.LISTED)
        for n in asset.nominations.all()
    )


def nominations_waiting(*, actor: Any, locality: Locality) -> QuerySet[Nomination]:
    """Nominations waiting for a decision, soonest due first (officers)."""
    if not has_perm(actor, Perm.ASSETS_MANAGE, locality):
        raise Http404
    return (
        Nomination.objects.filter(locality=locality, status=Nomination.Status.RECEIVED)
        .select_related("asset")
        .order_by("decision_due_on", "pk")
    )


def nomination_get(*, actor: Any, locality: Locality, pk: int) -> Nomination:
    if not has_perm(actor, Perm.ASSETS_MANAGE, locality):
        raise Http404
    found = (
        Nomination.objects.filter(locality=locality, pk=pk)
        .select_related("asset")
        .first()
    )
    if found is None:
        raise Http404
    return found


# --- projects --------------------------------------------------------------------

#: The states in which anyone may see a project.
PUBLIC_STATES = (Project.Status.PUBLISHED, Project.Status.CLOSED, Project.Status.DONE)


def public_projects(*, locality: Locality) -> QuerySet[Project]:
    """Projects the public sees: open, closed or done, with what the list
    shows (the amount pledged towards the target, as ``counted_pence``)."""
    return (
        Project.objects.filter(locality=locality, status__in=PUBLIC_STATES)
        .select_related("asset", "ward")
        .annotate(
            counted_pence=Sum(
                "pledges__amount_pence",
                filter=~Q(pledges__status=Pledge.Status.RELEASED),
                default=0,
            )
        )
        .order_by("status", "-published_at", "-pk")
    )


def may_see_project(actor: Any, project: Project) -> bool:
    """Anyone sees a published, closed or done project; before that only the
    person who proposed it, the person who entered it, the editors of the
    organisation proposing it, and council officers."""
    if project.status in PUBLIC_STATES:
        return True
    if _speaks_for(actor, project):
        return True
    return has_perm(actor, Perm.PROJECTS_CHECK, project.locality)


def _speaks_for(actor: Any, project: Project) -> bool:
    """The person who proposed or entered the project, or an editor of the
    organisation that proposed it."""
    if not getattr(actor, "is_authenticated", False):
        return False
    if actor.pk in (project.proposer_id, project.entered_by_id):
        return True
    return (
        project.organisation is not None
        and project.organisation.editors.filter(pk=actor.pk).exists()
    )


def may_see_quotes(actor: Any, project: Project) -> bool:
    """A project's quotes are seen by its organisers (who proposed or entered
    it, and staff who enter for people) and by council officers, never by
    the public: a quote may carry a supplier's or a proposer's details."""
    if _speaks_for(actor, project):
        return True
    return has_perm(actor, Perm.PROJECTS_ENTER, project.locality) or has_perm(
        actor, Perm.PROJECTS_CHECK, project.locality
    )


def quote_get(*, actor: Any, locality: Locality, project_uuid: Any, uuid: Any) -> Quote:
    """One quote of a project, with its file, for someone who may see it;
    Http404 else."""
    found = (
        Quote.objects.filter(
            locality=locality, project__locality=locality, project__uuid=project_uuid
        )
        .filter(uuid=uuid)
        .select_related("project__locality", "project__organisation")
        .first()
    )
    if found is None or not may_see_quotes(actor, found.project):
        raise Http404
    return found


def project_get(*, actor: Any, locality: Locality, uuid: Any) -> Project:
    """One project with everything its page shows; Http404 if the actor may
    not see it (or it belongs to another locality)."""
    project = (
        Project.objects.filter(locality=locality, uuid=uuid)
        .select_related("asset", "ward", "organisation", "proposer", "locality")
        .prefetch_related(
            "cost_items",
            Prefetch(
                "updates",
                queryset=Update.objects.select_related("posted_by")
                .prefetch_related(_photos_without_data())
                .order_by("-created_at", "-pk"),
            ),
            Prefetch(
                "pledges",
                queryset=Pledge.objects.select_related(
                    "organisation", "person", "fund"
                ).order_by("created_at", "pk"),
            ),
            "work_days__activity__occurrences",
            Prefetch("quotes", queryset=Quote.objects.defer("data").order_by("pk")),
            Prefetch(
                "tasks",
                queryset=VolunteerTask.objects.prefetch_related(
                    Prefetch(
                        "taken",
                        queryset=TaskTaken.objects.select_related("person").order_by(
                            "pk"
                        ),
                    )
                ).order_by("done", "pk"),
            ),
        )
        .first()
    )
    if project is None or not may_see_project(actor, project):
        raise Http404
    return project


def projects_to_check(*, actor: Any, locality: Locality) -> QuerySet[Project]:
    """Projects waiting for a council officer's check, oldest first."""
    if not has_perm(actor, Perm.PROJECTS_CHECK, locality):
        raise Http404
    return (
        Project.objects.filter(locality=locality, status=Project.Status.PROPOSED)
        .select_related("asset", "proposer")
        .order_by("created_at", "pk")
    )


def projects_of(*, actor: Any, locality: Locality) -> QuerySet[Project]:
    """The projects a person proposed (or entered for someone), and those of
    the organisations they edit."""
    return (
        Project.objects.filter(locality=locality)
        .filter(
            Q(proposer=actor) | Q(entered_by=actor) | Q(organisation__editors=actor)
        )
        .distinct()
        .order_by("-created_at", "-pk")
    )


def project_totals(project: Project) -> dict[str, Any]:
    """The pledges of a project by sector (money and the value of materials
    in pence, time in minutes), from its prefetched pledges, leaving out
    released ones; and the share of the target reached."""
    sectors: dict[str, dict[str, int]] = {}
    counted = received = minutes = 0
    for pledge in project.pledges.all():
        if pledge.status == Pledge.Status.RELEASED:
            continue
        row = sectors.setdefault(
            pledge.sector, {"money": 0, "materials": 0, "minutes": 0, "count": 0}
        )
        row["count"] += 1
        if pledge.kind == Pledge.Kind.TIME:
            row["minutes"] += pledge.minutes
            minutes += pledge.minutes
        else:
            row["money" if pledge.kind == Pledge.Kind.MONEY else "materials"] += (
                pledge.amount_pence
            )
            counted += pledge.amount_pence
            if pledge.status == Pledge.Status.RECEIVED:
                received += pledge.amount_pence
    return {
        "by_sector": sorted(
            sectors.items(), key=lambda item: (item[0] == RESIDENT, item[0])
        ),
        "counted_pence": counted,
        "received_pence": received,
        "pledged_minutes": minutes,
        "percent": rules.percent_of_target(counted, project.target_pence),
    }


def projects_figures(*, actor: Any, locality: Locality) -> dict[str, Any]:
    """The council's figures for projects: how many, volunteers, hours given,
    value pledged by sector, people served. Aggregates only."""
    if not has_perm(actor, Perm.REPORTS_VIEW, locality):
        raise Http404
    projects = Project.objects.filter(locality=locality, status__in=PUBLIC_STATES)
    hours = HoursGiven.objects.filter(project__locality=locality)
    by_sector = (
        Pledge.objects.filter(locality=locality)
        .exclude(status=Pledge.Status.RELEASED)
        .values("sector")
        .annotate(
            pence=Sum("amount_pence", default=0), minutes=Sum("minutes", default=0)
        )
        .order_by("sector")
    )
    return {
        "projects": projects.count(),
        "done": projects.filter(status=Project.Status.DONE).count(),
        "volunteers": hours.values("person").distinct().count(),
        "minutes_given": hours.aggregate(total=Sum("minutes", default=0))["total"],
        "people_served": projects.aggregate(total=Sum("people_served", default=0))[
            "total"
        ],
        "by_sector": list(by_sector),
    }


def project_by_short_code(*, locality: Locality, code: str) -> Project:
    """The public project a poster's short address names; Http404 else."""
    found = Project.objects.filter(
        locality=locality, short_code=code.lower(), status__in=PUBLIC_STATES
    ).first()
    if found is None:
        raise Http404
    return found


def project_volunteering(project: Project) -> dict[str, Any]:
    """The work days (from the prefetched activities) and the time given."""
    from django.db.models import Count

    given = project.hours_given.aggregate(
        minutes=Sum("minutes", default=0), people=Count("person", distinct=True)
    )
    days: list[dict[str, Any]] = []
    for work_day in project.work_days.all():
        for occurrence in work_day.activity.occurrences.all():
            days.append({"activity": work_day.activity, "occurrence": occurrence})
    days.sort(key=lambda d: d["occurrence"].starts_at)
    return {
        "days": days,
        "hours": round(given["minutes"] / 60, 1),
        "volunteers": given["people"],
    }


def project_tasks(project: Project, *, person: Any = None) -> list[dict[str, Any]]:
    """The project's volunteer tasks (prefetched by ``project_get``): how many
    people each needs and has, and whether ``person`` took it on."""
    rows = []
    for task in project.tasks.all():
        taken = list(task.taken.all())
        mine = person is not None and any(t.person_id == person.pk for t in taken)
        rows.append(
            {
                "task": task,
                "taken": taken,
                "count": len(taken),
                "full": len(taken) >= task.people_needed,
                "mine": mine,
            }
        )
    return rows


def volunteers_to_record(*, project: Project, acting_for: Any = None) -> list[Any]:
    """The people whose time may be recorded here: those with a place (or
    on the waiting list) at one of the project's work days, those who took
    on one of its tasks, and the person
    a staff member is acting for (from a paper sheet)."""
    from kith.accounts.models import User
    from kith.social.models import SignUp

    ids = set(
        SignUp.objects.filter(
            occurrence__activity__in=project.work_days.values("activity"),
        )
        .exclude(status=SignUp.Status.CANCELLED)
        .values_list("person_id", flat=True)
    )
    ids.update(
        TaskTaken.objects.filter(task__project=project).values_list(
            "person_id", flat=True
        )
    )
    if acting_for is not None:
        ids.add(acting_for.pk)
    return list(User.objects.filter(pk__in=ids).order_by("full_name", "pk"))


# --- choices for forms -------------------------------------------------------


def organisations_for(*, locality: Locality) -> QuerySet[Organisation]:
    """The locality's organisations (owners, groups let to, funds' owners)."""
    return Organisation.objects.filter(locality=locality).order_by("name", "pk")


def buildings_for(*, locality: Locality) -> QuerySet[Asset]:
    """The buildings a room may be in."""
    return Asset.objects.filter(locality=locality, kind=Asset.Kind.BUILDING).order_by(
        "name", "pk"
    )


def asset_in(*, locality: Locality, pk: Any) -> Asset | None:
    return Asset.objects.filter(locality=locality, pk=pk).first()


def organisations_for_pledging(
    *, actor: Any, locality: Locality
) -> QuerySet[Organisation]:
    """Organisations the actor may pledge for: those they edit, or any of the
    locality's for staff entering paper forms."""
    found = organisations_for(locality=locality)
    if has_perm(actor, Perm.PROJECTS_ENTER, locality):
        return found
    return found.filter(editors=actor)


def funds_for(
    *, actor: Any, locality: Locality, managed_only: bool = True
) -> QuerySet[Fund]:
    """The locality's funds: those the actor manages (any, for officers who
    check projects), or all for the officers' list (``managed_only=False``);
    each with what it has pledged across all projects (``pledged_pence``,
    released pledges left out)."""
    found = (
        Fund.objects.filter(locality=locality)
        .select_related("organisation")
        .annotate(
            pledged_pence=Sum(
                "pledges__amount_pence",
                filter=~Q(pledges__status=Pledge.Status.RELEASED),
                default=0,
            )
        )
        .order_by("name", "pk")
    )
    if has_perm(actor, Perm.PROJECTS_CHECK, locality) or not managed_only:
        return found
    return found.filter(managers=actor)
