// The engagement ladder (issue 21), in real Chromium against a real local edge of this file's
// own: the file moves the edge's clock forward (the cron's test hook, `/__scheduled?cron=at:MS`,
// on test edges only), which must not move the shared edge's weeks under other tests.
//
// A new person signs -> the thank-you asks for the Regular rung's ask (a pledge, opened in
// place, one click as the remembered supporter); a second week -> Regular; a recruit ->
// Recruiter; a team -> Team member; a team of three -> Team leader; each step in the board's
// "me" panel and in the report, whose numbers equal an oracle over the raw rows for every
// filter; the cron drops an idle person from Regular after the window; a ladder edit
// re-evaluates everyone and is marked; the own page without JavaScript shows the ask.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { launch, newContext, hostPage, page, fillForm, person, d1, eventually, freePort, startOwnEdge, crash, freshIp, mailbox, interactive } from "./helpers.mjs";

const C = "e2e-ladder";
const OWNER = { Authorization: "Bearer rs_test_ladder_owner_5c3e7a" };
const VIEWER = { Authorization: "Bearer rs_test_ladder_viewer_1d9b2f" };
const WEEK = 7 * 86_400_000;
let browser, edge, state, base;
let clock = Date.now();

before(async () => {
  state = mkdtempSync(path.join(tmpdir(), "rally-ladder-"));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  edge = await startOwnEdge(port, state);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  if (edge) crash(edge);
  if (state) rmSync(state, { recursive: true, force: true });
});

const sql = (q) => d1(q, state);
const campaignId = () => sql(`SELECT id FROM campaigns WHERE slug = '${C}'`)[0].id;

/** Moves the edge's clock `weeks` ahead of where it was and runs the cron there. */
async function weeksLater(weeks) {
  clock += weeks * WEEK;
  const res = await fetch(`${base}/__scheduled?cron=at:${clock}`);
  assert.equal(res.status, 200, "the cron ran");
}

async function call(method, p, { body, token, headers = {} } = {}) {
  const h = { "CF-Connecting-IP": freshIp(), ...headers };
  if (body !== undefined) h["Content-Type"] = "application/json";
  if (token) h.Authorization = `Bearer ${token}`;
  const res = await fetch(`${base}${p}`, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = text; }
  return { status: res.status, body: json, meter: res.headers.get("rally-meter") };
}

const signApi = (petition, body, token) => call("POST", `/api/v1/campaigns/${C}/petitions/${petition}/signatures`,
  { body, token, headers: { "Idempotency-Key": `ladder-${Date.now()}-${Math.random().toString(36).slice(2, 10)}` } });
const me = async (token, lang = "en") => (await call("GET", `/api/v1/campaigns/${C}/me?lang=${lang}`, { token })).body;
const rungOf = (email) => sql(`SELECT rung FROM supporters WHERE email = '${email}'`)[0]?.rung;
const report = async (q = "") => {
  const r = await call("GET", `/api/v1/campaigns/${C}/staff/ladder/report?lang=en${q}`, { headers: OWNER });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
};

/** The report's numbers for one filter, computed again from the raw rows (never aggregates). */
function oracle(dim, val) {
  const c = campaignId();
  const where = (alias, region, team) => ({
    all: "1",
    source: `${alias}.source = '${val}'`,
    item: `${alias}.item = '${val}'`,
    region: `${alias}.${region} = '${val}'`,
    team: `${alias}.${team} = '${val}'`,
  })[dim];
  const now = sql(`SELECT s.rung, COUNT(*) AS n FROM (SELECT rung, COALESCE(first_source, '') AS source,
      COALESCE(first_item, '') AS item, COALESCE(region, '') AS region, COALESCE(CAST(team_id AS TEXT), '') AS team
      FROM supporters WHERE campaign_id = ${c} AND rung != '') s WHERE ${where("s", "region", "team")} GROUP BY s.rung`);
  const moves = sql(`SELECT m.week, m.from_rung, m.to_rung, COUNT(*) AS n FROM rung_moves m
      WHERE m.campaign_id = ${c} AND ${where("m", "region", "team")} GROUP BY 1, 2, 3`);
  const conv = sql(`SELECT e.rung, COUNT(*) AS entered, SUM(e.converted) AS converted FROM rung_entries e
      WHERE e.campaign_id = ${c} AND ${where("e", "region", "team")} GROUP BY e.rung`);
  return { now, moves, conv };
}

