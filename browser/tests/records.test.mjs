// The pages of single records (/claims/{id}, /actors/{id}, /incidents/{id}) in a real
// browser: reached from the home page, linked to each other both ways, their version selector
// working without help from script, and no serious or critical axe violation on any of them.
import assert from "node:assert/strict";
import { test } from "node:test";

import { artifacts, base, guardedPage, onLoopback, seriousViolations, sharedBrowser } from "../lib/harness.mjs";

const browser = sharedBrowser();

/** The data of a read of the API, over the loopback. */
async function api(path) {
  const res = await fetch(onLoopback(path));
  assert.equal(res.status, 200, path);
  return (await res.json()).data;
}

/** Runs `body(page)` on a guarded page, then checks that nothing left the machine and
 * nothing failed. */
async function guarded(body) {
  const { context, page, outside, problems } = await guardedPage(browser());
  try {
    await body(page);
    assert.deepEqual(outside, [], "requests to other hosts");
    assert.deepEqual(problems, [], "console errors, exceptions or failed requests");
  } finally {
    await context.close();
  }
}

test("a claim's page is reached from the home page, and its contradiction's page links back", async () => {
  await guarded(async (page) => {
    await page.goto(new URL("/", base).href, { waitUntil: "networkidle" });
    const claim = page.locator("details.claim", { has: page.locator("[data-contradiction]") }).first();
    const id = (await claim.getAttribute("id")).replace(/^claim-/, "");
    await claim.locator("summary").click();
    await claim.locator(`a[href="/claims/${id}"]`).click();
    await page.waitForURL(`**/claims/${id}`);
    // The sentence to print, and the claim's own words marked as quotes.
    const record = await (await fetch(onLoopback(`/v1/claims/${id}`))).json();
    assert.equal(await page.locator("#attribution").innerText(), record.attribution);
    assert.equal(await page.locator("h1").count(), 1);
    const other = await page.locator("[data-contradiction]").first().getAttribute("data-contradiction");
    await page.locator("[data-contradiction]").first().click();
    await page.waitForURL(`**/claims/${other}`);
    assert.equal(await page.locator(`a[href="/claims/${id}"]`).count(), 1, "linked back");
  });
});

test("the version selector shows a record as it was, and back at the latest", async () => {
  await guarded(async (page) => {
    await page.goto(new URL("/actors/pakistan", base).href, { waitUntil: "networkidle" });
    assert.equal(await page.getByText("As it was at dataset version").count(), 0);
    const version = String((await (await fetch(onLoopback("/v1/dataset"))).json()).version);
    await page.selectOption("#as-of", version);
    await page.getByRole("button", { name: "Show" }).click();
    await page.waitForURL(`**/actors/pakistan?as_of=${version}`);
    assert.equal(await page.getByText(`As it was at dataset version ${version}`).count(), 1);
    assert.equal(await page.locator("#as-of").inputValue(), version, "the version shown is selected");
    await page.selectOption("#as-of", "");
    await page.getByRole("button", { name: "Show" }).click();
    await page.waitForURL((url) => url.pathname === "/actors/pakistan" && url.search === "");
    assert.equal(await page.getByText("As it was at dataset version").count(), 0);
  });
});

test("every kind of record page has no serious or critical accessibility violation", async () => {
  const [claim] = await api("/v1/claims?status=disputed&limit=1");
  const placed = (await api("/v1/incidents?limit=100")).find((i) => i.locations.some((l) => l.according_to));
  assert.ok(placed, "an incident placed by one party's claim");
  const pages = {
    claim: `/claims/${claim.id}`,
    actor: "/actors/pakistan",
    incident: `/incidents/${placed.id}`,
  };
  for (const [name, path] of Object.entries(pages)) {
    await guarded(async (page) => {
      await page.goto(new URL(path, base).href, { waitUntil: "networkidle" });
      assert.deepEqual(await seriousViolations(page), [], path);
      await page.screenshot({ path: new URL(`record-${name}.png`, artifacts).pathname, fullPage: true });
    });
  }
});
