"""Calls every GET operation of the Durand API through the SDK that openapi-python-client
generated from openapi/openapi.json, and checks what comes back, parsed into the SDK's models.

Usage: check_client.py BASE_URL SPEC   (clients/python/run.sh passes DURAND_BASE_URL and
DURAND_SPEC; the SDK must be in clients/python/generated).

Exits non-zero when a check fails, or when the spec has a GET operation this script does not
call, so a new endpoint cannot go unexercised.
"""

from __future__ import annotations

import importlib
import json
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent / "generated"))

from durand_client import Client  # noqa: E402
from durand_client.models import (  # noqa: E402
    Actor,
    ActorKind,
    ActorPage,
    Claim,
    ClaimKind,
    ClaimPage,
    ClaimSort,
    DatasetInfo,
    DatePrecision,
    ExportLine,
    ExportLineType,
    ForceComparison,
    ForceFigurePage,
    ForceMetric,
    Format,
    Health,
    Incident,
    IncidentPage,
    IncidentSort,
    Problem,
    Qualifier,
    SearchHitType,
    SearchPage,
    Source,
    SourceKind,
    SourcePage,
    TabularFormat,
    TimelineEntryType,
    TimelinePage,
)
from durand_client.types import Response  # noqa: E402

CLAIM_133 = "pakistan-claims-133-taliban-killed"
COUNTS = {"actors": 12, "sources": 3, "claims": 23, "incidents": 9, "force_figures": 8}


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
        # The SDK does not parse NDJSON; each line is an ExportLine.
        lines = [ExportLine.from_dict(json.loads(line)) for line in r.content.splitlines() if line]
        kinds = [line.type_ for line in lines]
        assert kinds[0] == ExportLineType.DATASET, kinds[0]
        for kind, n in [
            (ExportLineType.ACTOR, 12),
            (ExportLineType.SOURCE, 3),
            (ExportLineType.CLAIM, 23),
            (ExportLineType.INCIDENT, 9),
            (ExportLineType.FORCE_FIGURE, 8),
        ]:
            assert kinds.count(kind) == n, f"{kinds.count(kind)} {kind} lines, not {n}"

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
        states = ok(api.sync_detailed(client=client, kind=ActorKind.STATE, country="PK"), ActorPage)
        assert [a.id for a in states.data] == ["pakistan"], [a.id for a in states.data]
        assert problem(api.sync_detailed(client=client, limit=0), 400).errors[0].parameter == "limit"
        problem(api.sync_detailed(client=client, format_=Format.GEOJSON), 406)

    with c.operation("actors.get_actor") as api:
        ttp = ok(api.sync_detailed("ttp", client=client), Actor)
        assert ttp.name == "Tehreek-e-Taliban Pakistan" and "Pakistani Taliban" in ttp.aliases
        assert ttp.kind == ActorKind.ARMED_GROUP
        assert ttp.founded.value == "2007" and ttp.founded.precision == DatePrecision.YEAR
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
        dates = [i.date.start for i in page.data]
        assert page.data and dates == sorted(dates, reverse=True), dates
        assert all("ttp" in [a.actor for a in i.actors] for i in page.data)
        problem(api.sync_detailed("no-such-actor", client=client), 404)

    with c.operation("actors.list_actor_force_figures") as api:
        page = ok(
            api.sync_detailed("afghan-taliban", client=client, metric=ForceMetric.ACTIVE_PERSONNEL),
            ForceFigurePage,
        )
        [fig] = page.data
        assert (fig.value, fig.qualifier, fig.claimant) == (172000, Qualifier.EXACT, "iiss"), fig
        problem(api.sync_detailed("no-such-actor", client=client), 404)

    with c.operation("sources.list_sources") as api:
        page = ok(api.sync_detailed(client=client, count=True), SourcePage)
        assert page.meta.total == COUNTS["sources"] == len(page.data)
        think = ok(api.sync_detailed(client=client, kind=SourceKind.THINK_TANK), SourcePage)
        assert [s.id for s in think.data] == ["iiss-2025"], [s.id for s in think.data]

    with c.operation("sources.get_source") as api:
        src = ok(api.sync_detailed("iiss-2025", client=client), Source)
        assert src.kind == SourceKind.THINK_TANK and src.cited_in == "explainer-2026-02-27", src
        problem(api.sync_detailed("no-such-source", client=client), 404)

    with c.operation("claims.list_claims") as api:
        # Two pages of 20 with the cursor cover all 23 claims, in order.
        first = ok(api.sync_detailed(client=client, limit=20, count=True), ClaimPage)
        assert first.meta.total == COUNTS["claims"] and first.meta.count == 20
        assert first.meta.next_cursor and first.links.next_
        second = ok(api.sync_detailed(client=client, limit=20, cursor=first.meta.next_cursor), ClaimPage)
        assert second.meta.count == 3 and second.meta.next_cursor is None
        starts = [cl.made_at.start for cl in first.data + second.data]
        assert starts == sorted(starts)
        casualties = ok(
            api.sync_detailed(client=client, kind=ClaimKind.CASUALTIES, claimant="pakistan"), ClaimPage
        )
        assert CLAIM_133 in [cl.id for cl in casualties.data]
        found = ok(api.sync_detailed(client=client, q="soldiers", sort=ClaimSort.ID), ClaimPage)
        assert found.data and all(cl.attribution for cl in found.data)
        p = problem(api.sync_detailed(client=client, limit=0), 400)
        assert p.errors[0].parameter == "limit", p.errors
        assert p.type_ == "urn:durand:problem:invalid-parameter", p.type_
        # Claims offer JSON and CSV (TabularFormat): GeoJSON, by `format` (outside the enum the
        # spec offers here) or by `Accept`, is a 406 listing what is offered.
        p = problem(api.sync_detailed(client=client, format_=Format.GEOJSON), 406)
        assert "text/csv" in p.detail, p.detail
        # (A client of its own: with_headers also changes the httpx client it shares.)
        geo = Client(base_url=base_url, headers={"Accept": "application/geo+json"})
        problem(api.sync_detailed(client=geo), 406)
        # The SDK parses every 200 as JSON, so CSV goes through its request builder only.
        kwargs = api._get_kwargs(format_=TabularFormat.CSV, limit=500)
        csv = client.get_httpx_client().request(**kwargs)
        assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
        rows = csv.text.splitlines()
        assert rows[0].startswith("id,") and any(CLAIM_133 in row for row in rows), rows[:2]
        problem(api.sync_detailed(client=client, cursor="not-a-cursor"), 400)

    with c.operation("claims.get_claim") as api:
        r = api.sync_detailed(CLAIM_133, client=client)
        claim = ok(r, Claim)
        etag = cached(r)
        assert claim.claimant == "pakistan" and claim.about == ["afghan-taliban"]
        assert claim.kind == ClaimKind.CASUALTIES and claim.status.value == "unverified"
        assert claim.spokesperson.name == "Mosharraf Zaidi", claim.spokesperson
        assert claim.made_at.value == "2026-02-27" and claim.made_at.precision == DatePrecision.DAY
        assert claim.incident == "pakistan-strikes-on-taliban-2026-02-27"
        figures = [(f.metric, f.value, f.qualifier) for f in claim.figures]
        assert figures == [
            ("killed", 133, Qualifier.AT_LEAST),
            ("wounded", 200, Qualifier.MORE_THAN),
            ("casualties_estimated", None, Qualifier.UNQUANTIFIED),
        ], figures
        assert claim.attribution.startswith("Pakistan said on 27 February 2026, through Mosharraf Zaidi"), (
            claim.attribution
        )
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

    with c.operation("incidents.get_incident") as api:
        inc = ok(api.sync_detailed("pakistan-strikes-on-taliban-2026-02-27", client=client), Incident)
        assert CLAIM_133 in inc.claims
        assert [loc.name for loc in inc.locations] == ["Kabul", "Paktia", "Kandahar"]
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
        assert pk and (pk[0].value, pk[0].qualifier, pk[0].claimant) == (600000, Qualifier.MORE_THAN, "iiss")

    with c.operation("force_figures.force_comparison") as api:
        cmp = ok(api.sync_detailed(client=client, actors="pakistan,afghan-taliban"), ForceComparison)
        assert cmp.actors == ["pakistan", "afghan-taliban"], cmp.actors
        active = next(m for m in cmp.metrics if m.metric == ForceMetric.ACTIVE_PERSONNEL)
        sides = {s.actor: s.figures[0] for s in active.actors}
        pk, tb = sides["pakistan"], sides["afghan-taliban"]
        assert (pk.value, pk.qualifier, pk.claimant) == (600000, Qualifier.MORE_THAN, "iiss"), pk
        assert (tb.value, tb.qualifier, tb.claimant) == (172000, Qualifier.EXACT, "iiss"), tb
        assert pk.as_of.value == "2025" and tb.as_of.value == "2025"
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
        assert types == {TimelineEntryType.CLAIM, TimelineEntryType.INCIDENT}, types
        starts = [e.date.start for e in page.data]
        assert starts == sorted(starts)
        assert all("afghan-taliban" in e.actors for e in page.data)

    with c.operation("search.search") as api:
        page = ok(api.sync_detailed(client=client, q="Bajaur"), SearchPage)
        top = page.data[0]
        assert (top.type_, top.id) == (SearchHitType.INCIDENT, "bajaur-assault-2026"), top
        assert "<mark>Bajaur</mark>" in top.snippet and top.url == "/v1/incidents/bajaur-assault-2026"
        ttp = ok(
            api.sync_detailed(client=client, q='"Pakistani Taliban"', type_=SearchHitType.ACTOR), SearchPage
        )
        assert ttp.data[0].url == "/v1/actors/ttp", ttp.data[0]
        assert problem(api.sync_detailed(client=client, q=" "), 400).errors[0].parameter == "q"


def main() -> int:
    base_url, spec_path = sys.argv[1], sys.argv[2]
    spec = json.loads(Path(spec_path).read_text())
    operations = {
        op["operationId"]: f"GET {path}"
        for path, item in spec["paths"].items()
        if (op := item.get("get")) is not None
    }
    checks = Checks(Client(base_url=base_url, timeout=30.0, raise_on_unexpected_status=False), spec)
    run(checks, base_url)

    for op, why in sorted(checks.failed.items()):
        print(f"FAIL {op} ({operations.get(op, '?')}): {why}")
    missing = sorted(set(operations) - checks.called)
    for op in missing:
        print(f"FAIL {op} ({operations[op]}): in the spec but not called by check_client.py")
    unknown = sorted(checks.called - set(operations))
    for op in unknown:
        print(f"FAIL {op}: called but not a GET operation of the spec")
    passed = len(set(operations) & checks.called - set(checks.failed))
    print(f"contract: python {passed}/{len(operations)} GET operations called and passed")
    return 0 if passed == len(operations) and not unknown else 1


if __name__ == "__main__":
    sys.exit(main())
