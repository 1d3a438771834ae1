"""Schemathesis hooks for the contract stage (clients/schemathesis.sh loads this file).

The spec states every rule of a single parameter (patterns, lengths, enums), and the server
is tested on exactly those. Five rules cannot be written in OpenAPI 3.1, because they tie
parameters together or depend on server state; each is in the parameter's description, is
covered by the Rust API tests, and is taught to the generator here, for positive (schema-
valid) cases only, so that "schema-valid request rejected" stays a real finding:

- `cursor`: only a cursor the server issued for the same collection and `sort` is accepted.
  A generated cursor is replaced by a real one for that collection and sort (fetched once
  with `limit=1`), or dropped when there is none.
- `from`/`to`: `from` must not be after `to`. Reversed bounds are swapped.
- `bbox`: each minimum must be at most its maximum. Reversed coordinates are swapped.
- `actor`/`actors` lists: each id once and at most 100 characters (the ActorId rule, which a
  pattern over a comma-separated string cannot bound); force-comparison needs two. Repeats
  are dropped, longer ids cut to 100 characters (at a letter or digit), and a second actor
  is added when only one is left.
- `as_of`: a version must exist and a time must be neither in the future nor before the first
  version. A generated version is clamped to 1..current, a generated time replaced by the
  time of the current version (both from `/v1/dataset`).

Negative cases are never touched.
"""

from __future__ import annotations

import json
import os
import urllib.parse
import urllib.request
from typing import Any

import schemathesis

BASE_URL = os.environ["DURAND_BASE_URL"].rstrip("/")

# The collection whose cursors an operation takes (an actor's claims page like /v1/claims).
CURSOR_SOURCE = {
    "/v1/actors/{id}/claims": "/v1/claims",
    "/v1/actors/{id}/incidents": "/v1/incidents",
    "/v1/actors/{id}/force-figures": "/v1/force-figures",
}
_cursors: dict[tuple[str, str | None], str | None] = {}


def _issued_cursor(path: str, sort: str | None) -> str | None:
    """A `next_cursor` the server issued for `path` sorted by `sort`, or None."""
    key = (path, sort)
    if key not in _cursors:
        query = {"limit": "1"}
        if sort is not None:
            query["sort"] = sort
        if path == "/v1/search":
            query["q"] = "Pakistan"
        url = f"{BASE_URL}{path}?{urllib.parse.urlencode(query)}"
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                _cursors[key] = json.load(response)["meta"]["next_cursor"]
        except Exception:  # noqa: BLE001 - no cursor then; the case runs without one
            _cursors[key] = None
    return _cursors[key]


_dataset: dict[str, Any] = {}


def _current_dataset() -> dict[str, Any]:
    """`/v1/dataset` as served (its `version` and `changed_at`), fetched once."""
    if not _dataset:
        with urllib.request.urlopen(f"{BASE_URL}/v1/dataset", timeout=10) as response:
            _dataset.update(json.load(response))
    return _dataset


def _first_and_last(date: str) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """The first and (an upper bound of) the last day a `YYYY[-MM[-DD]]` date means."""
    parts = [int(p) for p in date.split("-")]
    year, month, day = (parts + [None, None])[:3]
    first = (year, month or 1, day or 1)
    last = (year, month or 12, day or 31)
    return first, last


def _is_date(value: Any) -> bool:
    return isinstance(value, str) and all(p.isdigit() for p in value.split("-"))


def _at_most_100(slug: str) -> str:
    """A slug cut to 100 characters, still ending in a letter or digit."""
    return slug[:100].rstrip("-")


@schemathesis.hook
def map_case(context, case):
    meta = case.meta
    if meta is None or meta.generation.mode != "positive" or not case.query:
        return case
    query = case.query
    path = case.operation.path

    if "cursor" in query:
        issued = _issued_cursor(CURSOR_SOURCE.get(path, path), query.get("sort"))
        if issued is None:
            del query["cursor"]
        else:
            query["cursor"] = issued

    start, end = query.get("from"), query.get("to")
    if _is_date(start) and _is_date(end) and _first_and_last(start)[0] > _first_and_last(end)[1]:
        query["from"], query["to"] = end, start

    bbox = query.get("bbox")
    if isinstance(bbox, str) and bbox.count(",") == 3:
        parts = bbox.split(",")
        for low, high in ((0, 2), (1, 3)):
            if float(parts[low]) > float(parts[high]):
                parts[low], parts[high] = parts[high], parts[low]
        query["bbox"] = ",".join(parts)

    if "as_of" in query:
        as_of, current = query["as_of"], _current_dataset()
        if isinstance(as_of, int) or (isinstance(as_of, str) and as_of.isdigit()):
            query["as_of"] = min(max(int(as_of), 1), current["version"])
        else:
            query["as_of"] = current["changed_at"]

    for name in ("actor", "actors"):
        listed = query.get(name)
        if not isinstance(listed, str) or (name == "actor" and path != "/v1/force-figures"):
            continue
        ids = list(dict.fromkeys(_at_most_100(i) for i in listed.split(",")))
        if name == "actors" and path == "/v1/force-comparison":
            for other in ("pakistan", "afghan-taliban"):
                if len(ids) < 2 and other not in ids:
                    ids.append(other)
        query[name] = ",".join(ids)
    return case
