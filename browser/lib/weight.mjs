// What a page costs to load in headless Chromium with a cold cache (a new browser context
// each time): the bytes transferred for the document and everything it loads, the requests,
// and the page's own timings. Shared by the byte-budget test (browser/tests/budget.test.mjs)
// and `make budget` (browser/budget.mjs).
//
// Bytes come from the DevTools protocol's Network events (encodedDataLength: what went over
// the wire, headers included, as Lighthouse counts a page's weight), cross-checked with the
// Resource Timing API's encodedBodySize (the bodies alone); times from Navigation Timing and
// Paint Timing (first-contentful-paint), relative to the navigation's start.
import { base } from "./harness.mjs";

/** Issue 15's budget: first render under 1 s on the loopback, weight under 200 KB. */
export const BUDGET = { firstRenderMs: 1000, weightBytes: 200_000 };

/**
 * The two ways of asking, by the Accept-Encoding sent: "compressed" is what Chromium sends
 * over HTTPS, as readers reach the site (over plain HTTP, as here, it would offer only gzip
 * and deflate, so it is set explicitly); "identity" asks for no compression.
 */
export const ENCODINGS = {
  compressed: "gzip, deflate, br, zstd",
  identity: "identity",
};

/**
 * Loads `path` (on the served host) once in a new context of `browser` (an empty cache),
 * asking with the Accept-Encoding of `ENCODINGS[encoding]`, waits until the network is idle,
 * and returns { status, requests, transferred, bodies, decoded, codings, failed, outside,
 * unfinished, ttfb, fcp, dcl, load }: the request count (every HTTP request, the document
 * included), bytes over the wire with headers, encoded and decoded body bytes (Resource
 * Timing), the response content codings seen, the requests that answered 4xx/5xx, requests to
 * other hosts (none can succeed: the browser resolves no other name), requests that never
 * finished, and times in milliseconds from the navigation's start (fcp is null when the page
 * painted no content).
 */
export async function measureLoad(browser, path, { encoding = "compressed", viewport = { width: 1280, height: 800 } } = {}) {
  if (!(encoding in ENCODINGS)) throw new Error(`unknown encoding ${encoding}`);
  const context = await browser.newContext({
    viewport,
    deviceScaleFactor: 1,
    extraHTTPHeaders: { "accept-encoding": ENCODINGS[encoding] },
  });
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
    const requests = new Map(); // requestId → { url, bytes, status, coding }
    const outside = [];
    cdp.on("Network.requestWillBeSent", ({ requestId, request }) => {
      if (!/^https?:/.test(request.url)) return; // data: and blob: load nothing
      if (new URL(request.url).host !== base.host) outside.push(request.url);
      requests.set(requestId, { url: request.url, bytes: 0, status: null, coding: null, done: false });
    });
    cdp.on("Network.responseReceived", ({ requestId, response }) => {
      const r = requests.get(requestId);
      if (!r) return;
      r.status = response.status;
      const headers = Object.fromEntries(Object.entries(response.headers).map(([k, v]) => [k.toLowerCase(), v]));
      r.coding = headers["content-encoding"] ?? "identity";
    });
    cdp.on("Network.loadingFinished", ({ requestId, encodedDataLength }) => {
      const r = requests.get(requestId);
      if (r) Object.assign(r, { bytes: encodedDataLength, done: true });
    });
    cdp.on("Network.loadingFailed", ({ requestId }) => {
      const r = requests.get(requestId);
      if (r) r.done = true;
    });
    const response = await page.goto(new URL(path, base).href, { waitUntil: "load" });
    await page.waitForLoadState("networkidle");
    const timing = await page.evaluate(() => {
      const nav = performance.getEntriesByType("navigation")[0];
      const resources = performance.getEntriesByType("resource");
      const fcp = performance.getEntriesByType("paint").find((p) => p.name === "first-contentful-paint");
      const sum = (key) => [nav, ...resources].reduce((n, e) => n + (e?.[key] ?? 0), 0);
      return {
        ttfb: nav ? nav.responseStart - nav.startTime : null,
        dcl: nav ? nav.domContentLoadedEventEnd - nav.startTime : null,
        load: nav ? nav.loadEventEnd - nav.startTime : null,
        fcp: fcp ? fcp.startTime : null,
        bodies: sum("encodedBodySize"),
        decoded: sum("decodedBodySize"),
        entries: 1 + resources.length,
      };
    });
    const all = [...requests.values()];
    return {
      status: response?.status() ?? null,
      requests: all.length,
      transferred: all.reduce((n, r) => n + r.bytes, 0),
      codings: [...new Set(all.map((r) => r.coding).filter(Boolean))].sort(),
      failed: all.filter((r) => r.status >= 400).map((r) => `${r.status} ${new URL(r.url).pathname}`),
      unfinished: all.filter((r) => !r.done).map((r) => r.url),
      outside,
      ...timing,
    };
  } finally {
    await context.close();
  }
}
