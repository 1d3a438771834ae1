// `make budget`: issue 15's page budget, measured. Each page for people is loaded in headless
// Chromium with a cold cache (a new context each time), RUNS times for each way of asking
// (compressed, as Chromium asks over HTTPS; identity), and the median and max of each figure
// are printed as a table, with the ratio to the budget: first render (first contentful paint)
// under 1 s on the loopback, weight (bytes over the wire, headers included, for the document
// and everything it loads) under 200 KB.
//
// Times are printed, never judged: the exit status is 1 only when a page's weight, which is
// bytes and so the same from one run to the next, is over budget. Run through browser/run.sh
// (the Makefile does), which serves the pages; DURAND_BIN=target/release/durand measures the
// release build (`cargo build --release` first), else the debug build is measured and the
// header says so. DURAND_BUDGET_RUNS sets the number of runs (default 5).
import { statSync } from "node:fs";

import { base, launch, onLoopback } from "./lib/harness.mjs";
import { BUDGET, ENCODINGS, measureLoad } from "./lib/weight.mjs";

const RUNS = Number(process.env.DURAND_BUDGET_RUNS || 5);
const EMBED = "/embed/force-comparison?actors=pakistan,afghan-taliban&metric=active_personnel";

/** `path` shortened for the table: the embed's fixed parameters as "…". */
const label = (path) => (path.startsWith(`${EMBED}&`) ? `/embed/force-comparison?…&${path.slice(EMBED.length + 1)}` : path);

/** GET `path` from Node: status, content type, and the body as JSON when it is JSON. */
async function probe(path) {
  const res = await fetch(onLoopback(path));
  const type = res.headers.get("content-type") ?? "";
  const body = /json/.test(type) ? await res.json().catch(() => null) : await res.text();
  return { status: res.status, type, body };
}

/** The first record's id of a collection, or null. */
async function firstId(collection) {
  const { status, body } = await probe(`/v1/${collection}?limit=1`);
  return status === 200 ? (body?.data?.[0]?.id ?? null) : null;
}

/** The pages to measure: the ones that exist now, and those not there yet (with why). */
async function pages() {
  const always = ["/", `${EMBED}&format=html`, `${EMBED}&format=svg`];
  const claim = await firstId("claims");
  const incident = await firstId("incidents");
  const whenThere = [
    "/embed/timeline?format=html",
    claim ? `/claims/${encodeURIComponent(claim)}` : null,
    "/actors/pakistan",
    incident ? `/incidents/${encodeURIComponent(incident)}` : null,
  ].filter(Boolean);
  const measured = [...always];
  const skipped = [];
  for (const path of whenThere) {
    const { status, type } = await probe(path);
    if (status === 200 && /^text\/html/.test(type)) measured.push(path);
    else skipped.push(`${path} (answered ${status} ${type.split(";")[0]})`);
  }
  return { measured, skipped };
}

