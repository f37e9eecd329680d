"""Question pages: where a page's back link leads."""

from django import forms
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.http import QueryDict
from django.test import RequestFactory

from kith.core.questions import QuestionPages, Step


class Name(forms.Form):
    name = forms.CharField()


class Pet(forms.Form):
    pet = forms.CharField()


class Vet(forms.Form):
    vet = forms.CharField()


PAGES = QuestionPages(
    "test",
    [
        Step("name", Name, "Name"),
        Step("pet", Pet, "Pet"),
        # Asked only of people with a pet called Rex.
        Step(
            "vet", Vet, "Vet", condition=lambda a: a.get("pet", {}).get("pet") == "Rex"
        ),
    ],
)


def back(request, slug, *, changing=False):
    return PAGES.back_url(
        request,
        slug,
        changing=changing,
        check_url="/check/",
        step_url=lambda previous: f"/step/{previous}/",
        start_url="/start/",
    )


def test_the_back_link_goes_to_the_question_before_or_where_it_started():
    request = RequestFactory().get("/")
    request.session = SessionStore()
    PAGES.start(request)
    assert back(request, "name") == "/start/"
    assert back(request, "pet") == "/step/name/"
    # Changing one answer from check your answers goes back there.
    assert back(request, "pet", changing=True) == "/check/"
    # A question asked only after some answers counts only once it is asked.
    PAGES.save_answer(request, "name", QueryDict("name=Joan"))
    PAGES.save_answer(request, "pet", QueryDict("pet=Rex"))
    assert back(request, "vet") == "/step/pet/"
