"""The catalogue of what Kith holds must name every model that refers to a
person, so the export and erasure cannot forget one."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist

from kith.accounts.models import User
from kith.privacy.catalogue import HOLDINGS, KIND_CODES, KINDS, STAFF_ONLY, Erase

PERSON_MODELS = {"accounts.User", "members.Membership", "helpers.HelperProfile"}
DOCS = Path(__file__).resolve().parents[3] / "docs" / "privacy.md"


def _person_relations(model):
    return [
        field.name
        for field in model._meta.get_fields()
        if field.is_relation
        and (field.concrete or field.many_to_many)
        and not field.auto_created
        and field.related_model is not None
        and field.related_model._meta.label in PERSON_MODELS
    ]


def _kith_models():
    return [
        model for model in apps.get_models() if model.__module__.startswith("kith.")
    ]


def test_every_model_that_refers_to_a_person_is_in_the_catalogue():
    by_label = {holding.model: holding for holding in HOLDINGS}
    missing = []
    for model in _kith_models():
        label = model._meta.label
        relations = _person_relations(model)
        if not relations and label not in PERSON_MODELS:
            continue
        if label in STAFF_ONLY:
            unaccounted = set(relations) - set(STAFF_ONLY[label])
        elif label in by_label:
            holding = by_label[label]
            first_hops = {lookup.split("__")[0] for lookup in holding.subjects}
            unaccounted = set(relations) - first_hops - set(holding.staff)
        else:
            missing.append(f"{label} (not in kith/privacy/catalogue.py)")
            continue
        if unaccounted:
            missing.append(f"{label}: {sorted(unaccounted)} neither subject nor staff")
    assert not missing, missing


@pytest.mark.django_db
def test_every_holding_names_real_fields_and_lookups():
    someone = User.objects.create(full_name="Nobody")
    for holding in HOLDINGS:
        model = apps.get_model(holding.model)
        assert holding.kind in KIND_CODES, holding
        for name in [*holding.erase, *holding.withheld, *holding.staff]:
            try:
                model._meta.get_field(name)
            except FieldDoesNotExist:  # pragma: no cover - the failure
                pytest.fail(f"{holding.model} has no field {name}")
        for lookup in holding.subjects:
            value = someone.pk if lookup == "pk" else someone
            # Raises FieldError for a lookup that leads nowhere.
            list(model._base_manager.filter(**{lookup: value})[:1])
        for name, strategy in holding.erase.items():
            field = model._meta.get_field(name)
            if strategy == Erase.NULL:
                assert field.null, f"{holding.model}.{name} cannot be emptied to null"
            if field.unique:
                # Two erased people would hold the same blank.
                assert strategy == Erase.NULL, f"{holding.model}.{name} is unique"


def test_docs_privacy_describes_every_kind_and_every_record():
    text = DOCS.read_text()
    for kind in KINDS:
        assert f"## {kind.title}" in text, f"docs/privacy.md lacks '## {kind.title}'"
        assert str(kind.retention) in text, f"docs/privacy.md: retention of {kind.code}"
    documented = set(re.findall(r"`([a-z_]+\.[A-Z][A-Za-z]+)`", text))
    for holding in HOLDINGS:
        assert holding.model in documented, f"docs/privacy.md lacks `{holding.model}`"
    stale = (
        {label for label in documented if "." in label}
        - {holding.model for holding in HOLDINGS}
        - set(STAFF_ONLY)
    )
    assert not stale, f"docs/privacy.md names records Kith no longer holds: {stale}"
