// The schema.org validator (schema.mjs) on fixtures: the valid Dataset and Claim pass, and
// each way of breaking them is caught, so that a page test that finds nothing to report means
// something. No server needed: `node --test browser/lib/`.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { before, test } from "node:test";

import {
  isDate,
  isDateTime,
  isUrl,
  jsonLdBlocks,
  loadVocabulary,
  missingClaim,
  missingDataset,
  validate,
} from "./schema.mjs";

const fixture = (name) => JSON.parse(readFileSync(new URL(`fixtures/${name}.json`, import.meta.url), "utf8"));

let vocabulary;
before(async () => {
  vocabulary = await loadVocabulary();
});

/** The claim fixture with `change` applied to a copy. */
function claim(change) {
  const c = fixture("claim");
  change(c);
  return c;
}

/** The dataset fixture with `change` applied to a copy. */
function dataset(change) {
  const d = fixture("dataset");
  change(d);
  return d;
}

/** Asserts that `errors` has exactly one message, and that it matches `pattern`. */
function one(errors, pattern) {
  assert.equal(errors.length, 1, errors.join("\n"));
  assert.match(errors[0], pattern);
}

test("the vocabulary is schema.org's: its classes, properties, domains and ranges", () => {
  assert.ok(vocabulary.classes.size > 800, `${vocabulary.classes.size} classes`);
  assert.ok(vocabulary.properties.size > 1400, `${vocabulary.properties.size} properties`);
  assert.deepEqual([...vocabulary.classes.get("Claim")], ["CreativeWork"]);
  assert.deepEqual([...vocabulary.classes.get("Dataset")], ["CreativeWork"]);
  assert.ok(vocabulary.properties.get("appearance").domain.has("Claim"));
  assert.ok(vocabulary.properties.get("distribution").range.has("DataDownload"));
  for (const t of ["Text", "URL", "Date", "DateTime", "Number", "Integer", "Boolean"]) {
    assert.ok(vocabulary.dataTypes.has(t), t);
  }
  assert.ok(!vocabulary.dataTypes.has("Organization"));
  assert.ok(vocabulary.pending.has("Claim"), "Claim is still in pending.schema.org");
});

test("the valid Dataset and Claim fixtures pass, with nothing the issue asks for missing", () => {
  assert.deepEqual(validate(vocabulary, fixture("dataset")), []);
  assert.deepEqual(missingDataset(fixture("dataset")), []);
  assert.deepEqual(validate(vocabulary, fixture("claim")), []);
  assert.deepEqual(missingClaim(fixture("claim")), []);
  // The same nodes in a @graph, or as a list of blocks.
  const { "@context": _, ...bare } = fixture("claim");
  assert.deepEqual(validate(vocabulary, { "@context": "https://schema.org", "@graph": [bare] }), []);
  assert.deepEqual(validate(vocabulary, [fixture("claim"), fixture("dataset")]), []);
});

test("a context other than schema.org, or none", () => {
  one(validate(vocabulary, claim((c) => (c["@context"] = "https://example.org/vocab"))), /^\$\.@context: .* is not schema\.org/);
  one(validate(vocabulary, claim((c) => delete c["@context"])), /^\$: no @context/);
  one(validate(vocabulary, claim((c) => (c.author["@context"] = "https://schema.org"))), /^\$\.author\.@context: a nested @context/);
});

test("a type that is no schema.org class, a data type as a type, a node without a type", () => {
  one(validate(vocabulary, claim((c) => (c["@type"] = "Assertion"))), /^\$\.@type: "Assertion" is not a schema\.org class/);
  one(validate(vocabulary, claim((c) => (c.author["@type"] = "Text"))), /^\$\.author\.@type: "Text" is a data type/);
  one(validate(vocabulary, claim((c) => delete c.author["@type"])), /^\$\.author: a node without @type/);
  one(validate(vocabulary, claim((c) => (c.about[0]["@type"] = "Taxi"))), /^\$\.about\[0\]\.@type: "Taxi" is superseded by "TaxiService"/);
});

test("an unknown property", () => {
  one(validate(vocabulary, claim((c) => (c.claimant = "Pakistan"))), /^\$\.claimant: "claimant" is not a schema\.org property/);
  one(validate(vocabulary, dataset((d) => (d.distribution[0].mediaType = "text/csv"))), /^\$\.distribution\[0\]\.mediaType: "mediaType" is not a schema\.org property/);
});

test("a property on the wrong type", () => {
  // appearance is a Claim's, not a NewsArticle's; distribution is a Dataset's, not a Claim's.
  one(validate(vocabulary, claim((c) => (c.appearance[0].appearance = { "@type": "WebPage", name: "x" }))),
    /^\$\.appearance\[0\]\.appearance: "appearance" is not a property of NewsArticle \(its domain: Claim\)/);
  one(validate(vocabulary, claim((c) => (c.distribution = fixture("dataset").distribution))),
    /^\$\.distribution: "distribution" is not a property of Claim \(its domain: Dataset\)/);
  // A superclass's property is the subclass's too: name is Thing's.
  assert.deepEqual(validate(vocabulary, claim((c) => (c.name = "133 killed"))), []);
  // A superseded property is reported as such.
  one(validate(vocabulary, dataset((d) => (d.distribution[0].fileFormat = "text/csv"))), /"fileFormat" is superseded by "encodingFormat"/);
});

