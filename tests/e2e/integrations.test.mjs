// Integrations, as owners manage them through the staff API: webhook endpoints whose addresses
// are checked when saved (public https on 443 only), a secret shown once and rotatable, on/off,
// removal, the audit log. (Deliveries themselves are the next step of the integrations issue.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { EDGE, STAFF, fetchAgain } from "./helpers.mjs";

async function staff(path, key = STAFF.owner, init = {}) {
  const res = await fetchAgain(`${EDGE}/api/v1/campaigns/demo/staff${path}`, {
    ...init, headers: { Authorization: `Bearer ${key}`, ...(init.body ? { "Content-Type": "application/json" } : {}) },
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}
const save = (body, path = "/endpoints", method = "POST") => staff(path, STAFF.owner, { method, body: JSON.stringify(body) });

test("unsafe webhook addresses are refused beside the field, each with its reason", async () => {
  const cases = [
    ["http://crm.example.org/hook", /must start with https:\/\//],
    ["https://localhost/hook", /must be a public address/],
    ["https://10.0.0.1/hook", /must be a public address/],
    ["https://169.254.169.254/latest/meta-data/", /must be a public address/],
    ["https://[::1]/hook", /must be a public address/],
    ["https://crm.example.org:8443/hook", /standard https port \(443\)/],
    ["https://user:secret@crm.example.org/hook", /user name or password/],
  ];
  for (const [url, reason] of cases) {
    const res = await save({ url, events: ["signature.created"], enabled: true });
    assert.equal(res.status, 422, url);
    assert.deepEqual([res.body.error.field, res.body.error.code], ["url", "invalid_value"], url);
    assert.match(res.body.error.message, reason, url);
  }
  const both = await save({ url: "", events: ["signature.deleted"] });
  assert.deepEqual(both.body.errors.map((e) => [e.field, e.code]), [["url", "required"], ["events", "invalid_value"]]);
});

test("an owner adds an endpoint (secret shown once), rotates its secret, turns it off and removes it; others may not", async () => {
  const created = await save({ url: "https://crm.example.org/hooks/rally", events: ["supporter.erased", "signature.created"], enabled: true });
  assert.equal(created.status, 201);
  assert.match(created.body.secret, /^whsec_[0-9a-f]{64}$/);
  const { id } = created.body.endpoint;
  assert.deepEqual(created.body.endpoint.events, ["signature.created", "supporter.erased"]);
  const listed = (await staff("/endpoints")).body.find((e) => e.id === id);
  assert.equal(listed.url, "https://crm.example.org/hooks/rally");
  assert.ok(!JSON.stringify(listed).includes("whsec_"), "the secret is never shown again");

  const rotated = await staff(`/endpoints/${id}/rotate`, STAFF.owner, { method: "POST" });
  assert.equal(rotated.status, 200);
  assert.notEqual(rotated.body.secret, created.body.secret);
  const grace = rotated.body.endpoint.previous_secret_until - Date.now();
  assert.ok(grace > 23 * 3_600_000 && grace <= 24 * 3_600_000, `the old secret signs for a day (${grace} ms)`);

  const off = await save({ url: "https://crm.example.org/hooks/rally", events: ["signature.created"], enabled: false }, `/endpoints/${id}`, "PUT");
  assert.deepEqual([off.status, off.body.enabled, off.body.events], [200, false, ["signature.created"]]);
  assert.equal((await staff("/endpoints", STAFF.moderator)).status, 403, "owners only");
  assert.equal((await staff(`/endpoints/${id}`, STAFF.owner, { method: "DELETE" })).status, 204);
  assert.equal((await staff(`/endpoints/${id}`, STAFF.owner, { method: "DELETE" })).status, 404);
  const audit = (await staff("/audit")).body.map((a) => a.action);
  for (const action of ["endpoint_create", "endpoint_rotate", "endpoint_update", "endpoint_delete"]) {
    assert.ok(audit.includes(action), action);
  }
});

// Deliveries. The receiver is a real HTTP server in this test, on loopback (which test edges
// admit through their local-only WEBHOOKS_ALLOW_LOOPBACK): it checks every Rally-Signature and
// counts deliveries by event id, and can be told to fail.
import { createServer } from "node:http";
import { createHmac, timingSafeEqual } from "node:crypto";
import { person, sign, cron, eventually } from "./helpers.mjs";

/** A receiver: `fail(event)` returns a status to answer instead of 200 (or nothing). */
function receiver(fail = () => null) {
  const got = [];
  const tries = new Map();
  const secrets = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => { body += d; });
    req.on("end", () => {
      const header = req.headers["rally-signature"] ?? "";
      const t = /t=(\d+)/.exec(header)?.[1];
      const given = [...header.matchAll(/v1=([0-9a-f]{64})/g)].map((m) => Buffer.from(m[1], "hex"));
      const valid = secrets.some((s) => {
        const want = createHmac("sha256", s).update(`${t}.${body}`).digest();
        return given.some((g) => g.length === want.length && timingSafeEqual(g, want));
      });
      const event = JSON.parse(body);
      const n = (tries.get(event.id) ?? 0) + 1;
      tries.set(event.id, n);
      const status = fail(event, n) ?? 200;
      got.push({ event, valid, status, header, raw: body });
      res.writeHead(status, { "Content-Type": "text/plain" }).end(status === 200 ? "ok" : `no (${status})`);
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () =>
    resolve({ url: `http://127.0.0.1:${server.address().port}/hook`, got, tries, secrets, close: () => server.close() })));
}

const hooks = (path, init = {}) => staffOf("e2e-hooks", STAFF.hooksOwner)(path, init);
function staffOf(campaign, key) {
  return async (path, init = {}) => {
    const res = await fetchAgain(`${EDGE}/api/v1/campaigns/${campaign}/staff${path}`, {
      ...init, headers: { Authorization: `Bearer ${key}`, ...(init.body ? { "Content-Type": "application/json" } : {}) },
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
}
async function endpoint(url, events) {
  const res = await hooks("/endpoints", { method: "POST", body: JSON.stringify({ url, events, enabled: true }) });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}
const acked = (r) => r.got.filter((g) => g.status === 200);

test("200 signatures reach a receiver signed and exactly once each, though it fails some 3 times first", { timeout: 180_000 }, async () => {
  // Every 5th event (by id) is refused three times before it is taken.
  const r = await receiver((event, n) => (Number(event.id.slice(4)) % 5 === 0 && n <= 3 ? 500 : null));
  try {
    const { endpoint: ep, secret } = await endpoint(r.url, ["signature.created"]);
    r.secrets.push(secret);
    const people = Array.from({ length: 200 }, () => person());
    for (let i = 0; i < people.length; i += 10) {
      const answers = await Promise.all(people.slice(i, i + 10).map((p) => sign("hooks", p, { campaign: "e2e-hooks" })));
      assert.deepEqual(answers.map((a) => a.status), answers.map(() => 201));
    }
    await eventually(async () => { await cron(); return new Set(acked(r).map((g) => g.event.id)).size; }, (n) => n === 200, 120_000);
    await cron();
    await new Promise((res) => setTimeout(res, 1500));
    const ids = acked(r).map((g) => g.event.id);
    assert.equal(ids.length, 200, "no event acknowledged twice");
    assert.ok(r.got.every((g) => g.valid), "every delivery carries a valid signature");
    assert.ok(r.got.some((g) => g.status === 500), "the receiver did refuse some");
    const emails = new Set(acked(r).map((g) => g.event.data["osdi:signature"].person.email_addresses[0].address));
    assert.deepEqual([...emails].sort(), people.map((p) => p.email).sort());
    const one = acked(r)[0].event;
    assert.equal(one.type, "signature.created");
    assert.equal(one.campaign, "e2e-hooks");
    assert.deepEqual(one.data.petition, { slug: "hooks", title: "Hooked petition" });
    assert.ok("referrer_data" in one.data["osdi:signature"]);
    const log = (await hooks(`/endpoints/${ep.id}/deliveries`)).body;
    assert.ok(log.every((d) => d.status === "sent" && d.last_status === 200), JSON.stringify(log.find((d) => d.status !== "sent")));
    assert.ok(log.some((d) => d.attempts === 4), "a delivery refused three times took four attempts");
    assert.equal((await hooks(`/endpoints/${ep.id}`, { method: "DELETE" })).status, 204, "an endpoint with deliveries can be removed");
  } finally {
    r.close();
  }
});

test("a receiver down for longer sees retries, then a dead delivery that a redeliver sends; erasure follows the signature; a rotated secret signs", { timeout: 120_000 }, async () => {
  let down = true;
  const r = await receiver(() => (down ? 503 : null));
  try {
    const { endpoint: ep, secret } = await endpoint(r.url, ["signature.created", "supporter.erased"]);
    r.secrets.push(secret);
    const who = person();
    assert.equal((await sign("hooks", who, { campaign: "e2e-hooks" })).status, 201);
    const dead = await eventually(async () => { await cron(); return (await hooks(`/endpoints/${ep.id}/deliveries`)).body; },
      (log) => log.length === 1 && log[0].status === "failed", 60_000);
    assert.deepEqual([dead[0].attempts, dead[0].last_status, dead[0].response], [4, 503, "no (503)"]);
    assert.equal(r.got.length, 4, "four attempts, all refused");

    down = false;
    const again = await hooks(`/endpoints/${ep.id}/redeliver`, { method: "POST", body: "{}" });
    assert.deepEqual([again.status, again.body.count], [202, 1]);
    await eventually(async () => { await cron(); return acked(r).length; }, (n) => n === 1, 30_000);
    assert.equal(acked(r)[0].event.id, `evt_${dead[0].id}`, "the same event id");

    // A rotated secret: deliveries verify with the new one.
    const rotated = await hooks(`/endpoints/${ep.id}/rotate`, { method: "POST" });
    r.secrets.length = 0;
    r.secrets.push(rotated.body.secret);
    // Erasure: after the signature it erases, carrying the Rally id and nothing personal.
    const [{ id }] = (await hooks(`/supporters?q=${encodeURIComponent(who.email)}`)).body;
    assert.equal((await hooks(`/supporters/${id}`, { method: "DELETE" })).status, 200);
    await eventually(async () => { await cron(); return acked(r).length; }, (n) => n === 2, 30_000);
    const erased = acked(r)[1];
    assert.equal(erased.event.type, "supporter.erased");
    assert.deepEqual(erased.event.data, { person: { identifiers: [`rally:supporter-${id}`] } });
    assert.ok(erased.valid, "signed with the new secret");
    // Within the day's grace the old secret signs too, so a receiver not yet switched over
    // still verifies it.
    const t = /t=(\d+)/.exec(erased.header)[1];
    const old = createHmac("sha256", secret).update(`${t}.${erased.raw}`).digest("hex");
    const v1s = [...erased.header.matchAll(/v1=([0-9a-f]{64})/g)].map((m) => m[1]);
    assert.equal(v1s.length, 2, "two signatures during the grace");
    assert.ok(v1s.includes(old), "the old secret verifies too");
    assert.ok(!JSON.stringify(erased.event).includes(who.email));
  } finally {
    r.close();
  }
});

import { launch, dashboardAs } from "./helpers.mjs";

test("the dashboard's Integrations tab: an unsafe address refused beside the field; an endpoint added, its secret shown once, removed", async () => {
  const browser = await launch();
  try {
    const { context, page: p } = await dashboardAs(browser, STAFF.hooksOwner);
    await p.locator("nav button", { hasText: "Integrations" }).click();
    await p.locator("#ep-url").fill("https://169.254.169.254/latest/meta-data/");
    await p.getByLabel("A petition is signed").check();
    await p.locator("button[type=submit]", { hasText: "Add endpoint" }).click();
    await p.locator("#ep-url-error").waitFor();
    assert.match(await p.locator("#ep-url-error").textContent(), /must be a public address/);
    assert.equal(await p.locator("#ep-url").getAttribute("aria-invalid"), "true");

    await p.locator("#ep-url").fill("https://crm.example.org/hooks/dashboard");
    await p.locator("button[type=submit]", { hasText: "Add endpoint" }).click();
    await p.locator("#ep-secret").waitFor();
    assert.match(await p.locator("#ep-secret").inputValue(), /^whsec_[0-9a-f]{64}$/);
    const row = p.locator("table.endpoints tr", { hasText: "https://crm.example.org/hooks/dashboard" });
    await row.waitFor();
    assert.match(await row.textContent(), /A petition is signed/);
    await row.locator("button.remove").click();
    await row.waitFor({ state: "detached" });
    await context.close();
  } finally {
    await browser.close();
  }
});

test("a supporter's change, a report and a published fact-check reach the endpoints that asked for them", { timeout: 60_000 }, async () => {
  const r = await receiver();
  try {
    const { endpoint: ep, secret } = await endpoint(r.url, ["supporter.updated", "report.created", "claim.published"]);
    r.secrets.push(secret);
    const who = person();
    const signed = await sign("hooks", who, { campaign: "e2e-hooks" });
    const me = await fetchAgain(`${EDGE}/api/v1/campaigns/e2e-hooks/me`, {
      method: "PATCH", headers: { Authorization: `Bearer ${signed.body.supporter_token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ listed: false }),
    });
    assert.equal(me.status, 200, await me.text());
    const word = `hk${Date.now().toString(36).replace(/\d/g, (d) => "abcdefghij"[Number(d)])}`;
    const report = await fetchAgain(`${EDGE}/api/v1/campaigns/e2e-hooks/reports`, {
      method: "POST", headers: { "Content-Type": "application/json", "CF-Connecting-IP": "203.0.113.77" },
      body: JSON.stringify({ claim: `The ${word} river ${word}x is poisoned ${word}y`, seen_on: "whatsapp" }),
    }).then((x) => x.json());
    const published = await hooks(`/claims/${report.claim_id}`, { method: "PATCH", body: JSON.stringify({
      status: "published", verdict: "false", explanation: "The water board's tests are clean." }) });
    assert.equal(published.status, 200, JSON.stringify(published.body));
    await eventually(async () => { await cron(); return acked(r).length; }, (n) => n === 3, 30_000);
    const byType = Object.fromEntries(acked(r).map((g) => [g.event.type, g.event]));
    const reported = byType["report.created"].data.report;
    assert.equal(reported.text, `The ${word} river ${word}x is poisoned ${word}y`);
    assert.deepEqual([reported.seen_on, reported.claim.id], ["whatsapp", report.claim_id]);
    assert.match(reported.identifiers[0], /^rally:report-\d+$/);
    assert.equal(byType["supporter.updated"].data.person.email_addresses[0].address, who.email);
    assert.deepEqual(byType["claim.published"].data.claim, {
      id: report.claim_id, text: `The ${word} river ${word}x is poisoned ${word}y`, verdict: "false",
      explanation: "The water board's tests are clean." });
    assert.ok(acked(r).every((g) => g.valid));
    await hooks(`/endpoints/${ep.id}`, { method: "DELETE" });
  } finally {
    r.close();
  }
});
