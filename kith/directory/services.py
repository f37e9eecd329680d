"""Writes to the directory. Each checks permission, validates, writes, and
records an AuditEvent, in its own transaction."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kith.core.services import audit_record
from kith.directory.models import Taxonomy, TaxonomyTerm
from kith.directory.taxonomy import DEFAULT_TAXONOMY_NAME, DEFAULT_TERMS
from kith.places.models import Locality


@transaction.atomic
def taxonomy_default_create(*, locality: Locality, actor: Any = None) -> Taxonomy:
    """Give the locality the default "Everyday needs" list, once: running it
    again adds only the terms missing from it, and never renames the
    council's own."""
    taxonomy, _created = Taxonomy.objects.get_or_create(
        locality=locality,
        name=DEFAULT_TAXONOMY_NAME,
        defaults={"description": _("The everyday needs people ask about.")},
    )
    have = set(taxonomy.terms.values_list("code", flat=True))
    TaxonomyTerm.objects.bulk_create(
        TaxonomyTerm(
            taxonomy=taxonomy,
            code=code,
            name=_(name),
            description=_(description),
            order=index * 10,
        )
        for index, (code, name, description) in enumerate(DEFAULT_TERMS)
        if code not in have
    )
    audit_record(
        actor=actor,
        action="directory.taxonomy_default_create",
        target=taxonomy,
        locality=locality,
    )
    return taxonomy
