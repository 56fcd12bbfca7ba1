// Turnstile, end to end on the edge: an owner turns it on for the campaign; then every public
// write (a signature, a commitment, a report, a team started or joined) is refused without a
// token, refused with a failed or spent one, and accepted with a good one; nothing is written
// before the check passes. In the browser, the petition widget draws the check in its form
// and sends its token.
//
// STAND-IN: these machines cannot reach challenges.cloudflare.com, so a small HTTP server in
// this test stands in for Turnstile's siteverify API
// (https://developers.cloudflare.com/turnstile/get-started/server-side-validation/). It checks
// what that page requires of a request (a POST with `secret` and `response`; `remoteip`; an
// optional UUID `idempotency_key`) and answers as Cloudflare's documented test secret keys do
// (https://developers.cloudflare.com/turnstile/troubleshooting/testing/): `1x…AA` always
// passes, `2x…AA` always fails, `3x…AA` answers "token already spent"; no `response` answers
// `missing-input-response`. Test edges send siteverify requests to it through
// TURNSTILE_VERIFY_URL (`cargo xtask test` passes its port).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { EDGE, STAFF, person, sign, fetchAgain, campaignApi, d1, freshIp, eventually, launch, newContext, hostPage, page, fillForm, interactive, dashboardAs } from "./helpers.mjs";

const PORT = Number(process.env.RALLY_ACTION_NETWORK_PORT); // the edge's stand-in port for third parties
const C = "e2e-turnstile";
const call = campaignApi(C);
const SITE_KEY = "1x00000000000000000000AA"; // Cloudflare's test site key: always passes
const SECRET = {
  pass: "1x0000000000000000000000000000000AA",
  fail: "2x0000000000000000000000000000000AA",
  spent: "3x0000000000000000000000000000000AA",
};
const TOKEN = "XXXX.DUMMY.TOKEN.XXXX"; // what the test site keys hand the browser
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let siteverify;
before(async () => {
  siteverify = await standIn();
});
after(async () => {
  await staff("/turnstile", { method: "PUT", body: JSON.stringify({ enabled: false, site_key: SITE_KEY }) });
  await siteverify.close();
});

function standIn() {
  const requests = [];
  const server = createServer((req, res) => {
    let raw = "";
    req.on("data", (d) => { raw += d; });
    req.on("end", () => {
      const reply = (status, body) => res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(body));
      if (req.method !== "POST" || req.url !== "/turnstile/v0/siteverify") return reply(404, { success: false, "error-codes": ["bad-request"] });
      let body = {};
      try {
        body = String(req.headers["content-type"]).startsWith("application/json")
          ? JSON.parse(raw) : Object.fromEntries(new URLSearchParams(raw));
      } catch {
        return reply(400, { success: false, "error-codes": ["bad-request"] });
      }
      requests.push(body);
      const no = (code) => reply(200, { success: false, "error-codes": [code], messages: [] });
      if (!body.secret) return no("missing-input-secret");
      if (!body.response) return no("missing-input-response");
      if (body.idempotency_key !== undefined && !UUID.test(body.idempotency_key)) return no("bad-request");
      if (body.secret === SECRET.pass) {
        return reply(200, { success: true, "error-codes": [], challenge_ts: new Date().toISOString(), hostname: "example.com", action: "", cdata: "" });
      }
      if (body.secret === SECRET.fail) return no("invalid-input-response");
      if (body.secret === SECRET.spent) return no("timeout-or-duplicate");
      return no("invalid-input-secret");
    });
  });
  return new Promise((resolve, reject) => {
    server.on("error", reject);
    server.listen(PORT, "127.0.0.1", () => resolve({ requests, close: () => new Promise((r) => server.close(r)) }));
  });
}