/** Asserts the report at `dim`/`val` says what the raw rows say. */
async function reportMatches(dim, val) {
  const r = await report(dim === "all" ? "" : `&dim=${dim}&val=${encodeURIComponent(val)}`);
  const o = oracle(dim, val);
  for (const rung of r.rungs) {
    assert.equal(rung.now, o.now.find((x) => x.rung === rung.slug)?.n ?? 0, `${dim}=${val}: people on ${rung.slug}`);
    const c = o.conv.find((x) => x.rung === rung.slug);
    assert.equal(rung.entered, c?.entered ?? 0, `${dim}=${val}: entered ${rung.slug}`);
    assert.equal(rung.converted, c?.converted ?? 0, `${dim}=${val}: converted from ${rung.slug}`);
  }
  const shown = r.weeks.flatMap((w) => w.moves.map((m) => `${w.week} ${m.from}>${m.to} ${m.n}`)).sort();
  const weeks = new Set(r.weeks.map((w) => w.week));
  const expected = o.moves.filter((m) => weeks.has(m.week)).map((m) => `${m.week} ${m.from_rung}>${m.to_rung} ${m.n}`).sort();
  assert.deepEqual(shown, expected, `${dim}=${val}: moves per week`);
  return r;
}

/** A visitor's browser on the campaign's site, showing `html`. */
async function visit(html) {
  const context = await newContext(browser);
  const url = await hostPage(context, page(html));
  const p = await context.newPage();
  await p.goto(url);
  return { context, p };
}

