"""What every page asks the database for someone signed in: the session,
the person, their roles and the locality, each once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kith.accounts.models import Role
from tests.factories import LocalityFactory, person_with_role

PER_REQUEST_TABLES = (
    '"django_session"',
    '"accounts_user"',
    '"accounts_roleassignment"',
    '"places_locality"',
)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.MEMBER, Role.HELPER, Role.COORDINATOR])
def test_a_plain_page_asks_each_per_request_question_once(client, role):
    LocalityFactory()  # another locality: the person's is not simply the first
    locality = LocalityFactory()
    client.force_login(person_with_role(role, locality))
    client.get(reverse("core:accessibility"))  # the session's first write
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("core:accessibility"))
    assert response.status_code == 200
    assert response.context["locality"] == locality
    froms = [q["sql"].split(" FROM ", 1)[1] for q in queries.captured_queries]
    for table in PER_REQUEST_TABLES:
        assert sum(f.startswith(table) for f in froms) == 1, (table, froms)
    assert len(froms) == len(PER_REQUEST_TABLES), froms
