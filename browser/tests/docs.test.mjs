// The docs page (/docs/, Swagger UI) in a real browser, served under a host name other than
// localhost: it renders every operation of the spec, and asks nothing of any other host
// (Swagger UI's default validator would send the spec's address to validator.swagger.io).
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { test } from "node:test";

import { base, eventually, guardedPage, onLoopback, sharedBrowser } from "../lib/harness.mjs";

const docs = new URL("/docs/", base).href;
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

const browser = sharedBrowser();

/** The spec the page documents, fetched from Node, and its number of operations. */
async function operations() {
  const res = await fetch(onLoopback("/docs/openapi.json"));
  assert.equal(res.status, 200);
  const spec = await res.json();
  return Object.values(spec.paths).flatMap((item) =>
    METHODS.filter((m) => item[m]).map((m) => item[m]),
  ).length;
}

test("the docs page renders every operation and asks no other host for anything", async () => {
  const { context, page, outside, problems } = await guardedPage(browser());
  try {
    const expected = await operations();
    await page.goto(docs, { waitUntil: "networkidle" });
    await page.locator(".opblock").first().waitFor({ timeout: 15_000 });
    assert.match(await page.locator(".info .title").innerText(), /Durand/);
    assert.equal(await page.locator(".opblock").count(), expected);
    // For a person to look at: browser/out/docs.png.
    await mkdir(new URL("../out/", import.meta.url), { recursive: true });
    await page.screenshot({ path: new URL("../out/docs.png", import.meta.url).pathname });
    // An operation opens, with its parameters and a "Try it out" button.
    await page.locator(".opblock-summary").first().click();
    await page.locator(".opblock .try-out button").first().waitFor({ timeout: 5_000 });
    // Whatever the page does after it has rendered (the validator badge comes last) has
    // had time to happen.
    await page.waitForLoadState("networkidle");
    await page.waitForTimeout(500);
    assert.deepEqual(outside, [], "requests to other hosts");
    assert.deepEqual(problems, [], "console errors, exceptions or failed requests");
  } finally {
    await context.close();
  }
});

test("the guard catches the validator request a default Swagger UI makes", async () => {
  // The same page with `validatorUrl: "none"` taken out of its configuration: if the guard
  // did not see the request this makes, the test above would prove nothing.
  const { context, page, outside } = await guardedPage(browser());
  try {
    let removed = false;
    await page.route("**/docs/swagger-initializer.js", async (route) => {
      const res = await fetch(onLoopback(route.request().url()));
      const script = await res.text();
      const stripped = script.replace(/"validatorUrl"\s*:\s*"none"\s*,?/, "");
      removed = stripped !== script;
      await route.fulfill({
        status: res.status,
        contentType: res.headers.get("content-type") ?? "application/javascript",
        body: stripped,
      });
    });
    await page.goto(docs, { waitUntil: "networkidle" });
    assert.ok(removed, "the served configuration sets validatorUrl: none");
    const seen = await eventually(() =>
      outside.some((url) => new URL(url).hostname === "validator.swagger.io"),
    );
    assert.ok(seen, `no request to validator.swagger.io was caught: ${JSON.stringify(outside)}`);
  } finally {
    await context.close();
  }
});
