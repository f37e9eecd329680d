import pytest
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from kith.accounts import selectors
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def uid(value) -> str:
    return urlsafe_base64_encode(force_bytes(value))


def test_a_reset_link_finds_its_active_person_only_with_the_right_token():
    person = UserFactory()
    token = default_token_generator.make_token(person)
    assert selectors.password_reset_user(uidb64=uid(person.pk), token=token) == person
    assert selectors.password_reset_user(uidb64=uid(person.pk), token="1-x") is None
    person.is_active = False
    person.save()
    assert selectors.password_reset_user(uidb64=uid(person.pk), token=token) is None


@pytest.mark.parametrize("bad", ["", "!!!", uid("not a number"), uid(10**30)])
def test_a_malformed_reset_link_finds_nobody(bad):
    assert selectors.password_reset_user(uidb64=bad, token="1-x") is None
