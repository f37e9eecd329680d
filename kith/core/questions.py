"""Question pages: one thing per page, then check your answers.

``QuestionPages`` are a list of steps, each a form. Answers are kept in the
session as the raw values typed, and every form is bound and validated again
on the check-answers page, so what is saved is always what the rules allow.
Nothing is written to the database until the person confirms.

    join = QuestionPages("join", [Step("name", NameForm, _("What is your name?")), ...])
    join.answers(request)            # raw answers so far
    join.cleaned(request)            # {step: cleaned_data} or raises IncompleteAnswers
    join.next_slug(request, after)   # the next step still to answer, or None

(The session keys and the saved answers still say "flow": they are stored, so
their names stay as they were.)
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.http import HttpRequest, QueryDict
from django.utils.functional import Promise

from kith.core.times import day_text

#: Every set of question pages keeps its answers in the session under this
#: prefix and its name.
QUESTIONS_SESSION_PREFIX = "kith_flow_"


def question_answers_keep(request: HttpRequest, user: Any) -> None:
    """Keep the unfinished question pages in this session for ``user``, who
    is about to be signed out for being idle or signed in too long: signing
    in again gives them back (``question_answers_restore``)."""
    from kith.core.services import saved_answers_keep

    flows = {
        key: value for key, value in request.session.items() if _is_questions_key(key)
    }
    saved_answers_keep(user=user, flows=flows)


def question_answers_restore(request: HttpRequest, user: Any) -> None:
    """Call on signing ``user`` in. Answers typed in this browser before
    signing in may be someone else's (a shared computer), so they are
    dropped; then the question pages kept for ``user``, and only for them,
    are put back."""
    from kith.core.services import saved_answers_take

    for key in [
        key for key, _value in request.session.items() if _is_questions_key(key)
    ]:
        del request.session[key]
    for key, value in saved_answers_take(user=user).items():
        if _is_questions_key(key):
            request.session[key] = value


def _is_questions_key(key: str) -> bool:
    return key.startswith(QUESTIONS_SESSION_PREFIX)


class IncompleteAnswers(Exception):
    """A step has no valid answer yet; ``slug`` names the first such step."""

    def __init__(self, slug: str) -> None:
        super().__init__(slug)
        self.slug = slug


@dataclass(frozen=True)
class Step:
    slug: str
    form_class: type[forms.Form]
    title: str | Promise  # a lazy translation as a rule
    #: Ask this step only when this returns True for the answers so far.
    condition: Callable[[dict[str, dict[str, Any]]], bool] | None = None
    form_kwargs: dict[str, Any] = field(default_factory=dict)


class QuestionPages:
    def __init__(self, name: str, steps: list[Step]) -> None:
        self.name = name
        self.steps = steps
        self.session_key = f"{QUESTIONS_SESSION_PREFIX}{name}"

    # --- stored answers -------------------------------------------------------

    def answers(self, request: HttpRequest) -> dict[str, dict[str, list[str]]]:
        return request.session.get(self.session_key, {}).get("answers", {})

    def context(self, request: HttpRequest) -> dict[str, Any]:
        """Extra values kept with the answers (who it is for, how it started)."""
        return request.session.get(self.session_key, {}).get("context", {})

    def start(self, request: HttpRequest, **context: Any) -> None:
        request.session[self.session_key] = {"answers": {}, "context": context}

    def clear(self, request: HttpRequest) -> None:
        request.session.pop(self.session_key, None)

    def save_answer(self, request: HttpRequest, slug: str, data: QueryDict) -> None:
        stored = request.session.get(self.session_key) or {"answers": {}, "context": {}}
        self.step(slug)  # raises KeyError for an unknown step
        raw = {key: data.getlist(key) for key in data if key != "csrfmiddlewaretoken"}
        stored["answers"][slug] = raw
        request.session[self.session_key] = stored
        request.session.modified = True

    # --- forms ------------------------------------------------------------------

    def step(self, slug: str) -> Step:
        for step in self.steps:
            if step.slug == slug:
                return step
        raise KeyError(slug)

    def active_steps(self, request: HttpRequest) -> list[Step]:
        cleaned_so_far: dict[str, dict[str, Any]] = {}
        active = []
        for step in self.steps:
            if step.condition is None or step.condition(cleaned_so_far):
                active.append(step)
                form = self.bound_form(request, step)
                if form is not None and form.is_valid():
                    cleaned_so_far[step.slug] = form.cleaned_data
        return active

    def bound_form(self, request: HttpRequest, step: Step) -> forms.Form | None:
        raw = self.answers(request).get(step.slug)
        if raw is None:
            return None
        data = QueryDict(mutable=True)
        for key, values in raw.items():
            data.setlist(key, values)
        return step.form_class(data, **self.form_kwargs(request, step))

    def form_kwargs(self, request: HttpRequest, step: Step) -> dict[str, Any]:
        return dict(step.form_kwargs)

    def page_form(self, request: HttpRequest, step: Step) -> forms.Form:
        """The form a question page shows: bound to what was just sent (a
        POST), else to the answer given before if it is still valid, else
        empty (an old answer the rules no longer allow is asked again)."""
        kwargs = self.form_kwargs(request, step)
        if request.method == "POST":
            return step.form_class(request.POST, **kwargs)
        form = self.bound_form(request, step)
        if form is not None and form.is_valid():
            return form
        return step.form_class(**kwargs)

    def answer(self, request: HttpRequest, slug: str, *, changing: bool) -> str | None:
        """Keep the answer just sent (valid) and say where to go: the next
        step still to answer, or None for check your answers (always None
        when the person came from there to change one answer)."""
        self.save_answer(request, slug, request.POST)
        return None if changing else self.next_slug(request, after=slug)

    def cleaned(self, request: HttpRequest) -> dict[str, dict[str, Any]]:
        """Every active step's cleaned answers. Raises IncompleteAnswers."""
        result: dict[str, dict[str, Any]] = {}
        for step in self.active_steps(request):
            form = self.bound_form(request, step)
            if form is None or not form.is_valid():
                raise IncompleteAnswers(step.slug)
            result[step.slug] = form.cleaned_data
        return result

    def next_slug(self, request: HttpRequest, after: str | None = None) -> str | None:
        """The first active step after ``after`` without a valid answer, else None."""
        steps = self.active_steps(request)
        seen = after is None
        for step in steps:
            if not seen:
                seen = step.slug == after
                continue
            form = self.bound_form(request, step)
            if form is None or not form.is_valid():
                return step.slug
        for step in steps:
            form = self.bound_form(request, step)
            if form is None or not form.is_valid():
                return step.slug
        return None

    def previous_slug(self, request: HttpRequest, slug: str) -> str | None:
        steps = [step.slug for step in self.active_steps(request)]
        if slug in steps and steps.index(slug) > 0:
            return steps[steps.index(slug) - 1]
        return None

    def back_url(
        self,
        request: HttpRequest,
        slug: str,
        *,
        changing: bool,
        check_url: str,
        step_url: Callable[[str], str],
        start_url: str,
    ) -> str:
        """Where a question page's back link goes: to check your answers
        when the person came from there to change one answer, else to the
        question before, else to where the questions started."""
        if changing:
            return check_url
        previous = self.previous_slug(request, slug)
        return step_url(previous) if previous else start_url

    def summary(self, request: HttpRequest) -> list[dict[str, Any]]:
        """Rows for the check-answers page: step, question and answer shown."""
        rows = []
        for step in self.active_steps(request):
            form = self.bound_form(request, step)
            if form is None or not form.is_valid():
                continue
            for name, bound in form.fields.items():
                value = form.cleaned_data.get(name)
                rows.append(
                    {
                        "slug": step.slug,
                        "label": bound.label,
                        "value": _display(bound, value),
                    }
                )
        return rows


def _display(field: forms.Field, value: Any) -> str:
    from datetime import date

    from django.utils.translation import gettext as _

    if value is False:
        return _("No")
    if value in (None, "", []):
        return "—"
    if value is True:
        return _("Yes")
    choices = dict(getattr(field, "choices", []) or [])
    if isinstance(value, list | tuple):
        return ", ".join(str(choices.get(v, v)) for v in value)
    if isinstance(value, date):
        return day_text(value, weekday=False)
    if choices:
        return str(choices.get(value, choices.get(str(value), value)))
    return str(value)