/** Which build serves the pages, from DURAND_BROWSER_BIN (set by run.sh). */
function build() {
  const bin = process.env.DURAND_BROWSER_BIN || "(unknown binary)";
  const profile = /(^|\/)release\//.test(bin) ? "release" : /(^|\/)debug\//.test(bin) ? "debug" : "unknown profile";
  let built = "";
  try {
    built = `, built ${statSync(bin).mtime.toISOString().replace(/\.\d+Z$/, "Z")}`;
  } catch {
    // The path is printed as it is.
  }
  const note =
    profile === "release"
      ? ""
      : "\n  (not a release build: times are slower than served; `cargo build --release` then " +
        "DURAND_BIN=target/release/durand make budget)";
  return `${profile} build, ${bin}${built}${note}`;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const max = (xs) => Math.max(...xs);
const ms = (x) => (x === null || Number.isNaN(x) ? "-" : `${Math.round(x)}`);
const kb = (x) => (x / 1000).toFixed(1);
const ratio = (x, budget) => (x === null || Number.isNaN(x) ? "-" : (x / budget).toFixed(2));

/** Median and max of `key` over `runs` ("med/max"), with `f` formatting each. */
function both(runs, key, f) {
  const xs = runs.map((r) => r[key]).filter((x) => x !== null && x !== undefined);
  if (xs.length === 0) return "-";
  return `${f(median(xs))}/${f(max(xs))}`;
}

/** A table: a header row, a rule, and rows, each column padded (text left, numbers right). */
function table(head, rows) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) =>
    cells.map((c, i) => (i === 0 || i === 1 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join("  ");
  return [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

async function main() {
  const browser = await launch();
  const dataset = await probe("/v1/dataset");
  const { measured, skipped } = await pages();
  console.log(`Durand page budget, ${new Date().toISOString().replace(/\.\d+Z$/, "Z")}`);
  console.log(`  build:   ${build()}`);
  console.log(`  browser: headless Chromium ${browser.version()}, 1280x800, a cold cache for every load`);
  console.log(`  server:  ${base.origin} (the loopback), dataset version ${dataset.body?.version ?? "?"}`);
  console.log(
    `  budget:  first render (first contentful paint) < ${BUDGET.firstRenderMs} ms; weight (bytes over ` +
      `the wire, headers included, document and everything it loads) < ${BUDGET.weightBytes.toLocaleString("en")} bytes`,
  );
  console.log(
    `  runs:    ${RUNS} per page and coding; figures are median/max. ` +
      `compressed = Accept-Encoding: ${ENCODINGS.compressed}`,
  );
  console.log(`           (the first run fills the server's response cache, so a max is often that run's)`);
  console.log(`  pages:   ${measured.join("\n           ")}`);
  if (skipped.length) console.log(`  not there yet, not measured:\n           ${skipped.join("\n           ")}`);
  console.log("");

  const rows = [];
  const notes = [];
  const over = [];
  for (const path of measured) {
    for (const encoding of Object.keys(ENCODINGS)) {
      const runs = [];
      for (let i = 0; i < RUNS; i++) runs.push(await measureLoad(browser, path, { encoding }));
      const weights = runs.map((r) => r.transferred);
      const statuses = [...new Set(runs.map((r) => r.status))];
      if (statuses.some((s) => s !== 200)) notes.push(`${path} (${encoding}): answered ${statuses.join(", ")}`);
      const failed = [...new Set(runs.flatMap((r) => r.failed))];
      if (failed.length) notes.push(`${path} (${encoding}): ${failed.join(", ")} (in some runs at least)`);
      const outside = [...new Set(runs.flatMap((r) => r.outside))];
      if (outside.length) notes.push(`${path} (${encoding}): asked other hosts: ${outside.join(", ")}`);
      const fcps = runs.map((r) => r.fcp).filter((x) => x !== null);
      rows.push([
        label(path),
        encoding,
        both(runs, "requests", String),
        `${kb(median(weights))}/${kb(max(weights))}`,
        ratio(max(weights), BUDGET.weightBytes),
        both(runs, "decoded", kb),
        both(runs, "ttfb", ms),
        both(runs, "fcp", ms),
        fcps.length ? ratio(median(fcps), BUDGET.firstRenderMs) : "-",
        both(runs, "dcl", ms),
        both(runs, "load", ms),
      ]);
      if (encoding === "compressed" && max(weights) >= BUDGET.weightBytes) {
        over.push(`${path}: ${max(weights).toLocaleString("en")} bytes, over ${BUDGET.weightBytes.toLocaleString("en")}`);
      } else if (max(weights) >= BUDGET.weightBytes) {
        notes.push(`${path} (identity): ${max(weights).toLocaleString("en")} bytes uncompressed, over the budget`);
      }
    }
  }
  await browser.close();

  console.log(
    table(
      ["page", "coding", "requests", "weight KB", "x200KB", "decoded KB", "TTFB ms", "FCP ms", "FCP x1s", "DCL ms", "load ms"],
      rows,
    ),
  );
  console.log("");
  console.log(
    "weight: bytes over the wire with headers (KB = 1,000 bytes); x200KB: max weight / budget; decoded: bodies " +
      "uncompressed; FCP x1s: median first contentful paint / 1 s; times from the navigation's start.",
  );
  for (const note of notes) console.log(`note: ${note}`);
  if (over.length) {
    for (const o of over) console.log(`OVER BUDGET: ${o}`);
    process.exit(1);
  }
  console.log(`Every page measured is under the ${BUDGET.weightBytes.toLocaleString("en")}-byte budget (times are not judged).`);
}

await main();