test("a person climbs the ladder, step by step, in the widgets and in the report", { timeout: 240_000 }, async () => {
  const ana = person({ first_name: "Ana", last_name: "Ladder" });
  const petition = `<script async src="${base}/embed.js" data-widget="petition" data-campaign="${C}" data-petition="ladder-a"></script>`;
  const { context, p } = await visit(petition);
  const w = p.locator(".rally-host");
  await w.locator("#in-first_name").waitFor();
  await fillForm(w, ana);
  await w.locator("button[type=submit]").click();
  await w.locator(".thanks h3").waitFor();

  // The thank-you asks for the Regular rung's ask (the campaign's pledge), one tap away.
  const next = w.locator(".thanks .next");
  assert.equal(await next.locator(".rung").textContent(), "Supporter");
  assert.equal(await next.locator(".ask-next").textContent(), "Next: Commit to “I will knock on ten doors”");
  assert.equal(await next.locator(".needs").textContent(), "Regular: one more week active");
  assert.equal(rungOf(ana.email), "supporter");
  await next.locator("button").click();
  // The pledge opens in place, in the same shadow root, greeting the remembered supporter:
  // the second action is one click.
  const inner = w.locator("rally-pledge");
  await inner.locator(".title").waitFor();
  // Focus stays in the widget (on its heading) when the button it was on gives way.
  assert.ok(await w.locator(".thanks h3").evaluate((h) => h.getRootNode().activeElement === h), "focus on the thank-you heading");
  assert.match(await inner.locator(".title").textContent(), /I will knock on ten doors/);
  // The greeting is read from `/me` after the pledge draws; until it arrives the form is an
  // empty one (a slow machine clicks before it), so the click waits for it, as a person would.
  await inner.locator(".me .me-name").waitFor();
  await inner.locator("button[type=submit]").click();
  await inner.locator(".thanks h3").waitFor();
  assert.equal(await inner.locator(".thanks h3").textContent(), "Thank you for pledging!");
  const [{ n: pledged }] = sql(`SELECT COUNT(*) AS n FROM commitments c JOIN supporters s ON s.id = c.supporter_id WHERE s.email = '${ana.email}'`);
  assert.equal(pledged, 1, "the pledge is the remembered supporter's");
  const token = await p.evaluate((c) => localStorage.getItem(`rally:supporter:${c}`), C);
  assert.ok(token);
  await context.close();

  // The board's "me" panel shows where she stands.
  const boardPanel = async (expectRung) => {
    const { context: ctx, p: bp } = await visit(`<script async src="${base}/embed.js"></script><rally-board campaign="${C}"></rally-board>`);
    await bp.evaluate(([c, t]) => localStorage.setItem(`rally:supporter:${c}`, t), [C, token]);
    await bp.reload();
    const rung = bp.locator("rally-board .standing .next .rung");
    await eventually(async () => (await rung.count()) ? rung.textContent() : "", (t) => t === expectRung, 15_000);
    const needs = await bp.locator("rally-board .standing .next .needs").textContent();
    await ctx.close();
    return needs;
  };
  assert.equal(await boardPanel("Supporter"), "Regular: one more week active");

  // A week later, a second action: Regular.
  await weeksLater(1);
  const again = await signApi("ladder-b", { ...ana, email: "", first_name: "", last_name: "" }, token);
  assert.equal(again.status, 201, JSON.stringify(again.body));
  assert.equal(again.body.next.rung, "Regular");
  assert.equal(rungOf(ana.email), "regular");
  assert.equal(await boardPanel("Regular"), "Recruiter: one recruit");

  // Someone signs through her link: Recruiter.
  const bia = person({ first_name: "Bia", last_name: "Recruit", ref: again.body.ref_code });
  assert.equal((await signApi("ladder-a", bia)).status, 201);
  assert.equal(rungOf(ana.email), "recruiter");
  assert.equal((await me(token)).ladder.rung, "Recruiter");

  // She starts a team: Team member; two friends join: Team leader.
  const team = await call("POST", `/api/v1/campaigns/${C}/teams`, { body: { name: "River crew" }, token });
  assert.equal(team.status, 201, JSON.stringify(team.body));
  assert.equal(rungOf(ana.email), "team-member");
  assert.equal(await boardPanel("Team member"), "Team leader: 2 more team members");
  for (const name of ["Caio", "Dora"]) {
    const friend = await signApi("ladder-a", person({ first_name: name, last_name: "Friend" }));
    const joined = await call("POST", `/api/v1/campaigns/${C}/teams/join`, { body: { invite: team.body.invite }, token: friend.body.supporter_token });
    assert.equal(joined.status, 200, JSON.stringify(joined.body));
  }
  assert.equal(rungOf(ana.email), "team-leader");
  assert.equal(await boardPanel("Team leader"), "");
  assert.equal((await me(token, "pt-BR")).ladder.rung, "Líder de equipe");

  // Her history: one move a step, each from where the last one left her.
  const moves = sql(`SELECT from_rung, to_rung, cause FROM rung_moves m JOIN supporters s ON s.id = m.supporter_id WHERE s.email = '${ana.email}' ORDER BY m.id`);
  assert.deepEqual(moves.map((m) => `${m.from_rung}>${m.to_rung}`),
    [">supporter", "supporter>regular", "regular>recruiter", "recruiter>team-member", "team-member>team-leader"]);
  assert.deepEqual(moves.map((m) => m.cause), ["action", "action", "action", "team", "team"]);

  // The report: each step counted, equal to the raw rows for every filter value it offers.
  const r = await reportMatches("all", "");
  assert.equal(r.rungs.find((x) => x.slug === "team-leader").now, 1);
  assert.ok(r.weeks.reduce((t, wk) => t + wk.up, 0) >= 5, "the moves up are in the weekly flows");
  for (const f of r.filters) await reportMatches(f.dim, f.val);
  assert.ok(r.filters.some((f) => f.dim === "team" && f.label === "River crew"), "teams are named");
  assert.ok(r.filters.some((f) => f.dim === "item" && f.val === "petition:ladder-a"));

  // The CSV says the same numbers.
  const csv = await fetch(`${base}/api/v1/campaigns/${C}/staff/ladder/report/export`, { headers: OWNER });
  assert.equal(csv.status, 200);
  const lines = (await csv.text()).trim().split("\r\n");
  assert.equal(lines[0], "section,week,rung,from_rung,to_rung,people");
  assert.ok(lines.includes(`"now","","team-leader","","",1`), lines.join("\n"));
});

test("without JavaScript, the own page's thank-you shows the ask", { timeout: 60_000 }, async () => {
  const who = person({ first_name: "Noa", last_name: "Nojs" });
  const form = new URLSearchParams({ first_name: who.first_name, last_name: who.last_name, email: who.email, postal_code: who.postal_code,
    country: who.country, contact_consent: "yes", lang: "pt-BR", key: `nojs-${Date.now()}` });
  const res = await fetch(`${base}/p/${C}/ladder-a`, { method: "POST", body: form, headers: { "Content-Type": "application/x-www-form-urlencoded", "CF-Connecting-IP": freshIp() } });
  assert.equal(res.status, 201);
  const html = await res.text();
  assert.match(html, /<div class="next"><p class="rung">Apoiador<\/p><p class="ask-next">Próximo passo: Comprometa-se com “I will knock on ten doors”<\/p>/);
  assert.match(html, new RegExp(`<a class="button" href="${base}/pledge/${C}/ladder-pledge">Comprometer-me</a>`));
});

