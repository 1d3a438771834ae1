// The contract stage's TypeScript check (clients/typescript/run.sh): a client generated from
// the committed spec (openapi-typescript types, openapi-fetch calls) asks the live server every
// operation the spec lists, with real parameters, and checks the answers against the dataset's
// known values. Reads come first; then the writes, with the key in DURAND_TOKEN: a claim is
// created, patched (If-Match, 412 when stale, 428 without), its revisions and the change feed
// read, and deleted (a tombstone, then 410); a source, an actor, an incident and a force figure
// go through create, patch and delete too. Everything written is deleted again, so the dataset's
// counts are unchanged for the next step. It fails when any check fails, when a response carries
// a status or a media type the spec does not document for that operation, and when the spec has
// an operation (any method) this program never called.
//
// Environment: DURAND_BASE_URL (the server), DURAND_SPEC (path of openapi/openapi.json) and
// DURAND_TOKEN (an API key with scope `write`; never printed).

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";

import createClient, { type Middleware } from "openapi-fetch";

import type { components, paths } from "./generated/schema.js";

type Schemas = components["schemas"];

const baseUrl = required("DURAND_BASE_URL");
const specPath = required("DURAND_SPEC");
const token = required("DURAND_TOKEN");

interface SpecResponse {
    $ref?: string;
    content?: Record<string, unknown>;
}
interface SpecOperation {
    responses: Record<string, SpecResponse>;
}
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;
type Method = (typeof METHODS)[number];
interface Spec {
    openapi: string;
    paths: Record<string, Partial<Record<Method, SpecOperation>>>;
    components?: { responses?: Record<string, SpecResponse> };
}
const spec = JSON.parse(readFileSync(specPath, "utf8")) as Spec;

/** A documented response, with a `#/components/responses/...` reference followed. */
function resolve(response: SpecResponse | undefined): SpecResponse | undefined {
    const prefix = "#/components/responses/";
    if (response?.$ref === undefined) return response;
    if (!response.$ref.startsWith(prefix)) return undefined;
    return resolve(spec.components?.responses?.[response.$ref.slice(prefix.length)]);
}

// JSON answers type as data, problems as errors; CSV and NDJSON are read as text with
// `parseAs: "text"`. GeoJSON, a third representation of incidents, has a client of its own.
const client = createClient<paths, "application/json" | "application/problem+json">({ baseUrl });
const geoClient = createClient<paths, "application/geo+json" | "application/problem+json">({
    baseUrl,
});
/** Sends the API key: the client for writes. */
const writer = createClient<paths, "application/json" | "application/problem+json">({
    baseUrl,
    headers: { Authorization: `Bearer ${token}` },
});

/** Every operation (`METHOD /path/template`) the server answered, by openapi-fetch's record. */
const called = new Set<string>();
/** Responses that broke the spec: an undocumented status or media type. */
const violations: string[] = [];

const recorder: Middleware = {
    onResponse({ schemaPath, request, response }) {
        const method = request.method.toLowerCase() as Method;
        const operation = `${request.method} ${schemaPath}`;
        called.add(operation);
        const op = spec.paths[schemaPath]?.[method];
        const where = `${operation} (${request.url})`;
        if (!op) {
            violations.push(`${where}: not in the spec`);
            return;
        }
        const documented = resolve(op.responses[String(response.status)]);
        if (!documented) {
            violations.push(`${where}: status ${response.status} is not documented`);
            return;
        }
        const type = response.headers.get("content-type");
        if (type === null) {
            if (documented.content) violations.push(`${where}: no Content-Type`);
            return;
        }
        const essence = (type.split(";")[0] ?? "").trim().toLowerCase();
        if (!Object.keys(documented.content ?? {}).includes(essence)) {
            violations.push(`${where}: ${response.status} as ${essence} is not documented`);
        }
    },
};
client.use(recorder);
geoClient.use(recorder);
writer.use(recorder);

/** The checks that failed, by the operation they exercise. */
const failures = new Map<string, string[]>();

/** Runs one named check against one operation (a path template), recording a failure. */
async function check(
    path: keyof paths | `${Uppercase<Method>} ${keyof paths}`,
    name: string,
    body: () => Promise<void>,
): Promise<void> {
    try {
        await body();
        console.log(`  ok    ${path}: ${name}`);
    } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        console.log(`  FAIL  ${path}: ${name}\n        ${message.split("\n").join("\n        ")}`);
        failures.set(path, [...(failures.get(path) ?? []), name]);
    }
}

function required(name: string): string {
    const value = process.env[name];
    if (!value) {
        console.error(`contract: typescript needs ${name}`);
        process.exit(2);
    }
    return value;
}

/** `data` of a successful answer, or a failure naming the status and problem. */
function ok<T>(result: { data?: T; error?: unknown; response: Response }): T {
    const { data, error, response } = result;
    if (!response.ok || data === undefined) {
        assert.fail(`expected 2xx, got ${response.status}: ${JSON.stringify(error)}`);
    }
    return data;
}

/** The element at `i`, which must exist. */
function at<T>(items: readonly T[], i: number): T {
    const item = items[i];
    assert.ok(item !== undefined, `no element ${i} in a list of ${items.length}`);
    return item;
}

/** The one element matching `pred`. */
function find<T>(items: readonly T[], what: string, pred: (t: T) => boolean): T {
    const item = items.find(pred);
    assert.ok(item !== undefined, `${what} not found`);
    return item;
}

function ids(records: readonly { id: string }[]): string[] {
    return records.map((r) => r.id);
}

