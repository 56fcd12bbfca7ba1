// A viral petition (issue 25): petitions seeded with `shards > 0` take their signatures in
// SQLite-backed Durable Object shards (edge/src/shard.rs), which acknowledge without a D1 write
// and drain to D1 in set-based batches (edge/src/db/drain.rs). Everything here runs against
// the real local edge: workerd's Durable Objects, alarms, D1 and KV.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { EDGE, STAFF, campaignApi, crash, cron, d1, dashboardAs, eventually, freePort, launch, mailTo, person, sign, startOwnEdge } from "./helpers.mjs";

const staff = { Authorization: `Bearer ${STAFF.owner}`, "Content-Type": "application/json" };
const shards = (slug) => `/api/v1/campaigns/demo/staff/shards/petitions/${slug}`;
const stored = (slug, state) =>
  d1(`SELECT p.signature_count AS n, (SELECT COUNT(*) FROM signatures s WHERE s.petition_id = p.id) AS rows, \
      (SELECT COUNT(*) FROM actions a WHERE a.kind = 'sign' AND a.subject_id = p.id) AS actions \
      FROM petitions p JOIN campaigns c ON c.id = p.campaign_id WHERE c.slug = 'demo' AND p.slug = '${slug}'`, state)[0];
const meterOf = (res) => Object.fromEntries((res.headers.get("rally-meter") ?? "").split(",").map((kv) => kv.trim().split("=")).filter((p) => p.length === 2).map(([k, v]) => [k, Number(v)]));

async function drain(slug, base = EDGE, query = "") {
  const res = await fetch(`${base}${shards(slug)}/drain${query}`, { method: "POST", headers: staff });
  return { status: res.status, body: await res.json() };
}

test("500 concurrent signers and 50 concurrent duplicates: acknowledged with no D1 write, D1 +500 exactly after the drain", async () => {
  const slug = "e2e-viral";
  const before = stored(slug);
  const staged = () => d1(`SELECT COALESCE(SUM(rows), 0) AS rows FROM shard_marks WHERE item = (SELECT 'petition:' || id FROM petitions WHERE slug = '${slug}')`)[0].rows;
  const stagedBefore = staged();
  const run = `${process.pid}-${Date.now()}`;
  const email = (i) => `viral-${run}-${i}@example.org`;
  const distinct = Array.from({ length: 500 }, (_, i) => sign(slug, person({ email: email(i) })));
  // The same people again, each with a request of its own (another idempotency key).
  const dupes = Array.from({ length: 50 }, (_, i) => sign(slug, person({ email: email(i * 10) })));
  const all = await Promise.all([...distinct, ...dupes]);
  const by = (s) => all.filter((r) => r.status === s).length;
  assert.equal(by(201) + by(200), 550, `every request answered 201 or 200: ${JSON.stringify(all.find((r) => r.status >= 300)?.body)}`);
  assert.equal(by(201), 500, "one signature a person, however the duplicates raced the originals");
  assert.equal(by(200), 50);
  for (const r of all) {
    const m = meterOf(r);
    assert.equal(m.writes, 0, `the sign route wrote nothing to D1 (Rally-Meter: ${r.headers.get("rally-meter")})`);
    assert.ok(m.d1 <= 3, `the sign route made at most three D1 reads: ${r.headers.get("rally-meter")}`);
  }
  const fresh = all.filter((r) => r.status === 201);
  assert.ok(fresh.every((r) => r.body.supporter_token?.startsWith("p")), "each new supporter is handed a pending token");
  // The alarms drain a second after the first action; the staff route drains whatever is left.
  await drain(slug);
  const after = await eventually(() => stored(slug), (s) => s.n >= before.n + 500, 30_000);
  assert.deepEqual(after, { n: before.n + 500, rows: before.rows + 500, actions: before.actions + 500 },
    "D1's count, rows and actions moved by 500 exactly");
  assert.equal(staged() - stagedBefore, 500, "the shards staged each acknowledged row once");
  // The public count moves with D1 plus what the shards hold, and never goes down.
  const api = campaignApi("demo");
  const shown = await eventually(async () => (await api(`/petitions/${slug}`)).body?.count, (n) => n >= before.n + 500, 10_000);
  assert.equal(shown, before.n + 500);
  // A pending token holds once its supporter is in D1.
  const me = await eventually(async () => (await api("/me", fresh[0].body.supporter_token)).status, (s) => s === 200, 10_000);
  assert.equal(me, 200);
});