test("concurrent actions of one person record each move once, none skipped", { timeout: 120_000 }, async () => {
  const zoe = person({ first_name: "Zoe", last_name: "Rush" });
  const first = await signApi("ladder-a", zoe);
  const token = first.body.supporter_token;
  await weeksLater(1);
  // Three actions at once (a signature, a pledge, and a retry of the signature with the same
  // key): D1 runs their batches one at a time, each evaluating the person as it found them.
  const key = `rush-${Date.now()}`;
  const body = JSON.stringify({ ...zoe, email: "" });
  const post = (p, k) => fetch(`${base}/api/v1/campaigns/${C}/${p}`, {
    method: "POST", body,
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}`, "Idempotency-Key": k, "CF-Connecting-IP": freshIp() },
  });
  const answers = await Promise.all([post("petitions/ladder-b/signatures", key), post("petitions/ladder-b/signatures", key),
    post("pledges/ladder-pledge/commitments", `${key}-p`)]);
  assert.deepEqual(answers.map((a) => a.status), [201, 201, 201], "a retry is answered as its first try was");
  const moves = sql(`SELECT from_rung, to_rung FROM rung_moves m JOIN supporters s ON s.id = m.supporter_id WHERE s.email = '${zoe.email}' ORDER BY m.id`);
  assert.equal(moves[0].from_rung, "", "the first move starts from no rung");
  for (let i = 1; i < moves.length; i++) assert.equal(moves[i].from_rung, moves[i - 1].to_rung, "each move starts where the last ended");
  assert.equal(moves.at(-1).to_rung, rungOf(zoe.email), "the last move ends where they stand");
  assert.deepEqual(moves.map((m) => m.to_rung), ["supporter", "regular"], "one move up, recorded once");
  const [{ n }] = sql(`SELECT COUNT(*) AS n FROM signatures x JOIN supporters s ON s.id = x.supporter_id WHERE s.email = '${zoe.email}'`);
  assert.equal(n, 2, "the retried signature counted once");
  await reportMatches("all", "");
});

test("the cron drops an idle person from Regular after the window, and an edit re-evaluates everyone", { timeout: 240_000 }, async () => {
  const yan = person({ first_name: "Yan", last_name: "Idle" });
  const first = await signApi("ladder-a", yan);
  assert.equal(first.status, 201);
  await weeksLater(1);
  const token = first.body.supporter_token;
  assert.equal((await signApi("ladder-b", { ...yan, email: "" }, token)).status, 201);
  assert.equal(rungOf(yan.email), "regular");

  // Five weeks of nothing: out of "2 of the last 4 weeks". The weekly sweep (a background job,
  // slice by slice through the queue) moves them down.
  await weeksLater(5);
  await eventually(() => rungOf(yan.email), (r) => r === "supporter", 30_000);
  const [drop] = sql(`SELECT m.cause, m.from_rung, m.to_rung FROM rung_moves m JOIN supporters s ON s.id = m.supporter_id
    WHERE s.email = '${yan.email}' ORDER BY m.id DESC LIMIT 1`);
  assert.deepEqual(drop, { cause: "window", from_rung: "regular", to_rung: "supporter" });
  assert.equal((await me(token)).ladder.rung, "Supporter");

  // A viewer reads the ladder but cannot edit it; refusals name their field.
  const got = await call("GET", `/api/v1/campaigns/${C}/staff/ladder`, { headers: VIEWER });
  assert.equal(got.status, 200);
  const ladder = got.body.ladder;
  assert.equal((await call("PUT", `/api/v1/campaigns/${C}/staff/ladder`, { body: ladder, headers: VIEWER })).status, 403);
  const bad = [
    [{ rungs: [] }, "rungs"],
    [{ rungs: ladder.rungs.map((x, i) => (i === 1 ? { ...x, name: " " } : x)) }, "rungs[1].name"],
    [{ rungs: ladder.rungs.map((x, i) => (i === 2 ? { ...x, slug: "supporter" } : x)) }, "rungs[2].slug", 409],
    [{ rungs: ladder.rungs.map((x, i) => (i === 1 ? { ...x, ask: { kind: "pledge", pledge: "nope" } } : x)) }, "rungs[1].ask.pledge"],
    [{ rungs: ladder.rungs.map((x, i) => (i === 1 ? { ...x, any_of: [[{ kind: "weeks_active", at_least: 9, of_last: 4 }]] } : x)) }, "rungs[1].any_of[0][0].at_least"],
  ];
  for (const [body, field, status = 422] of bad) {
    const r = await call("PUT", `/api/v1/campaigns/${C}/staff/ladder`, { body, headers: OWNER });
    assert.equal(r.status, status, `${field}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.error.field, field);
  }
  const unknown = await call("PUT", `/api/v1/campaigns/${C}/staff/ladder`, {
    body: { rungs: [{ ...ladder.rungs[0], any_of: [[{ kind: "vibes" }]] }] }, headers: OWNER });
  assert.equal(unknown.status, 422, `an unknown condition is refused: ${JSON.stringify(unknown.body)}`);
  assert.deepEqual([unknown.body.error.code, unknown.body.error.field], ["wrong_type", "rungs[0].any_of[0][0].kind"]);

  // Regular becomes "active in 1 of the last 8 weeks": Yan is Regular again, moved by the
  // edit's background job, and the report marks the edit.
  const edited = { rungs: ladder.rungs.map((x) => (x.slug === "regular" ? { ...x, any_of: [[{ kind: "weeks_active", at_least: 1, of_last: 8 }]] } : x)) };
  const saved = await call("PUT", `/api/v1/campaigns/${C}/staff/ladder`, { body: edited, headers: OWNER });
  assert.equal(saved.status, 200, JSON.stringify(saved.body));
  assert.equal(saved.body.version, got.body.version + 1);
  await eventually(() => rungOf(yan.email), (r) => r === "regular", 30_000);
  const [{ cause }] = sql(`SELECT m.cause FROM rung_moves m JOIN supporters s ON s.id = m.supporter_id
    WHERE s.email = '${yan.email}' ORDER BY m.id DESC LIMIT 1`);
  assert.equal(cause, "ladder_changed");
  const after = await eventually(async () => (await call("GET", `/api/v1/campaigns/${C}/staff/ladder`, { headers: OWNER })).body,
    (v) => v.evaluated === v.total, 30_000);
  assert.equal(after.version, saved.body.version);
  const r = await reportMatches("all", "");
  assert.deepEqual(r.weeks.at(-1).edits, [saved.body.version], "the edit is marked on this week");
  const [{ n: audited }] = sql(`SELECT COUNT(*) AS n FROM staff_audit WHERE action = 'ladder_update' AND campaign_id = ${campaignId()}`);
  assert.equal(audited, 1);
});

