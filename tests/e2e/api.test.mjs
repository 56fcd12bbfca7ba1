// The edge's public API against real workerd + local D1/KV: errors, duplicates, retries,
// concurrency and the rate limit. Every bad input must get a 4xx JSON error naming the field.
import { test } from "node:test";
import assert from "node:assert/strict";
import { EDGE, sign, petitionState, person, d1, freshIp, storedCount, publicCountBecomes } from "./helpers.mjs";

function assertError(res, status, code, field = null) {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(res.body.error.code, code, JSON.stringify(res.body));
  assert.equal(res.body.error.field, field, JSON.stringify(res.body));
  assert.equal(typeof res.body.error.message, "string");
  assert.ok(res.body.error.message.length > 0);
}

test("health answers without touching storage", async () => {
  const res = await fetch(`${EDGE}/api/v1/health`);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { ok: true });
});

test("a filled honeypot is answered as if it had worked (a bot learns nothing), and nothing is stored", async () => {
  const p = "e2e-api";
  const before = storedCount(p);
  const bot = person({ website: "http://spam.example" });
  const res = await sign(p, bot);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal(res.body.status, "signed");
  assert.equal(res.body.count, before + 1, "the count it would have had");
  assert.ok(res.body.ref_code, "a referral code like any other");
  assert.equal(storedCount(p), before, "not counted");
  assert.deepEqual(d1(`SELECT id FROM supporters WHERE email = '${bot.email}'`), [], "not stored, so nobody is written to");
});

test("bad input of every kind gets a 4xx JSON error naming the problem", async () => {
  const p = "e2e-api";
  assertError(await sign(p, null, { raw: "{not json" }), 400, "invalid_json");
  assertError(await sign(p, null, { raw: "" }), 400, "invalid_json");
  assertError(await sign(p, null, { raw: "[1,2]" }), 422, "wrong_type");
  assertError(await sign(p, null, { raw: '"a string"' }), 422, "wrong_type");
  assertError(await sign(p, { ...person(), email: 42 }), 422, "wrong_type", "email");
  assertError(await sign(p, { ...person(), contact_consent: "yes" }), 422, "wrong_type", "contact_consent");
  assertError(await sign(p, { ...person(), tracking: { source: [1] } }), 422, "wrong_type", "tracking.source");
  assertError(await sign(p, { ...person(), email: "not-an-email" }), 422, "invalid_email", "email");
  assertError(await sign(p, { ...person(), first_name: "" }), 422, "required", "first_name");
  assertError(await sign(p, { ...person(), last_name: "x".repeat(61) }), 422, "too_long", "last_name");
  assertError(await sign(p, { ...person(), country: "ZZ" }), 422, "invalid_country", "country");
  assertError(await sign(p, { ...person(), postal_code: "123" }), 422, "invalid_postal_code", "postal_code");
  assertError(await sign(p, { ...person(), contact_consent: null }), 422, "required", "contact_consent");
  assertError(await sign(p, person(), { contentType: "text/plain" }), 415, "unsupported_media_type");
  assertError(await sign(p, person(), { contentType: "application/x-www-form-urlencoded" }), 415, "unsupported_media_type");
  assertError(await sign(p, { ...person(), first_name: "x".repeat(20000) }), 413, "payload_too_large");
  assertError(await sign(p, person(), { key: "bad key!" }), 400, "invalid_idempotency_key");
  assertError(await sign("no-such-petition", person()), 404, "not_found");
  assertError(await sign("e2e-closed", person()), 409, "petition_closed");

  const all = await sign(p, {});
  assert.equal(all.status, 422);
  const fields = all.body.errors.map((e) => e.field);
  assert.deepEqual(fields, ["first_name", "last_name", "email", "postal_code", "country", "contact_consent"]);

  for (const [method, url] of [["GET", "/api/v1/nope"], ["DELETE", "/api/v1/health"], ["GET", "/api/v1/campaigns/demo/petitions/NOT_A_SLUG"]]) {
    const res = await fetch(`${EDGE}${url}`, { method });
    assert.ok(res.status === 404 || res.status === 405, `${method} ${url} -> ${res.status}`);
    assert.match(res.headers.get("content-type"), /application\/json/);
    assert.ok((await res.json()).error.code);
  }
  assert.equal(storedCount(p), 0, "no refused request was counted");
});

test("CORS lets any site call the public API", async () => {
  const pre = await fetch(`${EDGE}/api/v1/campaigns/demo/petitions/e2e-api/signatures`, {
    method: "OPTIONS",
    headers: { Origin: "https://campaign.example", "Access-Control-Request-Method": "POST",
      "Access-Control-Request-Headers": "content-type,idempotency-key" },
  });
  assert.equal(pre.status, 204);
  assert.equal(pre.headers.get("access-control-allow-origin"), "*");
  assert.match(pre.headers.get("access-control-allow-headers").toLowerCase(), /idempotency-key/);
  const get = await fetch(`${EDGE}/api/v1/campaigns/demo/petitions/e2e-api`, { headers: { Origin: "https://x.example" } });
  assert.equal(get.headers.get("access-control-allow-origin"), "*");
});