test("a drain forced to fail after its D1 commit replays as a no-op", async () => {
  const slug = "e2e-viral-replay";
  const before = stored(slug);
  const points = () => d1(`SELECT COALESCE(SUM(points), 0) AS p FROM supporters WHERE email LIKE 'replay-${process.pid}-%'`)[0].p;
  // The shard's next drain to commit stops before marking its rows (RALLY_FAULTS=1 edges only).
  const armed = await drain(slug, EDGE, "?fail_after_commit=1");
  assert.equal(armed.status, 200, JSON.stringify(armed.body));
  const signed = await Promise.all(Array.from({ length: 20 }, (_, i) => sign(slug, person({ email: `replay-${process.pid}-${i}@example.org` }))));
  assert.ok(signed.every((r) => r.status === 201), JSON.stringify(signed.map((r) => r.status)));
  // The alarm's drain commits, then fails; the runtime retries the alarm (and the staff route
  // drains again): the replay stages nothing.
  await eventually(() => stored(slug), (s) => s.n >= before.n + 20, 20_000);
  const left = await eventually(async () => (await drain(slug)).body, (b) => b.remaining === 0, 30_000);
  assert.equal(left.remaining, 0);
  const mark = d1(`SELECT drains, rows FROM shard_marks WHERE item = (SELECT 'petition:' || id FROM petitions WHERE slug = '${slug}')`)[0];
  assert.ok(mark.drains >= 2, `the committed drain and its replay both reached D1: ${JSON.stringify(mark)}`);
  assert.equal(mark.rows, 20, "the replay staged nothing");
  assert.deepEqual(stored(slug), { n: before.n + 20, rows: before.rows + 20, actions: before.actions + 20 });
  const pts = d1("SELECT points_sign AS p FROM campaigns WHERE slug = 'demo'")[0].p;
  assert.equal(points(), 20 * pts, "points were awarded once");
});

test("everything else holds: the pending token, referral credit, erasure of what a shard holds", async () => {
  const slug = "e2e-viral-parts";
  const api = campaignApi("demo");
  const run = `${process.pid}-${Date.now()}`;
  const a = await sign(slug, person({ email: `parts-a-${run}@example.org`, first_name: "Ana" }));
  assert.equal(a.status, 201, JSON.stringify(a.body));
  await drain(slug);
  const me = await eventually(async () => await api("/me", a.body.supporter_token), (r) => r.status === 200, 10_000);
  assert.match(me.body.name, /^Ana /, "the token names Ana, as D1 created her");
  // A friend arrives by Ana's link: Ana is credited once the friend's row is drained.
  const b = await sign(slug, person({ email: `parts-b-${run}@example.org`, ref: a.body.ref_code }));
  assert.equal(b.status, 201, JSON.stringify(b.body));
  await drain(slug);
  const recruits = await eventually(() => d1(`SELECT recruits FROM supporters WHERE email = 'parts-a-${run}@example.org'`)[0]?.recruits, (n) => n === 1, 10_000);
  assert.equal(recruits, 1);
  // Erasure: the person's D1 rows go, and so does their key in the shard (they may sign again).
  const id = d1(`SELECT id FROM supporters WHERE email = 'parts-b-${run}@example.org'`)[0].id;
  const erased = await fetch(`${EDGE}/api/v1/campaigns/demo/staff/supporters/${id}`, { method: "DELETE", headers: staff });
  assert.equal(erased.status, 200, await erased.text());
  const again = await sign(slug, person({ email: `parts-b-${run}@example.org` }));
  assert.equal(again.status, 201, `the shard forgot the erased person: ${JSON.stringify(again.body)}`);
  // Staff raise the shards; lowering them is refused, naming the field.
  const raised = await fetch(`${EDGE}${shards(slug)}`, { method: "PUT", headers: staff, body: JSON.stringify({ shards: 3 }) });
  assert.equal(raised.status, 200, await raised.text());
  const lowered = await fetch(`${EDGE}${shards(slug)}`, { method: "PUT", headers: staff, body: JSON.stringify({ shards: 1 }) });
  assert.equal(lowered.status, 422);
  assert.equal((await lowered.json()).error.field, "shards");
});

