"""The default list of everyday needs a new locality's directory starts with.

Pure data: (code, name, description). The council edits its own copy."""

from django.utils.translation import gettext_noop as _

DEFAULT_TAXONOMY_NAME = "Everyday needs"

DEFAULT_TERMS: tuple[tuple[str, str, str], ...] = (
    ("food", _("Food"), _("Food banks, shopping help and cheap meals.")),
    ("lunch-clubs", _("Lunch clubs"), _("A hot meal in company.")),
    ("befriending", _("Befriending"), _("Regular visits or calls from a friend.")),
    ("social-groups", _("Social groups"), _("Clubs, coffee mornings and outings.")),
    ("transport", _("Transport"), _("Community buses, lifts and travel help.")),
    ("digital-help", _("Digital help"), _("Help with phones, tablets and computers.")),
    ("money-advice", _("Money advice"), _("Benefits checks, debts and bills.")),
    ("housing", _("Housing"), _("Finding a home, tenancy and homelessness advice.")),
    ("home-repairs", _("Home repairs"), _("Handy people, repairs and adaptations.")),
    ("home-safety", _("Home safety"), _("Fire checks, locks and falls prevention.")),
    ("gardening", _("Gardening"), _("Help keeping a garden tidy.")),
    ("cleaning", _("Cleaning and laundry"), _("Help around the house.")),
    ("carers", _("Carers"), _("Support and breaks for unpaid carers.")),
    ("health", _("Health"), _("GPs, clinics and health checks.")),
    ("mental-health", _("Mental health"), _("Talking therapies and support groups.")),
    ("memory", _("Memory and dementia"), _("Memory cafés and dementia support.")),
    ("sight-hearing", _("Sight and hearing"), _("Help for sight and hearing loss.")),
    ("exercise", _("Exercise"), _("Gentle exercise, walks and sport.")),
    ("learning", _("Learning"), _("Classes, courses and libraries.")),
    ("volunteering", _("Volunteering"), _("Ways to give time to others.")),
    ("faith-groups", _("Faith groups"), _("Places of worship and faith communities.")),
    ("arts-culture", _("Arts and culture"), _("Music, crafts, museums and films.")),
    ("legal-advice", _("Legal advice"), _("Free and low-cost legal help.")),
    ("personal-care", _("Personal care"), _("Care at home, washing and dressing.")),
    ("equipment", _("Equipment and aids"), _("Mobility aids, alarms and equipment.")),
    ("bereavement", _("Bereavement"), _("Support after someone dies.")),
    ("safety-abuse", _("Safety and abuse"), _("Help for anyone at risk of harm.")),
    ("pets", _("Pets"), _("Help caring for a pet.")),
    ("energy", _("Energy and warmth"), _("Warm spaces, energy bills and insulation.")),
    ("council", _("Council services"), _("Blue badges, bins, council tax and more.")),
)
