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

Writes (POST, PATCH, DELETE with the contract key) have rules of the same kinds: they depend
on what the database holds, or tie fields together. Each is in the operation's description and
covered by the Rust API tests; for positive cases only, the hooks make a generated request
meet them, so that a 422, 412 or 400 on a schema-valid write stays a real finding:

- References (a claim's claimant, `about` and incident, an actor's relations, an incident's
  actors, a figure's actor and claimant, every `sources` list, a source's `cited_in`) must
  name existing records: generated ids are mapped to ids of the bundled dataset (data/*.json),
  distinct ones to distinct ones; never to the record itself. `contradicted_by` is emptied (a
  `disputed` or `denied` claim then becomes `unverified`): naming claims rewrites them.
- A created record's `id`, when given, must be free and never used before (a deleted id is
  never reused): a random suffix makes it so. A patch's `id`, when given, must be the path's.
- `Idempotency-Key`: a key may be reused only with the same body; a random suffix makes each
  case's key its own.
- A partial date's `precision`, `start` and `end` must agree with its `value`: the date becomes
  the year of the generated value.
- A figure's `value` must agree with its `qualifier` (null exactly when `unquantified`, which
  then needs `text`; never negative). A claim's `statement` must not be blank, an incident needs
  an actor.
- A patch merges into the stored record, and the result must meet all of the above: for a
  record that exists, the patch is applied to it here and the repaired result sent as the
  patch. `If-Match` gets the record's current ETag (a generated one can only be stale).
- A delete's `reason` must not be blank once trimmed.
- Credit: a claim or force figure citing a second-hand source (`iiss-2025`) must be credited to
  its author, and one credited to such an author must cite it: second-hand sources are dropped
  from a generated record and an author claimant becomes `pakistan`.
- Evidence and places (release 2): an `evidence` span's `source` must be one of the sources of
  the record (or, inside a relation, of the relation), so it is mapped to the first of them; a
  place whose `precision` is `border` or `region` has no point, and a point is both `lat` and
  `lon` or neither; a relation says whether it holds (`state`, `ended` when it has `until`); a
  date `estimated` by Durand needs an `inference`; `relayed_by`, `according_to` and `author`
  name existing records, and `relayed_by` is not the claimant.

Negative cases are never touched.
"""

from __future__ import annotations

import ast
import copy
import json
import os
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
import zlib
from pathlib import Path
from typing import Any

import schemathesis

# CPython before 3.12 can raise `SystemError: AST constructor recursion depth mismatch` when
# two threads run `ast.parse` at once (gh-106905); hypothesis parses lambdas' sources to name
# filtered strategies, and schemathesis's workers are threads, so a run failed on it once
# (Python 3.11.7). One lock around `ast.parse` takes the race away; it is not a Durand fault.
_ast_parse = ast.parse
_ast_lock = threading.Lock()


def _locked_parse(*args: Any, **kwargs: Any) -> Any:
    with _ast_lock:
        return _ast_parse(*args, **kwargs)


ast.parse = _locked_parse

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


# ---- writes ---------------------------------------------------------------------------------

DATA = Path(__file__).resolve().parents[2] / "data"


def _ids(name: str) -> list[str]:
    return [record["id"] for record in json.loads((DATA / name).read_text())]


ACTORS = _ids("actors.json")
SOURCES = _ids("sources.json")
INCIDENTS = _ids("incidents.json")
CLAIMS = _ids("claims.json")
# Second-hand sources (known through `cited_in`) and their authors: a claim or force figure
# citing one must be credited to its author, and one credited to an author must cite it.
SECOND_HAND = {
    s["id"]: s["author"]
    for s in json.loads((DATA / "sources.json").read_text())
    if s.get("cited_in") and s.get("author")
}
RESOURCES = {"sources", "actors", "incidents", "claims", "force-figures"}
# Fields the server generates; a GET serves them, a write must not send them.
READ_ONLY = {"incidents": ["claims"], "claims": ["attribution"], "force-figures": ["attribution"]}


def _map_ids(values: Any, pool: list[str], avoid: str | None = None) -> Any:
    """Maps a list of generated ids onto `pool`: distinct ones to distinct ids, none to `avoid`."""
    if not isinstance(values, list):
        return values
    choices = [p for p in pool if p != avoid]
    start = zlib.crc32(json.dumps(values).encode()) % len(choices)
    mapping: dict[str, str] = {}
    for value in values:
        key = json.dumps(value)
        if key not in mapping:
            mapping[key] = choices[(start + len(mapping)) % len(choices)]
    return [mapping[json.dumps(v)] for v in values]


def _map_id(value: Any, pool: list[str], avoid: str | None = None) -> Any:
    return value if value is None else _map_ids([value], pool, avoid)[0]


def _date(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    text = str(value.get("value", ""))[:4]
    year = min(max(int(text), 1900), 2100) if text.isdigit() else 2025
    return {"value": str(year), "precision": "year", "start": f"{year}-01-01", "end": f"{year}-12-31"}


def _amount(figure: Any) -> None:
    if not isinstance(figure, dict):
        return
    if figure.get("qualifier") == "unquantified":
        figure["value"] = None
        if not figure.get("text"):
            figure["text"] = "an unquantified number"
    else:
        value = figure.get("value")
        figure["value"] = 1 if not isinstance(value, int) else abs(value)


def _evidence(item: Any, sources: Any) -> None:
    """Points an object's evidence at one of `sources` (the record's, or the relation's)."""
    if not isinstance(item, dict) or not isinstance(item.get("evidence"), list):
        return
    first = sources[0] if isinstance(sources, list) and sources else None
    item["evidence"] = [dict(e, source=first) for e in item["evidence"] if isinstance(e, dict) and first]


def _basis(doc: dict[str, Any], field: str) -> None:
    if doc.get(f"{field}_basis") == "estimated" and not doc.get("inference"):
        doc["inference"] = "Estimated by the contract test."


def _credit(doc: dict[str, Any]) -> None:
    """Credits the record to whom its sources credit it: no second-hand sources, and no
    claimant who authors one (whose record would then have to cite it)."""
    if doc.get("claimant") in SECOND_HAND.values():
        doc["claimant"] = "pakistan"
    if isinstance(doc.get("sources"), list):
        own = [s for s in doc["sources"] if s not in SECOND_HAND]
        doc["sources"] = own or [s for s in SOURCES if s not in SECOND_HAND][:1]


def _place(place: Any) -> None:
    if not isinstance(place, dict):
        return
    if place.get("precision") in ("border", "region") or (place.get("lat") is None) != (place.get("lon") is None):
        place["lat"], place["lon"] = None, None
    if "according_to" in place:
        place["according_to"] = _map_id(place["according_to"], CLAIMS)


def _fix_record(resource: str, doc: dict[str, Any], own_id: str | None) -> None:
    """Makes a whole record (or a patch's result) meet the rules above, in place."""
    if "sources" in doc:
        doc["sources"] = _map_ids(doc["sources"], SOURCES, own_id if resource == "sources" else None)
    if resource in ("claims", "force-figures"):
        if "claimant" in doc:
            doc["claimant"] = _map_id(doc["claimant"], ACTORS)
        _credit(doc)
    _evidence(doc, [own_id, doc.get("cited_in")] if resource == "sources" else doc.get("sources"))
    if resource == "sources":
        doc["cited_in"] = _map_id(doc.get("cited_in"), SOURCES, own_id)
        if "author" in doc:
            doc["author"] = _map_id(doc["author"], ACTORS)
        if "published" in doc:
            doc["published"] = _date(doc["published"])
    elif resource == "actors":
        if "founded" in doc:
            doc["founded"] = _date(doc["founded"])
        for relation in doc.get("relations") or []:
            if isinstance(relation, dict):
                relation["actor"] = _map_id(relation.get("actor"), ACTORS, own_id)
                relation["sources"] = _map_ids(relation.get("sources"), SOURCES)
                for key in ("since", "until"):
                    if key in relation:
                        relation[key] = _date(relation[key])
                if relation.get("until") is not None:
                    relation["state"] = "ended"
                elif relation.get("state") is None:
                    relation["state"] = "ongoing"
                _evidence(relation, relation["sources"])
        for place in doc.get("places") or []:
            if isinstance(place, dict):
                _place(place.get("location"))
                _evidence(place.get("location"), doc.get("sources"))
    elif resource == "incidents":
        if "date" in doc:
            doc["date"] = _date(doc["date"])
        actors = [a for a in doc.get("actors") or [] if isinstance(a, dict)]
        for actor, mapped in zip(actors, _map_ids([a.get("actor") for a in actors], ACTORS)):
            actor["actor"] = mapped
        if "actors" in doc and not doc["actors"]:
            doc["actors"] = [{"actor": "pakistan", "role": "party"}]
        for place in doc.get("locations") or []:
            _place(place)
            _evidence(place, doc.get("sources"))
        _basis(doc, "date")
    elif resource == "claims":
        if doc.get("relayed_by") is not None:
            others = [a for a in ACTORS if a != doc.get("claimant")]
            doc["relayed_by"] = _map_id(doc["relayed_by"], others)
        _basis(doc, "made_at")
        if "about" in doc:
            doc["about"] = _map_ids(doc["about"], ACTORS)
        if "incident" in doc:
            doc["incident"] = _map_id(doc["incident"], INCIDENTS)
        if "made_at" in doc:
            doc["made_at"] = _date(doc["made_at"])
        if "contradicted_by" in doc:
            doc["contradicted_by"] = []
        if doc.get("status") in ("disputed", "denied"):
            doc["status"] = "unverified"
        if isinstance(doc.get("statement"), str) and not doc["statement"].strip():
            doc["statement"] = "A statement."
        for figure in doc.get("figures") or []:
            _amount(figure)
            _evidence(figure, doc.get("sources"))
    elif resource == "force-figures":
        if "actor" in doc:
            doc["actor"] = _map_id(doc["actor"], ACTORS)
        if "as_of" in doc:
            doc["as_of"] = _date(doc["as_of"])
        _basis(doc, "as_of")
        if "qualifier" in doc or "value" in doc:
            _amount(doc)


def _current(resource: str, id: str) -> tuple[dict[str, Any], str] | None:
    """The record as a GET serves it now, with its ETag, or None."""
    url = f"{BASE_URL}/v1/{resource}/{urllib.parse.quote(id, safe='')}"
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return json.load(response), response.headers["ETag"]
    except (urllib.error.URLError, ValueError, KeyError):
        return None


def _merge(target: Any, patch: Any) -> Any:
    """JSON Merge Patch (RFC 7396)."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = _merge(result.get(key), value)
    return result


def _fresh_id(value: Any) -> Any:
    if not isinstance(value, str) or not value:
        return value
    return f"{value[:60].rstrip('-')}-{uuid.uuid4().hex[:12]}"


def _map_write(case) -> None:
    method = case.method.upper()
    parts = case.operation.path.strip("/").split("/")  # v1, collection[, {id}]
    resource = parts[1] if len(parts) > 1 else ""
    if resource not in RESOURCES:
        return
    headers = case.headers if case.headers is not None else {}
    if method == "POST" and len(parts) == 2:
        if isinstance(headers.get("Idempotency-Key"), str):
            headers["Idempotency-Key"] = f"{headers['Idempotency-Key'][:200]}-{uuid.uuid4().hex}"
        if isinstance(case.body, dict):
            if "id" in case.body:
                case.body["id"] = _fresh_id(case.body["id"])
            _fix_record(resource, case.body, case.body.get("id"))
        return
    id = (case.path_parameters or {}).get("id")
    if method not in ("PATCH", "DELETE") or not isinstance(id, str):
        return
    if method == "DELETE" and isinstance(case.query, dict):
        reason = case.query.get("reason")
        if isinstance(reason, str) and not reason.strip():
            case.query["reason"] = f"{reason}deleted by the contract test"[:500]
    current = _current(resource, id)
    if current is None:
        return  # no such record: 404 (or 410), which positive cases may get
    record, etag = current
    if "If-Match" in headers:
        headers["If-Match"] = etag
    if method == "PATCH" and isinstance(case.body, dict):
        for field in READ_ONLY.get(resource, []):
            record.pop(field, None)
        patch = {k: v for k, v in case.body.items() if k != "id"}
        merged = _merge(record, patch)
        _fix_record(resource, merged, id)
        case.body = merged


@schemathesis.hook
def map_case(context, case):
    meta = case.meta
    if meta is None or meta.generation.mode != "positive":
        return case
    if case.method.upper() != "GET":
        _map_write(case)
        return case
    if not case.query:
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
        # A record an earlier stateful call deleted is still served at a version before its
        # delete: time travel reads history, as documented. The use-after-free check (ST301)
        # wants a 404 whatever the version, so a read of a record that is gone now asks for the
        # current data, where it is a 410.
        if path.count("/") == 3 and path.endswith("/{id}") and case.path_parameters:
            record_id = case.path_parameters.get("id")
            if isinstance(record_id, str) and _current(path.split("/")[2], record_id) is None:
                del query["as_of"]

    # The feed answers 400 for a version the dataset has not reached yet (it cannot know
    # what will be in it); the spec cannot say "at most the current version".
    since = query.get("since")
    if path == "/v1/changes" and (isinstance(since, int) or (isinstance(since, str) and since.isdigit())):
        as_of = query.get("as_of")
        cap = _current_dataset()["version"]
        if isinstance(as_of, int) or (isinstance(as_of, str) and as_of.isdigit()):
            cap = min(cap, int(as_of))
        elif as_of is not None:
            cap = 0  # a time: its version is not known here
        query["since"] = min(int(since), cap)

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
