"""Calls every operation of the Durand API through the SDK that openapi-python-client
generated from openapi/openapi.json, and checks what comes back, parsed into the SDK's models.
Reads first; then the writes, with the key in DURAND_TOKEN (an AuthenticatedClient): a claim is
created, patched (If-Match; 412 when stale, 428 without), its revisions and the change feed read,
and deleted (a tombstone, then 410); a source, an actor, an incident and a force figure go
through create, patch and delete. Everything written is deleted again.

Usage: check_client.py BASE_URL SPEC   (clients/python/run.sh passes DURAND_BASE_URL and
DURAND_SPEC, and DURAND_TOKEN in the environment; the SDK must be in clients/python/generated).

Exits non-zero when a check fails, or when the spec has an operation (any method) this script
does not call, so a new endpoint cannot go unexercised.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent / "generated"))

from durand_client import AuthenticatedClient, Client  # noqa: E402
from durand_client.models import (  # noqa: E402
    Actor,
    ActorKind,
    ActorPage,
    Claim,
    ClaimChange,
    ClaimInput,
    ClaimKind,
    ClaimPage,
    ClaimPatch,
    ClaimSort,
    DatasetInfo,
    DatePrecision,
    ActorInput,
    ActorPatch,
    ChangePage,
    ForceComparison,
    ForceFigure,
    ForceFigureInput,
    ForceFigurePage,
    ForceFigurePatch,
    IncidentInput,
    IncidentPatch,
    Operation,
    Resource,
    RevisionPage,
    SourceInput,
    SourcePatch,
    Tombstone,
    ForceMetric,
    Format,
    Health,
    Incident,
    IncidentFeatureCollection,
    IncidentPage,
    IncidentSort,
    Problem,
    Qualifier,
    SearchHitType,
    SearchPage,
    Source,
    SourceKind,
    SourcePage,
    TimelineEntryType,
    TimelinePage,
)
from durand_client import models  # noqa: E402
from durand_client.types import Response  # noqa: E402

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

CLAIM_133 = "pakistan-claims-133-taliban-killed"
COUNTS = {"actors": 16, "sources": 3, "claims": 28, "incidents": 10, "force_figures": 10}


def first_day(d: Any) -> str:
    """A partial date's first day as text; an open start (null) sorts before every date."""
    return "" if d.start is None else str(d.start)


class Checks:
    """Runs one block of checks per operation and remembers which operations were called."""

    def __init__(self, client: Client, spec: dict[str, Any]) -> None:
        self.client = client
        self.spec = spec
        self.called: set[str] = set()
        self.failed: dict[str, str] = {}

    @contextmanager
    def operation(self, module: str) -> Iterator[Any]:
        """`module` is `tag.operation_id` as the SDK lays them out under durand_client.api."""
        op = module.rsplit(".", 1)[1]
        api = importlib.import_module(f"durand_client.api.{module}")
        self.called.add(op)
        try:
            yield api
        except Exception as e:  # noqa: BLE001 - any failure fails the operation
            where = traceback.extract_tb(e.__traceback__)[-1]
            self.failed.setdefault(op, f"{type(e).__name__}: {e} (line {where.lineno})")


def ok(r: Response, model: type) -> Any:
    """Asserts a 200 parsed into `model` and returns the parsed value."""
    assert r.status_code == 200, f"status {r.status_code}: {r.content[:300]!r}"
    assert isinstance(r.parsed, model), f"parsed as {type(r.parsed).__name__}, not {model.__name__}"
    return r.parsed


def problem(r: Response, status: int) -> Problem:
    """Asserts an RFC 9457 problem with `status`, parsed into the SDK's one Problem model."""
    assert r.status_code == status, f"status {r.status_code}, not {status}: {r.content[:300]!r}"
    assert r.headers["content-type"] == "application/problem+json", r.headers["content-type"]
    p = r.parsed
    assert isinstance(p, Problem), f"error parsed as {type(p).__name__}, not Problem"
    assert p.status == status and p.title and p.detail and p.type_, p
    return p


def cached(r: Response) -> str:
    """Asserts the validators of a cacheable read and returns the ETag."""
    for name in ("etag", "last-modified", "cache-control", "durand-dataset-version"):
        assert name in r.headers, f"no {name} header"
    return r.headers["etag"]


