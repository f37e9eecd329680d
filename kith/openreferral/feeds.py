"""Reading an Open Referral UK 3.0 feed: a file, or an API's address.

A file holds a list of full services, one full service, or a page of
/services (its ``contents``). An address is an API's /services list: every
page is followed, and each service is read in full from /services/{id}.
"""

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from urllib.request import Request, urlopen

#: The most a feed may send in one answer: no real page comes near it.
MAX_BYTES = 50 * 1024 * 1024
TIMEOUT_SECONDS = 30
#: Pages followed at most, so that a feed that never says it has ended
#: cannot keep the import going for ever.
MAX_PAGES = 10_000


class FeedError(Exception):
    """The feed as a whole cannot be read (the file or the address)."""


Fetch = Callable[[str], Any]


def fetch_json(url: str) -> Any:
    """GET ``url`` and read its JSON (FeedError if it cannot)."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise FeedError(f"{url} is not a web address")
    request = Request(  # noqa: S310 - the scheme is checked just above
        url, headers={"Accept": "application/json", "User-Agent": "Kith"}
    )
    try:
        with urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            body = response.read(MAX_BYTES + 1)
    except OSError as exc:
        raise FeedError(f"could not read {url}: {exc}") from exc
    if len(body) > MAX_BYTES:
        raise FeedError(f"{url} sent more than {MAX_BYTES} bytes")
    try:
        return json.loads(body)
    except ValueError as exc:
        raise FeedError(f"{url} did not send JSON: {exc}") from exc


def _is_page(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("contents"), list)


def file_records(path: str) -> list[Any]:
    """The services in a file (FeedError if it is not an ORUK feed)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise FeedError(f"could not read {path}: {exc}") from exc
    if _is_page(data):
        return list(data["contents"])
    if isinstance(data, list):
        return data
    if isinstance(data, dict) and "id" in data:
        return [data]
    raise FeedError(
        f"{path} holds neither a list of services, a service nor a page of them"
    )


def _page_url(url: str, page: int) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "page"]
    query.append(("page", str(page)))
    return urlunsplit(parts._replace(query=urlencode(query)))


def _service_url(list_url: str, service_id: str) -> str:
    parts = urlsplit(list_url)
    path = parts.path.rstrip("/")
    return urlunsplit(parts._replace(path=f"{path}/{service_id}", query=""))


def url_records(url: str, *, fetch: Fetch = fetch_json) -> Iterator[Any]:
    """Every service of the /services list at ``url``, read in full.

    A service that cannot be fetched is yielded as ``{"id": ..., "error":
    ...}`` so that it is reported with the others and the rest go on.
    """
    page = 1
    while page <= MAX_PAGES:
        data = fetch(_page_url(url, page))
        if not _is_page(data):
            raise FeedError(f"{url} page {page} is not a page of services")
        for item in data["contents"]:
            service_id = item.get("id") if isinstance(item, dict) else None
            if not isinstance(service_id, str) or "/" in service_id:
                yield item
                continue
            try:
                yield fetch(_service_url(url, service_id))
            except FeedError as exc:
                yield {"id": service_id, "error": str(exc)}
        total_pages = data.get("total_pages")
        if data.get("last_page") is True or not data["contents"]:
            return
        if isinstance(total_pages, int) and page >= total_pages:
            return
        page += 1


def feed_records(source: str, *, fetch: Fetch = fetch_json) -> Iterator[Any]:
    """The services of a feed: a web address or a file."""
    if urlsplit(source).scheme in ("http", "https"):
        yield from url_records(source, fetch=fetch)
    else:
        yield from file_records(source)
