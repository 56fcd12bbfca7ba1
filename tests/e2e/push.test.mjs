// The hub as an installable app with Web Push (issue 23), in real Chromium against the real
// local edge (campaign `e2e-push`).
//
// Stand-ins, because we cannot reach them from here:
// - **A browser vendor's push service** (FCM, Mozilla autopush, Apple's): a small server of
//   this file. It checks each request's VAPID JWT with `jose` (ES256, its audience and expiry,
//   against the key the hub hands the browser) and decrypts each body with `http_ece` (the
//   `aes128gcm` decoder the `web-push` package uses): neither is our code. It answers as each
//   device is told to (201, 410, 500).
// - **`pushManager.subscribe`**, which needs that vendor service: the page's `PushManager` is
//   given a subscription whose endpoint is the stand-in and whose keys the test made; the rest
//   of the path (the hub's script, the edge, the service worker, the notification) is real.
//   The push message reaches the service worker through CDP `ServiceWorker.deliverPushMessage`
//   with exactly the bytes the stand-in decrypted.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { createECDH, randomBytes } from "node:crypto";
import ece from "http_ece";
import * as jose from "jose";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { launch, newContext, person, d1, eventually, freshIp, mailTo, cron, EDGE, CHROMIUM_ARGS, ROOT, freePort, startOwnEdge, crash } from "./helpers.mjs";

const C = "e2e-push";
const OWNER = "rs_test_push_owner_3f8a1d";
const RUN = Date.now().toString(36);
let browser, server, STAND_IN;
/** What the stand-in received: one entry per request. */
const received = [];
/** The stand-in's devices: id -> { ecdh, auth, answer }. */
const devices = new Map();

before(async () => {
  browser = await launch();
  server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      const id = req.url.split("/").pop();
      const d = devices.get(id);
      const got = { id, headers: req.headers, body: Buffer.concat(chunks) };
      try {
        const [, jwt, k] = /^vapid t=([^,]+), k=(.+)$/.exec(req.headers.authorization ?? "") ?? [];
        const key = Buffer.from(k, "base64url");
        const jwk = { kty: "EC", crv: "P-256", x: key.subarray(1, 33).toString("base64url"), y: key.subarray(33, 65).toString("base64url") };
        got.vapidKey = k;
        got.claims = (await jose.jwtVerify(jwt, await jose.importJWK(jwk, "ES256"), { audience: STAND_IN })).payload;
        got.plain = ece.decrypt(got.body, { version: "aes128gcm", privateKey: d.ecdh, authSecret: d.auth.toString("base64url") });
        got.notification = JSON.parse(got.plain.toString("utf8"));
      } catch (e) {
        got.error = String(e);
      }
      received.push(got);
      const status = got.error ? 400 : d?.answer ?? 404;
      res.writeHead(status, status === 429 ? { "Retry-After": "120" } : {}).end();
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  STAND_IN = `http://127.0.0.1:${server.address().port}`;
});
after(async () => {
  await browser?.close();
  server?.close();
});

const sql = (q) => d1(q);

/** A device the stand-in knows: its subscription as a browser would hand it over. */
function device(answer = 201) {
  const id = `d${devices.size}x${RUN}`;
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  const auth = randomBytes(16);
  devices.set(id, { ecdh, auth, answer });
  return { id, endpoint: `${STAND_IN}/push/${id}`, p256dh: ecdh.getPublicKey("base64url"), auth: auth.toString("base64url") };
}
const to = (d) => received.filter((r) => r.id === d.id);

async function call(method, p, { body, headers = {}, form, cookie } = {}) {
  const h = { "CF-Connecting-IP": freshIp(), ...headers };
  let payload;
  if (body !== undefined) { h["Content-Type"] = "application/json"; payload = JSON.stringify(body); }
  if (form !== undefined) { h["Content-Type"] = "application/x-www-form-urlencoded"; payload = form.toString(); }
  if (cookie) h.Cookie = `rally_hub=${cookie}`;
  const res = await fetch(`${EDGE}${p}`, { method, headers: h, body: payload, redirect: "manual" });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = text; }
  return { status: res.status, body: json, location: res.headers.get("location") };
}
const staff = (method, p, body) => call(method, `/api/v1/campaigns/${C}/staff${p}`, { body, headers: { Authorization: `Bearer ${OWNER}` } });
const form = (o) => {
  const f = new URLSearchParams();
  for (const [k, v] of Object.entries(o)) for (const x of [].concat(v)) f.append(k, x);
  return f;
};
const hubPost = (token, o) => call("POST", `/hub/${C}`, { form: form(o), cookie: token, headers: { Accept: "application/json" } });