/** A problem document (RFC 9457) in an error answer, with its status and media type checked. */
function problem(
    result: { error?: unknown; response: Response },
    status: number,
): { type: string; status: number; detail: string; errors?: Schemas["ParameterError"][] } {
    assert.equal(result.response.status, status);
    assert.match(result.response.headers.get("content-type") ?? "", /^application\/problem\+json/);
    const error = result.error as { type: string; status: number; detail: string } | undefined;
    assert.ok(error && typeof error === "object", "the error body is not JSON");
    assert.equal(error.status, status);
    assert.equal(typeof error.detail, "string");
    return error;
}

/** Parses CSV (RFC 4180: quoted fields, doubled quotes, CRLF or LF). */
function parseCsv(text: string): string[][] {
    const rows: string[][] = [];
    let row: string[] = [];
    let field = "";
    let quoted = false;
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (quoted) {
            if (c === '"' && text[i + 1] === '"') {
                field += '"';
                i++;
            } else if (c === '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c === '"') {
            quoted = true;
        } else if (c === ",") {
            row.push(field);
            field = "";
        } else if (c === "\n" || c === "\r") {
            if (c === "\r" && text[i + 1] === "\n") i++;
            row.push(field);
            rows.push(row);
            row = [];
            field = "";
        } else {
            field += c;
        }
    }
    if (field !== "" || row.length > 0) {
        row.push(field);
        rows.push(row);
    }
    return rows;
}

const CLAIM_133 = "pakistan-claims-133-taliban-killed";
const STRIKES_0227 = "pakistan-strikes-on-taliban-2026-02-27";

