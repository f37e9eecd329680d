"""The person fields shared by the joining, helper and profile forms
(kith.accounts.person_fields): one definition, each form's own words."""

import pytest
from django.core.exceptions import ValidationError

from kith.accounts import person_fields
from kith.accounts.forms import ContactDetailsForm
from kith.helpers import forms as helper_forms
from kith.members import forms as member_forms

# (form, the fields it takes from person_fields)
FORMS = [
    (member_forms.NameForm, ["full_name", "preferred_name"]),
    (member_forms.AddressForm, ["address_line_1", "address_line_2", "town"]),
    (member_forms.PostcodeForm, ["postcode"]),
    (member_forms.ContactForm, ["email", "mobile", "phone"]),
    (member_forms.BirthForm, ["date_of_birth"]),
    (member_forms.ProfileForm, ["date_of_birth"]),
    (helper_forms.NameForm, ["full_name", "preferred_name"]),
    (helper_forms.ContactForm, ["email", "mobile", "phone"]),
    (
        helper_forms.AddressForm,
        ["address_line_1", "address_line_2", "town", "postcode"],
    ),
    (helper_forms.DateOfBirthForm, ["date_of_birth"]),
    (
        ContactDetailsForm,
        [
            "full_name",
            "preferred_name",
            "email",
            "mobile",
            "phone",
            "address_line_1",
            "address_line_2",
            "town",
            "postcode",
        ],
    ),
]
LENGTHS = {
    "full_name": 150,
    "preferred_name": 80,
    "email": 254,
    "mobile": 30,
    "phone": 30,
    "address_line_1": 100,
    "address_line_2": 100,
    "town": 60,
    "postcode": 10,
}


@pytest.mark.parametrize(("form_class", "names"), FORMS)
def test_every_form_keeps_the_shared_lengths(form_class, names):
    for name in names:
        field = form_class.base_fields[name]
        assert getattr(field, "max_length", None) == LENGTHS.get(name), name


@pytest.mark.parametrize(
    "form",
    [
        member_forms.ContactForm(data={"contact_by": "email", "email": "joan@"}),
        helper_forms.ContactForm(data={"email": "joan@"}),
        ContactDetailsForm(data={"full_name": "Joan", "email": "joan@"}),
    ],
)
def test_a_badly_typed_email_gets_the_same_message_everywhere(form):
    assert not form.is_valid()
    assert form.errors["email"] == [
        "Enter an email address in the right form, like name@example.com."
    ]


def test_each_form_keeps_its_own_words_for_a_missing_name():
    joining = member_forms.NameForm(data={})
    applying = helper_forms.NameForm(data={})
    assert joining.errors["full_name"] == ["Enter your full name."]
    assert applying.errors["full_name"] == ["Enter the full name."]
    assert str(member_forms.NameForm.base_fields["preferred_name"].label) == (
        "What do you like to be called? (optional)"
    )


def test_a_required_field_is_required_only_where_a_message_says_so():
    assert member_forms.AddressForm.base_fields["town"].required
    assert not helper_forms.AddressForm.base_fields["town"].required
    assert not ContactDetailsForm.base_fields["address_line_1"].required
    assert helper_forms.AddressForm.base_fields["address_line_1"].required


def test_a_mobile_number_is_stored_in_one_form_or_kept_as_typed():
    assert person_fields.mobile_cleaned(" 07700 900 982 ") == "+447700900982"
    assert person_fields.mobile_cleaned("  ") == ""
    assert person_fields.mobile_checked(" 07700 900 982 ") == "07700 900 982"
    with pytest.raises(ValidationError) as refused:
        person_fields.mobile_checked("020 7946 0000")
    assert refused.value.messages == ["Enter a UK mobile number, like 07700 900 982."]


def test_a_phone_number_is_stored_in_one_form_or_kept_as_typed():
    assert person_fields.phone_cleaned("020 7946 0000") == "02079460000"
    assert person_fields.phone_checked("020 7946 0000") == "020 7946 0000"
    assert person_fields.phone_checked("") == ""
    for check in (person_fields.phone_cleaned, person_fields.phone_checked):
        with pytest.raises(ValidationError) as refused:
            check("12345")
        assert refused.value.messages == [
            "Enter a UK phone number, like 020 7946 0000."
        ]


def test_a_date_of_birth_must_be_in_the_past():
    form = member_forms.BirthForm(
        data={
            "date_of_birth_day": "1",
            "date_of_birth_month": "1",
            "date_of_birth_year": "2999",
        }
    )
    assert form.errors["date_of_birth"] == ["Date of birth must be in the past."]
    born = member_forms.BirthForm(
        data={
            "date_of_birth_day": "27",
            "date_of_birth_month": "3",
            "date_of_birth_year": "1948",
        }
    )
    assert born.is_valid(), born.errors
