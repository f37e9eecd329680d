"""Forms for helpers' pages: the application's question pages, the profile,
vetting checks and the coordinators' list. Forms check the shape of what is
typed; the rules live in the services, whose errors are shown next to the
field too.

One module per part (``common``, ``applying``, ``profile``, ``checks``,
``coordinators``); every form is here too, as ``forms.NameForm``.
"""

from kith.helpers.forms.applying import (
    AboutForm,
    AddressForm,
    AvailabilityForm,
    ContactForm,
    DateOfBirthForm,
    NameForm,
    PayForm,
    RefereeForm,
    RightToWorkForm,
    SkillLevelsForm,
    SkillsForm,
    TravelDistanceForm,
    TravelModesForm,
    VisitsForm,
)
from kith.helpers.forms.checks import (
    CHECK_FORMS,
    CheckKindForm,
    DbsCheckForm,
    IdentityCheckForm,
    ReferenceCheckForm,
    StatusCheckForm,
    TrainingCheckForm,
    WithdrawForm,
)
from kith.helpers.forms.common import (
    CHECKBOXES_TEMPLATE,
    PERIODS,
    YES_NO,
    CheckboxesField,
    SubmissionKeyMixin,
    period_choices,
    periods_to_slots,
    time_choices,
)
from kith.helpers.forms.coordinators import (
    HelperFilterForm,
    MergeForm,
    SkillEditForm,
    SkillForm,
)
from kith.helpers.forms.profile import (
    DetailsForm,
    OptionalReasonForm,
    ProfileSkillsForm,
    ReasonForm,
    SlotForm,
    TimeAwayForm,
)

__all__ = [
    "CHECKBOXES_TEMPLATE",
    "CHECK_FORMS",
    "PERIODS",
    "YES_NO",
    "AboutForm",
    "AddressForm",
    "AvailabilityForm",
    "CheckKindForm",
    "CheckboxesField",
    "ContactForm",
    "DateOfBirthForm",
    "DbsCheckForm",
    "DetailsForm",
    "HelperFilterForm",
    "IdentityCheckForm",
    "MergeForm",
    "NameForm",
    "OptionalReasonForm",
    "PayForm",
    "ProfileSkillsForm",
    "ReasonForm",
    "RefereeForm",
    "ReferenceCheckForm",
    "RightToWorkForm",
    "SkillEditForm",
    "SkillForm",
    "SkillLevelsForm",
    "SkillsForm",
    "SlotForm",
    "StatusCheckForm",
    "SubmissionKeyMixin",
    "TimeAwayForm",
    "TrainingCheckForm",
    "TravelDistanceForm",
    "TravelModesForm",
    "VisitsForm",
    "WithdrawForm",
    "period_choices",
    "periods_to_slots",
    "time_choices",
]