test("the dashboard's ladder tab: the report as the API says, people by rung, the editor in Portuguese", { timeout: 180_000 }, async () => {
  const context = await newContext(browser, { extraHTTPHeaders: { "CF-Connecting-IP": freshIp() } });
  const p = await context.newPage();
  await p.goto(`${base}/dashboard/`);
  await p.locator("#key").fill(OWNER.Authorization.slice("Bearer ".length));
  await p.locator("button[type=submit]").click();
  await p.locator("nav button", { hasText: "Ladder" }).click();
  const api = await report();
  // The table: each rung's people now, as the report answers.
  for (const g of api.rungs) {
    const row = p.locator(`table.rungs tr[data-rung="${g.slug}"]`);
    await row.waitFor();
    assert.equal(await row.locator("td.now button").textContent(), String(g.now), g.slug);
    assert.equal(await row.locator("td.entered").textContent(), String(g.entered), g.slug);
  }
  // The chart: twelve weeks with axes and a legend; the edit is marked; the table holds each move.
  assert.equal(await p.locator(".ladder-chart g.week").count(), 12);
  assert.equal(await p.locator(".ladder-chart line.axis").count(), 2);
  assert.equal(await p.locator(".ladder-chart .legend li").count(), 3);
  assert.ok(await p.locator(".ladder-chart line.edit").count() >= 1, "the ladder's edit is on the timeline");
  const moves = api.weeks.reduce((t, w) => t + w.moves.length, 0);
  assert.equal(await p.locator("table.moves tr.move").count(), moves);
  // A filter: the numbers follow the API's at that filter.
  const region = api.filters.find((f) => f.dim === "region");
  await p.locator("#ladder-filter").selectOption(`region:${region.val}`);
  const filtered = await report(`&dim=region&val=${region.val}`);
  const leader = filtered.rungs.find((g) => g.slug === "team-leader");
  await eventually(() => p.locator('table.rungs tr[data-rung="team-leader"] td.now button').textContent(), (t) => t === String(leader.now), 10_000);
  // Each number opens the people on that rung (the supporters search, by rung).
  await p.locator('table.rungs tr[data-rung="team-leader"] td.now button').click();
  await p.locator("#people-h").waitFor();
  await eventually(() => p.locator("table tr[data-id] td").first().textContent(), (t) => t === "Ana Ladder", 10_000);

  // In Portuguese, the editor: a refusal beside its field, then a save.
  await p.locator("#dash-lang").selectOption("pt-BR");
  await p.locator("nav button", { hasText: "Escada" }).click();
  await p.locator("table.rungs caption", { hasText: "Pessoas em cada degrau agora" }).waitFor();
  const name = p.locator('input[name="rungs[1].name"]');
  await name.fill("");
  await p.locator("form.ladder-editor button[type=submit]").click();
  await p.locator('[id="err-rungs[1].name"]').waitFor();
  assert.equal(await name.getAttribute("aria-invalid"), "true");
  await name.fill("Frequente");
  await p.locator('input[name="rungs[1].names.es"]').fill("Constante");
  await p.locator("form.ladder-editor button[type=submit]").click();
  await p.locator("form.ladder-editor .msg", { hasText: "Salvo" }).waitFor();
  const saved = (await call("GET", `/api/v1/campaigns/${C}/staff/ladder`, { headers: OWNER })).body;
  assert.equal(saved.ladder.rungs[1].name, "Frequente");
  assert.equal(saved.ladder.rungs[1].names.es, "Constante");
  assert.equal((await report()).rungs[1].name, "Frequente");
  await context.close();
});

