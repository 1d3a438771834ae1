// The pages' schema.org JSON-LD (issue 15), checked against the schema.org vocabulary itself
// (browser/lib/schema.mjs): the home page's Dataset, and the Claim of every claim page. Each
// block must fit the vocabulary (types, properties and their domains, ranges, literal shapes),
// and carry what the issue lists.
import assert from "node:assert/strict";
import { before, test } from "node:test";

import { onLoopback } from "../lib/harness.mjs";
import { hasType, jsonLdBlocks, loadVocabulary, missingClaim, missingDataset, nodesOf, validate } from "../lib/schema.mjs";

let vocabulary;
before(async () => {
  vocabulary = await loadVocabulary();
});

/** The page at `path` (fetched from Node, as a crawler would), its status and its HTML. */
async function fetchPage(path) {
  const res = await fetch(onLoopback(path), { headers: { accept: "text/html" } });
  const html = await res.text();
  return { status: res.status, type: res.headers.get("content-type") ?? "", html };
}

/** The JSON-LD blocks of the page at `path`, which must answer 200 with HTML. */
async function blocksOf(path) {
  const { status, type, html } = await fetchPage(path);
  assert.equal(status, 200, path);
  assert.match(type, /^text\/html/, path);
  return jsonLdBlocks(html);
}

/** `errors` with the page's path before each, for one message that lists them all. */
function report(path, errors) {
  return errors.map((e) => `${path} ${e}`);
}

test("the home page's Dataset JSON-LD fits schema.org and carries what the issue lists", async () => {
  const blocks = await blocksOf("/");
  assert.ok(blocks.length > 0, "a JSON-LD block on /");
  const errors = blocks.flatMap((b) => report("/", validate(vocabulary, b)));
  const datasets = blocks.flatMap(nodesOf).filter((n) => hasType(n, "Dataset"));
  assert.equal(datasets.length, 1, "one Dataset on /");
  errors.push(...report("/ missing:", missingDataset(datasets[0])));
  assert.deepEqual(errors, []);
});

test("every claim page's Claim JSON-LD fits schema.org and carries what the issue lists", async () => {
  // Every claim: the listing's pages followed to the end.
  const ids = [];
  for (let next = "/v1/claims?limit=500"; next; ) {
    const res = await fetch(onLoopback(next));
    assert.equal(res.status, 200);
    const page = await res.json();
    ids.push(...page.data.map((c) => c.id));
    next = page.links.next;
  }
  assert.ok(ids.length > 0, "claims to check");
  const errors = [];
  for (const id of ids) {
    const path = `/claims/${encodeURIComponent(id)}`;
    const blocks = await blocksOf(path);
    errors.push(...blocks.flatMap((b) => report(path, validate(vocabulary, b))));
    const claims = blocks.flatMap(nodesOf).filter((n) => hasType(n, "Claim"));
    if (claims.length !== 1) {
      errors.push(`${path}: ${claims.length} Claim nodes (expected one)`);
      continue;
    }
    errors.push(...report(`${path} missing:`, missingClaim(claims[0])));
  }
  assert.deepEqual(errors, [], `checked ${ids.length} claim pages`);
});
