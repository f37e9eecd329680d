import pytest
from django.db import DatabaseError, transaction

from kith.core.errors import ApplicationError
from kith.core.models import AuditEvent
from kith.core.services import audit_record


@pytest.fixture
def event(testford):
    return audit_record(
        actor=testford.coordinator, action="test_event", target=testford.member
    )


def test_an_event_records_who_what_and_which_record(event, testford):
    assert event.actor == testford.coordinator
    assert event.target_type == "accounts.user"
    assert event.target_id == str(testford.member.pk)
    assert event.target_label == testford.member.full_name


def test_an_event_cannot_be_changed_through_the_model(event):
    event.action = "something_else"
    with pytest.raises(ApplicationError):
        event.save()


def test_an_event_cannot_be_deleted_through_the_model(event):
    with pytest.raises(ApplicationError):
        event.delete()
    with pytest.raises(ApplicationError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(ApplicationError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")


def test_the_database_refuses_to_change_an_event(event):
    from django.db import connection

    table = AuditEvent._meta.db_table
    with (
        pytest.raises(DatabaseError),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            f"UPDATE {table} SET action = 'tampered' WHERE id = %s",  # noqa: S608
            [event.pk],
        )
    assert AuditEvent.objects.get(pk=event.pk).action == "test_event"


def test_the_admin_cannot_change_or_delete_events(admin_client, event):
    assert (
        admin_client.get(
            f"/django-admin/core/auditevent/{event.pk}/delete/"
        ).status_code
        == 403
    )
    response = admin_client.post(
        f"/django-admin/core/auditevent/{event.pk}/change/", {"action": "x"}
    )
    assert response.status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).action == "test_event"