async function staff(path, init = {}, key = STAFF.turnstileOwner) {
  const res = await fetchAgain(`${EDGE}/api/v1/campaigns/${C}/staff${path}`, {
    ...init, headers: { Authorization: `Bearer ${key}`, ...(init.body ? { "Content-Type": "application/json" } : {}) },
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}
const turnOn = (secret) => staff("/turnstile", { method: "PUT", body: JSON.stringify({ enabled: true, site_key: SITE_KEY, secret }) });

/** A JSON POST to the campaign's public API, with an optional token in `turnstile`. */
async function post(path, body, { token, bearer, key = `ts-${Date.now()}-${Math.random().toString(36).slice(2, 10)}`, ip = freshIp() } = {}) {
  const headers = { "Content-Type": "application/json", "CF-Connecting-IP": ip, "Idempotency-Key": key };
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  const res = await fetchAgain(`${EDGE}/api/v1/campaigns/${C}${path}`, {
    method: "POST", headers, body: JSON.stringify(token === undefined ? body : { ...body, turnstile: token }),
  });
  return { status: res.status, body: await res.json() };
}

const count = (table, slug) => d1(`SELECT ${table === "petitions" ? "signature_count" : "commitment_count"} AS n FROM ${table} WHERE slug = '${slug}'`)[0].n;
const reports = (word) => d1(`SELECT COUNT(*) AS n FROM reports WHERE claim LIKE '%${word}%'`)[0].n;

/** The protected writes: `[what, write(token), stored()]`, `stored` counting what it writes. */
function writes(starter, joiner, invite) {
  const word = `ts${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  return [
    ["a signature", (token) => post("/petitions/guarded/signatures", person(), { token }), () => count("petitions", "guarded")],
    ["a commitment", (token) => post("/pledges/guarded-pledge/commitments", { ...person(), reminder: false }, { token }),
      () => count("pledges", "guarded-pledge")],
    ["a report", (token) => post("/reports", { claim: `rumour ${word}`, seen_on: "whatsapp" }, { token }), () => reports(word)],
    ["a team started", (token) => post("/teams", { name: `Team ${word}` }, { token, bearer: starter() }),
      () => d1(`SELECT COUNT(*) AS n FROM teams WHERE name LIKE '%${word}%'`)[0].n],
    ["a team joined", (token) => post("/teams/join", { invite: invite() }, { token, bearer: joiner() }),
      () => d1(`SELECT COUNT(*) AS n FROM supporters s JOIN campaigns c ON c.id = s.campaign_id WHERE c.slug = '${C}' AND s.team_id IS NOT NULL`)[0].n],
  ];
}

test("the stand-in's port is given", () => {
  assert.ok(PORT > 0, "RALLY_ACTION_NETWORK_PORT must name the port test edges send siteverify requests to");
});

test("only owners set Turnstile; drafts are refused beside their fields; the secret never comes back", async () => {
  const stored = (await staff("/turnstile")).body.configured; // a rerun on one state has a secret
  const none = await staff("/turnstile", { method: "PUT", body: JSON.stringify({ enabled: true }) });
  assert.equal(none.status, 422);
  assert.deepEqual(none.body.errors.map((e) => [e.field, e.code]),
    [["site_key", "required"], ...(stored ? [] : [["secret", "required"]])]);
  const bad = await staff("/turnstile", { method: "PUT", body: JSON.stringify({ enabled: true, site_key: "<script>", secret: SECRET.pass }) });
  assert.deepEqual(bad.body.errors.map((e) => [e.field, e.code]), [["site_key", "invalid_value"]]);
  const other = await staff("/turnstile", { method: "PUT", body: JSON.stringify({ enabled: true, site_key: SITE_KEY, secret: SECRET.pass }) }, STAFF.owner);
  assert.equal(other.status, 401, "another campaign's owner has no say here");
  const saved = await turnOn(SECRET.pass);
  assert.equal(saved.status, 200, JSON.stringify(saved.body));
  assert.deepEqual(saved.body, { enabled: true, site_key: SITE_KEY, configured: true, secret_hint: "00AA" });
  const [row] = d1(`SELECT turnstile_secret FROM campaigns WHERE slug = '${C}'`);
  assert.ok(row.turnstile_secret && !row.turnstile_secret.includes(SECRET.pass), "sealed at rest");
  assert.ok(!JSON.stringify((await staff("/turnstile")).body).includes(SECRET.pass));
  const kept = await staff("/turnstile", { method: "PUT", body: JSON.stringify({ enabled: true, site_key: SITE_KEY, secret: "" }) });
  assert.equal(kept.body.configured, true, "an empty secret keeps the stored one");
  const audit = d1(`SELECT action FROM staff_audit a JOIN campaigns c ON c.id = a.campaign_id WHERE c.slug = '${C}' AND action = 'turnstile_save'`);
  assert.ok(audit.length >= 2, "each save is audited");
});

test("with Turnstile on, every public write needs a good token: missing, failed and spent ones are refused, nothing written", async () => {
  // Off first: a supporter (to start and join teams) signs without a token.
  await staff("/turnstile", { method: "PUT", body: JSON.stringify({ enabled: false, site_key: SITE_KEY }) });
  const before = siteverify.requests.length;
  const leader = await sign("guarded", person(), { campaign: C });
  assert.equal(leader.status, 201, JSON.stringify(leader.body));
  const member = await sign("guarded", person(), { campaign: C });
  const starter = await sign("guarded", person(), { campaign: C });
  assert.equal(siteverify.requests.length, before, "off: siteverify is not asked");
  const team = await post("/teams", { name: `Leaders ${Date.now()}` }, { bearer: leader.body.supporter_token });
  assert.equal(team.status, 201, JSON.stringify(team.body));
  const tokens = [() => starter.body.supporter_token, () => member.body.supporter_token];
  const invite = () => team.body.invite;

  for (const [secret, status, code, words] of [
    [SECRET.fail, 403, "challenge_failed", /failed: do it again/],
    [SECRET.spent, 403, "challenge_failed", /expired or was used already/],
  ]) {
    assert.equal((await turnOn(secret)).status, 200);
    for (const [what, write, stored] of writes(...tokens, invite)) {
      const n = stored();
      const missing = await write(undefined);
      assert.equal(missing.status, 422, `${what} without a token: ${JSON.stringify(missing.body)}`);
      assert.deepEqual([missing.body.error.code, missing.body.error.field], ["required", "turnstile"], what);
      const refused = await write(TOKEN);
      assert.equal(refused.status, status, `${what} with a refused token: ${JSON.stringify(refused.body)}`);
      assert.deepEqual([refused.body.error.code, refused.body.error.field], [code, "turnstile"], what);
      assert.match(refused.body.error.message, words, what);
      assert.equal(stored(), n, `${what}: nothing written`);
    }
  }

  assert.equal((await turnOn(SECRET.pass)).status, 200);
  for (const [what, write, stored] of writes(...tokens, invite)) {
    const n = stored();
    const ok = await write(TOKEN);
    assert.ok([200, 201].includes(ok.status), `${what} with a good token: ${ok.status} ${JSON.stringify(ok.body)}`);
    assert.equal(stored(), n + 1, `${what}: written once`);
  }
});

test("siteverify gets the secret, the token, the visitor's address and a stable idempotency key, so a retry passes as the first try did", async () => {
  assert.equal((await turnOn(SECRET.pass)).status, 200);
  const key = `ts-retry-${Date.now()}`;
  const who = person();
  const before = count("petitions", "guarded");
  const first = await post("/petitions/guarded/signatures", who, { token: TOKEN, key, ip: "198.51.100.7" });
  const again = await post("/petitions/guarded/signatures", who, { token: TOKEN, key, ip: "198.51.100.7" });
  assert.equal(first.status, 201, JSON.stringify(first.body));
  assert.equal(again.status, 201, "a retry with the same key is answered as the first");
  assert.equal(count("petitions", "guarded"), before + 1, "counted once");
  const [a, b] = siteverify.requests.slice(-2);
  assert.deepEqual([a.secret, a.response, a.remoteip], [SECRET.pass, TOKEN, "198.51.100.7"]);
  assert.match(a.idempotency_key, UUID);
  assert.equal(b.idempotency_key, a.idempotency_key, "the same idempotency_key for the same request");
  const other = await post("/petitions/guarded/signatures", person(), { token: TOKEN });
  assert.equal(other.status, 201);
  assert.notEqual(siteverify.requests.at(-1).idempotency_key, a.idempotency_key, "another request, another key");
});

test("the own page refuses a signature without a token when Turnstile is on, and stores nothing", async () => {
  assert.equal((await turnOn(SECRET.pass)).status, 200);
  const before = count("petitions", "guarded");
  const who = person();
  const form = new URLSearchParams({ first_name: who.first_name, last_name: who.last_name, email: who.email,
    postal_code: who.postal_code, country: who.country, contact_consent: "yes", key: `own-${Date.now()}` });
  const res = await fetch(`${EDGE}/p/${C}/guarded`, { method: "POST", body: form, headers: { "CF-Connecting-IP": freshIp() } });
  assert.equal(res.status, 422);
  assert.match(await res.text(), /<form/, "the form again, with what was typed");
  assert.equal(count("petitions", "guarded"), before);
  form.set("cf-turnstile-response", TOKEN);
  const ok = await fetch(`${EDGE}/p/${C}/guarded`, { method: "POST", body: form, headers: { "CF-Connecting-IP": freshIp() } });
  assert.equal(ok.status, 201);
  assert.equal(count("petitions", "guarded"), before + 1);
});

// STAND-IN, in the browser: challenges.cloudflare.com cannot be reached from here, so its
// script (https://challenges.cloudflare.com/turnstile/v0/api.js) is answered by a small one that
// offers the documented explicit-rendering API (`turnstile.render(element, { sitekey,
// callback, "expired-callback" })`, `turnstile.reset(id)`) and, like Cloudflare's test site key,
// hands out the dummy token, once a checkbox it draws is ticked.
const TURNSTILE_JS = `window.turnstile = {
  n: 0, boxes: {},
  render(el, o) {
    const id = "ts" + (++this.n);
    el.innerHTML = '<label class="ts-stand-in"><input type="checkbox"> I am human (stand-in for Cloudflare Turnstile, ' + o.sitekey + ')</label>';
    const box = el.querySelector("input");
    box.addEventListener("change", () => box.checked && o.callback(${JSON.stringify(TOKEN)}));
    this.boxes[id] = box;
    return id;
  },
  reset(id) { if (this.boxes[id]) this.boxes[id].checked = false; },
  remove() {},
};`;

test("in the widget: the check is drawn in the form, a submit without it is refused beside it, with it the signature counts once", { timeout: 90_000 }, async () => {
  assert.equal((await turnOn(SECRET.pass)).status, 200);
  // The public view carries the site key once its snapshot (at most 3 s old) catches up.
  await eventually(() => fetch(`${EDGE}/api/v1/campaigns/${C}/petitions/guarded`).then((r) => r.json()), (v) => v.turnstile === SITE_KEY);
  const browser = await launch();
  try {
    const context = await newContext(browser);
    let scripts = 0;
    await context.route("https://challenges.cloudflare.com/turnstile/v0/api.js*", (route) => {
      scripts += 1;
      return route.fulfill({ status: 200, contentType: "text/javascript", body: TURNSTILE_JS });
    });
    const url = await hostPage(context, page(`<script async src="${EDGE}/embed.js" data-widget="petition" data-campaign="${C}" data-petition="guarded"></script>`));
    const p = await context.newPage();
    const errors = [];
    p.on("pageerror", (e) => errors.push(e.message));
    await p.goto(url);
    await interactive(p);
    const w = p.locator(".rally-host");
    await w.locator(".challenge .ts-stand-in").waitFor();
    assert.equal(await w.locator(".challenge .ts-stand-in").count(), 1, "one check, in the form");
    const before = count("petitions", "guarded");

    await fillForm(w, person({ first_name: "Tess" }));
    await w.locator("button[type=submit]").click();
    await w.locator("#err-turnstile").waitFor();
    assert.match(await w.locator("#err-turnstile").textContent(), /Complete the check above/);
    assert.equal(count("petitions", "guarded"), before, "nothing counted without the check");

    await w.locator(".challenge input[type=checkbox]").check();
    await w.locator("button[type=submit]").click();
    await w.locator(".thanks h3").waitFor();
    assert.equal(count("petitions", "guarded"), before + 1, "counted once");
    assert.equal(siteverify.requests.at(-1).response, TOKEN, "the widget sent the token Turnstile gave");
    assert.equal(scripts, 1, "Turnstile's script loads once");
    assert.deepEqual(errors, []);
    await context.close();
  } finally {
    await browser.close();
  }
});

test("owners set Turnstile in the dashboard: refusals beside their fields, the secret never shown again", { timeout: 60_000 }, async () => {
  const browser = await launch();
  try {
    const { context, page: p } = await dashboardAs(browser, STAFF.turnstileOwner);
    await p.locator("nav button", { hasText: "Integrations" }).click();
    const panel = p.locator("section.turnstile");
    await panel.locator("#ts-site").waitFor();
    await panel.locator("#ts-site").fill("");
    await panel.locator("#ts-enabled").check();
    await panel.locator("button[type=submit]").click();
    await panel.locator("#ts-site-error").waitFor();
    assert.equal(await panel.locator("#ts-site").getAttribute("aria-invalid"), "true");
    await panel.locator("#ts-site").fill(SITE_KEY);
    await panel.locator("#ts-secret").fill(SECRET.pass);
    await panel.locator("button[type=submit]").click();
    await panel.locator(".msg", { hasText: "Turnstile settings saved." }).waitFor();
    assert.equal(await panel.locator("#ts-secret").inputValue(), "", "the secret leaves the screen");
    assert.match(await panel.locator("#ts-secret").getAttribute("placeholder"), /ends in 00AA/);
    assert.deepEqual((await staff("/turnstile")).body, { enabled: true, site_key: SITE_KEY, configured: true, secret_hint: "00AA" });
    await context.close();
  } finally {
    await browser.close();
  }
});

test("the fact-check report and the board's team form draw the check too, and pass with it", { timeout: 90_000 }, async () => {
  assert.equal((await turnOn(SECRET.pass)).status, 200);
  await eventually(() => fetch(`${EDGE}/api/v1/campaigns/${C}/rebuttals`).then((r) => r.json()), (v) => v.turnstile === SITE_KEY);
  const browser = await launch();
  try {
    const context = await newContext(browser);
    await context.route("https://challenges.cloudflare.com/turnstile/v0/api.js*", (route) =>
      route.fulfill({ status: 200, contentType: "text/javascript", body: TURNSTILE_JS }));
    const html = [
      `<script async src="${EDGE}/embed.js" data-widget="petition" data-campaign="${C}" data-petition="guarded"></script>`,
      `<script async src="${EDGE}/embed.js" data-widget="factcheck" data-campaign="${C}"></script>`,
      `<script async src="${EDGE}/embed.js" data-widget="board" data-campaign="${C}" data-board="mobilisers"></script>`,
    ].join("");
    const url = await hostPage(context, page(html));
    const p = await context.newPage();
    const errors = [];
    p.on("pageerror", (e) => errors.push(e.message));
    await p.goto(url);
    await interactive(p);

    // A report: refused beside the check without it, stored with it.
    const fc = p.locator(".rally.factcheck");
    await fc.locator(".challenge .ts-stand-in").waitFor();
    const word = `tsw${Date.now().toString(36)}`;
    await fc.locator("#in-claim").fill(`a rumour about ${word}`);
    await fc.locator("#in-seen_on").selectOption("whatsapp");
    await fc.locator("button[type=submit]").click();
    await fc.locator("#err-turnstile").waitFor();
    assert.equal(reports(word), 0);
    await fc.locator(".challenge input[type=checkbox]").check();
    await fc.locator("button[type=submit]").click();
    await eventually(() => reports(word), (n) => n === 1, 10_000).catch(async (e) => {
      throw new Error(`${e.message}; the widget says: ${(await fc.innerText()).replace(/\s+/g, " ").slice(0, 900)}`);
    });

    // Signed (with the check), the visitor is remembered: the board offers a team, with its check.
    const pet = p.locator(".rally.petition");
    await fillForm(pet, person({ first_name: "Teo" }));
    await pet.locator(".challenge input[type=checkbox]").check();
    await pet.locator("button[type=submit]").click();
    await pet.locator(".thanks h3").waitFor();
    const board = p.locator(".rally.board");
    await board.locator("form.new-team .challenge .ts-stand-in").waitFor({ timeout: 20_000 });
    const name = `Guarded ${Date.now().toString(36)}`;
    await board.locator("#in-team").fill(name);
    await board.locator("form.new-team button[type=submit]").click();
    await board.locator(".err", { hasText: "Complete the check above" }).waitFor();
    await board.locator("form.new-team .challenge input[type=checkbox]").check();
    await board.locator("form.new-team button[type=submit]").click();
    await board.locator("#in-invite").waitFor();
    assert.equal(d1(`SELECT COUNT(*) AS n FROM teams WHERE name = '${name}'`)[0].n, 1);
    assert.deepEqual(errors, []);
    await context.close();
  } finally {
    await browser.close();
  }
});
