// The query budget. Production stops a Worker invocation after 1,000 D1 queries (50 on the free
// plan) and limits its other subrequests; the local runtime enforces none of it, so every test
// would pass while production failed. The edge counts what each invocation asks of D1, KV and
// the network (edge/src/meter.rs: `Rally-Meter` on each response, `GET /api/v1/meter` for the
// largest counts per route, queue batch and cron run), and this test holds them to one table:
// tests/query-budget.json. Like the byte budget, the table is raised only on purpose, in a
// reviewed change.
//
// `cargo xtask test` runs this file after every other, so its last test checks what the whole
// suite made this edge do, route by route, beside the heaviest uses it drives itself.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { EDGE, ROOT, STAFF, sign, person, campaignApi, cron, eventually, getJson } from "./helpers.mjs";

const TABLE = JSON.parse(readFileSync(path.join(ROOT, "tests/query-budget.json"), "utf8"));
const BUDGETS = TABLE.budgets;
/** The free plan's D1 queries per invocation; the table keeps every route at half of it at most. */
const FREE_PLAN = 50;

/** Every route, as docs/API.md heads them (the router test holds those to the route table). */
const ROUTES = [...readFileSync(path.join(ROOT, "docs/API.md"), "utf8").matchAll(/^### `([A-Z]+ \/[^`]*)`/gm)].map((m) => m[1]);

const parse = (header) => Object.fromEntries((header ?? "").split(",").filter(Boolean).map((kv) => {
  const [k, v] = kv.trim().split("=");
  return [k, Number(v)];
}));

const within = (label, counts) => {
  const b = BUDGETS[label];
  assert.ok(b, `${label} has no budget in tests/query-budget.json`);
  for (const k of ["d1", "kv", "fetch"]) {
    assert.ok(counts[k] <= b[k], `${label}: ${k} = ${counts[k]}, over its budget of ${b[k]}`);
  }
};

/** What this run measured, printed at the end for the closing note. */
const seen = {};

/** Requests `url` and holds its `Rally-Meter` counts to `label`'s budget. */
async function metered(label, url, init = {}) {
  const res = await fetch(`${EDGE}${url}`, init);
  const counts = parse(res.headers.get("rally-meter"));
  assert.ok("d1" in counts, `${label}: the response carries Rally-Meter (status ${res.status})`);
  within(label, counts);
  seen[label] = counts;
  return res;
}

const staff = { Authorization: `Bearer ${STAFF.owner}` };
const C = "/api/v1/campaigns/:campaign";

test("the table names every route, the queues' batches and the cron, each far inside the free plan", () => {
  const named = Object.keys(BUDGETS).sort();
  assert.deepEqual(named, [...ROUTES, "queue", "export slice", "ladder slice", "people slice", "cron", "drain", "shard sweep"].sort(), "one budget per route, queue batch, export, ladder or people slice, cron run, shard drain and shard sweep");
  for (const [label, b] of Object.entries(BUDGETS)) {
    if (TABLE.exceptions[label]) continue; // named, with the reason, in the table
    assert.ok(b.d1 <= FREE_PLAN / 2, `${label}: a budget of ${b.d1} D1 calls is not far inside ${FREE_PLAN}`);
  }
  assert.ok(Object.keys(TABLE.exceptions).length <= 1, "exceptions are few, and each says why");
});

test("the heaviest public uses stay within their budgets", async () => {
  const call = campaignApi("demo");
  // A new supporter arriving by a referral link signs, pledges, starts a team; a friend joins.
  const first = await sign("save-the-park", person({ first_name: "Meter" }));
  assert.equal(first.status, 201, JSON.stringify(first.body));
  const token = first.body.supporter_token;
  const code = first.body.ref_code;
  const res = await metered(`POST ${C}/petitions/:petition/signatures`, "/api/v1/campaigns/demo/petitions/save-the-park/signatures", {
    method: "POST",
    headers: { "Content-Type": "application/json", "CF-Connecting-IP": "203.0.113.91", "Idempotency-Key": `meter-${Date.now()}` },
    body: JSON.stringify({ ...person({ first_name: "Referred" }), ref: code }),
  });
  assert.equal(res.status, 201);
  const friend = (await res.json()).supporter_token;
  await metered(`GET ${C}/petitions/:petition`, "/api/v1/campaigns/demo/petitions/save-the-park?lang=pt-BR");
  await metered(`GET ${C}/petitions/:petition/form`, "/api/v1/campaigns/demo/petitions/save-the-park/form?view=1");
  await metered(`GET ${C}/referrals/:code`, `/api/v1/campaigns/demo/referrals/${code}`);
  const pledge = "vote-budget-day"; // the demo campaign's (edge/seed/demo.sql)
  await metered(`GET ${C}/pledges/:pledge`, `/api/v1/campaigns/demo/pledges/${pledge}`);
  await metered(`POST ${C}/pledges/:pledge/commitments`, `/api/v1/campaigns/demo/pledges/${pledge}/commitments`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}`, "CF-Connecting-IP": "203.0.113.92", "Idempotency-Key": `meter-p-${Date.now()}` },
    body: JSON.stringify({ ...person({ first_name: "Meter" }), reminders: true }),
  });
  const team = await metered(`POST ${C}/teams`, "/api/v1/campaigns/demo/teams", {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}`, "CF-Connecting-IP": "203.0.113.93", "Idempotency-Key": `meter-t-${Date.now()}` },
    body: JSON.stringify({ name: `Meter ${Date.now().toString(36)}` }),
  });
  assert.equal(team.status, 201);
  const invite = (await team.json()).invite;
  await metered(`GET ${C}/teams/:invite`, `/api/v1/campaigns/demo/teams/${invite}`);
  await metered(`POST ${C}/teams/join`, "/api/v1/campaigns/demo/teams/join", {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${friend}`, "CF-Connecting-IP": "203.0.113.94", "Idempotency-Key": `meter-j-${Date.now()}` },
    body: JSON.stringify({ invite }),
  });
  await metered(`GET ${C}/me`, "/api/v1/campaigns/demo/me", { headers: { Authorization: `Bearer ${token}` } });
  for (const board of ["mobilisers", "teams", "regions"]) {
    await metered(`GET ${C}/leaderboards/:board`, `/api/v1/campaigns/demo/leaderboards/${board}`, { headers: { Authorization: `Bearer ${token}` } });
  }
  await metered(`POST ${C}/reports`, "/api/v1/campaigns/demo/reports", {
    method: "POST",
    headers: { "Content-Type": "application/json", "CF-Connecting-IP": "203.0.113.95", "Idempotency-Key": `meter-r-${Date.now()}` },
    body: JSON.stringify({ claim: "the meter says the park closes tomorrow", seen_on: "whatsapp" }),
  });
  await metered(`GET ${C}/rebuttals`, "/api/v1/campaigns/demo/rebuttals?q=park");
  await metered("GET /p/:campaign/:petition", "/p/demo/save-the-park");
  assert.equal((await call("/me", token)).status, 200);
});

test("the heaviest staff reads stay within their budgets", async () => {
  await metered(`GET ${C}/staff/overview`, "/api/v1/campaigns/demo/staff/overview", { headers: staff });
  await metered(`GET ${C}/staff/supporters`, "/api/v1/campaigns/demo/staff/supporters?q=ana", { headers: staff });
  await metered(`GET ${C}/staff/claims`, "/api/v1/campaigns/demo/staff/claims", { headers: staff });
  await metered(`GET ${C}/staff/audit`, "/api/v1/campaigns/demo/staff/audit", { headers: staff });
  await metered(`GET ${C}/staff/widgets`, "/api/v1/campaigns/demo/staff/widgets", { headers: staff });
  await metered(`GET ${C}/staff/messages`, "/api/v1/campaigns/demo/staff/messages", { headers: staff });
  // The engagement ladder: read, the report (filtered too) and its CSV, the people on a rung,
  // and an edit (the same ladder saved again), whose background slices the last test holds to
  // their budget.
  const ladder = await metered(`GET ${C}/staff/ladder`, "/api/v1/campaigns/demo/staff/ladder", { headers: staff });
  await metered(`GET ${C}/staff/ladder/report`, "/api/v1/campaigns/demo/staff/ladder/report?lang=es", { headers: staff });
  await metered(`GET ${C}/staff/ladder/report`, "/api/v1/campaigns/demo/staff/ladder/report?dim=region&val=BR-SP", { headers: staff });
  await metered(`GET ${C}/staff/ladder/report/export`, "/api/v1/campaigns/demo/staff/ladder/report/export", { headers: staff });
  await metered(`GET ${C}/staff/supporters`, "/api/v1/campaigns/demo/staff/supporters?rung=supporter", { headers: staff });
  // The supporter list with every kind of condition at once: a page and its count.
  const every = "did=sign:save-the-park&did=pledge&not_did=report&from=2026-01-01&to=2026-12-31&region=BR-SP&country=BR&leader=no"
    + "&consent=yes&unsubscribed=no&confirmed=no&goal_weeks=2&push=no&tag=x&utm_source=y&source=z&referrer=ABCD2345&rung=supporter&q=ana";
  await metered(`GET ${C}/staff/people`, `/api/v1/campaigns/demo/staff/people?${every}&sort=points`, { headers: staff });
  await metered(`GET ${C}/staff/people/count`, `/api/v1/campaigns/demo/staff/people/count?${every}`, { headers: staff });
  const saved = await metered(`PUT ${C}/staff/ladder`, "/api/v1/campaigns/demo/staff/ladder", {
    method: "PUT", headers: { ...staff, "Content-Type": "application/json" }, body: JSON.stringify((await ladder.json()).ladder),
  });
  assert.equal(saved.status, 200);
  await eventually(() => getJson(`${EDGE}/api/v1/meter`), (m) => m["ladder slice"], 20_000);
  // Other tools, through the OSDI API with a token of their own.
  const issued = await fetch(`${EDGE}/api/v1/campaigns/demo/staff/members`, {
    method: "POST", headers: { ...staff, "Content-Type": "application/json" },
    body: JSON.stringify({ name: `Meter ${Date.now()}`, role: "organiser", kind: "api" }),
  });
  assert.equal(issued.status, 201);
  const osdi = { "OSDI-API-Token": (await issued.json()).key };
  await metered("GET /api/v1/osdi/petitions/:id", "/api/v1/osdi/petitions/save-the-park", { headers: osdi });
  await metered("GET /api/v1/osdi/events/:id", "/api/v1/osdi/events/vote-budget-day", { headers: osdi });
  await metered("GET /api/v1/osdi/petitions/:id/signatures", "/api/v1/osdi/petitions/save-the-park/signatures?per_page=1000", { headers: osdi });
});

test("a viral petition's shard path, its drain and the staff shard routes stay within theirs", async () => {
  // The sign route on a sharded petition: replica reads, one shard, no D1 write.
  const viral = await metered(`POST ${C}/petitions/:petition/signatures`, "/api/v1/campaigns/demo/petitions/e2e-viral/signatures", {
    method: "POST",
    headers: { "Content-Type": "application/json", "CF-Connecting-IP": "203.0.113.95", "Idempotency-Key": `meter-viral-${Date.now()}` },
    body: JSON.stringify(person({ first_name: "Viral" })),
  });
  assert.equal(viral.status, 201);
  assert.equal(parse(viral.headers.get("rally-meter")).writes, 0, "the shard path writes nothing to D1");
  await metered(`GET ${C}/petitions/:petition`, "/api/v1/campaigns/demo/petitions/e2e-viral");
  const json = { ...staff, "Content-Type": "application/json" };
  const drained = await metered(`POST ${C}/staff/shards/:kind/:slug/drain`, "/api/v1/campaigns/demo/staff/shards/petitions/e2e-viral/drain", { method: "POST", headers: staff });
  assert.equal(drained.status, 200);
  // The drain's own invocation (the shard's), as the meter saw it.
  const most = await eventually(() => getJson(`${EDGE}/api/v1/meter`), (m) => m.drain, 10_000);
  within("drain", most.drain);
  const set = await metered(`PUT ${C}/staff/shards/:kind/:slug`, "/api/v1/campaigns/demo/staff/shards/petitions/e2e-viral", {
    method: "PUT", headers: json, body: JSON.stringify({ shards: 4 }),
  });
  assert.equal(set.status, 200, await set.text());
  await cron();
  const swept = await eventually(() => getJson(`${EDGE}/api/v1/meter`), (m) => m["shard sweep"], 10_000);
  within("shard sweep", swept["shard sweep"]);
});

test("a cron run and a queue batch stay within theirs", async () => {
  // A signature on a campaign that confirms by email: its message goes through the queue; the
  // cron sweeps.
  const r = await sign("mail-confirm", person({ first_name: "Queued" }), { campaign: "e2e-mail" });
  assert.equal(r.status, 201);
  await cron();
  const most = await eventually(() => getJson(`${EDGE}/api/v1/meter`), (m) => m.queue && m.cron, 20_000);
  within("queue", most.queue);
  within("cron", most.cron);
  assert.ok(most.queue.d1 >= 2, "a queue batch claims and settles in D1: the meter saw it");
});

test("everything this edge did in the suite stays within the table", async () => {
  const most = await getJson(`${EDGE}/api/v1/meter`);
  for (const [label, counts] of Object.entries(most)) within(label, counts);
  const rows = Object.entries(most).sort(([a], [b]) => a.localeCompare(b))
    .map(([label, c]) => `${String(c.d1).padStart(3)} ${String(c.statements).padStart(3)} ${String(c.kv).padStart(3)} ${String(c.fetch).padStart(3)}  ${label}`);
  console.log(`query budget: largest counts seen (d1, statements, kv, fetch), ${rows.length} labels\n${rows.join("\n")}`);
  const unseen = Object.keys(BUDGETS).filter((l) => !(l in most));
  console.log(`not exercised in this run: ${unseen.length ? unseen.join(", ") : "none"}`);
  assert.ok(Object.keys(most).length >= 20, "the meter saw the suite's routes");
});