test("erasure removes a person's rung rows and what the report counted of them", { timeout: 60_000 }, async () => {
  const eva = person({ first_name: "Eva", last_name: "Gone" });
  assert.equal((await signApi("ladder-a", eva)).status, 201);
  const [{ id }] = sql(`SELECT id FROM supporters WHERE email = '${eva.email}'`);
  const erased = await call("DELETE", `/api/v1/campaigns/${C}/staff/supporters/${id}`, { headers: OWNER });
  assert.equal(erased.status, 200, JSON.stringify(erased.body));
  assert.deepEqual(sql(`SELECT COUNT(*) AS n FROM rung_moves WHERE supporter_id = ${id}`), [{ n: 0 }]);
  assert.deepEqual(sql(`SELECT COUNT(*) AS n FROM rung_entries WHERE supporter_id = ${id}`), [{ n: 0 }]);
  assert.deepEqual(sql(`SELECT rung FROM supporters WHERE id = ${id}`), [{ rung: "" }]);
  await reportMatches("all", "");
});

test("\"it wasn't me\" reverses the rung change its action caused; the confirmation asks for the next step", { timeout: 120_000 }, async () => {
  // The campaign confirms actions by email from now on.
  const settings = (await call("GET", `/api/v1/campaigns/${C}/staff/campaign`, { headers: OWNER })).body;
  const put = await call("PUT", `/api/v1/campaigns/${C}/staff/campaign`, { body: { ...settings, confirm: true }, headers: OWNER });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  const rui = person({ first_name: "Rui", last_name: "Referrer" });
  const first = await signApi("ladder-a", rui);
  assert.equal(first.status, 201);
  const before = rungOf(rui.email);
  assert.ok(before !== "" && before !== "recruiter", before);
  const uma = person({ first_name: "Uma", last_name: "Undone", ref: first.body.ref_code });
  const signed = await signApi("ladder-a", uma);
  assert.equal(signed.status, 201);
  const step = signed.body.next;
  assert.ok(step?.label, JSON.stringify(signed.body));
  assert.equal(rungOf(rui.email), "recruiter", "the recruit made Rui a Recruiter");

  // Uma's confirmation: the next step as her thank-you showed it, and "it wasn't me".
  const mail = await eventually(() => mailbox("text", state).filter((m) => m.text.includes("Uma")), (m) => m.length === 1, 30_000);
  assert.ok(mail[0].text.includes(step.label), `the confirmation asks for ${step.label}:\n${mail[0].text}`);
  if (step.href) assert.ok(mail[0].text.includes(step.href), "with its page");
  const link = mail[0].text.match(new RegExp(`${base.replace(/[.:/]/g, "\\$&")}/m/[0-9a-f]{32}`))[0];
  const undone = await fetch(link, { method: "POST", body: "do=reject", headers: { "Content-Type": "application/x-www-form-urlencoded" } });
  assert.equal(undone.status, 200);
  // Her signature is gone, and with it Rui's recruit: he is back where he stood, by cause `undo`.
  assert.equal(rungOf(rui.email), before);
  const [back] = sql(`SELECT m.from_rung, m.to_rung, m.cause FROM rung_moves m JOIN supporters s ON s.id = m.supporter_id
    WHERE s.email = '${rui.email}' ORDER BY m.id DESC LIMIT 1`);
  assert.deepEqual(back, { from_rung: "recruiter", to_rung: before, cause: "undo" });
  await reportMatches("all", "");
  const off = await call("PUT", `/api/v1/campaigns/${C}/staff/campaign`, { body: { ...settings, confirm: false }, headers: OWNER });
  assert.equal(off.status, 200);
});

