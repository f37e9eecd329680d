"""factory_boy factories for the foundation's models."""

import factory
from factory.django import DjangoModelFactory

from kith.accounts.models import Role, RoleAssignment, User
from kith.places.models import Locality, Postcode, Ward


class LocalityFactory(DjangoModelFactory):
    class Meta:
        model = Locality
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Testford Circle {n}")
    slug = factory.Sequence(lambda n: f"testford-{n}")
    council_name = "Testford Borough Council"
    phone = "020 7946 0999"


class WardFactory(DjangoModelFactory):
    class Meta:
        model = Ward

    locality = factory.SubFactory(LocalityFactory)
    name = factory.Sequence(lambda n: f"Ward {n}")
    ons_code = factory.Sequence(lambda n: f"E0599{n:04d}")


class PostcodeFactory(DjangoModelFactory):
    class Meta:
        model = Postcode
        django_get_or_create = ["postcode"]

    postcode = factory.Sequence(lambda n: f"TF{n % 99 + 1} {n % 9 + 1}AB")
    latitude = 51.5
    longitude = -0.1
    ward_code = "E05990000"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    full_name = factory.Faker("name", locale="en_GB")
    email = factory.Sequence(lambda n: f"person{n}@example.com")
    mobile = None
    password = factory.PostGenerationMethodCall("set_password", "a-long-test-password")

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()


class RoleFactory(DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    locality = factory.SubFactory(LocalityFactory)
    role = Role.MEMBER


def person_with_role(role: str, locality: Locality, **fields) -> User:
    user = UserFactory(**fields)
    RoleAssignment.objects.create(user=user, locality=locality, role=role)
    return user
