// One named test per fixed bug, saying what broke (as in ripgrep's tests/regression.rs).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { EDGE, launch, newContext, hostPage, page, person, fillForm, countShown, d1 } from "./helpers.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const storedIn = (campaign, petition) => d1(`SELECT p.signature_count AS n FROM petitions p
  JOIN campaigns c ON c.id = p.campaign_id WHERE c.slug = '${campaign}' AND p.slug = '${petition}'`)[0].n;

// Issue 10: the edge decided a route was a staff route by finding `/staff` in the path, so a
// petition or campaign whose slug is `staff` was served without CORS and its signing preflight
// was refused: the widget could neither load nor sign on any campaign site. `session` is the
// other word of the staff API's paths.
for (const [campaign, petition] of [["demo", "staff"], ["staff", "staff"], ["staff", "session"], ["session", "session"]]) {
  test(`a petition '${petition}' of campaign '${campaign}' loads, signs and counts on another site`, async () => {
    const api = `${EDGE}/api/v1/campaigns/${campaign}/petitions/${petition}`;
    const pre = await fetch(`${api}/signatures`, {
      method: "OPTIONS",
      headers: { Origin: "https://campaign.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,idempotency-key" },
    });
    assert.equal(pre.status, 204, "the signing preflight is answered");
    assert.equal(pre.headers.get("access-control-allow-origin"), "*");
    assert.match(pre.headers.get("access-control-allow-methods"), /POST/);
    const got = await fetch(api, { headers: { Origin: "https://campaign.example" } });
    assert.equal(got.status, 200);
    assert.equal(got.headers.get("access-control-allow-origin"), "*", "the public view carries CORS");

    const before = storedIn(campaign, petition);
    const context = await newContext(browser, { locale: "en-US" });
    const url = await hostPage(context, page(`<script async src="${EDGE}/embed.js" data-widget="petition"
      data-campaign="${campaign}" data-petition="${petition}"></script>`));
    const p = await context.newPage();
    await p.goto(url);
    await p.locator(".count strong").waitFor();
    assert.equal(await countShown(p), before, "the widget loaded the count");
    await fillForm(p, person());
    await p.locator("button[type=submit]").click();
    await p.locator(".thanks h3").waitFor();
    assert.equal(await countShown(p), before + 1, "the widget shows the new count");
    assert.equal(storedIn(campaign, petition), before + 1, "and D1 counted the signature");
    await context.close();
  });
}

test("the staff routes of a campaign called 'staff' are still staff routes", async () => {
  const pre = await fetch(`${EDGE}/api/v1/campaigns/staff/staff/overview`, {
    method: "OPTIONS", headers: { Origin: "https://evil.example", "Access-Control-Request-Method": "GET" },
  });
  assert.equal(pre.status, 403, "a cross-site preflight of a staff route is refused");
  assert.equal(pre.headers.get("access-control-allow-origin"), null);
  const res = await fetch(`${EDGE}/api/v1/campaigns/staff/staff/overview`, { headers: { Origin: "https://evil.example" } });
  assert.equal(res.status, 401);
  assert.equal(res.headers.get("access-control-allow-origin"), null, "no CORS on staff answers");
});
