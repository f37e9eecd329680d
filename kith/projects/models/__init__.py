"""Community projects on local land and buildings (issue 16).

The asset register (land, buildings, rooms), Assets of Community Value
(nominations, listings, disposal notices and their moratoria), projects
proposed on them, pledges of money, materials and time from people and
organisations of every sector, and the photos that go with them.

Money is in whole pence (integers). Organisations are the directory's; a
pledge's sector is its organisation's, or "a resident" for a person.

The models live in one module per concept (assets, projects, volunteers);
this package re-exports them, so ``from kith.projects.models import X``
keeps working.
"""

from kith.projects.models.assets import Asset, DisposalNotice, Nomination
from kith.projects.models.projects import (
    RESIDENT,
    CostItem,
    Fund,
    Pledge,
    Project,
    ProjectSettings,
    Quote,
)
from kith.projects.models.volunteers import (
    HoursGiven,
    Photo,
    TaskTaken,
    Update,
    VolunteerTask,
    WorkDay,
)

__all__ = [
    "RESIDENT",
    "Asset",
    "CostItem",
    "DisposalNotice",
    "Fund",
    "HoursGiven",
    "Nomination",
    "Photo",
    "Pledge",
    "Project",
    "ProjectSettings",
    "Quote",
    "TaskTaken",
    "Update",
    "VolunteerTask",
    "WorkDay",
]