test("one signature per email: signing again is 'already signed' and the count stays", async () => {
  const p = "e2e-sign";
  const before = (await petitionState(p)).count;
  const email = `Repeat.Signer.${Date.now()}@Example.org`;
  const me = person({ email });
  const first = await sign(p, me);
  assert.equal(first.status, 201);
  assert.equal(first.body.status, "signed");
  assert.equal(first.body.count, before + 1);
  assert.match(first.body.ref_code, /^[0-9A-HJKMNP-TV-Z]{8}$/);
  const again = await sign(p, { ...me, email: `  ${email.toUpperCase()} `, first_name: "Someone" });
  assert.equal(again.status, 200);
  assert.equal(again.body.status, "already_signed");
  assert.equal(again.body.count, before + 1);
  assert.equal(again.body.ref_code, first.body.ref_code);
  const rows = d1(`SELECT s.first_name FROM supporters s WHERE s.email = '${email.toLowerCase()}'`);
  assert.deepEqual(rows, [{ first_name: "Ana" }], "re-signing never overwrites the stored person");
});

test("the public view never carries an email, and shows names only with consent", async () => {
  const p = "e2e-cache";
  const before = storedCount(p);
  await sign(p, person({ first_name: "Hidden", show_name: false }));
  const shown = await sign(p, person({ first_name: "Visible", last_name: "public", show_name: true }));
  assert.equal(shown.status, 201);
  // A fresh signature is visible at once to its signer (in the answer) ...
  assert.equal(shown.body.count, before + 2);
  // ... and to everyone within the cache's freshness window.
  assert.equal(await publicCountBecomes(p, before + 2), before + 2);
  const view = await petitionState(p);
  const text = JSON.stringify(view);
  assert.ok(!text.includes("@"), `no email in ${text}`);
  assert.ok(!text.includes("Hidden"), "a signer who did not consent is not listed");
  assert.equal(view.recent[0].name, "Visible P.");
});

test("200 distinct signers at once: count exactly 200, 200 rows", async () => {
  const p = "e2e-concurrent";
  const rowsNow = () => d1("SELECT p.signature_count AS count, (SELECT COUNT(*) FROM signatures s WHERE s.petition_id = p.id) AS rows FROM petitions p WHERE p.slug = 'e2e-concurrent'")[0];
  const before = rowsNow();
  const results = await Promise.all(Array.from({ length: 200 }, () => sign(p, person())));
  const codes = results.map((r) => r.status);
  assert.deepEqual([...new Set(codes)], [201], `statuses: ${JSON.stringify(codes.filter((c) => c !== 201))}`);
  assert.equal(Math.max(...results.map((r) => r.body.count)), before.count + 200);
  assert.equal(new Set(results.map((r) => r.body.count)).size, 200, "each signer saw a distinct count");
  assert.deepEqual(rowsNow(), { count: before.count + 200, rows: before.rows + 200 });
});

test("the same request sent 20 times at once counts once, and every retry gets the first answer", async () => {
  const p = "e2e-idempotent";
  const before = storedCount(p);
  const me = person();
  const key = `retry-${Date.now()}-abcdef`;
  const ip = freshIp();
  const results = await Promise.all(Array.from({ length: 20 }, () => sign(p, me, { key, ip })));
  for (const r of results) {
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.status, "signed");
    assert.equal(r.body.ref_code, results[0].body.ref_code);
  }
  const later = await sign(p, me, { key, ip: freshIp() });
  assert.equal(later.body.status, "signed", "a late retry is answered as the first was");
  const other = await sign(p, me, { key: `${key}-other` });
  assert.equal(other.body.status, "already_signed", "a different request for the same email is a duplicate");
  assert.equal(storedCount(p), before + 1);
});

test("a network that floods the sign route is told to slow down", async () => {
  const ip = freshIp();
  const codes = [];
  for (let i = 0; i < 32; i++) codes.push((await sign("e2e-api", {}, { ip })).status);
  assert.ok(codes.slice(0, 30).every((c) => c === 422), `first 30 reach validation: ${codes}`);
  const limited = await sign("e2e-api", person(), { ip });
  assert.equal(limited.status, 429);
  assert.equal(limited.body.error.code, "rate_limited");
  assert.equal(limited.headers.get("retry-after"), "60");
  const other = await sign("e2e-api", {}, { ip: freshIp() });
  assert.equal(other.status, 422, "other networks are unaffected");
});

test("referral codes are per campaign and unknown ones are 404 JSON", async () => {
  const res = await fetch(`${EDGE}/api/v1/campaigns/demo/referrals/ZZZZZZZZ`);
  assert.equal(res.status, 404);
  assert.equal((await res.json()).error.code, "not_found");
});