async function main(): Promise<void> {
    // ---- health ----------------------------------------------------------------------------
    await check("/healthz", "live", async () => {
        const health = ok(await client.GET("/healthz"));
        assert.equal(health.status, "ok");
    });
    await check("/readyz", "ready (the database answers)", async () => {
        const health = ok(await client.GET("/readyz"));
        assert.equal(health.status, "ready");
    });

    // ---- actors ----------------------------------------------------------------------------
    await check("/v1/actors", "states, with a count", async () => {
        const list = async (sort: Schemas["ActorSort"]) =>
            ok(
                await client.GET("/v1/actors", {
                    params: { query: { kind: "state", sort, count: true } },
                }),
            );
        const page = await list("name");
        assert.ok(ids(page.data).includes("pakistan"), "pakistan is a state");
        assert.ok(page.data.every((a) => a.kind === "state"));
        assert.equal(page.meta.total, page.data.length);
        assert.equal(page.meta.next_cursor ?? null, null);
        // Names are unique, so `-name` is exactly `name` reversed (whatever the collation).
        assert.deepEqual(ids((await list("-name")).data), ids(page.data).reverse());
    });
    await check("/v1/actors/{id}", "the Afghan Taliban and the TTP", async () => {
        const taliban = ok(
            await client.GET("/v1/actors/{id}", { params: { path: { id: "afghan-taliban" } } }),
        );
        assert.equal(taliban.kind, "de_facto_government");
        assert.equal(taliban.country, "AF");
        const ttp = ok(await client.GET("/v1/actors/{id}", { params: { path: { id: "ttp" } } }));
        assert.equal(ttp.founded?.value, "2007");
        assert.equal(ttp.founded?.precision, "year");
        assert.ok(ttp.aliases.length > 0, "the TTP has aliases");
        assert.ok(ttp.relations.every((r) => r.sources.length > 0), "relations are sourced");
    });
    await check("/v1/actors/{id}", "an unknown actor is a 404 problem", async () => {
        const result = await client.GET("/v1/actors/{id}", {
            params: { path: { id: "no-such-actor" } },
        });
        const p = problem(result, 404);
        assert.match(p.detail, /no-such-actor/);
    });
    await check("/v1/actors/{id}/claims", "Pakistan's casualty claims", async () => {
        const page = ok(
            await client.GET("/v1/actors/{id}/claims", {
                params: { path: { id: "pakistan" }, query: { kind: "casualties" } },
            }),
        );
        assert.ok(ids(page.data).includes(CLAIM_133));
        assert.ok(page.data.every((c) => c.claimant === "pakistan" && c.kind === "casualties"));
    });
    await check("/v1/actors/{id}/incidents", "the Afghan Taliban's incidents", async () => {
        const page = ok(
            await client.GET("/v1/actors/{id}/incidents", {
                params: { path: { id: "afghan-taliban" }, query: { from: "2026-02" } },
            }),
        );
        assert.ok(ids(page.data).includes(STRIKES_0227));
        for (const incident of page.data) {
            assert.ok(
                incident.actors.some((a) => a.actor === "afghan-taliban"),
                `${incident.id} involves the Afghan Taliban`,
            );
            // A null end is open: the incident may still run.
            assert.ok((incident.date.end ?? "9999-12-31") >= "2026-02-01", `${incident.id} overlaps February 2026`);
        }
    });
    await check("/v1/actors/{id}/force-figures", "the Afghan Taliban's forces", async () => {
        const page = ok(
            await client.GET("/v1/actors/{id}/force-figures", {
                params: { path: { id: "afghan-taliban" }, query: { metric: "active_personnel" } },
            }),
        );
        const figure = at(page.data, 0);
        assert.equal(page.data.length, 1);
        assert.equal(figure.actor, "afghan-taliban");
        assert.equal(figure.value, 172000);
        assert.equal(figure.qualifier, "exact");
        // The source gives the Taliban's figures in its own voice, undated.
        assert.equal(figure.claimant, "press-reports");
        assert.equal(figure.as_of.value, "../2026-02-27");
        assert.equal(figure.as_of.start, null, "an open start");
        assert.ok((figure.evidence ?? []).length > 0, "the source's words");
    });

    // ---- sources ---------------------------------------------------------------------------
    await check("/v1/sources", "every source, by id both ways", async () => {
        const list = async (sort: Schemas["SourceSort"]) =>
            ids(ok(await client.GET("/v1/sources", { params: { query: { sort } } })).data);
        const byId = await list("id");
        assert.ok(byId.includes("iiss-2025") && byId.includes("explainer-2026-02-27"));
        assert.deepEqual(await list("-id"), [...byId].reverse());
    });
    await check("/v1/sources/{id}", "the IISS data, as cited in the explainer", async () => {
        const source = ok(
            await client.GET("/v1/sources/{id}", { params: { path: { id: "iiss-2025" } } }),
        );
        assert.match(source.publisher ?? "", /International Institute for Strategic Studies/);
        assert.equal(source.author, "iiss");
        assert.equal(source.cited_in, "explainer-2026-02-27");
        assert.equal(source.kind, "think_tank");
    });

    // ---- claims ----------------------------------------------------------------------------
    await check("/v1/claims", "casualty claims, each attributed", async () => {
        const page = ok(
            await client.GET("/v1/claims", { params: { query: { kind: "casualties", limit: 500 } } }),
        );
        assert.ok(ids(page.data).includes(CLAIM_133));
        for (const claim of page.data) {
            assert.equal(claim.kind, "casualties");
            assert.ok(claim.sources.length > 0, `${claim.id} has sources`);
            assert.ok(claim.attribution, `${claim.id} has an attribution sentence`);
        }
    });
    await check("/v1/claims", "pages of 5 walk every claim once, as counted", async () => {
        const first = ok(await client.GET("/v1/claims", { params: { query: { count: true } } }));
        const total = first.meta.total;
        assert.ok(typeof total === "number" && total > 5);
        const seen: string[] = [];
        let cursor: string | undefined;
        for (let pages = 0; ; pages++) {
            assert.ok(pages <= total, "pagination does not end");
            const query = cursor === undefined ? { limit: 5 } : { limit: 5, cursor };
            const page = ok(await client.GET("/v1/claims", { params: { query } }));
            assert.equal(page.meta.count, page.data.length);
            seen.push(...ids(page.data));
            if (!page.meta.next_cursor) {
                assert.equal(page.links.next ?? null, null);
                break;
            }
            assert.ok(page.links.next, "links.next goes with meta.next_cursor");
            cursor = page.meta.next_cursor;
        }
        assert.equal(seen.length, total);
        assert.equal(new Set(seen).size, total, "no claim twice");
    });
    await check("/v1/claims", "limit=0 is a 400 problem naming `limit`", async () => {
        const result = await client.GET("/v1/claims", { params: { query: { limit: 0 } } });
        const p = problem(result, 400);
        assert.equal(p.type, "urn:durand:problem:invalid-parameter");
        assert.equal(at(p.errors ?? [], 0).parameter, "limit");
    });
    await check("/v1/claims", "CSV: a header row, one row per figure", async () => {
        const { data, response } = await client.GET("/v1/claims", {
            params: { query: { format: "csv", claimant: "pakistan", kind: "casualties" } },
            parseAs: "text",
        });
        assert.equal(response.status, 200);
        assert.match(response.headers.get("content-type") ?? "", /^text\/csv/);
        assert.ok(typeof data === "string");
        const rows = parseCsv(data);
        const header = at(rows, 0);
        assert.deepEqual(header.slice(0, 2), ["id", "claimant"]);
        for (const column of ["made_at", "made_at_precision", "status", "attribution"]) {
            assert.ok(header.includes(column), `header has ${column}`);
        }
        const col = (name: string) => {
            const i = header.indexOf(name);
            assert.ok(i >= 0, `header has ${name}`);
            return i;
        };
        const figures = rows
            .slice(1)
            .filter((r) => r[col("id")] === CLAIM_133)
            .map((r) => [r[col("figure_metric")], r[col("figure_value")], r[col("figure_qualifier")]]);
        assert.deepEqual(figures, [
            ["killed", "133", "at_least"],
            ["wounded", "200", "more_than"],
            ["casualties_estimated", "", "unquantified"],
        ]);
    });
    await check("/v1/claims/{id}", "133 killed: figures as qualified, and attributed", async () => {
        const claim = ok(
            await client.GET("/v1/claims/{id}", { params: { path: { id: CLAIM_133 } } }),
        );
        assert.equal(claim.claimant, "pakistan");
        assert.equal(claim.spokesperson?.name, "Mosharraf Zaidi");
        assert.equal(claim.made_at.value, "2026-02-27");
        assert.equal(claim.made_at.precision, "day");
        assert.equal(claim.kind, "casualties");
        assert.equal(claim.status, "unverified");
        assert.equal(claim.incident, STRIKES_0227);
        assert.deepEqual(claim.about, ["afghan-taliban"]);
        const figures = claim.figures.map((f) => [f.metric, f.value ?? null, f.qualifier]);
        assert.deepEqual(figures, [
            ["killed", 133, "at_least"],
            ["wounded", 200, "more_than"],
            ["casualties_estimated", null, "unquantified"],
        ]);
        assert.equal(at(claim.figures, 2).text, "additional casualties estimated");
        assert.equal(
            claim.attribution,
            "Pakistan said on 27 February 2026 (date inferred from the source), through Mosharraf " +
                "Zaidi, a spokesman for the prime minister on foreign media; not independently " +
                "verified. Source: “Pakistan-Afghanistan war” (27 February 2026).",
        );
        assert.equal(claim.made_at_basis, "bounded");
        assert.ok((claim.evidence ?? []).some((e) => e.source === "explainer-2026-02-27"));
    });
    await check("/v1/claims/{id}", "If-None-Match with its ETag is a 304", async () => {
        const first = await client.GET("/v1/claims/{id}", { params: { path: { id: CLAIM_133 } } });
        const etag = first.response.headers.get("etag");
        assert.ok(etag, "an ETag");
        const again = await client.GET("/v1/claims/{id}", {
            params: { path: { id: CLAIM_133 }, header: { "If-None-Match": etag } },
        });
        assert.equal(again.response.status, 304);
        assert.equal(again.response.headers.get("etag"), etag);
    });
    await check("/v1/claims/{id}", "an unknown claim is a 404 problem", async () => {
        const result = await client.GET("/v1/claims/{id}", {
            params: { path: { id: "no-such-claim" } },
        });
        problem(result, 404);
    });

    // ---- incidents -------------------------------------------------------------------------
    await check("/v1/incidents", "February 2026, matched on overlap, in date order", async () => {
        const page = ok(
            await client.GET("/v1/incidents", {
                params: { query: { from: "2026-02", to: "2026-02" } },
            }),
        );
        assert.deepEqual(ids(page.data), [
            "ceasefire-collapse",
            "ceasefire-mediated-2025",
            "bajaur-assault-2026",
            "afghan-attacks-on-pakistani-border-forces-2026-02",
            "pakistan-air-strikes-on-militants-2026-02",
            STRIKES_0227,
        ]);
        const bajaur = find(page.data, "bajaur-assault-2026", (i) => i.id === "bajaur-assault-2026");
        assert.equal(bajaur.date.value, "2026-01/2026-02-27");
        assert.equal(bajaur.date.precision, "range");
    });
    await check("/v1/incidents", "GeoJSON: a Point per place with one, null where the source names none", async () => {
        const result = await geoClient.GET("/v1/incidents", {
            params: { query: { format: "geojson" } },
        });
        assert.match(result.response.headers.get("content-type") ?? "", /^application\/geo\+json/);
        const collection = ok(result);
        assert.equal(collection.type, "FeatureCollection");
        assert.ok(collection.features.length > 0);
        const unlocated = collection.features.filter((f) => f.geometry === null || f.geometry === undefined);
        assert.ok(unlocated.length > 0, "places along the border have no point");
        for (const feature of unlocated) assert.equal(feature.properties.represents, "no point");
        assert.ok(unlocated.some((f) => f.properties.precision === "border"));
        for (const feature of collection.features) {
            if (!feature.geometry) continue;
            assert.equal(feature.geometry.type, "Point");
            const [lon, lat] = feature.geometry.coordinates;
            assert.ok(lon !== undefined && lon >= 60 && lon <= 78, `${feature.id} longitude`);
            assert.ok(lat !== undefined && lat >= 23 && lat <= 39, `${feature.id} latitude`);
        }
    });
    await check("/v1/incidents/{id}", "the strikes of 27 February 2026", async () => {
        const incident = ok(
            await client.GET("/v1/incidents/{id}", { params: { path: { id: STRIKES_0227 } } }),
        );
        assert.equal(incident.date.value, "2026-02-27");
        assert.equal(incident.date.precision, "day");
        assert.ok(incident.claims?.includes(CLAIM_133), "lists the 133-killed claim");
        assert.ok(incident.actors.some((a) => a.actor === "pakistan"));
    });

    // ---- force figures ---------------------------------------------------------------------
    await check("/v1/force-figures", "Pakistan: more than 600,000, by the IISS", async () => {
        const page = ok(
            await client.GET("/v1/force-figures", {
                params: { query: { actor: "pakistan", metric: "active_personnel", dated: "2025" } },
            }),
        );
        const figure = at(page.data, 0);
        assert.equal(page.data.length, 1);
        assert.equal(figure.id, "pakistan-active-personnel-2025");
        assert.equal(figure.value, 600000);
        assert.equal(figure.qualifier, "more_than");
        assert.equal(figure.claimant, "iiss");
        assert.equal(figure.as_of.value, "2025");
    });
    await check("/v1/force-comparison", "Pakistan against the Afghan Taliban", async () => {
        const comparison = ok(
            await client.GET("/v1/force-comparison", {
                params: { query: { actors: "pakistan,afghan-taliban" } },
            }),
        );
        assert.deepEqual(comparison.actors, ["pakistan", "afghan-taliban"]);
        const active = find(comparison.metrics, "active_personnel", (m) => m.metric === "active_personnel");
        const side = (actor: string): Schemas["ForceFigure"] =>
            at(find(active.actors, actor, (a) => a.actor === actor).figures, 0);
        const pakistan = side("pakistan");
        assert.equal(pakistan.value, 600000);
        assert.equal(pakistan.qualifier, "more_than");
        assert.equal(pakistan.claimant, "iiss");
        const taliban = side("afghan-taliban");
        assert.equal(taliban.value, 172000);
        assert.equal(taliban.qualifier, "exact");
        assert.equal(taliban.claimant, "press-reports");
        assert.equal(at(active.stated, 0).id, "source-compares-taliban-personnel-to-pakistan");
        assert.equal(active.ratio?.value, 3.49);
        assert.equal(active.ratio?.exact, false, "more than 600,000 is not exact");
        assert.equal(active.ratio?.numerator, pakistan.id);
        assert.equal(active.ratio?.denominator, taliban.id);
    });

    // ---- timeline and search ---------------------------------------------------------------
    await check("/v1/timeline", "the Afghan Taliban from February 2026, in order", async () => {
        const page = ok(
            await client.GET("/v1/timeline", {
                params: { query: { from: "2026-02", actor: "afghan-taliban" } },
            }),
        );
        assert.ok(page.data.length > 0);
        assert.ok(page.data.some((e) => e.type === "claim") && page.data.some((e) => e.type === "incident"));
        for (const entry of page.data) {
            assert.ok(entry.actors.includes("afghan-taliban"), `${entry.id} involves the Taliban`);
            assert.ok(entry.url.endsWith(`/${entry.id}`));
        }
        // An open start (null) sorts before every date.
        const starts = page.data.map((e) => e.date.start ?? "");
        assert.deepEqual(starts, [...starts].sort());
    });
    await check("/v1/search", "Bajaur, highlighted", async () => {
        const page = ok(await client.GET("/v1/search", { params: { query: { q: "Bajaur" } } }));
        assert.ok(ids(page.data).includes("bajaur-assault-2026"));
        const hit = find(page.data, "the Bajaur incident", (h) => h.id === "bajaur-assault-2026");
        assert.equal(hit.type, "incident");
        assert.equal(hit.url, "/v1/incidents/bajaur-assault-2026");
        assert.ok(page.data.every((h) => /<mark>[^<]*<\/mark>/i.test(h.snippet)), "snippets marked");
    });

    // ---- dataset, export, spec -------------------------------------------------------------
    let counts: Schemas["Counts"] | undefined;
    await check("/v1/dataset", "licence, citation and counts", async () => {
        const info = ok(await client.GET("/v1/dataset"));
        assert.equal(info.licence, "CC-BY-4.0");
        assert.match(info.citation, /Durand/);
        counts = info.counts;
        const claims = ok(await client.GET("/v1/claims", { params: { query: { count: true } } }));
        assert.equal(info.counts.claims, claims.meta.total);
    });
    await check("/v1/export", "NDJSON: the dataset first, then every record", async () => {
        const { data, response } = await client.GET("/v1/export", { parseAs: "text" });
        assert.equal(response.status, 200);
        assert.ok(typeof data === "string");
        const lines = data
            .split("\n")
            .filter((l) => l !== "")
            .map((l) => JSON.parse(l) as Schemas["ExportLine"]);
        assert.equal(at(lines, 0).type, "dataset");
        // ExportLine is a oneOf told apart by `type`: each line narrows to its variant by it.
        const count = (type: Schemas["ExportLine"]["type"]) => lines.filter((l) => l.type === type).length;
        assert.ok(counts, "the dataset counts (from /v1/dataset)");
        assert.equal(count("claim"), counts.claims);
        assert.equal(count("force_figure"), counts.force_figures);
        assert.equal(count("actor"), counts.actors);
        const end = at(lines, lines.length - 1);
        assert.ok(end.type === "end" && end.count === lines.length - 1, "the end line counts the lines before it");
    });
    await check("/v1/openapi.json", "serves the same document as DURAND_SPEC", async () => {
        const served = ok(await client.GET("/v1/openapi.json"));
        assert.ok(isDeepStrictEqual(served, spec), "the served spec differs from the file");
    });

    // ---- history and writes ----------------------------------------------------------------
    await history();
    await writes();

    // ---- coverage: every operation of the spec, whatever its method -------------------------
    const operations = Object.entries(spec.paths).flatMap(([path, item]) =>
        METHODS.filter((m) => item[m] !== undefined).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const missing = operations.filter((op) => !called.has(op));
    // A check names its operation as `METHOD /path`, or as a bare path for a GET.
    const failedOps = new Set([...failures.keys()].map((k) => (k.startsWith("/") ? `GET ${k}` : k)));
    const passed = operations.filter((op) => called.has(op) && !failedOps.has(op));

    for (const v of violations) console.log(`  SPEC  ${v}`);
    for (const op of missing) console.log(`  MISSING  ${op}: in the spec, never called`);
    console.log(`contract: typescript ${passed.length}/${operations.length} operations called and passed`);
    if (missing.length > 0) {
        console.log(`contract: typescript never called ${missing.length} operation(s): ${missing.join(", ")}`);
    }
    if (violations.length > 0) {
        console.log(`contract: typescript saw ${violations.length} response(s) the spec does not document`);
    }
    const failed = [...failures.values()].reduce((n, names) => n + names.length, 0);
    if (failed > 0) console.log(`contract: typescript ${failed} check(s) failed`);
    if (missing.length > 0 || violations.length > 0 || failed > 0) process.exitCode = 1;
}

/** The ETag header of an answer, which must be there. */
function etagOf(response: Response): string {
    const etag = response.headers.get("etag");
    assert.ok(etag, `no ETag (status ${response.status})`);
    return etag;
}

/** What a GET of a deleted record answers: 410 with its tombstone where the spec documents it
 * for that operation, else (before reads learnt about tombstones) 404. */
function goneStatus(path: keyof paths): number {
    return resolve(spec.paths[path]?.get?.responses["410"]) ? 410 : 404;
}

/** A partial date known to the day, in the shape the API serves and takes. */
function day(value: string): Schemas["PartialDate"] {
    return { value, precision: "day", start: value, end: value };
}

/** Reads that need no write: one force figure, an imported record's history, the feed. */
async function history(): Promise<void> {
    await check("/v1/force-figures/{id}", "Pakistan's active personnel, attributed", async () => {
        const figure = ok(
            await client.GET("/v1/force-figures/{id}", {
                params: { path: { id: "pakistan-active-personnel-2025" } },
            }),
        );
        assert.equal(figure.actor, "pakistan");
        assert.equal(figure.value, 600000);
        assert.equal(figure.qualifier, "more_than");
        assert.ok(figure.attribution, "an attribution sentence");
        const missing = await client.GET("/v1/force-figures/{id}", {
            params: { path: { id: "no-such-figure" } },
        });
        problem(missing, 404);
    });
    await check("/v1/{resource}/{id}/revisions", "an imported claim: one create", async () => {
        const page = ok(
            await client.GET("/v1/{resource}/{id}/revisions", {
                params: { path: { resource: "claims", id: CLAIM_133 } },
            }),
        );
        const first = at(page.data, 0);
        assert.equal(first.operation, "create");
        assert.equal(first.resource, "claims");
        assert.equal(first.id, CLAIM_133);
        assert.equal(first.before ?? null, null);
        const missing = await client.GET("/v1/{resource}/{id}/revisions", {
            params: { path: { resource: "claims", id: "no-such-claim" } },
        });
        problem(missing, 404);
    });
    await check("/v1/changes", "the feed from version 0 starts with the import", async () => {
        const page = ok(await client.GET("/v1/changes", { params: { query: { since: 0, limit: 5 } } }));
        assert.equal(page.data.length, 5);
        assert.ok(page.meta.next_cursor, "more than 5 changes");
        for (const change of page.data) assert.equal(change.operation, "create");
        const info = ok(await client.GET("/v1/dataset"));
        const future = await client.GET("/v1/changes", {
            params: { query: { since: info.version + 1 } },
        });
        assert.equal(at(problem(future, 400).errors ?? [], 0).parameter, "since");
    });
}

/** The writes, with the key: a claim in full, then every other collection's create, patch and
 * delete. Everything created is deleted again. */
async function writes(): Promise<void> {
    const suffix = `${Date.now().toString(36)}-${process.pid}`;
    const claimId = `contract-ts-claim-${suffix}`;
    const claimBody: Schemas["ClaimInput"] = {
        id: claimId,
        claimant: "pakistan",
        made_at: day("2026-02-28"),
        kind: "casualties",
        statement: "A contract-test claim: Pakistan said its strikes killed at least 12 fighters.",
        about: ["afghan-taliban"],
        incident: STRIKES_0227,
        figures: [
            { metric: "killed", value: 12, qualifier: "at_least", unit: "people", subject: "fighters" },
        ],
        status: "unverified",
        contradicted_by: [],
        sources: ["explainer-2026-02-27"],
    };
    const path = { id: claimId };
    let versionBefore = 0;
    let created = "";
    let patched = "";

    await check("POST /v1/claims", "create: 201, Location, ETag and the record", async () => {
        versionBefore = ok(await client.GET("/v1/dataset")).version;
        const result = await writer.POST("/v1/claims", {
            body: claimBody,
            params: { header: { "Idempotency-Key": `contract-ts-${suffix}` } },
        });
        assert.equal(result.response.status, 201);
        assert.equal(result.response.headers.get("location"), `/v1/claims/${claimId}`);
        created = etagOf(result.response);
        const claim = ok(result);
        assert.equal(claim.id, claimId);
        assert.equal(claim.claimant, "pakistan");
        assert.equal(claim.made_at.value, "2026-02-28");
        assert.deepEqual(claim.about, ["afghan-taliban"]);
        assert.equal(at(claim.figures, 0).value, 12);
        assert.match(claim.attribution ?? "", /^Pakistan said on 28 February 2026/);
        // A GET serves the same record with the same ETag.
        const read = await client.GET("/v1/claims/{id}", { params: { path } });
        assert.deepEqual(ok(read), claim);
        assert.equal(read.response.headers.get("etag"), created);
        // A retry with the same Idempotency-Key answers the same record, marked replayed.
        const retry = await writer.POST("/v1/claims", {
            body: claimBody,
            params: { header: { "Idempotency-Key": `contract-ts-${suffix}` } },
        });
        assert.equal(retry.response.status, 201);
        assert.equal(retry.response.headers.get("idempotent-replayed"), "true");
        assert.deepEqual(ok(retry), claim);
    });
    await check("POST /v1/claims", "no token: a 401 problem", async () => {
        const result = await client.POST("/v1/claims", { body: { ...claimBody, id: `${claimId}-x` } });
        problem(result, 401);
        assert.match(result.response.headers.get("www-authenticate") ?? "", /^Bearer/);
    });
    await check("POST /v1/claims", "several bad fields: one 422 listing each pointer", async () => {
        const bad = {
            ...claimBody,
            id: `${claimId}-bad`,
            kind: "rumour",
            statement: 5,
            colour: "red",
            claimant: undefined,
        } as unknown as Schemas["ClaimInput"];
        const p = problem(await writer.POST("/v1/claims", { body: bad }), 422);
        const pointers = (p.errors ?? []).map((e) => e.pointer);
        for (const pointer of ["/kind", "/statement", "/claimant"]) {
            assert.ok(pointers.includes(pointer), `${pointer} in ${JSON.stringify(pointers)}`);
        }
        assert.ok(pointers.length >= 4, `several errors: ${JSON.stringify(pointers)}`);
    });
    await check("POST /v1/claims", "an id that is taken: a 409 problem", async () => {
        problem(await writer.POST("/v1/claims", { body: claimBody }), 409);
    });

    const statement = "A contract-test claim, corrected: at least 12 fighters, Pakistan said.";
    await check("PATCH /v1/claims/{id}", "merge patch with If-Match: 200, new ETag", async () => {
        const result = await writer.PATCH("/v1/claims/{id}", {
            params: { path, header: { "If-Match": created } },
            body: { statement, quote: "at least 12" },
            headers: { "Content-Type": "application/merge-patch+json" },
        });
        const claim = ok(result);
        assert.equal(result.response.status, 200);
        assert.equal(claim.statement, statement);
        assert.equal(claim.quote, "at least 12");
        assert.equal(claim.claimant, "pakistan", "untouched fields stay");
        patched = etagOf(result.response);
        assert.notEqual(patched, created);
    });
    await check("PATCH /v1/claims/{id}", "the same patch with the old ETag: a 412 problem", async () => {
        const result = await writer.PATCH("/v1/claims/{id}", {
            params: { path, header: { "If-Match": created } },
            body: { statement, quote: "at least 12" },
            headers: { "Content-Type": "application/merge-patch+json" },
        });
        problem(result, 412);
        assert.equal(result.response.headers.get("etag"), patched, "412 names the current ETag");
    });
    await check("PATCH /v1/claims/{id}", "no If-Match: a 428 problem", async () => {
        const result = await writer.PATCH("/v1/claims/{id}", {
            // The generated type requires If-Match; this request leaves it out on purpose.
            params: { path } as { path: typeof path; header: { "If-Match": string } },
            body: { statement: "never applied" },
        });
        assert.equal(at(problem(result, 428).errors ?? [], 0).parameter, "If-Match");
    });
    await check("/v1/{resource}/{id}/revisions", "the new claim: create, then update", async () => {
        const page = ok(
            await client.GET("/v1/{resource}/{id}/revisions", {
                params: { path: { resource: "claims", id: claimId } },
            }),
        );
        assert.deepEqual(
            page.data.map((r) => r.operation),
            ["create", "update"],
        );
        const [create, update] = [at(page.data, 0), at(page.data, 1)];
        assert.ok(create.version > versionBefore && update.version > create.version);
        assert.equal(create.author, "contract");
        assert.equal(create.before ?? null, null);
        assert.equal((update.after as { statement?: string } | null)?.statement, statement);
    });
    await check("/v1/changes", "since the version before: the create and the update", async () => {
        const page = ok(
            await client.GET("/v1/changes", { params: { query: { since: versionBefore, limit: 500 } } }),
        );
        const mine = page.data.filter((c) => c.resource === "claims" && c.id === claimId);
        assert.deepEqual(
            mine.map((c) => c.operation),
            ["create", "update"],
        );
        assert.ok(page.data.every((c) => c.version > versionBefore));
        assert.ok(page.meta.latest_version >= (at(mine, 1).version ?? 0));
    });
    await check("DELETE /v1/claims/{id}", "with If-Match and a reason: a tombstone, then 410", async () => {
        const stale = await writer.DELETE("/v1/claims/{id}", {
            params: { path, header: { "If-Match": created }, query: { reason: "contract test" } },
        });
        problem(stale, 412);
        const result = await writer.DELETE("/v1/claims/{id}", {
            params: { path, header: { "If-Match": patched }, query: { reason: "contract test" } },
        });
        const tombstone = ok(result);
        assert.equal(result.response.status, 200);
        assert.equal(tombstone.resource, "claims");
        assert.equal(tombstone.id, claimId);
        assert.equal(tombstone.reason, "contract test");
        assert.equal(tombstone.deleted_by, "contract");
        const gone = await client.GET("/v1/claims/{id}", { params: { path } });
        const p = problem(gone, goneStatus("/v1/claims/{id}")) as { tombstone?: Schemas["Tombstone"] | null };
        if (gone.response.status === 410) assert.equal(p.tombstone?.id, claimId);
    });

    // ---- the other collections: create, patch, delete (in reverse order of reference) ---------
    const ids = {
        source: `contract-ts-source-${suffix}`,
        actor: `contract-ts-actor-${suffix}`,
        incident: `contract-ts-incident-${suffix}`,
        figure: `contract-ts-figure-${suffix}`,
    };
    const etags: Record<string, string> = {};
    await check("POST /v1/sources", "a source", async () => {
        const result = await writer.POST("/v1/sources", {
            body: { id: ids.source, title: "Contract test notes", kind: "dataset", published: day("2026-03-01") },
        });
        assert.equal(result.response.status, 201);
        assert.equal(ok(result).title, "Contract test notes");
        etags.source = etagOf(result.response);
    });
    await check("POST /v1/actors", "an actor citing it", async () => {
        const result = await writer.POST("/v1/actors", {
            body: {
                id: ids.actor,
                name: "Contract Test Front",
                aliases: [],
                kind: "armed_group",
                country: "PK",
                description: "An actor made up by the contract test.",
                relations: [{ actor: "ttp", kind: "fought_alongside", state: "ended", sources: [ids.source] }],
                sources: [ids.source],
            },
        });
        assert.equal(result.response.status, 201);
        assert.equal(result.response.headers.get("location"), `/v1/actors/${ids.actor}`);
        etags.actor = etagOf(result.response);
    });
    await check("POST /v1/incidents", "an incident involving it", async () => {
        const result = await writer.POST("/v1/incidents", {
            body: {
                id: ids.incident,
                title: "Contract test clash",
                kind: "border_clash",
                date: day("2026-03-01"),
                locations: [{ name: "Torkham", country: "PK", lat: 34.1, lon: 71.1, precision: "locality" }],
                actors: [
                    { actor: ids.actor, role: "perpetrator" },
                    { actor: "pakistan", role: "target" },
                ],
                summary: "An incident made up by the contract test.",
                sources: [ids.source],
            },
        });
        assert.equal(result.response.status, 201);
        assert.deepEqual(ok(result).claims ?? [], []);
        etags.incident = etagOf(result.response);
    });
    await check("POST /v1/force-figures", "a force figure for it", async () => {
        const result = await writer.POST("/v1/force-figures", {
            body: {
                id: ids.figure,
                actor: ids.actor,
                // Not "iiss": a figure credited to the IISS must cite the IISS's source.
                claimant: "pakistan",
                metric: "active_personnel",
                value: 500,
                qualifier: "approximately",
                as_of: day("2026-03-01"),
                sources: [ids.source],
            },
        });
        assert.equal(result.response.status, 201);
        assert.equal(ok(result).value, 500);
        etags.figure = etagOf(result.response);
    });
    await check("DELETE /v1/sources/{id}", "a cited source: a 409 problem", async () => {
        const result = await writer.DELETE("/v1/sources/{id}", {
            params: { path: { id: ids.source }, header: { "If-Match": "*" }, query: { reason: "test" } },
        });
        assert.ok((problem(result, 409).errors ?? []).length >= 3, "lists the records citing it");
    });
    // A record's ETag covers its whole representation, attribution included: patching a
    // source it cites changes it. So each patch and delete starts from a fresh GET, as an
    // editor's client would.
    const refresh = async (route: string, key: keyof typeof ids): Promise<void> => {
        const read = await client.GET(route as "/v1/sources/{id}", { params: { path: { id: ids[key] } } });
        ok(read);
        etags[key] = etagOf(read.response);
    };
    const patchOf = async <P extends "/v1/sources/{id}" | "/v1/actors/{id}" | "/v1/incidents/{id}" | "/v1/force-figures/{id}">(
        route: P,
        key: keyof typeof ids,
        body: Record<string, unknown>,
    ): Promise<Record<string, unknown>> => {
        await refresh(route, key);
        const result = await writer.PATCH(route as "/v1/sources/{id}", {
            params: { path: { id: ids[key] }, header: { "If-Match": etags[key] ?? "" } },
            body: body as Schemas["SourcePatch"],
            headers: { "Content-Type": "application/merge-patch+json" },
        });
        const record = ok(result) as unknown as Record<string, unknown>;
        const etag = etagOf(result.response);
        assert.notEqual(etag, etags[key]);
        etags[key] = etag;
        return record;
    };
    await check("PATCH /v1/sources/{id}", "a new title", async () => {
        assert.equal((await patchOf("/v1/sources/{id}", "source", { title: "Contract notes" })).title, "Contract notes");
    });
    await check("PATCH /v1/actors/{id}", "an alias", async () => {
        const actor = await patchOf("/v1/actors/{id}", "actor", { aliases: ["CTF"] });
        assert.deepEqual(actor.aliases, ["CTF"]);
    });
    await check("PATCH /v1/incidents/{id}", "a summary", async () => {
        const incident = await patchOf("/v1/incidents/{id}", "incident", { summary: "Corrected." });
        assert.equal(incident.summary, "Corrected.");
    });
    await check("PATCH /v1/force-figures/{id}", "an unquantified figure drops its value", async () => {
        const figure = await patchOf("/v1/force-figures/{id}", "figure", {
            value: null,
            qualifier: "unquantified",
            text: "several hundred",
        });
        assert.equal(figure.value ?? null, null);
        assert.equal(figure.text, "several hundred");
    });
    const remove = async (route: "/v1/sources/{id}", key: keyof typeof ids): Promise<void> => {
        await refresh(route, key);
        const result = await writer.DELETE(route, {
            params: { path: { id: ids[key] }, header: { "If-Match": etags[key] ?? "" }, query: { reason: "contract test" } },
        });
        assert.equal(ok(result).id, ids[key]);
    };
    await check("DELETE /v1/force-figures/{id}", "deleted", async () => {
        await remove("/v1/force-figures/{id}" as "/v1/sources/{id}", "figure");
        const gone = await client.GET("/v1/force-figures/{id}", { params: { path: { id: ids.figure } } });
        problem(gone, goneStatus("/v1/force-figures/{id}"));
    });
    await check("DELETE /v1/incidents/{id}", "deleted", async () => {
        await remove("/v1/incidents/{id}" as "/v1/sources/{id}", "incident");
    });
    await check("DELETE /v1/actors/{id}", "deleted", async () => {
        await remove("/v1/actors/{id}" as "/v1/sources/{id}", "actor");
    });
    await check("DELETE /v1/sources/{id}", "deleted once nothing cites it", async () => {
        await remove("/v1/sources/{id}", "source");
        const gone = await client.GET("/v1/sources/{id}", { params: { path: { id: ids.source } } });
        problem(gone, goneStatus("/v1/sources/{id}"));
    });
}

main().catch((e: unknown) => {
    console.error(e);
    console.log("contract: typescript crashed");
    process.exitCode = 1;
});
