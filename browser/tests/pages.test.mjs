// The pages for people (/) and the embeds for newsrooms in a real browser: they load with no
// console error and ask no other host for anything, show what the data says as it says it,
// pass axe-core's checks, and an embed renders inside a page of another origin.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { test } from "node:test";

import {
  artifacts,
  base,
  guardedPage,
  newsroom,
  overflowing,
  seriousViolations,
  sharedBrowser,
} from "../lib/harness.mjs";

const embed = "/embed/force-comparison?actors=pakistan,afghan-taliban&metric=active_personnel";

const browser = sharedBrowser();

/** Saves a screenshot of `page` as .ci/artifacts/<name>.png. */
async function screenshot(page, name) {
  await page.screenshot({ path: new URL(`${name}.png`, artifacts).pathname, fullPage: true });
}

test("the home page shows both personnel figures with their qualifiers and credits", async () => {
  // A reader in the United States: dates are written the American way.
  const { context, page, outside, problems } = await guardedPage(browser(), { locale: "en-US" });
  try {
    await page.goto(new URL("/", base).href, { waitUntil: "networkidle" });
    const chart = page.locator("figure#metric-active_personnel");
    // SVG text is broken into lines to fit: read it as one run of words.
    const text = (await chart.innerText()).replace(/\s+/g, " ");
    assert.match(text, /Pakistan — more than 600,000 active personnel/);
    assert.match(text, /according to the International Institute for Strategic Studies, for 2025 \(date estimated by Durand\)/);
    assert.match(text, /Afghan Taliban — 172,000 personnel/);
    assert.match(text, /in the source's own voice, undated \(reported by February 27, 2026\)/);
    // The "more than" bar is drawn open-ended: it runs on past its number.
    const moreThan = chart.locator('g[data-qualifier="more_than"] rect');
    assert.equal(await moreThan.count(), 2, "a bar and its run-on");
    // The script made the embed snippet's address absolute, with this page's origin.
    const snippet = await page.locator("#snippet-0").inputValue();
    assert.ok(snippet.includes(`src="${base.origin}/embed/force-comparison?`), snippet);
    // The map draws only the places that have a point, and lists the three that have none.
    assert.equal(await page.locator(".map svg g.place").count(), 7);
    assert.equal(await page.locator(".map .unplaced li").count(), 3);
    await screenshot(page, "home");
    assert.deepEqual(outside, [], "requests to other hosts");
    assert.deepEqual(problems, [], "console errors, exceptions or failed requests");
  } finally {
    await context.close();
  }
});

test("a click on a claim shows its contradiction, whose link opens the other claim", async () => {
  const { context, page, outside, problems } = await guardedPage(browser());
  try {
    await page.goto(new URL("/", base).href, { waitUntil: "networkidle" });
    const claim = page.locator("details.claim", { has: page.locator("[data-contradiction]") }).first();
    const link = claim.locator("[data-contradiction]").first();
    assert.equal(await link.isVisible(), false, "hidden until the claim is opened");
    await claim.locator("summary").click();
    assert.equal(await link.isVisible(), true, "the contradiction shows");
    const other = await link.getAttribute("data-contradiction");
    await link.click();
    const target = page.locator(`#claim-${other}`);
    await target.waitFor();
    assert.equal(await target.evaluate((d) => d.open), true, "the linked claim opens");
    // And it links back.
    const back = await claim.getAttribute("id");
    assert.equal(await target.locator(`a[href="#${back}"]`).count(), 1);
    await screenshot(page, "claims");
    assert.deepEqual(outside, [], "requests to other hosts");
    assert.deepEqual(problems, [], "console errors, exceptions or failed requests");
  } finally {
    await context.close();
  }
});

test("the home page has no serious or critical accessibility violation", async () => {
  const { context, page } = await guardedPage(browser());
  try {
    await page.goto(new URL("/", base).href, { waitUntil: "networkidle" });
    assert.deepEqual(await seriousViolations(page), []);
  } finally {
    await context.close();
  }
});

test("an embed renders inside an iframe on a page of another origin", async () => {
  // The newsroom's page, served from another origin (another host name and port).
  const server = createServer((_, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(
      `<!doctype html><html lang="en"><head><title>A newsroom's story</title></head><body>` +
        `<h1>Story</h1><iframe id="chart" title="Active personnel" width="100%" height="320" ` +
        `style="border:0" src="${new URL(embed, base).href}"></iframe></body></html>`,
    );
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const story = `http://${newsroom}:${server.address().port}/story`;
  const { context, page, outside, problems } = await guardedPage(browser(), {
    allow: [new URL(story).host],
  });
  try {
    await page.goto(story, { waitUntil: "networkidle" });
    const frame = page.frameLocator("#chart");
    await frame.locator("svg").waitFor({ timeout: 10_000 });
    const text = await frame.locator("body").innerText();
    assert.match(text, /more than 600,000 active personnel/);
    assert.match(text, /Source: International Institute for Strategic Studies/);
    assert.match(text, /CC BY 4\.0/);
    await screenshot(page, "embed-in-another-origin");
    const inner = page.frames().find((f) => f.url().includes("/embed/"));
    assert.ok(inner, "the embed's frame");
    assert.deepEqual(await seriousViolations(inner), []);
    assert.deepEqual(outside, [], "requests to other hosts");
    assert.deepEqual(problems, [], "console errors, exceptions or failed requests");
  } finally {
    await context.close();
    server.close();
  }
});

test("no force chart's text leaves the chart, on the page or in the narrowest embed", async () => {
  const { context, page, problems } = await guardedPage(browser());
  try {
    await page.goto(new URL("/", base).href, { waitUntil: "networkidle" });
    const charts = page.locator("svg.force-chart");
    assert.ok((await charts.count()) >= 4);
    for (let i = 0; i < (await charts.count()); i += 1) {
      assert.deepEqual(await overflowing(charts.nth(i)), [], `chart ${i} on /`);
    }
    // The longest credit there is, at the narrowest width: every word of it still shows.
    await page.setViewportSize({ width: 320, height: 900 });
    const narrow = "/embed/force-comparison?actors=pakistan,afghan-taliban&metric=combat_aircraft&width=280&format=html";
    await page.goto(new URL(narrow, base).href, { waitUntil: "networkidle" });
    const svg = page.locator("svg.force-chart");
    assert.deepEqual(await overflowing(svg), [], "at 280");
    const text = (await svg.locator("text.credit").allTextContents()).join(" ");
    assert.match(text, /according to the International Institute for Strategic Studies, for 2025 \(date estimated by Durand\)/);
    assert.deepEqual(problems, [], "console errors, exceptions or failed requests");
  } finally {
    await context.close();
  }
});