test("confirmation and pledge reminders are written by the drain, once", async () => {
  const marker = `Viral${process.pid}${Date.now() % 100000}`;
  const signed = await sign("viral-confirm", person({ first_name: marker }), { campaign: "e2e-mail" });
  assert.equal(signed.status, 201, JSON.stringify(signed.body));
  const [msg] = await eventually(() => mailTo(marker), (m) => m.length === 1, 20_000);
  assert.match(msg.text, /\/m\//, "the confirmation carries its link");
  const row = d1(`SELECT g.confirmed FROM signatures g JOIN supporters s ON s.id = g.supporter_id WHERE s.first_name = '${marker}'`);
  assert.deepEqual(row, [{ confirmed: 0 }], "drained unconfirmed, as the direct path writes it");
  // A dated pledge taken by shards: the commitment keeps "remind me" and gets its two reminders.
  const email = `march-${process.pid}-${Date.now()}@example.org`;
  const res = await fetch(`${EDGE}/api/v1/campaigns/demo/pledges/viral-march/commitments`, {
    method: "POST", headers: { "Content-Type": "application/json", "CF-Connecting-IP": `10.8.${process.pid % 250}.7` },
    body: JSON.stringify({ ...person({ email }), reminder: true }),
  });
  assert.equal(res.status, 201, await res.text());
  assert.equal(meterOf(res).writes, 0, "the commit route wrote nothing to D1");
  const reminders = await eventually(() => d1(`SELECT o.kind FROM outbox o JOIN supporters s ON s.id = o.supporter_id \
    WHERE s.email = '${email}' AND o.kind LIKE 'pledge_%' ORDER BY o.kind`), (r) => r.length === 2, 20_000);
  assert.deepEqual(reminders.map((r) => r.kind), ["pledge_eve", "pledge_morning"]);
  assert.deepEqual(d1(`SELECT c.reminder FROM commitments c JOIN supporters s ON s.id = c.supporter_id WHERE s.email = '${email}'`), [{ reminder: 1 }]);
});

test("a petition left to the edge moves to shards when a minute of direct signatures passes the threshold", async () => {
  const slug = "e2e-viral-auto";
  const shardsNow = () => d1(`SELECT shards FROM petitions WHERE slug = '${slug}'`)[0].shards;
  assert.equal(shardsNow(), 0);
  // RALLY_SHARD_AUTO_RATE is 300 on test edges; a minute boundary may split one wave.
  let sent = 0;
  while (shardsNow() === 0 && sent < 1200) {
    const wave = await Promise.all(Array.from({ length: 100 }, () => sign(slug, person())));
    assert.ok(wave.every((r) => r.status === 201), JSON.stringify(wave.find((r) => r.status !== 201)?.body));
    sent += 100;
  }
  assert.equal(shardsNow(), 4, `moved to 4 shards after ${sent} direct signatures`);
  const next = await sign(slug, person());
  assert.equal(next.status, 201);
  assert.equal(meterOf(next).writes, 0, `the next signature goes to a shard: ${next.headers.get("rally-meter")}`);
  const count = () => d1(`SELECT signature_count AS n FROM petitions WHERE slug = '${slug}'`)[0].n;
  await eventually(count, (n) => n === sent + 1, 20_000);
});

test("staff raise a petition's shards from the builder; a lower count is refused beside the field", async () => {
  const browser = await launch();
  try {
    const { page: p } = await dashboardAs(browser, STAFF.owner);
    await p.locator("nav button", { hasText: "Widgets" }).click();
    await p.locator('table.petitions tr[data-slug="e2e-viral-replay"] button.edit').click();
    const field = p.locator("#b-shards");
    assert.equal(await field.inputValue(), "1", "the editor shows the saved shards");
    assert.equal(await p.locator('label[for="b-shards"]').textContent(), "Shards");
    await field.fill("0");
    await p.locator("form.shards button[type=submit]").click();
    await p.locator("#b-shards-error").waitFor();
    assert.equal(await field.getAttribute("aria-invalid"), "true");
    assert.match(await field.getAttribute("aria-describedby"), /b-shards-error/);
    await field.fill("2");
    await p.locator("form.shards button[type=submit]").click();
    await p.locator("form.shards [role=status]", { hasText: "Shards set." }).waitFor();
    assert.equal(await p.locator("#b-shards-error").count(), 0);
    assert.equal(d1("SELECT shards FROM petitions WHERE slug = 'e2e-viral-replay'")[0].shards, 2);
  } finally {
    await browser.close();
  }
});

test("SIGKILL of the edge mid-load, restart, cron: every acknowledged signature is in D1, once", async () => {
  const slug = "e2e-viral-crash";
  const state = mkdtempSync(path.join(tmpdir(), "rally-shards-"));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let edge = await startOwnEdge(port, state);
  try {
    const signAt = (i, key) => fetch(`${base}/api/v1/campaigns/demo/petitions/${slug}/signatures`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "CF-Connecting-IP": `10.9.${i >> 8}.${i & 255}`, "Idempotency-Key": key },
      body: JSON.stringify(person({ email: `crash-${i}@example.org` })),
    }).then((r) => r.status).catch(() => 0);
    const n = 300;
    const keys = Array.from({ length: n }, (_, i) => `crash-${process.pid}-${i}`);
    const acknowledged = new Set();
    let killed = false;
    const load = keys.map((key, i) => signAt(i, key).then((s) => {
      if (s === 201 && !killed) acknowledged.add(i);
      if (acknowledged.size >= 120 && !killed) {
        killed = true;
        crash(edge);
      }
    }));
    await Promise.all(load);
    assert.ok(killed, "the edge was killed mid-load");
    assert.ok(acknowledged.size >= 120 && acknowledged.size < n, `acknowledged ${acknowledged.size} of ${n} before the kill`);
    edge = await startOwnEdge(port, state);
    await cron(base);
    // Every signature acknowledged before the kill reaches D1 (the cron kicks every shard).
    await eventually(() => {
      const have = new Set(d1(`SELECT CAST(substr(s.email, 7) AS INTEGER) AS i FROM signatures g JOIN supporters s ON s.id = g.supporter_id \
        JOIN petitions p ON p.id = g.petition_id WHERE p.slug = '${slug}'`, state).map((r) => r.i));
      return [...acknowledged].filter((i) => !have.has(i)).length;
    }, (missing) => missing === 0, 30_000).catch(async (e) => { await cron(base); throw e; });
    // Then the clients whose answers were lost try again with their keys, as the widget does:
    // each is counted once, whether or not the shard had stored it before the kill.
    const retried = await Promise.all(keys.map((key, i) => acknowledged.has(i) ? 201 : signAt(i, key)));
    assert.ok(retried.every((s) => s === 201 || s === 200), JSON.stringify(retried.filter((s) => s >= 300)));
    await cron(base);
    const final = await eventually(() => stored(slug, state), (s) => s.n >= n, 30_000);
    assert.deepEqual(final, { n, rows: n, actions: n }, "the D1 count equals the acknowledged unique emails");
  } finally {
    crash(edge);
    rmSync(state, { recursive: true, force: true });
  }
});