def run(c: Checks, base_url: str) -> None:
    client = c.client

    with c.operation("dataset.get_dataset") as api:
        info = ok(api.sync_detailed(client=client), DatasetInfo)
        assert info.licence == "CC-BY-4.0", info.licence
        assert info.counts.to_dict() == COUNTS, info.counts.to_dict()
        assert "Durand" in info.citation

    with c.operation("dataset.export") as api:
        r = api.sync_detailed(client=client)
        assert r.status_code == 200, r.status_code
        assert r.headers["content-type"].startswith("application/x-ndjson"), r.headers["content-type"]
        cached(r)
        # The SDK parses no NDJSON (the generator skips application/x-ndjson), and has no parser
        # of its own for the ExportLine oneOf (nothing else refers to it): each line goes to the
        # SDK model that the spec's discriminator mapping names for its `type`.
        lines = [json.loads(line) for line in r.content.splitlines() if line]
        mapping = c.spec["components"]["schemas"]["ExportLine"]["discriminator"]["mapping"]
        parsed = [getattr(models, mapping[line["type"]].rsplit("/", 1)[1]).from_dict(line) for line in lines]
        kinds = [type(line).__name__ for line in parsed]
        assert kinds[0] == "DatasetLine" and kinds[-1] == "EndLine", (kinds[0], kinds[-1])
        assert parsed[-1].count == len(lines) - 1, parsed[-1].count
        for kind, n in [
            ("ActorLine", COUNTS["actors"]),
            ("SourceLine", COUNTS["sources"]),
            ("ClaimLine", COUNTS["claims"]),
            ("IncidentLine", COUNTS["incidents"]),
            ("ForceFigureLine", COUNTS["force_figures"]),
        ]:
            assert kinds.count(kind) == n, f"{kinds.count(kind)} {kind}s, not {n}"
        claims = [line.data for line in parsed if type(line).__name__ == "ClaimLine"]
        assert all(isinstance(cl, Claim) for cl in claims) and CLAIM_133 in [cl.id for cl in claims]

    with c.operation("meta.get_openapi") as api:
        r = api.sync_detailed(client=client)
        assert r.status_code == 200, r.status_code
        served = json.loads(r.content)
        assert served == c.spec, "the served spec differs from DURAND_SPEC"

    with c.operation("health.healthz") as api:
        assert ok(api.sync_detailed(client=client), Health).status == "ok"

    with c.operation("health.readyz") as api:
        assert ok(api.sync_detailed(client=client), Health).status == "ready"

    with c.operation("actors.list_actors") as api:
        page = ok(api.sync_detailed(client=client, count=True, limit=500), ActorPage)
        assert page.meta.total == COUNTS["actors"] == page.meta.count == len(page.data)
        ids = [a.id for a in page.data]
        assert ids == sorted(ids), ids
        states = ok(api.sync_detailed(client=client, kind=ActorKind("state"), country="PK"), ActorPage)
        assert [a.id for a in states.data] == ["pakistan"], [a.id for a in states.data]
        assert problem(api.sync_detailed(client=client, limit=0), 400).errors[0].parameter == "limit"
        problem(api.sync_detailed(client=client, format_=Format("geojson")), 406)

    with c.operation("actors.get_actor") as api:
        ttp = ok(api.sync_detailed("ttp", client=client), Actor)
        assert ttp.name == "Tehreek-e-Taliban Pakistan" and "Pakistani Taliban" in ttp.aliases
        assert ttp.kind == ActorKind("armed_group")
        assert ttp.founded.value == "2007" and ttp.founded.precision == DatePrecision("year")
        problem(api.sync_detailed("no-such-actor", client=client), 404)

    with c.operation("actors.list_actor_claims") as api:
        page = ok(api.sync_detailed("pakistan", client=client, limit=500), ClaimPage)
        assert page.data and all(cl.claimant == "pakistan" for cl in page.data)
        assert CLAIM_133 in [cl.id for cl in page.data]
        problem(api.sync_detailed("no-such-actor", client=client), 404)
        assert (
            problem(api.sync_detailed("pakistan", client=client, from_="yesterday"), 400).errors[0].parameter
            == "from"
        )

    with c.operation("actors.list_actor_incidents") as api:
        page = ok(api.sync_detailed("ttp", client=client, sort=IncidentSort("-date")), IncidentPage)
        dates = [first_day(i.date) for i in page.data]
        assert page.data and dates == sorted(dates, reverse=True), dates
        assert all("ttp" in [a.actor for a in i.actors] for i in page.data)
        problem(api.sync_detailed("no-such-actor", client=client), 404)

    with c.operation("actors.list_actor_force_figures") as api:
        page = ok(
            api.sync_detailed("afghan-taliban", client=client, metric=ForceMetric("active_personnel")),
            ForceFigurePage,
        )
        [fig] = page.data
        # The source gives the Taliban's figures in its own voice, undated.
        assert (fig.value, fig.qualifier, fig.claimant) == (172000, Qualifier("exact"), "press-reports"), fig
        assert fig.as_of.value == "../2026-02-27" and fig.as_of.start is None, fig.as_of
        problem(api.sync_detailed("no-such-actor", client=client), 404)

    with c.operation("sources.list_sources") as api:
        page = ok(api.sync_detailed(client=client, count=True), SourcePage)
        assert page.meta.total == COUNTS["sources"] == len(page.data)
        think = ok(api.sync_detailed(client=client, kind=SourceKind("think_tank")), SourcePage)
        assert [s.id for s in think.data] == ["iiss-2025"], [s.id for s in think.data]

    with c.operation("sources.get_source") as api:
        src = ok(api.sync_detailed("iiss-2025", client=client), Source)
        assert src.kind == SourceKind("think_tank") and src.cited_in == "explainer-2026-02-27", src
        problem(api.sync_detailed("no-such-source", client=client), 404)

    with c.operation("claims.list_claims") as api:
        # Two pages of 20 with the cursor cover all 28 claims, in order.
        first = ok(api.sync_detailed(client=client, limit=20, count=True), ClaimPage)
        assert first.meta.total == COUNTS["claims"] and first.meta.count == 20
        assert first.meta.next_cursor and first.links.next_
        second = ok(api.sync_detailed(client=client, limit=20, cursor=first.meta.next_cursor), ClaimPage)
        assert second.meta.count == 8 and second.meta.next_cursor is None
        starts = [first_day(cl.made_at) for cl in first.data + second.data]
        assert starts == sorted(starts)
        casualties = ok(
            api.sync_detailed(client=client, kind=ClaimKind("casualties"), claimant="pakistan"), ClaimPage
        )
        assert CLAIM_133 in [cl.id for cl in casualties.data]
        found = ok(api.sync_detailed(client=client, q="soldiers", sort=ClaimSort("id")), ClaimPage)
        assert found.data and all(cl.attribution for cl in found.data)
        p = problem(api.sync_detailed(client=client, limit=0), 400)
        assert p.errors[0].parameter == "limit", p.errors
        assert p.type_ == "urn:durand:problem:invalid-parameter", p.type_
        # Claims offer JSON and CSV (TabularFormat): GeoJSON, by `format` (outside the enum the
        # spec offers here) or by `Accept`, is a 406 listing what is offered.
        p = problem(api.sync_detailed(client=client, format_=Format("geojson")), 406)
        assert "text/csv" in p.detail, p.detail
        # (A client of its own: with_headers also changes the httpx client it shares.)
        geo = Client(base_url=base_url, headers={"Accept": "application/geo+json"})
        problem(api.sync_detailed(client=geo), 406)
        # The SDK parses every 200 as the JSON page (openapi-python-client generates one parser
        # per status, from the first media type it knows), so format=csv (TabularFormat) through
        # api.sync_detailed raises JSONDecodeError. CSV is read with the SDK's own httpx client.
        csv = client.get_httpx_client().get("/v1/claims", params={"format": "csv", "limit": 500})
        assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
        rows = csv.text.splitlines()
        assert rows[0].startswith("id,") and any(CLAIM_133 in row for row in rows), rows[:2]
        problem(api.sync_detailed(client=client, cursor="not-a-cursor"), 400)

    with c.operation("claims.get_claim") as api:
        r = api.sync_detailed(CLAIM_133, client=client)
        claim = ok(r, Claim)
        etag = cached(r)
        assert claim.claimant == "pakistan" and claim.about == ["afghan-taliban"]
        assert claim.kind == ClaimKind("casualties") and claim.status.value == "unverified"
        assert claim.spokesperson.name == "Mosharraf Zaidi", claim.spokesperson
        assert claim.made_at.value == "2026-02-27" and claim.made_at.precision == DatePrecision("day")
        assert claim.incident == "pakistan-strikes-on-taliban-2026-02-27"
        figures = [(f.metric, f.value, f.qualifier) for f in claim.figures]
        assert figures == [
            ("killed", 133, Qualifier("at_least")),
            ("wounded", 200, Qualifier("more_than")),
            ("casualties_estimated", None, Qualifier("unquantified")),
        ], figures
        assert claim.attribution.startswith(
            "Pakistan said on 27 February 2026 (date inferred from the source), through Mosharraf Zaidi"
        ), claim.attribution
        assert "not independently verified" in claim.attribution
        # A conditional repeat is a bodiless 304.
        again = api.sync_detailed(CLAIM_133, client=client, if_none_match=etag)
        assert again.status_code == 304 and again.content == b"", again.status_code
        p = problem(api.sync_detailed("no-such-claim", client=client), 404)
        assert "no-such-claim" in p.detail, p.detail

    with c.operation("incidents.list_incidents") as api:
        page = ok(api.sync_detailed(client=client, from_="2026-02", to="2026-02"), IncidentPage)
        assert "pakistan-strikes-on-taliban-2026-02-27" in [i.id for i in page.data]
        boxed = ok(api.sync_detailed(client=client, bbox="65,31,66.5,32"), IncidentPage)
        assert boxed.data, "nothing in the Kandahar box"
        total = ok(api.sync_detailed(client=client, count=True, limit=1), IncidentPage)
        assert total.meta.total == COUNTS["incidents"]
        problem(api.sync_detailed(client=client, bbox="1,2,3"), 400)
        # GeoJSON: api.sync_detailed would parse it as an IncidentPage (KeyError, as CSV above),
        # so it is read with the SDK's httpx client and parsed into the SDK's GeoJSON model.
        geo = client.get_httpx_client().get("/v1/incidents", params={"format": "geojson"})
        assert geo.status_code == 200 and geo.headers["content-type"] == "application/geo+json", geo.status_code
        features = IncidentFeatureCollection.from_dict(geo.json())
        assert features.type_ == "FeatureCollection" and features.features, features
        assert "pakistan-strikes-on-taliban-2026-02-27" in {f.properties.incident for f in features.features}

    with c.operation("incidents.get_incident") as api:
        inc = ok(api.sync_detailed("pakistan-strikes-on-taliban-2026-02-27", client=client), Incident)
        assert CLAIM_133 in inc.claims
        assert [loc.name for loc in inc.locations] == ["Afghanistan", "Kabul", "Paktia", "Kandahar"]
        assert all(loc.according_to == CLAIM_133 for loc in inc.locations[1:]), inc.locations
        assert {(a.actor, a.role.value) for a in inc.actors} == {
            ("pakistan", "perpetrator"),
            ("afghan-taliban", "target"),
        }
        problem(api.sync_detailed("no-such-incident", client=client), 404)

    with c.operation("force_figures.list_force_figures") as api:
        page = ok(
            api.sync_detailed(client=client, actor="pakistan,afghan-taliban", count=True), ForceFigurePage
        )
        assert page.meta.total == COUNTS["force_figures"], page.meta.total
        pk = [f for f in page.data if f.id == "pakistan-active-personnel-2025"]
        assert pk and (pk[0].value, pk[0].qualifier, pk[0].claimant) == (600000, Qualifier("more_than"), "iiss")

    with c.operation("force_figures.force_comparison") as api:
        cmp = ok(api.sync_detailed(client=client, actors="pakistan,afghan-taliban"), ForceComparison)
        assert cmp.actors == ["pakistan", "afghan-taliban"], cmp.actors
        active = next(m for m in cmp.metrics if m.metric == ForceMetric("active_personnel"))
        sides = {s.actor: s.figures[0] for s in active.actors}
        pk, tb = sides["pakistan"], sides["afghan-taliban"]
        assert (pk.value, pk.qualifier, pk.claimant) == (600000, Qualifier("more_than"), "iiss"), pk
        assert (tb.value, tb.qualifier, tb.claimant) == (172000, Qualifier("exact"), "press-reports"), tb
        assert pk.as_of.value == "2025" and tb.as_of.value == "../2026-02-27"
        assert [s.id for s in active.stated] == ["source-compares-taliban-personnel-to-pakistan"], active.stated
        assert active.ratio.value == 3.49 and active.ratio.exact is False, active.ratio
        assert (
            problem(api.sync_detailed(client=client, actors="pakistan"), 400).errors[0].parameter == "actors"
        )
        problem(api.sync_detailed(client=client, actors="pakistan,no-such-actor"), 404)

    with c.operation("timeline.list_timeline") as api:
        page = ok(
            api.sync_detailed(client=client, from_="2026-02", actor="afghan-taliban", limit=500), TimelinePage
        )
        types = {e.type_ for e in page.data}
        assert types == {TimelineEntryType("claim"), TimelineEntryType("incident")}, types
        starts = [first_day(e.date) for e in page.data]
        assert starts == sorted(starts)
        assert all("afghan-taliban" in e.actors for e in page.data)

    with c.operation("search.search") as api:
        page = ok(api.sync_detailed(client=client, q="Bajaur"), SearchPage)
        top = page.data[0]
        assert (top.type_, top.id) == (SearchHitType("incident"), "bajaur-assault-2026"), top
        assert "<mark>Bajaur</mark>" in top.snippet and top.url == "/v1/incidents/bajaur-assault-2026"
        ttp = ok(
            api.sync_detailed(client=client, q='"Pakistani Taliban"', type_=SearchHitType("actor")), SearchPage
        )
        assert ttp.data[0].url == "/v1/actors/ttp", ttp.data[0]
        assert problem(api.sync_detailed(client=client, q=" "), 400).errors[0].parameter == "q"


