"""Finds Kith's pages and forms the way a visitor would, for the hostile-input
test: it follows the links on each page from the URL map's starting points,
one page per URL pattern for each role, and reads each page's forms."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

from django.test import Client
from django.urls import (
    NoReverseMatch,
    Resolver404,
    URLPattern,
    URLResolver,
    get_resolver,
    resolve,
    reverse,
)

#: Where the walker never goes: Django's own admin (its forms are Django's,
#: for administrators only) and files.
SKIPPED_PREFIXES = ("/django-admin/", "/static/", "/media/")


@dataclass
class FormField:
    name: str
    kind: str  # text, hidden, textarea, select, radio, checkbox, password, ...
    value: str = ""
    options: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)


@dataclass
class Form:
    page: str
    action: str
    method: str
    fields: dict[str, FormField] = field(default_factory=dict)
    submit: tuple[str, str] | None = None
    enctype: str = ""

    @property
    def route(self) -> str:
        return route_of(self.action)

    def key(self) -> tuple[str, str, tuple[str, ...]]:
        return (self.method, self.route, tuple(sorted(self.fields)))


class _FormParser(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._select: FormField | None = None
        self._option: tuple[bool] | None = None  # (selected,) while its text is read
        self._textarea: FormField | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = Form(
                page=self.page,
                action=urljoin(self.page, a.get("action") or self.page),
                method=(a.get("method") or "get").lower(),
                enctype=a.get("enctype", ""),
            )
            self.forms.append(self._form)
        elif tag == "option" and self._select is not None:
            if "value" in a:
                self._add_option(a["value"], "selected" in a)
            else:
                self._option = ("selected" in a,)
        elif self._form is None or not a.get("name"):
            return
        elif tag == "input":
            self._input(a)
        elif tag == "button" and a.get("type", "submit") == "submit":
            if self._form.submit is None:
                self._form.submit = (a["name"], a.get("value", ""))
        elif tag == "select":
            self._select = self._form.fields.setdefault(
                a["name"], FormField(a["name"], "select")
            )
        elif tag == "textarea":
            self._textarea = self._form.fields.setdefault(
                a["name"], FormField(a["name"], "textarea")
            )

    def _add_option(self, value: str, selected: bool) -> None:
        assert self._select is not None
        self._select.options.append(value)
        if selected:
            self._select.checked.append(value)

    def _input(self, a: dict[str, str]) -> None:
        assert self._form is not None
        kind, name, value = a.get("type", "text").lower(), a["name"], a.get("value", "")
        if kind in ("submit", "image"):
            if self._form.submit is None:
                self._form.submit = (name, value)
            return
        if kind in ("radio", "checkbox"):
            group = self._form.fields.setdefault(name, FormField(name, kind))
            group.options.append(value or "on")
            if "checked" in a:
                group.checked.append(value or "on")
            return
        self._form.fields[name] = FormField(name, kind, value)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data
        if self._option is not None:
            self._add_option(data.strip(), self._option[0])
            self._option = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "option" and self._option is not None:
            self._add_option("", self._option[0])
            self._option = None


def parse_page(page: str, html: str) -> tuple[list[Form], list[str]]:
    parser = _FormParser(page)
    parser.feed(html)
    return parser.forms, parser.links


def route_of(url: str) -> str:
    """The URL pattern (its name) that serves ``url``, or "" if none."""
    path = urlsplit(url).path
    try:
        match = resolve(path)
    except Resolver404:
        return ""
    return match.view_name


def page_key(url: str) -> tuple[str, frozenset[str]]:
    parts = urlsplit(url)
    return route_of(url), frozenset(k for k, _ in parse_qsl(parts.query))


def all_routes() -> dict[str, str]:
    """Every named URL pattern outside the skipped prefixes: name -> pattern."""
    out: dict[str, str] = {}

    def walk(patterns, prefix: str, namespace: str) -> None:  # type: ignore[no-untyped-def]
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern) and p.name:
                route = prefix + str(p.pattern)
                if not ("/" + route).startswith(SKIPPED_PREFIXES):
                    out[f"{namespace}{p.name}"] = route

    walk(get_resolver().url_patterns, "", "")
    return out


def start_urls() -> list[str]:
    """The pages of the URL map that take no arguments."""
    urls = []
    for name in all_routes():
        try:
            urls.append(reverse(name))
        except NoReverseMatch:
            continue
    return urls


def internal(url: str) -> bool:
    parts = urlsplit(url)
    return (
        parts.scheme in ("", "http", "https")
        and parts.netloc in ("", "testserver")
        and parts.path.startswith("/")
        and not parts.path.startswith(SKIPPED_PREFIXES)
        and bool(route_of(url))
    )


def crawl(
    client: Client,
    *,
    skip_routes: frozenset[str],
    limit: int,
    per_pattern: int = 1,
    first: tuple[str, ...] = (),
    on_error: Callable[[str, Exception], None],
) -> Iterator[tuple[str, list[Form]]]:
    """Each page reached by following links from the URL map's starting
    points (up to ``per_pattern`` pages per URL pattern and set of query
    names: a request with a visit offered has other forms than one without),
    with its forms. ``first`` are opened before the rest."""
    seen: dict[tuple[str, frozenset[str]], int] = {}
    fetched_urls: set[str] = set()
    queue: deque[str] = deque([*first, *start_urls()])
    fetched = 0
    while queue and fetched < limit:
        url = queue.popleft()
        parts = urlsplit(url)
        url = parts.path + (f"?{parts.query}" if parts.query else "")
        key = page_key(url)
        if (
            url in fetched_urls
            or seen.get(key, 0) >= per_pattern
            or key[0] in skip_routes
            or not internal(url)
        ):
            continue
        seen[key] = seen.get(key, 0) + 1
        fetched_urls.add(url)
        fetched += 1
        try:
            response = client.get(url)
        except Exception as error:
            on_error(url, error)
            continue
        if response.status_code >= 500:
            on_error(url, RuntimeError(f"status {response.status_code}"))
            continue
        if response.status_code in (301, 302, 303, 307, 308):
            queue.append(urljoin(url, response["Location"]))
            continue
        if response.status_code != 200:
            continue
        if "html" not in response.get("Content-Type", ""):
            yield url, []  # a file (a CSV, a calendar): opened, no forms
            continue
        forms, links = parse_page(url, response.content.decode())
        for link in links:
            absolute = urljoin(url, link)
            if internal(absolute) and seen.get(page_key(absolute), 0) < per_pattern:
                queue.append(absolute)
        if parts.query:
            # The address's own query is answered like a form: a visitor
            # may type anything after the "?".
            query = Form(page=url, action=parts.path, method="get")
            for name, value in parse_qsl(parts.query, keep_blank_values=True):
                query.fields[name] = FormField(name, "text", value)
            forms.append(query)
        yield url, forms
