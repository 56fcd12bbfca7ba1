// The Action Network connector, end to end: an owner stores an API key (sealed at rest) and maps
// a petition and a pledge; each signature or commitment is recorded once through the record
// signature / record attendance helper, with the person, tags and referrer data, through the
// real outbox, queue and cron.
//
// STAND-IN: these machines cannot reach actionnetwork.org, so a small HTTP server in this test
// stands in for Action Network's API v2 (https://actionnetwork.org/docs/v2/record_signature_helper
// and .../record_attendance_helper). It checks what those documents require of a request (the
// path, `OSDI-API-Token`, a JSON body with `person.email_addresses`, `add_tags`,
// `action_network:referrer_data`) and behaves as they describe: people are matched by email, and
// a person signs a petition (or RSVPs to an event) once, a repeat POST updating it. Test edges
// send syncs to it through ACTION_NETWORK_URL (`cargo xtask test` passes its port).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { EDGE, STAFF, person, sign, cron, eventually, fetchAgain, d1, freshIp } from "./helpers.mjs";

const PORT = Number(process.env.RALLY_ACTION_NETWORK_PORT);
const KEY = "an-test-key-0123456789abcdef";

/** The stand-in. `fail(n, body)` may answer a status instead of recording (n: this record's try). */
function standIn(fail = () => null) {
  const requests = [];
  const records = new Map(); // "petitions/<id>" + email -> the body recorded
  const tries = new Map();
  const server = createServer((req, res) => {
    let raw = "";
    req.on("data", (d) => { raw += d; });
    req.on("end", () => {
      const reply = (status, body) => res.writeHead(status, { "Content-Type": "application/hal+json" }).end(JSON.stringify(body));
      const m = /^\/api\/v2\/(petitions|events)\/([A-Za-z0-9_-]+)\/(signatures|attendances)$/.exec(req.url);
      let body = null;
      try { body = JSON.parse(raw); } catch {}
      requests.push({ method: req.method, url: req.url, headers: req.headers, body });
      if (req.method !== "POST" || !m || (m[1] === "petitions") !== (m[3] === "signatures")) return reply(404, { error: "no such helper" });
      if (req.headers["osdi-api-token"] !== KEY) return reply(401, { error: "API Key invalid or not present" });
      if (!String(req.headers["content-type"]).startsWith("application/json") || !body) return reply(400, { error: "JSON body required" });
      const email = body.person?.email_addresses?.[0]?.address;
      if (!email || !Array.isArray(body.add_tags) || typeof body["action_network:referrer_data"] !== "object") {
        return reply(400, { error: "person with an email address required" });
      }
      const key = `${m[1]}/${m[2]} ${email}`;
      const n = (tries.get(key) ?? 0) + 1;
      tries.set(key, n);
      const refuse = fail(n, body);
      if (refuse) return reply(refuse, { error: "try again" });
      records.set(key, body); // a repeat updates: one record per person per petition or event
      return reply(200, { identifiers: [`action_network:${records.size}`], ...body });
    });
  });
  return new Promise((resolve, reject) => {
    server.on("error", reject);
    server.listen(PORT, "127.0.0.1", () => resolve({ requests, records, close: () => new Promise((r) => server.close(r)) }));
  });
}