test("a value outside the property's range", () => {
  // A node of a class the range does not include (appearance takes a CreativeWork).
  one(validate(vocabulary, claim((c) => (c.appearance[0] = { "@type": "Organization", name: "Al Jazeera" }))),
    /^\$\.appearance\[0\]: an Organization where "appearance" takes CreativeWork/);
  // Text where a node is expected (author takes an Organization or a Person).
  one(validate(vocabulary, claim((c) => (c.author = "Pakistan"))), /^\$\.author: text "Pakistan" where "author" takes a node \(Organization, Person\)/);
  // A node where a literal is expected.
  one(validate(vocabulary, claim((c) => (c.text = { "@type": "WebPage", name: "x" }))), /^\$\.text: a WebPage where "text" takes Text/);
  // Literals of the wrong shape.
  one(validate(vocabulary, claim((c) => (c.url = "not a url"))), /^\$\.url: text "not a url" is not a URL/);
  one(validate(vocabulary, dataset((d) => (d.isAccessibleForFree = "yes"))), /is not a Boolean/);
  one(validate(vocabulary, dataset((d) => (d.creator.name = 7))), /^\$\.creator\.name: number 7 is not a Text/);
  one(validate(vocabulary, claim((c) => (c.author = null))), /^\$\.author: null/);
  // A subclass of a range class fits: a NewsArticle is a CreativeWork, a Dataset too.
  assert.deepEqual(validate(vocabulary, claim((c) => (c.appearance[0]["@type"] = "Dataset"))), []);
  // A reference by @id fits a range of nodes.
  assert.deepEqual(validate(vocabulary, claim((c) => (c.isPartOf = { "@id": "/" }))), []);
});

test("a bad date", () => {
  one(validate(vocabulary, claim((c) => (c.datePublished = "2026-02-30"))), /^\$\.datePublished: text "2026-02-30" is not a Date or a DateTime/);
  one(validate(vocabulary, claim((c) => (c.datePublished = "27 February 2026"))), /is not a Date or a DateTime/);
  one(validate(vocabulary, dataset((d) => (d.dateModified = "2026-03-01 12:00"))), /^\$\.dateModified: .* is not a Date or a DateTime/);
  // Reduced precision is ISO 8601 too.
  assert.deepEqual(validate(vocabulary, claim((c) => (c.datePublished = "2026-02"))), []);
  assert.deepEqual(validate(vocabulary, claim((c) => (c.datePublished = "2025"))), []);
  // A claim's datePublished, when present, must be a Date, not a time.
  assert.deepEqual(missingClaim(claim((c) => (c.datePublished = "2026-02"))), []);
  assert.deepEqual(missingClaim(claim((c) => delete c.datePublished)), []);
  assert.deepEqual(missingClaim(claim((c) => (c.datePublished = "2026-02-27T10:00:00Z"))), ['datePublished as a Date (found "2026-02-27T10:00:00Z")']);
});

test("the literal shapes", () => {
  for (const d of ["2025", "2026-02", "2026-02-27", "2024-02-29"]) assert.ok(isDate(d), d);
  for (const d of ["2026-13", "2026-02-30", "2025-02-29", "26-02-27", "2026-2-27", "2026-02-27T10:00"]) assert.ok(!isDate(d), d);
  for (const d of ["2026-02-27T10:00:00Z", "2026-02-27T10:00", "2026-03-01T12:00:00.123456+00:00"]) assert.ok(isDateTime(d), d);
  for (const d of ["2026-02-27", "2026-02-27T25:00Z", "2026-02-27 10:00"]) assert.ok(!isDateTime(d), d);
  for (const u of ["/", "/claims/x", "https://example.org/a?b=c", "?format=csv", "mailto:a@b.example"]) assert.ok(isUrl(u), u);
  for (const u of ["", "not a url", "https://example.org/a b", "javascript:alert(1)", "data:text/html,x"]) {
    assert.ok(!isUrl(u), u);
  }
});

test("what the issue asks of the Dataset and the Claim, when it is missing", () => {
  assert.deepEqual(missingDataset(dataset((d) => delete d.temporalCoverage)), ["temporalCoverage"]);
  assert.deepEqual(missingDataset(dataset((d) => delete d.license)), ["license"]);
  assert.deepEqual(
    missingDataset(dataset((d) => (d.distribution = d.distribution.filter((x) => x.encodingFormat !== "application/x-ndjson")))),
    ["a distribution of NDJSON (by its encodingFormat)"],
  );
  assert.deepEqual(
    missingDataset(dataset((d) => delete d.distribution[3].encodingFormat)),
    ["distribution[3].encodingFormat", "a distribution of the OpenAPI document (JSON) (by its encodingFormat)"],
  );
  assert.deepEqual(missingDataset(dataset((d) => delete d.distribution)).slice(-5), [
    "distribution",
    "a distribution of CSV (by its encodingFormat)",
    "a distribution of GeoJSON (by its encodingFormat)",
    "a distribution of NDJSON (by its encodingFormat)",
    "a distribution of the OpenAPI document (JSON) (by its encodingFormat)",
  ]);
  assert.deepEqual(missingClaim(claim((c) => delete c.author)), ["author (the claimant)"]);
  assert.deepEqual(missingClaim(claim((c) => (c.appearance = []))), ["appearance (the source)"]);
  assert.deepEqual(missingClaim(fixture("dataset")).slice(0, 1), ['@type Claim (found "Dataset")']);
});

test("the JSON-LD blocks of an HTML document", () => {
  const html =
    '<!doctype html><head><script src="/assets/pages.js" defer></script>' +
    '<script type="application/ld+json">{"@type":"Dataset","name":"a \\u003c/script> b"}</script>' +
    "</head><body><script type='application/ld+json'>[1]</script></body>";
  assert.deepEqual(jsonLdBlocks(html), [{ "@type": "Dataset", name: "a </script> b" }, [1]]);
  assert.throws(() => jsonLdBlocks('<script type="application/ld+json">{nope</script>'), SyntaxError);
});