class Raw:
    """A body the SDK sends as is: for requests its models cannot express (a bad record)."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc

    def to_dict(self) -> dict[str, Any]:
        return self.doc


def day(value: str) -> dict[str, str]:
    return {"value": value, "precision": "day", "start": value, "end": value}


def created(r: Response, model: type, location: str) -> tuple[Any, str]:
    """Asserts a 201 with `Location` and an ETag; returns the parsed record and the ETag."""
    assert r.status_code == 201, f"status {r.status_code}: {r.content[:300]!r}"
    assert r.headers.get("location") == location, r.headers.get("location")
    assert r.headers.get("etag"), "no ETag"
    assert isinstance(r.parsed, model), f"parsed as {type(r.parsed).__name__}, not {model.__name__}"
    return r.parsed, r.headers["etag"]


def gone_status(spec: dict[str, Any], path: str) -> int:
    """What a GET of a deleted record answers: 410 with its tombstone where the spec documents
    it for that operation, else (before reads learnt about tombstones) 404."""
    return 410 if "410" in spec["paths"][path]["get"]["responses"] else 404


def etag_of(c: Checks, module: str, id: str) -> str:
    """The current ETag of a record, from its GET (the representation covers what it cites)."""
    api = importlib.import_module(f"durand_client.api.{module}")
    r = api.sync_detailed(id, client=c.client)
    assert r.status_code == 200, f"GET {id}: {r.status_code}"
    return r.headers["etag"]


def history(c: Checks) -> None:
    client = c.client

    with c.operation("force_figures.get_force_figure") as api:
        fig = ok(api.sync_detailed("afghan-taliban-active-personnel-2025", client=client), ForceFigure)
        assert (fig.actor, fig.value, fig.qualifier) == ("afghan-taliban", 172000, Qualifier("exact")), fig
        assert fig.attribution, "an attribution sentence"
        problem(api.sync_detailed("no-such-figure", client=client), 404)

    with c.operation("history.list_revisions") as api:
        page = ok(api.sync_detailed(Resource("claims"), CLAIM_133, client=client), RevisionPage)
        first = page.data[0]
        assert (first.operation, first.id, first.author) == (Operation("create"), CLAIM_133, "import"), first
        problem(api.sync_detailed(Resource("claims"), "no-such-claim", client=client), 404)

    with c.operation("history.list_changes") as api:
        page = ok(api.sync_detailed(client=client, since=0, limit=5), ChangePage)
        assert len(page.data) == 5 and page.meta.next_cursor, page.meta
        assert {ch.operation for ch in page.data} == {Operation("create")}
        assert problem(api.sync_detailed(client=client, since=page.meta.latest_version + 1), 400).errors[0].parameter == "since"
        # The import, as of version 1: one create per record, each parsed into the variant of the
        # FeedChange oneOf that its `resource` names, with the record as that resource's model.
        page = ok(api.sync_detailed(client=client, since=0, limit=500, as_of="1"), ChangePage)
        kinds = [(type(ch).__name__, type(ch.record).__name__) for ch in page.data]
        assert len(kinds) == sum(COUNTS.values()) and page.meta.next_cursor is None, page.meta
        for (kind, record), n in [
            (("ActorChange", "Actor"), COUNTS["actors"]),
            (("SourceChange", "Source"), COUNTS["sources"]),
            (("ClaimChange", "Claim"), COUNTS["claims"]),
            (("IncidentChange", "Incident"), COUNTS["incidents"]),
            (("ForceFigureChange", "ForceFigure"), COUNTS["force_figures"]),
        ]:
            assert kinds.count((kind, record)) == n, f"{kinds.count((kind, record))} {kind}s of a {record}, not {n}"


def writes(c: Checks, writer: AuthenticatedClient) -> None:
    from durand_client.api.claims import create_claim, delete_claim, get_claim, patch_claim
    from durand_client.api.dataset import get_dataset
    from durand_client.api.history import list_changes, list_revisions

    client = c.client
    suffix = f"{int(time.time() * 1000):x}-{os.getpid()}"
    claim_id = f"contract-py-claim-{suffix}"
    doc = {
        "id": claim_id,
        "claimant": "afghan-taliban",
        "made_at": day("2026-02-28"),
        "kind": "casualties",
        "statement": "A contract-test claim: the Afghan Taliban said 20 Pakistani soldiers were killed.",
        "about": ["pakistan"],
        "figures": [{"metric": "killed", "value": 20, "qualifier": "exact", "subject": "Pakistani soldiers"}],
        "status": "unverified",
        "contradicted_by": [],
        "sources": ["explainer-2026-02-27"],
    }
    before = ok(get_dataset.sync_detailed(client=client), DatasetInfo).version
    first_etag = new_etag = ""
    statement = "A contract-test claim, corrected: 20 soldiers, the Afghan Taliban said."

    with c.operation("claims.create_claim") as api:
        r = api.sync_detailed(client=writer, body=ClaimInput.from_dict(doc), idempotency_key=f"py-{suffix}")
        claim, first_etag = created(r, Claim, f"/v1/claims/{claim_id}")
        assert (claim.id, claim.claimant, claim.about) == (claim_id, "afghan-taliban", ["pakistan"]), claim
        assert claim.figures[0].value == 20 and claim.made_at.value == "2026-02-28"
        assert claim.attribution.startswith("The Afghan Taliban said on 28 February 2026"), claim.attribution
        read = get_claim.sync_detailed(claim_id, client=client)
        assert ok(read, Claim).to_dict() == claim.to_dict() and read.headers["etag"] == first_etag
        # No key: 401, with a Bearer challenge.
        r = api.sync_detailed(client=client, body=ClaimInput.from_dict({**doc, "id": f"{claim_id}-x"}))
        problem(r, 401)
        assert r.headers["www-authenticate"].startswith("Bearer"), r.headers
        # Several bad fields: one 422 with a pointer for each.
        bad = {**doc, "id": f"{claim_id}-bad", "kind": "rumour", "statement": 5, "colour": "red"}
        del bad["claimant"]
        p = problem(api.sync_detailed(client=writer, body=Raw(bad)), 422)
        pointers = [e.pointer for e in p.errors]
        assert {"/kind", "/statement", "/claimant"} <= set(pointers) and len(pointers) >= 4, pointers
        # The id is taken: 409.
        problem(api.sync_detailed(client=writer, body=ClaimInput.from_dict(doc)), 409)

    with c.operation("claims.patch_claim") as api:
        body = ClaimPatch.from_dict({"statement": statement, "status_note": "corrected by the contract test"})
        r = api.sync_detailed(claim_id, client=writer, body=body, if_match=first_etag)
        claim = ok(r, Claim)
        assert claim.statement == statement and claim.status_note == "corrected by the contract test"
        assert claim.claimant == "afghan-taliban", "untouched fields stay"
        new_etag = r.headers["etag"]
        assert new_etag != first_etag
        # The same patch with the old ETag: 412, naming the current one.
        r = api.sync_detailed(claim_id, client=writer, body=body, if_match=first_etag)
        problem(r, 412)
        assert r.headers["etag"] == new_etag
        # No If-Match (the SDK requires it, so with the SDK's httpx client): 428.
        raw = writer.get_httpx_client().patch(
            f"/v1/claims/{claim_id}", json=body.to_dict(), headers={"Content-Type": "application/merge-patch+json"}
        )
        assert raw.status_code == 428 and raw.headers["content-type"] == "application/problem+json", raw.status_code
        assert Problem.from_dict(raw.json()).errors[0].parameter == "If-Match"

    with c.operation("history.list_revisions") as api:
        page = ok(api.sync_detailed(Resource("claims"), claim_id, client=client), RevisionPage)
        ops = [(rev.operation, rev.author) for rev in page.data]
        assert ops == [(Operation("create"), "contract"), (Operation("update"), "contract")], ops
        assert before < page.data[0].version < page.data[1].version
        assert page.data[1].after.to_dict()["statement"] == statement

    with c.operation("history.list_changes") as api:
        page = ok(api.sync_detailed(client=client, since=before, limit=500), ChangePage)
        mine = [ch for ch in page.data if ch.resource == Resource("claims") and ch.id == claim_id]
        assert [ch.operation for ch in mine] == [Operation("create"), Operation("update")], mine
        assert all(isinstance(ch, ClaimChange) and isinstance(ch.record, Claim) for ch in mine), mine
        assert mine[1].record.statement == statement, mine[1].record
        assert all(ch.version > before for ch in page.data)

    with c.operation("claims.delete_claim") as api:
        problem(api.sync_detailed(claim_id, client=writer, reason="contract test", if_match=first_etag), 412)
        r = api.sync_detailed(claim_id, client=writer, reason="contract test", if_match=new_etag)
        tomb = ok(r, Tombstone)
        assert (tomb.id, tomb.reason, tomb.deleted_by) == (claim_id, "contract test", "contract"), tomb
        p = problem(get_claim.sync_detailed(claim_id, client=client), gone_status(c.spec, "/v1/claims/{id}"))
        if p.status == 410:
            assert p.tombstone.id == claim_id, p.tombstone
        # The feed's delete: a ClaimChange with the tombstone and no record.
        page = ok(list_changes.sync_detailed(client=client, since=before, limit=500), ChangePage)
        [delete] = [ch for ch in page.data if ch.id == claim_id and ch.operation == Operation("delete")]
        assert isinstance(delete, ClaimChange) and delete.record is None, delete
        assert isinstance(delete.tombstone, Tombstone) and delete.tombstone.reason == "contract test", delete.tombstone

    # The other collections: create, patch, delete (in reverse order of reference).
    ids = {k: f"contract-py-{k}-{suffix}" for k in ("source", "actor", "incident", "figure")}
    with c.operation("sources.create_source") as api:
        body = SourceInput.from_dict({"id": ids["source"], "title": "Contract notes", "kind": "dataset"})
        created(api.sync_detailed(client=writer, body=body), Source, f"/v1/sources/{ids['source']}")
    with c.operation("actors.create_actor") as api:
        body = ActorInput.from_dict(
            {
                "id": ids["actor"],
                "name": "Contract Test Brigade",
                "aliases": [],
                "kind": "armed_group",
                "description": "An actor made up by the contract test.",
                "relations": [
                    {"actor": "pakistan", "kind": "armed_conflict", "state": "ongoing", "sources": [ids["source"]]}
                ],
                "sources": [ids["source"]],
            }
        )
        created(api.sync_detailed(client=writer, body=body), Actor, f"/v1/actors/{ids['actor']}")
    with c.operation("incidents.create_incident") as api:
        body = IncidentInput.from_dict(
            {
                "id": ids["incident"],
                "title": "Contract test raid",
                "kind": "armed_assault",
                "date": day("2026-03-02"),
                "locations": [{"name": "Chaman", "country": "PK", "lat": 30.9, "lon": 66.4, "precision": "locality"}],
                "actors": [{"actor": ids["actor"], "role": "perpetrator"}],
                "summary": "An incident made up by the contract test.",
                "sources": [ids["source"]],
            }
        )
        created(api.sync_detailed(client=writer, body=body), Incident, f"/v1/incidents/{ids['incident']}")
    with c.operation("force_figures.create_force_figure") as api:
        body = ForceFigureInput.from_dict(
            {
                "id": ids["figure"],
                "actor": ids["actor"],
                # Not "iiss": a figure credited to the IISS must cite the IISS's source.
                "claimant": "pakistan",
                "metric": "active_personnel",
                "value": 300,
                "qualifier": "up_to",
                "as_of": day("2026-03-02"),
                "sources": [ids["source"]],
            }
        )
        created(api.sync_detailed(client=writer, body=body), ForceFigure, f"/v1/force-figures/{ids['figure']}")

    with c.operation("sources.delete_source") as api:
        p = problem(api.sync_detailed(ids["source"], client=writer, reason="test", if_match="*"), 409)
        assert len(p.errors) >= 3, p.errors  # the actor, the incident and the figure cite it
    patches = [
        ("sources", "source", SourcePatch, {"title": "Contract notes, corrected"}, "title"),
        ("actors", "actor", ActorPatch, {"aliases": ["CTB"]}, "aliases"),
        ("incidents", "incident", IncidentPatch, {"summary": "Corrected."}, "summary"),
        ("force_figures", "figure", ForceFigurePatch, {"value": 350}, "value"),
    ]
    for tag, key, model, change, field in patches:
        getter = f"{tag}.get_{tag.rstrip('s')}" if tag != "force_figures" else "force_figures.get_force_figure"
        with c.operation(f"{tag}.patch_{tag.rstrip('s')}") as api:
            etag = etag_of(c, getter, ids[key])
            r = api.sync_detailed(ids[key], client=writer, body=model.from_dict(change), if_match=etag)
            assert r.status_code == 200, f"status {r.status_code}: {r.content[:300]!r}"
            assert getattr(r.parsed, field) == change[field], r.parsed
            assert r.headers["etag"] != etag
    for tag, key in [("force_figures", "figure"), ("incidents", "incident"), ("actors", "actor"), ("sources", "source")]:
        getter = f"{tag}.get_{tag.rstrip('s')}" if tag != "force_figures" else "force_figures.get_force_figure"
        with c.operation(f"{tag}.delete_{tag.rstrip('s')}") as api:
            etag = etag_of(c, getter, ids[key])
            tomb = ok(api.sync_detailed(ids[key], client=writer, reason="contract test", if_match=etag), Tombstone)
            assert tomb.id == ids[key], tomb
            get = importlib.import_module(f"durand_client.api.{getter}")
            path = f"/v1/{tag.replace('_', '-')}/{{id}}"
            problem(get.sync_detailed(ids[key], client=client), gone_status(c.spec, path))


def main() -> int:
    base_url, spec_path = sys.argv[1], sys.argv[2]
    spec = json.loads(Path(spec_path).read_text())
    token = os.environ.get("DURAND_TOKEN")
    if not token:
        print("contract: python needs DURAND_TOKEN (an API key with scope write)")
        return 2
    operations = {
        op["operationId"]: f"{method.upper()} {path}"
        for path, item in spec["paths"].items()
        for method in METHODS
        if (op := item.get(method)) is not None
    }
    checks = Checks(Client(base_url=base_url, timeout=30.0, raise_on_unexpected_status=False), spec)
    writer = AuthenticatedClient(base_url=base_url, token=token, timeout=30.0, raise_on_unexpected_status=False)
    run(checks, base_url)
    history(checks)
    writes(checks, writer)

    for op, why in sorted(checks.failed.items()):
        print(f"FAIL {op} ({operations.get(op, '?')}): {why}")
    missing = sorted(set(operations) - checks.called)
    for op in missing:
        print(f"FAIL {op} ({operations[op]}): in the spec but not called by check_client.py")
    unknown = sorted(checks.called - set(operations))
    for op in unknown:
        print(f"FAIL {op}: called but not an operation of the spec")
    passed = len(set(operations) & checks.called - set(checks.failed))
    print(f"contract: python {passed}/{len(operations)} operations called and passed")
    return 0 if passed == len(operations) and not unknown else 1


if __name__ == "__main__":
    sys.exit(main())
