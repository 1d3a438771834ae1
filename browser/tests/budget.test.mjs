// Issue 15's byte budget, checked in CI: the home page, with everything it loads (the map
// included), weighs under 200 KB over the wire, as a reader's browser asks for it. Bytes
// only: no test fails on a wall-clock time (`make budget` prints the times, and the weights
// of the other pages).
import assert from "node:assert/strict";
import { test } from "node:test";

import { sharedBrowser } from "../lib/harness.mjs";
import { BUDGET, measureLoad } from "../lib/weight.mjs";

const browser = sharedBrowser();

test("the home page weighs under 200 KB with everything it loads", async () => {
  const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
  for (const encoding of ["compressed", "identity"]) {
    const m = await measureLoad(browser(), "/", { encoding });
    console.log(
      `budget: / (${encoding}): ${kb(m.transferred)} in ${m.requests} requests ` +
        `(bodies ${kb(m.bodies)}, ${kb(m.decoded)} decoded; codings ${m.codings.join(", ")})`,
    );
    assert.equal(m.status, 200);
    assert.deepEqual(m.outside, [], "requests to other hosts");
    assert.deepEqual(m.unfinished, [], "requests still open once the network was idle");
    // It measured the page and what it loads: the document and the pages' script at least.
    assert.ok(m.requests >= 2, `${m.requests} requests`);
    assert.ok(m.transferred > m.bodies && m.bodies > 0, `${m.transferred} bytes with headers, ${m.bodies} of bodies`);
    if (encoding === "compressed") {
      assert.ok(m.codings.some((c) => c !== "identity"), "compressed answers");
      assert.ok(
        m.transferred < BUDGET.weightBytes,
        `/ weighs ${kb(m.transferred)} over the wire, over the ${kb(BUDGET.weightBytes)} budget`,
      );
    } else {
      assert.deepEqual(m.codings, ["identity"]);
    }
  }
});
