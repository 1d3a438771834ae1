// The contract stage's TypeScript check (clients/typescript/run.sh): a client generated from
// the committed spec (openapi-typescript types, openapi-fetch calls) asks the live server every
// GET operation the spec lists, with real parameters, and checks the answers against the
// dataset's known values. It fails when any check fails, when a response carries a status or a
// media type the spec does not document for that operation, and when the spec has a GET
// operation this program never called.
//
// Environment: DURAND_BASE_URL (the server) and DURAND_SPEC (path of openapi/openapi.json).

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";

import createClient, { type Middleware } from "openapi-fetch";

import type { components, paths } from "./generated/schema.js";

type Schemas = components["schemas"];

const baseUrl = required("DURAND_BASE_URL");
const specPath = required("DURAND_SPEC");

interface SpecResponse {
    $ref?: string;
    content?: Record<string, unknown>;
}
interface SpecOperation {
    responses: Record<string, SpecResponse>;
}
interface Spec {
    openapi: string;
    paths: Record<string, { get?: SpecOperation }>;
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

/** Every GET path template the server answered, by openapi-fetch's own record of the call. */
const called = new Set<string>();
/** Responses that broke the spec: an undocumented status or media type. */
const violations: string[] = [];

const recorder: Middleware = {
    onResponse({ schemaPath, request, response }) {
        if (request.method !== "GET") return;
        called.add(schemaPath);
        const op = spec.paths[schemaPath]?.get;
        const where = `GET ${schemaPath} (${request.url})`;
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

/** The checks that failed, by the operation they exercise. */
const failures = new Map<string, string[]>();

/** Runs one named check against one operation (a path template), recording a failure. */
async function check(path: keyof paths, name: string, body: () => Promise<void>): Promise<void> {
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
            assert.ok(incident.date.end >= "2026-02-01", `${incident.id} overlaps February 2026`);
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
        assert.equal(figure.claimant, "iiss");
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
        assert.match(source.publisher ?? "", /IISS/);
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
            "Pakistan said on 27 February 2026, through Mosharraf Zaidi (Spokesman for the Prime " +
                "Minister of Pakistan on foreign media); not independently verified. Source: " +
                "“Pakistan-Afghanistan war” (27 February 2026).",
        );
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
    await check("/v1/incidents", "GeoJSON: one Point per located place", async () => {
        const result = await geoClient.GET("/v1/incidents", {
            params: { query: { format: "geojson" } },
        });
        assert.match(result.response.headers.get("content-type") ?? "", /^application\/geo\+json/);
        const collection = ok(result);
        assert.equal(collection.type, "FeatureCollection");
        assert.ok(collection.features.length > 0);
        for (const feature of collection.features) {
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
        assert.equal(taliban.claimant, "iiss");
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
        const starts = page.data.map((e) => e.date.start);
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
        const count = (type: Schemas["ExportLineType"]) => lines.filter((l) => l.type === type).length;
        assert.ok(counts, "the dataset counts (from /v1/dataset)");
        assert.equal(count("claim"), counts.claims);
        assert.equal(count("force_figure"), counts.force_figures);
        assert.equal(count("actor"), counts.actors);
    });
    await check("/v1/openapi.json", "serves the same document as DURAND_SPEC", async () => {
        const served = ok(await client.GET("/v1/openapi.json"));
        assert.ok(isDeepStrictEqual(served, spec), "the served spec differs from the file");
    });

    // ---- coverage --------------------------------------------------------------------------
    const operations = Object.entries(spec.paths)
        .filter(([, item]) => item.get !== undefined)
        .map(([path]) => path);
    const missing = operations.filter((p) => !called.has(p));
    const passed = operations.filter((p) => called.has(p) && !failures.has(p));

    for (const v of violations) console.log(`  SPEC  ${v}`);
    for (const p of missing) console.log(`  MISSING  GET ${p}: in the spec, never called`);
    console.log(`contract: typescript ${passed.length}/${operations.length} GET operations called and passed`);
    if (missing.length > 0) {
        console.log(`contract: typescript never called ${missing.length} GET operation(s): ${missing.join(", ")}`);
    }
    if (violations.length > 0) {
        console.log(`contract: typescript saw ${violations.length} response(s) the spec does not document`);
    }
    const failed = [...failures.values()].reduce((n, names) => n + names.length, 0);
    if (failed > 0) console.log(`contract: typescript ${failed} check(s) failed`);
    if (missing.length > 0 || violations.length > 0 || failed > 0) process.exitCode = 1;
}

main().catch((e: unknown) => {
    console.error(e);
    console.log("contract: typescript crashed");
    process.exitCode = 1;
});