async function signUp(overrides = {}) {
  const p = person({ email: `push.${RUN}.${Math.random().toString(36).slice(2, 8)}@example.org`, ...overrides });
  const r = await call("POST", `/api/v1/campaigns/${C}/petitions/push-sign/signatures`, { body: p });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const id = sql(`SELECT id FROM supporters WHERE email = '${p.email}'`)[0].id;
  return { ...p, id, token: r.body.supporter_token };
}

async function subscribe(who, d, types = ["action", "nudge", "rebuttal", "reminder"]) {
  const r = await hubPost(who.token, { do: "push_on", endpoint: d.endpoint, p256dh: d.p256dh, auth: d.auth, types });
  assert.equal(r.status, 200, JSON.stringify(r.body));
}

async function week() {
  const list = await staff("GET", "/actions");
  return { starts_on: list.body.week_starts, ends_on: list.body.week_ends };
}

let hubAction;

test("the hub installs: manifest, icons and service worker; Chromium's installability check finds nothing; it opens offline", async () => {
  const ana = await signUp({ first_name: "Ana" });
  // Chromium does not offer to install from an incognito profile (a new context is one): this
  // test's browser has a profile on disk, as a phone's has.
  const profile = mkdtempSync(path.join(tmpdir(), "rally-push-profile-"));
  const context = await chromium.launchPersistentContext(profile, { executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  const page = await context.newPage();
  try {
    await page.goto(`${EDGE}/hub/${C}#t=${ana.token}`);
    await page.locator("h1", { hasText: "Ana" }).waitFor();
    const manifest = await (await fetch(`${EDGE}/hub/${C}/manifest.webmanifest`)).json();
    assert.equal(manifest.display, "standalone");
    assert.equal(manifest.start_url, `/hub/${C}`);
    assert.equal(manifest.scope, `/hub/${C}`);
    assert.equal(manifest.theme_color, "#7a1f5c", "the campaign's accent");
    assert.deepEqual(manifest.icons.map((i) => i.sizes), ["192x192", "512x512"]);
    for (const icon of manifest.icons) {
      const res = await fetch(`${EDGE}${icon.src}`);
      assert.equal(res.headers.get("content-type"), "image/png");
      const png = Buffer.from(await res.arrayBuffer());
      assert.equal(`${png.readUInt32BE(16)}x${png.readUInt32BE(20)}`, icon.sizes, "the icon is the size it says");
    }
    // The service worker controls the hub; Chromium's own check has nothing to say.
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.reload();
    await eventually(() => page.evaluate(() => !!navigator.serviceWorker.controller), (v) => v, 10_000);
    const cdp = await context.newCDPSession(page);
    const errors = await eventually(async () => (await cdp.send("Page.getInstallabilityErrors")).installabilityErrors, (e) => e.length === 0, 15_000)
      .catch(async () => (await cdp.send("Page.getInstallabilityErrors")).installabilityErrors);
    assert.deepEqual(errors, [], "no installability errors");
    // With the network cut, the hub still opens: the last page, its cards and team.
    await context.setOffline(true);
    const offline = await page.reload();
    assert.ok(offline.fromServiceWorker(), "answered by the service worker");
    await page.locator("h1", { hasText: "Ana" }).waitFor();
    assert.ok(await page.locator("#cards-h").isVisible());
    await context.setOffline(false);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
});

test("notifications: turned on in the hub, a new action reaches the device encrypted and signed, is shown, and its click lands on the card", async () => {
  const bia = await signUp({ first_name: "Bia", lang: "pt-BR" });
  const d = device();
  const context = await newContext(browser, { locale: "pt-BR" });
  await context.grantPermissions(["notifications"], { origin: EDGE });
  // The one fake: the vendor's subscription (see the top of this file).
  await context.addInitScript((s) => {
    const sub = {
      endpoint: s.endpoint,
      expirationTime: null,
      toJSON: () => ({ endpoint: s.endpoint, expirationTime: null, keys: { p256dh: s.p256dh, auth: s.auth } }),
      unsubscribe: () => { localStorage.removeItem("fake-sub"); return Promise.resolve(true); },
    };
    PushManager.prototype.subscribe = function (o) {
      localStorage.setItem("fake-sub", btoa(String.fromCharCode(...new Uint8Array(o.applicationServerKey))));
      return Promise.resolve(sub);
    };
    PushManager.prototype.getSubscription = () => Promise.resolve(localStorage.getItem("fake-sub") ? sub : null);
  }, d);
  const page = await context.newPage();
  try {
    await page.goto(`${EDGE}/hub/${C}#t=${bia.token}`);
    const box = page.locator("#notify");
    await box.waitFor();
    assert.equal(await box.locator("h2").textContent(), "Notificações neste aparelho");
    await page.evaluate(() => navigator.serviceWorker.ready);
    await box.locator("button.notify-on").click();
    await eventually(() => box.locator(".notify-status").textContent(), (t) => /ativadas/.test(t), 10_000);
    assert.ok(await box.locator("button.notify-off").isVisible(), "turn off is offered");
    const key = await page.evaluate(() => localStorage.getItem("fake-sub"));
    const [row] = sql(`SELECT types, lang, p256dh FROM push_subscriptions WHERE endpoint = '${d.endpoint}'`);
    assert.equal(row.types, 15);
    assert.equal(row.p256dh, d.p256dh);

    // Staff publish an action: every subscriber who wants new actions is told once.
    const made = await staff("POST", "/actions", {
      title: `Water the trees ${RUN}`, text: "Bring a bucket.", how: "self", points: 5, ...(await week()),
      translations: { "pt-BR": { title: `Regue as árvores ${RUN}`, text: "Traga um balde." } },
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    hubAction = made.body;
    const [got] = await eventually(() => to(d), (r) => r.length > 0, 30_000);
    assert.equal(got.error, undefined, got.error);
    assert.equal(got.headers["content-encoding"], "aes128gcm");
    assert.ok(Number(got.headers.ttl) > 0, "a TTL");
    assert.equal(Buffer.from(got.vapidKey, "base64url").toString("base64"), key, "signed with the key the page subscribed with");
    assert.equal(got.claims.aud, STAND_IN);
    assert.ok(got.claims.exp * 1000 > Date.now() && got.claims.exp * 1000 <= Date.now() + 24 * 3600_000, "expires within a day");
    assert.match(got.claims.sub, /^(mailto:|https?:)/);
    assert.equal(got.notification.title, `Nova nesta semana: Regue as árvores ${RUN}`, "in the device's language");
    assert.equal(got.notification.body, "Traga um balde.");
    const outboxId = Number(got.notification.url.split("/").pop());

    // The service worker gets exactly those bytes and shows the notification.
    const cdp = await context.newCDPSession(page);
    const registrations = [];
    cdp.on("ServiceWorker.workerRegistrationUpdated", (e) => registrations.push(...e.registrations));
    await cdp.send("ServiceWorker.enable");
    const reg = await eventually(() => registrations.find((r) => r.scopeURL.endsWith(`/hub/${C}`) && !r.isDeleted), (r) => !!r, 10_000);
    await cdp.send("ServiceWorker.deliverPushMessage", { origin: EDGE, registrationId: reg.registrationId, data: got.plain.toString("utf8") });
    const shown = await eventually(() => page.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag }))),
      (n) => n.length > 0, 10_000);
    assert.deepEqual(shown, [{ title: got.notification.title, body: "Traga um balde.", tag: `action-${hubAction.id}` }]);

    // A click opens the hub at the card, in the open window, and is counted once.
    const [sw] = context.serviceWorkers();
    await sw.evaluate(async () => {
      const [n] = await self.registration.getNotifications();
      self.dispatchEvent(new NotificationEvent("notificationclick", { notification: n }));
    });
    await page.waitForURL(new RegExp(`/hub/${C}#card-${hubAction.id}$`), { timeout: 10_000 });
    await page.locator(`#card-${hubAction.id}`).waitFor();
    assert.equal(sql(`SELECT COUNT(*) AS n FROM push_clicks WHERE outbox_id = ${outboxId}`)[0].n, 1);
    await call("GET", `/hub/${C}/n/${outboxId}`);
    assert.equal(sql(`SELECT COUNT(*) AS n FROM push_clicks WHERE outbox_id = ${outboxId}`)[0].n, 1, "counted once");

    // Turned off on this device: the subscription is gone.
    await page.locator("#notify button.notify-off").click();
    await eventually(() => sql(`SELECT COUNT(*) AS n FROM push_subscriptions WHERE endpoint = '${d.endpoint}'`)[0].n, (n) => n === 0, 10_000);
  } finally {
    await context.close();
  }
});

test("a subscription answering 410 is gone after one attempt; a 500 is retried, then failed, and the Messages tab counts both", async () => {
  const gone = device(410);
  const broken = device(500);
  const busy = device(429);
  await subscribe(await signUp({ first_name: "Gil" }), gone);
  await subscribe(await signUp({ first_name: "Fay" }), broken);
  await subscribe(await signUp({ first_name: "Ivo" }), busy, ["rebuttal"]);
  const claimText = `The square will be paved ${RUN}`;
  const report = await call("POST", `/api/v1/campaigns/${C}/reports`, { body: { seen_on: "whatsapp", claim: claimText } });
  assert.equal(report.status, 201, JSON.stringify(report.body));
  const pub = await staff("PATCH", `/claims/${report.body.claim_id}`, { status: "published", verdict: "false", explanation: "The trees stay." });
  assert.equal(pub.status, 200, JSON.stringify(pub.body));

  await eventually(() => to(gone), (r) => r.length === 1, 30_000);
  assert.equal(to(gone)[0].notification.title, "A rumour answered: False");
  assert.equal(to(gone)[0].notification.body, claimText);
  await eventually(() => sql(`SELECT COUNT(*) AS n FROM push_subscriptions WHERE endpoint = '${gone.endpoint}'`)[0].n, (n) => n === 0, 10_000);
  const [dropped] = sql(`SELECT o.status, o.attempts, o.error FROM outbox o WHERE o.kind = 'push' AND o.claim_id = (SELECT id FROM claims WHERE public_id = '${report.body.claim_id}') AND o.last_status = 410`);
  assert.deepEqual([dropped.status, dropped.attempts], ["dropped", 1]);
  assert.match(dropped.error, /gone/);

  // The 500: each retry is due after the backoff; the cron hands it over again.
  const failed = await eventually(async () => {
    await cron();
    return sql(`SELECT status, attempts FROM outbox WHERE kind = 'push' AND last_status = 500 AND claim_id = (SELECT id FROM claims WHERE public_id = '${report.body.claim_id}')`)[0];
  }, (r) => r?.status === "failed", 60_000);
  assert.equal(failed.attempts, 5);
  assert.equal(to(broken).length, 5, "five attempts reached the push service");
  assert.equal(to(gone).length, 1, "the gone one was not tried again");

  // The 429: waits as long as the push service asked (two minutes), not the backoff.
  const [wait] = sql(`SELECT status, attempts, due_at - claimed_at AS waited, error FROM outbox WHERE kind = 'push' AND last_status = 429 AND claim_id = (SELECT id FROM claims WHERE public_id = '${report.body.claim_id}')`);
  assert.equal(wait.status, "pending");
  assert.ok(wait.waited >= 119_000 && wait.waited <= 125_000, `waited ${wait.waited} ms`);
  assert.match(wait.error, /429/);
  assert.equal(to(busy).length, 1, "not tried again before its time");

  const messages = await staff("GET", "/messages");
  const pushes = messages.body.days.filter((d) => d.kind === "push");
  assert.ok(pushes.reduce((n, d) => n + d.failed, 0) >= 1 && pushes.reduce((n, d) => n + d.dropped, 0) >= 1, JSON.stringify(pushes));
});

test("a nudge reaches a device that wants nudges, and the email of a member whose devices do not; bad subscriptions are refused by field", async () => {
  const leader = await signUp({ first_name: "Lia" });
  const withPush = await signUp({ first_name: "Pia" });
  const withoutPush = await signUp({ first_name: `Noa${RUN}` });
  const d = device();
  const quiet = device();
  await subscribe(withPush, d, ["nudge"]);
  await subscribe(withoutPush, quiet, ["action"]);
  // Noa chooses again in the hub: still no nudges.
  assert.equal((await hubPost(withoutPush.token, { do: "push_types", types: ["action", "rebuttal"] })).status, 200);
  assert.equal(sql(`SELECT types FROM push_subscriptions WHERE endpoint = '${quiet.endpoint}'`)[0].types, 5);

  assert.equal((await hubPost(leader.token, { do: "start", name: `Square crew ${RUN}` })).status, 200);
  const page = await (await fetch(`${EDGE}/hub/${C}`, { headers: { Cookie: `rally_hub=${leader.token}` } })).text();
  const invite = page.match(/\?team=([A-Z0-9]+)/)[1];
  for (const m of [withPush, withoutPush]) {
    assert.equal((await hubPost(m.token, { do: "join", invite, leader_contact: "1" })).status, 200);
  }
  for (const m of [withPush, withoutPush]) {
    const r = await call("POST", `/hub/${C}/members/${m.id}`, { form: form({ do: "nudge", via: "email" }), cookie: leader.token });
    assert.equal(r.status, 303, JSON.stringify(r.body));
  }
  const [nudge] = await eventually(() => to(d), (r) => r.length > 0, 30_000);
  assert.equal(nudge.notification.kind, "nudge");
  assert.match(nudge.notification.title, /Lia .* is counting on you/);
  assert.equal(to(quiet).length, 0, "no nudge where nudges are off");
  await eventually(() => mailTo(`Noa${RUN}`).filter((m) => /sent you a nudge/.test(m.text)), (m) => m.length === 1, 20_000);
  const kinds = (id) => sql(`SELECT kind FROM outbox WHERE supporter_id = ${id} AND (kind = 'nudge' OR (kind = 'push' AND detail LIKE '%nudge%')) ORDER BY kind`).map((r) => r.kind);
  assert.deepEqual(kinds(withPush.id), ["push"], "Pia: the push, no email");
  assert.deepEqual(kinds(withoutPush.id), ["nudge"], "Noa: the email");

  // A pledge's reminders go to a device that wants them, instead of their email; someone with
  // no device gets the emails.
  const pledger = await signUp({ first_name: "Rui" });
  const rd = device();
  await subscribe(pledger, rd, ["reminder"]);
  for (const who of [pledger, leader]) {
    const r = await call("POST", `/api/v1/campaigns/${C}/pledges/push-pledge/commitments`, { body: { reminder: true }, headers: { Authorization: `Bearer ${who.token}` } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
  const reminders = (id) => sql(`SELECT kind, json_extract(detail, '$.when') AS at FROM outbox WHERE supporter_id = ${id} AND (kind LIKE 'pledge_%' OR (kind = 'push' AND detail LIKE '%reminder%')) ORDER BY kind, at`);
  assert.deepEqual(reminders(pledger.id), [{ kind: "push", at: "pledge_eve" }, { kind: "push", at: "pledge_morning" }], "Rui: two pushes, no email");
  assert.deepEqual(reminders(leader.id).map((r) => r.kind), ["pledge_eve", "pledge_morning"], "Lia: the two emails");

  // Refused, by field, nothing stored.
  const bad = await hubPost(withPush.token, { do: "push_on", endpoint: "http://example.org/push", p256dh: "short", auth: "", types: ["weather"] });
  assert.equal(bad.status, 422);
  assert.deepEqual(bad.body.errors.map((e) => e.field), ["endpoint", "p256dh", "auth", "types"]);
  assert.equal((await hubPost(withPush.token, { do: "push_types", types: ["weather"] })).body.error.field, "types");
  const anon = await call("POST", `/hub/${C}`, { form: form({ do: "push_on", ...device() }), headers: { Accept: "application/json" } });
  assert.equal(anon.status, 401);
});

test("a new action reaches 100,000 subscribers: written in slices of 500, each queue invocation within its budget, no device twice", { timeout: 900_000 }, async () => {
  // An edge of this test's own (killed at the end, with whatever is still being delivered),
  // its campaign `scale` seeded with 100,000 supporters, each with one device. Their push
  // service is a stand-in that answers 201 at once without decrypting (the one above decrypts).
  const N = 100_000;
  const state = mkdtempSync(path.join(tmpdir(), "rally-fanout-"));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let delivered = 0;
  const fast = createServer((req, res) => { req.resume(); req.on("end", () => { delivered++; res.writeHead(201).end(); }); });
  await new Promise((r) => fast.listen(0, "127.0.0.1", r));
  const edge = await startOwnEdge(port, state);
  try {
    execFileSync("cargo", ["xtask", "seed-scale", "--state", state, "--supporters", String(N)], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
    const ecdh = createECDH("prime256v1");
    ecdh.generateKeys();
    d1(`INSERT INTO push_subscriptions (campaign_id, supporter_id, endpoint, p256dh, auth, types, lang, created_at, updated_at)
        SELECT s.campaign_id, s.id, 'http://127.0.0.1:${fast.address().port}/push/' || s.id, '${ecdh.getPublicKey("base64url")}',
               '${randomBytes(16).toString("base64url")}', 15, 'en', 0, 0
        FROM supporters s JOIN campaigns c ON c.id = s.campaign_id WHERE c.slug = 'scale'`, state);
    const H = { Authorization: "Bearer rs_bench_scale_owner", "Content-Type": "application/json", "CF-Connecting-IP": freshIp() };
    const list = await (await fetch(`${base}/api/v1/campaigns/scale/staff/actions`, { headers: H })).json();
    const t0 = Date.now();
    const made = await fetch(`${base}/api/v1/campaigns/scale/staff/actions`, {
      method: "POST", headers: H,
      body: JSON.stringify({ title: "Knock on doors", how: "self", points: 5, starts_on: list.week_starts, ends_on: list.week_ends }),
    });
    assert.equal(made.status, 201);
    const fanout = await eventually(
      () => d1("SELECT status, detail FROM outbox WHERE kind = 'fanout' AND dedupe LIKE 'fanout:action:%' AND campaign_id = (SELECT id FROM campaigns WHERE slug = 'scale')", state)[0],
      (f) => f?.status === "sent", 600_000);
    const written = (Date.now() - t0) / 1000;
    const [rows] = d1(`SELECT COUNT(*) AS n, COUNT(DISTINCT push_id) AS devices FROM outbox WHERE kind = 'push'
                       AND campaign_id = (SELECT id FROM campaigns WHERE slug = 'scale')`, state);
    assert.deepEqual([rows.n, rows.devices], [N, N], "one push per device, none twice");
    assert.equal(JSON.parse(fanout.detail).from > 0, true);
    const most = await (await fetch(`${base}/api/v1/meter`)).json();
    const budget = JSON.parse(readFileSync(path.join(ROOT, "tests/query-budget.json"), "utf8")).budgets.queue;
    for (const k of ["d1", "kv", "fetch"]) assert.ok(most.queue[k] <= budget[k], `queue ${k}: ${most.queue[k]} > ${budget[k]}`);
    const secs = (Date.now() - t0) / 1000;
    console.log(`# fan-out to ${N.toLocaleString("en")} subscribers: all pushes written in ${written.toFixed(1)} s (${N / 500} slices); ` +
      `${delivered} delivered in ${secs.toFixed(1)} s (${(delivered / secs).toFixed(0)} a second); a queue invocation at most ${most.queue.d1} D1 calls, ${most.queue.fetch} subrequests`);
  } finally {
    crash(edge);
    fast.close();
    rmSync(state, { recursive: true, force: true });
  }
});