async function staff(path, init = {}, key = STAFF.syncOwner) {
  const res = await fetchAgain(`${EDGE}/api/v1/campaigns/e2e-sync/staff${path}`, {
    ...init, headers: { Authorization: `Bearer ${key}`, ...(init.body ? { "Content-Type": "application/json" } : {}) },
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}
const save = (body, key) => staff("/action-network", { method: "PUT", body: JSON.stringify(body) }, key);
const commit = async (body) => {
  const res = await fetchAgain(`${EDGE}/api/v1/campaigns/e2e-sync/pledges/synced-pledge/commitments`, {
    method: "POST", headers: { "Content-Type": "application/json", "CF-Connecting-IP": freshIp() }, body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
};
const syncs = async () => (await staff("/action-network/deliveries")).body;

test("the stand-in's port is given", () => {
  assert.ok(PORT > 0, "RALLY_ACTION_NETWORK_PORT must name the port test edges send Action Network syncs to");
});

test("connector drafts are refused beside their fields; only owners manage it", async () => {
  const none = await save({ api_key: "", enabled: true, targets: [] });
  assert.equal(none.status, 422);
  assert.deepEqual(none.body.errors.map((e) => [e.field, e.code]), [["api_key", "required"]]);
  const bad = await save({ api_key: "short", tags: ["a,b"], targets: [{ kind: "petition", slug: "synced", remote_id: "../x" }] });
  assert.deepEqual(bad.body.errors.map((e) => [e.field, e.code]), [["api_key", "invalid_value"], ["tags", "invalid_value"], ["targets", "invalid_value"]]);
  const unknown = await save({ api_key: KEY, targets: [{ kind: "petition", slug: "no-such-petition", remote_id: "abc" }] });
  assert.deepEqual([unknown.status, unknown.body.error.field, unknown.body.error.code], [422, "targets", "invalid_value"]);
  assert.match(unknown.body.error.message, /no-such-petition/);
  assert.equal((await staff("/action-network", {}, STAFF.owner)).status, 401, "another campaign's owner");
});

test("a signature and a commitment are recorded on Action Network once each, with the person, tags and referrer", { timeout: 90_000 }, async () => {
  // Action Network answers 500 to each person's first try: the retry must not record twice.
  const an = await standIn((n) => (n === 1 ? 500 : null));
  try {
    const saved = await save({ api_key: ` ${KEY} `, enabled: true, tags: ["rally", "e2e sync"],
      targets: [{ kind: "petition", slug: "synced", remote_id: "an-petition-1" }, { kind: "pledge", slug: "synced-pledge", remote_id: "an-event-1" }] });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    assert.deepEqual([saved.body.configured, saved.body.key_hint, saved.body.tags], [true, "cdef", ["rally", "e2e sync"]]);
    assert.ok(!JSON.stringify((await staff("/action-network")).body).includes(KEY), "the key is never shown again");
    const [{ key_sealed }] = d1("SELECT key_sealed FROM connectors WHERE campaign_id = (SELECT id FROM campaigns WHERE slug = 'e2e-sync')");
    assert.ok(/^[0-9a-f]+$/.test(key_sealed) && !key_sealed.includes(Buffer.from(KEY).toString("hex")), "D1 holds the key sealed");

    const recruiter = person({ first_name: "Rui" });
    const first = await sign("synced", recruiter, { campaign: "e2e-sync" });
    assert.equal(first.status, 201);
    const ana = person({ first_name: "Ana", last_name: "Lima", postal_code: "20040-002" });
    const key = `an-${Date.now()}`;
    const body = { ...ana, ref: first.body.ref_code, tracking: { source: "whatsapp", page_url: "https://campaign.example/park" } };
    const signed = await sign("synced", body, { campaign: "e2e-sync", key });
    assert.equal(signed.status, 201);
    assert.equal((await sign("synced", body, { campaign: "e2e-sync", key })).status, 201, "a retry with the same key");
    assert.equal((await sign("synced", { ...ana }, { campaign: "e2e-sync" })).status, 200, "the same person again: already signed");
    const quiet = person({ contact_consent: false });
    assert.equal((await sign("synced", quiet, { campaign: "e2e-sync" })).status, 201);
    const pledger = person({ first_name: "Bia" });
    assert.equal((await commit(pledger)).status, 201);

    const done = (k) => an.records.has(k);
    await eventually(async () => { await cron(); return an.records.size; }, (n) => n === 3, 60_000);
    await cron();
    await new Promise((r) => setTimeout(r, 1000));
    assert.ok(done(`petitions/an-petition-1 ${ana.email}`) && done(`petitions/an-petition-1 ${recruiter.email}`) && done(`events/an-event-1 ${pledger.email}`));
    assert.equal(an.records.size, 3, "nobody who declined contact is sent; nobody twice");
    assert.ok(!an.requests.some((r) => JSON.stringify(r.body ?? {}).includes(quiet.email)), "the person who declined contact never reaches Action Network");
    const posts = an.requests.filter((r) => r.body?.person?.email_addresses?.[0]?.address === ana.email);
    assert.equal(posts.length, 2, "refused once, then recorded: two requests, one signature");
    assert.deepEqual(posts[0].body, posts[1].body, "a retry sends the same record (the same identifiers)");
    const rec = an.records.get(`petitions/an-petition-1 ${ana.email}`);
    assert.equal(posts[0].headers["osdi-api-token"], KEY);
    assert.match(rec.identifiers[0], /^rally:signature-\d+$/);
    assert.deepEqual(rec.person, { given_name: "Ana", family_name: "Lima", email_addresses: [{ address: ana.email }],
      postal_addresses: [{ postal_code: "20040-002", country: "BR" }], languages_spoken: ["en"] });
    // The connector's tags, and where she stands on the engagement ladder (issue 21).
    assert.deepEqual(rec.add_tags, ["rally", "e2e sync", "rally:rung:supporter"]);
    assert.deepEqual(rec["action_network:referrer_data"], { source: "whatsapp", referrer: first.body.ref_code, website: "https://campaign.example/park" });
    assert.match(an.records.get(`events/an-event-1 ${pledger.email}`).identifiers[0], /^rally:commitment-\d+$/);
    const log = await syncs();
    assert.ok(log.filter((d) => d.status === "sent").length >= 3 && log.every((d) => d.status === "sent"), JSON.stringify(log));
  } finally {
    await an.close();
  }
});

test("a wrong key: syncs are retried, then dead; a new key and a redeliver record them", { timeout: 90_000 }, async () => {
  const an = await standIn();
  try {
    const wrong = await save({ api_key: "wrong-key-0123456789abcdef", enabled: true, tags: [],
      targets: [{ kind: "petition", slug: "synced", remote_id: "an-petition-2" }] });
    assert.equal(wrong.body.key_hint, "cdef");
    const who = person();
    assert.equal((await sign("synced", who, { campaign: "e2e-sync" })).status, 201);
    const dead = await eventually(async () => { await cron(); return syncs(); },
      (log) => log.some((d) => d.status === "failed" && d.last_status === 401), 60_000);
    const mine = dead.find((d) => d.status === "failed");
    assert.equal(mine.attempts, 4);
    assert.match(mine.response, /API Key invalid/);
    assert.equal(an.records.size, 0);

    // The owner pastes the right key (the targets stay as saved) and redelivers.
    const fixed = await save({ api_key: KEY, enabled: true, tags: [], targets: [{ kind: "petition", slug: "synced", remote_id: "an-petition-2" }] });
    assert.equal(fixed.status, 200);
    const again = await staff("/action-network/redeliver", { method: "POST", body: "{}" });
    assert.deepEqual([again.status, again.body.count >= 1], [202, true]);
    await eventually(async () => { await cron(); return an.records.has(`petitions/an-petition-2 ${who.email}`); }, (x) => x, 30_000);

    // Off: nothing more is written for the connector.
    await save({ api_key: "", enabled: false, targets: [{ kind: "petition", slug: "synced", remote_id: "an-petition-2" }] });
    const later = person();
    assert.equal((await sign("synced", later, { campaign: "e2e-sync" })).status, 201);
    const [{ n }] = d1(`SELECT COUNT(*) AS n FROM outbox o JOIN supporters s ON s.id = o.supporter_id WHERE o.kind = 'sync' AND s.email = '${later.email}'`);
    assert.equal(n, 0, "a connector turned off records nothing");
    assert.equal((await staff("/action-network", { method: "DELETE" })).status, 204);
    assert.equal((await staff("/action-network")).body.configured, false);
    const audit = (await staff("/audit")).body.map((a) => a.action);
    for (const a of ["action_network_save", "action_network_redeliver", "action_network_delete"]) assert.ok(audit.includes(a), a);
  } finally {
    await an.close();
  }
});

import { launch, dashboardAs } from "./helpers.mjs";

test("the dashboard: a bad key is refused beside its field; a key and a target are saved and the key never shown again", { timeout: 60_000 }, async () => {
  const browser = await launch();
  try {
    const { context, page: p } = await dashboardAs(browser, STAFF.syncOwner);
    await p.locator("nav button", { hasText: "Integrations" }).click();
    await p.locator("#an-key").waitFor();
    await p.locator("#an-key").fill("short");
    await p.getByLabel("Synced petition (petition)").fill("an-petition-dash");
    await p.locator("button[type=submit]", { hasText: "Save Action Network settings" }).click();
    await p.locator("#an-key-error").waitFor();
    assert.equal(await p.locator("#an-key").getAttribute("aria-invalid"), "true");

    await p.locator("#an-key").fill(KEY);
    await p.locator("#an-tags").fill("rally, dashboard");
    await p.locator("button[type=submit]", { hasText: "Save Action Network settings" }).click();
    await p.getByText("Action Network settings saved.").waitFor();
    await p.waitForFunction(() => document.querySelector("#an-key")?.placeholder.includes("cdef"));
    assert.equal(await p.locator("#an-key").inputValue(), "", "the key is not shown back");
    assert.equal(await p.getByLabel("Synced petition (petition)").inputValue(), "an-petition-dash");
    const saved = (await staff("/action-network")).body;
    assert.deepEqual([saved.tags, saved.targets], [["rally", "dashboard"], [{ kind: "petition", slug: "synced", remote_id: "an-petition-dash" }]]);
    await context.close();
  } finally {
    await browser.close();
    await staff("/action-network", { method: "DELETE" });
  }
});
