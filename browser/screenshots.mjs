// `make screenshots`: PNGs of the pages for the docs, in docs/screenshots/, under names that
// do not change: home.png (the first 1,400 pixels of the home page, 1280 wide),
// embed-force-light.png and embed-force-dark.png (the force-comparison embed, as a newsroom's
// iframe shows it), embed-timeline.png, claim.png (a disputed claim's whole page), actor.png
// and incident.png (the first screen of each).
//
// As alike from one run to the next as a browser allows: a fixed viewport, device scale
// factor 1, British English, UTC, reduced motion, animations stopped and the caret hidden. What
// the data says (the dataset's version and date) is what it says. Run through browser/run.sh
// (the Makefile does), which serves the pages from a fresh database loaded from the dataset.
import { mkdir, stat } from "node:fs/promises";

import { base, guardedPage, launch, onLoopback } from "./lib/harness.mjs";

const OUT = new URL("../docs/screenshots/", import.meta.url);
const EMBED = "/embed/force-comparison?actors=pakistan,afghan-taliban&metric=active_personnel&format=html";

/** Whether `path` answers 200 with HTML now (the pages built in parallel may not yet). */
async function exists(path) {
  const res = await fetch(onLoopback(path), { headers: { accept: "text/html" } });
  await res.arrayBuffer();
  return res.status === 200 && /^text\/html/.test(res.headers.get("content-type") ?? "");
}

/** The first record `path` lists (a claim, an incident), for its page's screenshot. */
async function first(path) {
  const res = await fetch(onLoopback(path));
  return res.ok ? ((await res.json()).data?.[0]?.id ?? null) : null;
}

/** What to take: name, path, the width of the window, dark or light, whole page or not. */
async function shots() {
  const claim = await first("/v1/claims?status=disputed&limit=1");
  const incident = await first("/v1/incidents?kind=air_strike&limit=1");
  return [
    { name: "home", path: "/", width: 1280, height: 1400 },
    { name: "embed-force-light", path: `${EMBED}&theme=light`, width: 640 },
    { name: "embed-force-dark", path: `${EMBED}&theme=dark`, width: 640, colorScheme: "dark" },
    { name: "embed-timeline", path: "/embed/timeline?format=html", width: 640, optional: true },
    ...(claim ? [{ name: "claim", path: `/claims/${encodeURIComponent(claim)}`, width: 1280, fullPage: true, optional: true }] : []),
    { name: "actor", path: "/actors/pakistan", width: 1280, height: 1000, optional: true },
    ...(incident ? [{ name: "incident", path: `/incidents/${encodeURIComponent(incident)}`, width: 1280, height: 1000, optional: true }] : []),
  ];
}

async function main() {
  await mkdir(OUT, { recursive: true });
  const browser = await launch();
  let failed = false;
  try {
    for (const shot of await shots()) {
      if (shot.optional && !(await exists(shot.path))) {
        console.log(`skipped ${shot.name}.png: ${shot.path} does not answer with a page yet`);
        continue;
      }
      const { context, page, outside, problems } = await guardedPage(browser, {
        locale: "en-GB",
        options: {
          viewport: { width: shot.width, height: shot.height ?? (shot.fullPage ? 800 : 400) },
          deviceScaleFactor: 1,
          reducedMotion: "reduce",
          colorScheme: shot.colorScheme ?? "light",
          timezoneId: "UTC",
        },
      });
      try {
        const response = await page.goto(new URL(shot.path, base).href, { waitUntil: "networkidle" });
        if (response?.status() !== 200) {
          console.error(`${shot.name}.png: ${shot.path} answered ${response?.status()}`);
          failed = true;
          continue;
        }
        // An embed is shot at its own height; a page at its whole length.
        const target = new URL(`${shot.name}.png`, OUT).pathname;
        if (shot.fullPage || shot.height) {
          // The whole page, or the first `height` pixels of it (the window's).
          await page.screenshot({ path: target, fullPage: Boolean(shot.fullPage), animations: "disabled", caret: "hide" });
        } else {
          // The bottom of the lowest element, and the body's own margin and padding below it.
          const height = await page.evaluate(() => {
            const body = getComputedStyle(document.body);
            const bottom = Math.max(...[...document.body.querySelectorAll("*")].map((e) => e.getBoundingClientRect().bottom));
            return Math.ceil(bottom + parseFloat(body.paddingBottom) + parseFloat(body.marginBottom));
          });
          await page.setViewportSize({ width: shot.width, height });
          await page.screenshot({ path: target, animations: "disabled", caret: "hide" });
        }
        const { size } = await stat(target);
        const { width, height } = await page.evaluate(() => ({
          width: document.documentElement.scrollWidth,
          height: document.documentElement.scrollHeight,
        }));
        console.log(`wrote docs/screenshots/${shot.name}.png (${width}x${height} px, ${(size / 1000).toFixed(1)} KB): ${shot.path}`);
        for (const p of problems) console.log(`  note: ${p}`);
        if (outside.length) {
          console.error(`  ${shot.path} asked other hosts: ${outside.join(", ")}`);
          failed = true;
        }
      } finally {
        await context.close();
      }
    }
  } finally {
    await browser.close();
  }
  if (failed) process.exit(1);
}

await main();
