// The timeline in a real browser: on / it shows the earliest and the latest dated record of the
// dataset (as the API has them), with no console error and no request leaving the machine; its
// text stays inside the drawing; and the embed passes axe-core's checks.
import assert from "node:assert/strict";
import { test } from "node:test";

import { artifacts, base, guardedPage, local, overflowing, seriousViolations, sharedBrowser } from "../lib/harness.mjs";

const browser = sharedBrowser();

/** Saves a screenshot of `target` (a page or a locator) as .ci/artifacts/<name>.png. */
async function screenshot(target, name) {
  const path = new URL(`${name}.png`, artifacts).pathname;
  await target.screenshot("goto" in target ? { path, fullPage: true } : { path });
}

/** The whole timeline as the API serves it, in its order (read from Node, on loopback). */
async function wholeTimeline() {
  const entries = [];
  let next = new URL("/v1/timeline?limit=500", local).href;
  while (next) {
    const response = await fetch(next);
    assert.equal(response.status, 200, next);
    const body = await response.json();
    entries.push(...body.data);
    next = body.links.next ? new URL(body.links.next, local).href : null;
  }
  return entries;
}

/** The earliest dated entry (the first whose start is known) and the latest (the latest known
 * end; ties: the later start, then type, then the later in the API's order). */
function ends(timeline) {
  const earliest = timeline.find((e) => e.date.start !== null);
  // Compared side by side: an open start ("") comes before any date.
  const later = (a, b) => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] > b[i];
    return true; // a tie: the later in the API's order
  };
  const key = (e) => [e.date.end, e.date.start ?? "", e.type];
  let latest = null;
  for (const e of timeline) {
    if (e.date.end === null) continue;
    if (!latest || later(key(e), key(latest))) latest = e;
  }
  return { earliest, latest };
}

test("the home page's timeline shows the earliest and the latest dated record", async () => {
  const timeline = await wholeTimeline();
  const { earliest, latest } = ends(timeline);
  assert.ok(earliest && latest, "a dated record");
  const { context, page, outside, problems } = await guardedPage(browser());
  try {
    await page.goto(new URL("/", base).href, { waitUntil: "networkidle" });
    const figure = page.locator("#when-timeline");
    for (const entry of [earliest, latest]) {
      const link = figure.locator(`a[data-entry="${entry.type}/${entry.id}"]`);
      assert.equal(await link.count(), 1, `${entry.id} drawn once`);
      assert.equal(await link.getAttribute("href"), `/${entry.type}s/${entry.id}`);
      const label = link.locator("text");
      assert.ok(await label.isVisible(), `${entry.id}'s label is visible`);
      // Its title, as the API has it (a long one is cut, and whole in the tooltip).
      const shown = (await label.textContent()).replace(/\s+/g, " ");
      const start = entry.title.slice(0, 24);
      assert.ok(shown.includes(start), `${shown} does not show ${start}`);
      assert.ok((await link.locator("title").textContent()).includes(entry.title));
    }
    // Nothing written runs out of the drawing.
    assert.deepEqual(await overflowing(figure.locator("svg")), []);
    // The script made the embed snippet's address absolute, with this page's origin.
    const snippet = await page.locator("#snippet-timeline").inputValue();
    assert.ok(snippet.includes(`src="${base.origin}/embed/timeline"`), snippet);
    await screenshot(figure, "timeline");
    assert.deepEqual(outside, [], "requests to other hosts");
    assert.deepEqual(problems, [], "console errors, exceptions or failed requests");
  } finally {
    await context.close();
  }
});

test("the timeline embed has no serious or critical accessibility violation", async () => {
  const { context, page, outside, problems } = await guardedPage(browser());
  try {
    for (const theme of ["light", "dark"]) {
      await page.goto(new URL(`/embed/timeline?format=html&theme=${theme}`, base).href, {
        waitUntil: "networkidle",
      });
      assert.deepEqual(await seriousViolations(page), [], theme);
    }
    await screenshot(page, "timeline-embed-dark");
    assert.deepEqual(outside, [], "requests to other hosts");
    assert.deepEqual(problems, [], "console errors, exceptions or failed requests");
  } finally {
    await context.close();
  }
});

test("the timeline embed's text stays inside it at the narrowest and the widest width", async () => {
  const { context, page, problems } = await guardedPage(browser());
  try {
    for (const width of [280, 1600]) {
      await page.setViewportSize({ width: width + 40, height: 900 });
      await page.goto(new URL(`/embed/timeline?format=html&width=${width}`, base).href, {
        waitUntil: "networkidle",
      });
      const svg = page.locator("svg.timeline");
      const box = await svg.boundingBox();
      assert.ok(Math.abs(box.width - width) < 1, `drawn ${box.width} wide for ${width}`);
      assert.deepEqual(await overflowing(svg), [], `at ${width}`);
      if (width === 280) await screenshot(page, "timeline-embed-narrow");
    }
    assert.deepEqual(problems, [], "console errors, exceptions or failed requests");
  } finally {
    await context.close();
  }
});
