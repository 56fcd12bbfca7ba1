// Staff access: sessions (HttpOnly, Secure, SameSite=Strict cookies), refusals for every staff
// route without a session, with too small a role, with another campaign's session, and from
// another site; failed sign-ins slowed down; the audit log; the overview's live counts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { EDGE, STAFF, sign, person, freshIp } from "./helpers.mjs";

const C = "demo";

async function signIn(key, { ip = freshIp(), origin } = {}) {
  const res = await fetch(`${EDGE}/api/v1/staff/session`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "CF-Connecting-IP": ip, ...(origin ? { Origin: origin } : {}) },
    body: JSON.stringify({ key }),
  });
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0];
  return { status: res.status, body: await res.json(), setCookie: res.headers.get("set-cookie"), cookie };
}

const asStaff = (path, cookie, { method = "GET", body, headers = {} } = {}) =>
  fetch(`${EDGE}/api/v1/campaigns/${C}/staff${path}`, {
    method,
    headers: { ...(cookie ? { Cookie: cookie } : {}), ...(body ? { "Content-Type": "application/json" } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  }).then(async (r) => ({ status: r.status, text: await r.text() })).then((r) => ({ ...r, body: r.text.startsWith("{") || r.text.startsWith("[") ? JSON.parse(r.text) : r.text }));

test("a credential opens an HttpOnly, Secure, SameSite=Strict session; signing out ends it", async () => {
  const s = await signIn(STAFF.owner);
  assert.equal(s.status, 201);
  assert.deepEqual([s.body.campaign, s.body.name, s.body.role], ["demo", "Olga Owner", "owner"]);
  for (const attr of ["HttpOnly", "Secure", "SameSite=Strict", "Path=/", "Max-Age=43200"]) {
    assert.ok(s.setCookie.includes(attr), `${attr} in ${s.setCookie}`);
  }
  assert.match(s.cookie, /^rally_staff=[0-9a-f]{64}$/);
  assert.equal((await asStaff("/overview", s.cookie)).status, 200);
  const wrong = await signIn("rs_wrong");
  assert.deepEqual([wrong.status, wrong.body.error.code, wrong.body.error.field], [401, "unauthorized", "key"]);
  const out = await fetch(`${EDGE}/api/v1/staff/session`, { method: "DELETE", headers: { Cookie: s.cookie } });
  assert.equal(out.status, 204);
  assert.match(out.headers.get("set-cookie"), /Max-Age=0/);
  assert.equal((await asStaff("/overview", s.cookie)).status, 401, "the session ended");
});

test("every staff route refuses no session, a role too small, another campaign's session, and another site", async () => {
  const viewer = (await signIn(STAFF.viewer)).cookie;
  const moderator = (await signIn(STAFF.moderator)).cookie;
  const other = (await signIn(STAFF.otherOwner)).cookie;
  const claim = (await fetch(`${EDGE}/api/v1/campaigns/${C}/reports`, {
    method: "POST", headers: { "Content-Type": "application/json", "CF-Connecting-IP": freshIp() },
    body: JSON.stringify({ claim: `Staff route checks ${Date.now()} say the library closes forever`, seen_on: "other" }),
  }).then((r) => r.json())).claim_id;
  const routes = [
    ["GET", "/overview"], ["GET", "/audit"], ["GET", "/claims"], ["GET", `/claims/${claim}`],
    ["GET", `/claims/${claim}/history`], ["GET", "/claims/export"],
    ["PATCH", `/claims/${claim}`, { status: "in_review" }],
    ["POST", `/claims/${claim}/merge`, { into: claim }], ["POST", `/claims/${claim}/split`, { reports: [1] }],
    // The builder and staff management, with bodies that would succeed for the right role.
    ["GET", "/widgets"], ["GET", "/members"], ["GET", "/campaign"],
    ["PUT", "/campaign", { name: "Hijacked", timezone: "UTC", weekly_goal: 3, team_size: 8, points_sign: 1000, points_pledge: 20, points_report: 10, points_recruit: 50 }],
    ["POST", "/members", { name: "Eve Intruder", role: "owner" }], ["DELETE", "/members/1"],
    ["POST", "/petitions", { slug: `intruder-${Date.now()}`, title: "T", body: "B", target: "X", goal: 10 }],
    ["PUT", "/petitions/save-the-park", { title: "Hijacked", body: "B", target: "X", goal: 10 }],
    ["POST", "/pledges", { slug: `intruder-${Date.now()}`, statement: "S", goal: 10 }],
    ["PUT", "/pledges/vote-budget-day", { statement: "Hijacked", goal: 10 }],
  ];
  for (const [method, path, body] of routes) {
    assert.equal((await asStaff(path, null, { method, body })).status, 401, `${method} ${path} without a session`);
    assert.equal((await asStaff(path, other, { method, body })).status, 401, `${method} ${path} with another campaign's session`);
  }
  // A viewer reads, but may not change or export.
  assert.equal((await asStaff("/claims", viewer)).status, 200);
  for (const [method, path, body] of routes.filter(([m, p]) => m !== "GET" || p === "/claims/export" || p === "/members")) {
    const r = await asStaff(path, viewer, { method, body });
    assert.deepEqual([r.status, r.body.error?.code], [403, "forbidden"], `${method} ${path} as a viewer`);
  }
  // Another site's page cannot act with the moderator's cookie, even if a browser sent it.
  for (const headers of [{ Origin: "https://evil.example" }, { "Sec-Fetch-Site": "cross-site" }]) {
    const r = await asStaff(`/claims/${claim}`, moderator, { method: "PATCH", body: { status: "in_review" }, headers });
    assert.deepEqual([r.status, r.body.error.code], [403, "forbidden"], JSON.stringify(headers));
  }
  const same = await asStaff(`/claims/${claim}`, moderator, { method: "PATCH", body: { status: "in_review" }, headers: { Origin: EDGE } });
  assert.equal(same.status, 200, "the dashboard's own origin may");
  // A moderator may not build widgets or manage staff either (organisers and owners may).
  for (const [method, path, body] of routes.filter(([m, p]) => /^\/(petitions|pledges|members)/.test(p) || (m === "PUT" && p === "/campaign"))) {
    const r = await asStaff(path, moderator, { method, body });
    assert.deepEqual([r.status, r.body.error?.code], [403, "forbidden"], `${method} ${path} as a moderator`);
  }
  const crossSignIn = await signIn(STAFF.owner, { origin: "https://evil.example" });
  assert.equal(crossSignIn.status, 403);
});

test("failed sign-ins from one network are slowed down", async () => {
  const ip = freshIp();
  const statuses = [];
  for (let i = 0; i < 12; i++) statuses.push((await signIn(`rs_guess_${i}`, { ip })).status);
  assert.deepEqual(statuses.slice(0, 10), Array(10).fill(401));
  assert.deepEqual(statuses.slice(10), [429, 429]);
  assert.equal((await signIn(STAFF.owner)).status, 201, "other networks are not affected");
});

test("the overview counts a signature made a moment ago; staff actions are in the audit log", async () => {
  const owner = (await signIn(STAFF.owner)).cookie;
  const before = (await asStaff("/overview", owner)).body;
  const i = before.kinds.indexOf("sign");
  assert.ok(i >= 0);
  assert.equal((await sign("save-the-park", person())).status, 201);
  const after = (await asStaff("/overview", owner)).body;
  for (const period of ["today", "week", "all"]) {
    assert.equal(after.totals[i][period], before.totals[i][period] + 1, period);
  }
  const last = (s) => s.hourly[s.hourly.length - 1];
  assert.equal(after.hourly.length, 48);
  assert.equal(after.daily.length, 35);
  assert.equal(last(after).counts[i], last(before).at === last(after).at ? last(before).counts[i] + 1 : 1);
  assert.equal((await asStaff("/claims/export?format=csv", owner)).status, 200);
  const audit = (await asStaff("/audit", owner)).body;
  assert.deepEqual([audit[0].staff, audit[0].action, audit[0].detail], ["Olga Owner", "export", "claims (csv)"]);
  assert.ok(audit.some((e) => e.action === "sign_in" && e.staff === "Olga Owner"));
});

test("CSV exports stream every row, with consent columns, and neutralise formula cells", async () => {
  const csvOf = async (campaign, what, cookie) => {
    const res = await fetch(`${EDGE}/api/v1/campaigns/${campaign}/staff/exports/${what}`, { headers: { Cookie: cookie } });
    return { status: res.status, type: res.headers.get("content-type"), text: await res.text() };
  };
  // 1,200 supporters: three pages of the keyset query, stitched without gaps or repeats.
  const owner = (await signIn(STAFF.exportOwner)).cookie;
  const all = await csvOf("e2e-export", "supporters", owner);
  assert.equal(all.status, 200);
  assert.match(all.type, /^text\/csv/);
  const lines = all.text.trimEnd().split("\r\n");
  assert.equal(lines[0], "id,email,first_name,last_name,postal_code,country,region,contact_consent,consent_at,unsubscribed_at,lang,points,recruits,ref_code,listed,created_at");
  assert.equal(lines.length, 1 + 1200);
  const ids = lines.slice(1).map((l) => Number(l.split(",")[0]));
  assert.ok(ids.every((id, i) => i === 0 || id > ids[i - 1]), "ids strictly increase");
  assert.equal(new Set(lines.slice(1).map((l) => l.split(",")[1])).size, 1200, "every supporter once");
  const formula = lines.find((l) => l.includes(`"Person100"`));
  assert.ok(formula.includes(`"'=SUM(A100)"`), formula);
  assert.ok(lines[1].includes(`"2026-`), "times are ISO 8601");

  // A signature made now, with a formula for a name, in the demo campaign's signatures export.
  const who = person({ first_name: "=Cmd", last_name: "@Evil", contact_consent: false, show_name: true });
  assert.equal((await sign("save-the-park", who)).status, 201);
  const demoOwner = (await signIn(STAFF.owner)).cookie;
  const sigs = await csvOf("demo", "signatures", demoOwner);
  const head = sigs.text.split("\r\n")[0].split(",");
  assert.deepEqual(head.slice(0, 13), ["id", "petition", "signed_at", "first_name", "last_name", "email", "postal_code", "country", "region", "contact_consent", "consent_at", "unsubscribed_at", "show_name"]);
  const row = sigs.text.split("\r\n").find((l) => l.includes(who.email));
  assert.ok(row.includes(`"save-the-park"`));
  assert.ok(row.includes(`"'=Cmd","'@Evil"`), row);
  const cells = row.split(",");
  assert.equal(cells[head.indexOf("contact_consent")], "0");
  assert.equal(cells[head.indexOf("show_name")], "1");
  assert.ok(head.includes("utm_source") && !head.includes("reminder"));
  const pledges = await csvOf("demo", "commitments", demoOwner);
  assert.match(pledges.text.split("\r\n")[0], /,reminder,/);

  // Only owners and organisers export people's data.
  const moderator = (await signIn(STAFF.moderator)).cookie;
  assert.equal((await csvOf("demo", "supporters", moderator)).status, 403);
  assert.equal((await csvOf("demo", "everything", demoOwner)).status, 404);
  const audit = (await asStaff("/audit", demoOwner)).body;
  assert.ok(audit.some((e) => e.action === "export" && e.detail === "signatures"));
});