test("a move is delivered to the campaign's webhook as rung.changed, signed", { timeout: 60_000 }, async () => {
  const got = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d)).on("end", () => {
      got.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  try {
    const url = `http://127.0.0.1:${server.address().port}/hook`;
    const made = await call("POST", `/api/v1/campaigns/${C}/staff/endpoints`, { body: { url, events: ["rung.changed"], enabled: true }, headers: OWNER });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const who = person({ first_name: "Hugo", last_name: "Hooked" });
    assert.equal((await signApi("ladder-b", who)).status, 201);
    await eventually(() => got.filter((g) => g.body.includes("Hugo")), (g) => g.length === 1, 30_000);
    const hit = got.find((g) => g.body.includes("Hugo"));
    const event = JSON.parse(hit.body);
    assert.equal(event.type, "rung.changed");
    assert.deepEqual([event.data.rung.from, event.data.rung.to, event.data.rung.cause], ["", rungOf(who.email), "action"]);
    assert.equal(event.data.person.given_name, "Hugo");
    const t = /t=(\d+)/.exec(hit.headers["rally-signature"])[1];
    const want = createHmac("sha256", made.body.secret).update(`${t}.${hit.body}`).digest("hex");
    assert.ok(hit.headers["rally-signature"].includes(`v1=${want}`), "signed with the endpoint's secret");
    await call("DELETE", `/api/v1/campaigns/${C}/staff/endpoints/${made.body.endpoint.id}`, { headers: OWNER });
  } finally {
    server.close();
  }
});

test("a team ask opens the leaderboard in place, on the team with room, and joining it is a step up", { timeout: 120_000 }, async () => {
  // A Recruiter (someone signed through their link) whose next rung is Team member.
  const rita = person({ first_name: "Rita", last_name: "Joiner" });
  const first = await signApi("ladder-a", rita);
  assert.equal((await signApi("ladder-a", person({ first_name: "Raul", last_name: "Recruited", ref: first.body.ref_code }))).status, 201);
  assert.equal(rungOf(rita.email), "recruiter");
  const { context, p } = await visit(`<script async src="${base}/embed.js" data-widget="petition" data-campaign="${C}" data-petition="ladder-b"></script>`);
  await p.evaluate(([c, t]) => localStorage.setItem(`rally:supporter:${c}`, t), [C, first.body.supporter_token]);
  await p.reload();
  const w = p.locator(".rally-host");
  // Remembered: once the widget has taken over from the drawn form and greets her, one click
  // signs.
  await interactive(p);
  await w.locator(".me .me-name").waitFor();
  await w.locator("button[type=submit]").click();
  await w.locator(".thanks .next").waitFor();
  assert.equal(await w.locator(".thanks .next .rung").textContent(), "Recruiter");
  assert.equal(await w.locator(".thanks .next .ask-next").textContent(), "Next: Join a team near you");
  await w.locator(".thanks .next button").click();
  // The board opens in place on the invite of the team with room, and she joins.
  const board = w.locator("rally-board");
  await board.locator(".join").waitFor();
  assert.match(await board.locator(".join p").textContent(), /River crew/);
  await board.locator("button.join-team").click();
  await board.locator("#in-invite").waitFor();
  assert.equal(rungOf(rita.email), "team-member");
  await context.close();
});
