// What every browser test shares: Debian's Chromium, launched headless with the served host
// name mapped to this machine (and every other name unresolvable), and pages that record
// whatever a Durand page must never do: ask any host but the one serving it, log a console
// error, throw, or load something from the server that fails.
import { mkdir } from "node:fs/promises";
import { after, before } from "node:test";
import { chromium } from "playwright-core";

/** The address the pages are served at, under a host name other than localhost. */
export const base = new URL(required("DURAND_BROWSER_BASE"));

/** The same server by its loopback address, for the test's own requests from Node. */
export const local = new URL(required("DURAND_BROWSER_LOCAL"));

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests with browser/run.sh`);
  return value;
}

/** The host name of a stand-in newsroom site, another origin that embeds Durand's charts. */
export const newsroom = "newsroom.test";

/** `url` (a string or URL on the served host) with the loopback address instead. */
export function onLoopback(url) {
  const u = new URL(url, base);
  u.protocol = local.protocol;
  u.host = local.host;
  return u.href;
}

/** Headless Chromium (DURAND_CHROMIUM, else /usr/bin/chromium); no browser is downloaded. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.DURAND_CHROMIUM || "/usr/bin/chromium",
    headless: true,
    // The served name reaches this machine; any other name fails to resolve, so a request the
    // guard below misses still cannot leave.
    args: [
      `--host-resolver-rules=MAP ${base.hostname} 127.0.0.1, MAP ${newsroom} 127.0.0.1, MAP * ~NOTFOUND`,
    ],
  });
}

/**
 * A new page in a new context, with its guard: `outside` lists every request (HTTP or
 * WebSocket) to another host than the served one (or those in `allow`, "host:port"), each
 * aborted before it is sent (`locale` sets the browser's language, and `Accept-Language`;
 * `options`, any other option of the new context: viewport, colorScheme, ...); `problems`
 * lists console errors, uncaught exceptions, and requests to the served host that failed or
 * answered 4xx/5xx.
 */
export async function guardedPage(browser, { allow = [], locale, options = {} } = {}) {
  const context = await browser.newContext({ ...(locale ? { locale } : {}), ...options });
  const outside = [];
  const problems = [];
  const allowed = new Set([base.host, ...allow]);
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (!allowed.has(url.host) || url.protocol !== base.protocol) {
      outside.push(url.href);
      return route.abort("blockedbyclient");
    }
    return route.continue();
  });
  const page = await context.newPage();
  page.on("websocket", (ws) => {
    if (new URL(ws.url()).host !== base.host) outside.push(ws.url());
  });
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`uncaught: ${error.message}`));
  page.on("requestfailed", (request) => {
    if (new URL(request.url()).host === base.host) {
      problems.push(`failed: ${request.url()} (${request.failure()?.errorText})`);
    }
  });
  page.on("response", (response) => {
    if (new URL(response.url()).host === base.host && response.status() >= 400) {
      problems.push(`${response.status()}: ${response.url()}`);
    }
  });
  return { context, page, outside, problems };
}

/** Waits until `check()` is true, for at most `ms` milliseconds; returns whether it became so. */
export async function eventually(check, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}

/** The axe-core accessibility checks run on `page`'s document (or `frame`): the violations
 * whose impact is serious or critical. Run through the DevTools protocol, so the page's
 * Content-Security-Policy does not stand in the way. */
export async function seriousViolations(target) {
  const { readFile } = await import("node:fs/promises");
  const source = await readFile(new URL("../node_modules/axe-core/axe.min.js", import.meta.url), "utf8");
  await target.evaluate(source);
  const results = await target.evaluate(() => globalThis.axe.run(document, { resultTypes: ["violations"] }));
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help}; ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

/** Where screenshots go: .ci/artifacts/ (CI keeps them; docs/ holds the ones in the README). */
export const artifacts = new URL("../../.ci/artifacts/", import.meta.url);

/** Every text of `svg` whose box leaves the drawing's box (more than half a pixel). */
export async function overflowing(svg) {
  return svg.evaluate((element) => {
    const frame = element.getBoundingClientRect();
    return [...element.querySelectorAll("text")]
      .filter((t) => {
        const box = t.getBoundingClientRect();
        return box.width > 0 && (box.left < frame.left - 0.5 || box.right > frame.right + 0.5);
      })
      .map((t) => t.textContent);
  });
}

/** One Chromium for a test file: launched before its tests (with .ci/artifacts/ made for
 * their screenshots) and closed after them. Call it at the top of the file; the function it
 * returns gives the browser. */
export function sharedBrowser() {
  let browser;
  before(async () => {
    browser = await launch();
    await mkdir(artifacts, { recursive: true });
  });
  after(async () => {
    await browser?.close();
  });
  return () => browser;
}
