"""Writes to the directory. Each checks permission, validates, writes, and
records an AuditEvent, in its own transaction.

Who may write what:

- an organisation editor changes only the organisations they are an editor
  of, and those organisations' services and places;
- a coordinator or council officer (``DIRECTORY_CHECK``) may change any
  entry of their locality, publishes entries or sends them back, and keeps
  the categories;
- a coordinator or helper (``SIGNPOST_RECORD``) records signposting.

Draft and published (ADR 0025): an editor's changes to a published service
go to its draft copy (``service_working_copy``); the public keeps seeing
the published row until ``service_publish`` writes the copy over it.

The services are split by concept into the modules of this package; every
name callers use is re-exported here, so ``kith.directory.services.<name>``
keeps working.
"""

from kith.directory.services.categories import (  # noqa: F401
    taxonomy_default_create,
    taxonomy_term_create,
    taxonomy_term_retire,
    taxonomy_term_update,
)
from kith.directory.services.checking import (  # noqa: F401
    service_publish,
    service_send_back,
    service_submit,
    services_check_stale,
)
from kith.directory.services.common import (  # noqa: F401
    HIDE_AFTER_FLAG,
    STALE_AFTER,
    _clean,
    _locality_words,
    _require_check,
    _require_edit,
)
from kith.directory.services.entries import (  # noqa: F401
    _CHILD_LINKS,
    _CHILDREN,
    _NOT_COPIED,
    SERVICE_FIELDS,
    _child_save,
    _children,
    _copy_fields,
    _copy_service,
    _languages_set,
    _merge_copy,
    _require_changeable,
    _terms_and_wards,
    closure_save,
    contact_save,
    cost_option_save,
    phone_save,
    schedule_save,
    service_create,
    service_for_editor_lock,
    service_location_add,
    service_record_delete,
    service_update,
    service_working_copy,
)
from kith.directory.services.organisations import (  # noqa: F401
    LOCATION_FIELDS,
    ORGANISATION_FIELDS,
    _place_location,
    location_save,
    organisation_create,
    organisation_editor_add,
    organisation_update,
)
from kith.directory.services.signposting import (  # noqa: F401
    _may_signpost,
    _referral_queue,
    signposting_record,
)
