"""The categories (the taxonomy): the default list, and the council's own."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.directory.models import (
    Taxonomy,
    TaxonomyTerm,
)
from kith.directory.services.common import _clean, _require_check
from kith.directory.taxonomy import DEFAULT_TAXONOMY_NAME, DEFAULT_TERMS
from kith.places.models import Locality

# --- the taxonomy ----------------------------------------------------------


@transaction.atomic
def taxonomy_default_create(*, locality: Locality, actor: Any = None) -> Taxonomy:
    """Give the locality the default "Everyday needs" list, once: running it
    again adds only the terms missing from it, and never renames the
    council's own."""
    taxonomy, _created = Taxonomy.objects.get_or_create(
        locality=locality,
        name=DEFAULT_TAXONOMY_NAME,
        defaults={
            "description": _("The everyday needs people ask about."),
            "version": "1",
        },
    )
    have = set(taxonomy.terms.values_list("code", flat=True))
    TaxonomyTerm.objects.bulk_create(
        TaxonomyTerm(
            taxonomy=taxonomy,
            code=code,
            name=_(name),
            description=_(description),
            order=(index + 1) * 10,
        )
        for index, (code, name, description) in enumerate(DEFAULT_TERMS)
        if code not in have
    )
    audit_record(
        actor=actor,
        action="directory_taxonomy_default_create",
        target=taxonomy,
        locality=locality,
    )
    return taxonomy


@transaction.atomic
def taxonomy_term_create(
    *,
    actor: Any,
    locality: Locality,
    name: str,
    description: str = "",
    parent: TaxonomyTerm | None = None,
) -> TaxonomyTerm:
    """Add a category to the locality's list (made if it has none yet)."""
    _require_check(actor, locality)
    taxonomy = Taxonomy.objects.filter(locality=locality).order_by("pk").first()
    if taxonomy is None:
        taxonomy = taxonomy_default_create(locality=locality, actor=actor)
    if parent is not None and parent.taxonomy_id != taxonomy.pk:
        raise PermissionDenied
    name = name.strip()
    if taxonomy.terms.filter(name__iexact=name).exists():
        raise ApplicationError(
            _("There is already a category called that."), field="name"
        )
    base = slugify(name)[:50] or "term"
    code = base
    n = 1
    while taxonomy.terms.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    last = taxonomy.terms.aggregate(m=models.Max("order"))["m"] or 0
    term = TaxonomyTerm(
        taxonomy=taxonomy,
        name=name,
        description=description.strip(),
        code=code,
        parent=parent,
        order=last + 10,
    )
    _clean(term)
    term.save()
    audit_record(
        actor=actor, action="directory_term_create", target=term, locality=locality
    )
    return term


@transaction.atomic
def taxonomy_term_update(
    *, actor: Any, term: TaxonomyTerm, name: str, description: str = ""
) -> TaxonomyTerm:
    """Rename a category or change its description. Its code and id stay, so
    links and other systems still find it."""
    locality = term.taxonomy.locality
    _require_check(actor, locality)
    term = TaxonomyTerm.objects.select_for_update().get(pk=term.pk)
    name = name.strip()
    if (
        TaxonomyTerm.objects.filter(taxonomy_id=term.taxonomy_id, name__iexact=name)
        .exclude(pk=term.pk)
        .exists()
    ):
        raise ApplicationError(
            _("There is already a category called that."), field="name"
        )
    before = {"name": term.name, "description": term.description}
    term.name = name
    term.description = description.strip()
    _clean(term)
    term.save()
    audit_record(
        actor=actor,
        action="directory_term_update",
        target=term,
        locality=locality,
        data={"before": before},
    )
    return term


@transaction.atomic
def taxonomy_term_retire(
    *, actor: Any, term: TaxonomyTerm, retired: bool = True
) -> TaxonomyTerm:
    """Stop offering a category (or bring it back). Services keep it, so
    nothing is lost, but search and forms no longer show it."""
    locality = term.taxonomy.locality
    _require_check(actor, locality)
    TaxonomyTerm.objects.filter(pk=term.pk).update(retired=retired)
    term.retired = retired
    audit_record(
        actor=actor,
        action="directory_term_retire" if retired else "directory_term_restore",
        target=term,
        locality=locality,
    )
    return term
