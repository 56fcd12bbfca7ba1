// Issue 24: staff see their people. The supporter list's combined filters, counts and pages are
// checked against SQL over the raw rows (an oracle that reads signatures, commitments, actions,
// weeks, tags and teams directly, never the list's own columns or indexes); then, in real
// Chromium, staff filter in the dashboard, open a person, tag a filter, export it and replace a
// team's leader, in English and in Portuguese, with axe clean. The campaign `e2e-roster` and its
// 1,500 people are in tests/fixtures/seed.sql.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { AxeBuilder } from "@axe-core/playwright";
import { EDGE, d1, launch, dashboardAs, eventually, mailbox, cells } from "./helpers.mjs";

const OWNER = "rs_test_roster_owner_7c2e4b";
const VIEWER = "rs_test_roster_viewer_1d9a3f";
const BASE = `${EDGE}/api/v1/campaigns/e2e-roster/staff`;
const CAMPAIGN = "(SELECT id FROM campaigns WHERE slug = 'e2e-roster')";
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

const as = (key) => ({ Authorization: `Bearer ${key}` });
const get = async (path, key = OWNER) => {
  const res = await fetch(`${BASE}${path}`, { headers: as(key) });
  return { status: res.status, body: await res.json(), meter: res.headers.get("rally-meter") };
};
const send = async (method, path, body, key = OWNER) => {
  const res = await fetch(`${BASE}${path}`, { method, headers: { ...as(key), "Content-Type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
};

/** Every id the list answers for `query`, page after page (its cursors), and its count. */
async function listed(query, sort = "last") {
  const ids = [];
  let cursor = null;
  let pages = 0;
  do {
    const r = await get(`/people?${query}&sort=${sort}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    ids.push(...r.body.rows.map((x) => x.id));
    cursor = r.body.next;
    pages++;
    assert.ok(pages < 50, "the pages end");
  } while (cursor);
  const c = await get(`/people/count?${query}`);
  assert.equal(c.status, 200, JSON.stringify(c.body));
  return { ids, count: c.body.count };
}

/** The ISO week key (`2026-W48`) of a day, as the campaign (UTC) counts weeks. */
function weekKey(ms) {
  const d = new Date(ms);
  const day = (d.getUTCDay() + 6) % 7;
  const thursday = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day + 3));
  const jan1 = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  const w = Math.floor((thursday - jan1) / 86_400_000 / 7) + 1;
  return `${thursday.getUTCFullYear()}-W${String(w).padStart(2, "0")}`;
}

/** The oracle: the ids SQL over the raw rows says match, in the list's order. */
const oracle = (where, order = "last DESC, s.id DESC") => d1(`SELECT s.id,
    COALESCE((SELECT MAX(a.created_at) FROM actions a WHERE a.supporter_id = s.id), 0) AS last
  FROM supporters s WHERE s.campaign_id = ${CAMPAIGN} AND s.erased_at IS NULL AND (${where}) ORDER BY ${order}`).map((r) => r.id);

const PETITION_A = `(SELECT id FROM petitions WHERE slug = 'roster-a')`;
const PLEDGE = `(SELECT id FROM pledges WHERE slug = 'roster-p')`;
const NOV = (d) => Date.UTC(2026, 10, d);

const CASES = [
  ["did=sign:roster-a&not_did=pledge&region=BR-SP",
    `s.id IN (SELECT supporter_id FROM signatures WHERE petition_id = ${PETITION_A})
     AND s.id NOT IN (SELECT supporter_id FROM commitments) AND s.region = 'BR-SP'`],
  ["utm_source=partner&consent=no&unsubscribed=no",
    `s.id IN (SELECT supporter_id FROM signatures WHERE utm_source = 'partner' UNION SELECT supporter_id FROM commitments WHERE utm_source = 'partner')
     AND s.contact_consent = 0 AND s.unsubscribed_at IS NULL`],
  ["did=pledge:roster-p&from=2026-11-05&to=2026-11-09&country=BR",
    `s.id IN (SELECT supporter_id FROM commitments WHERE pledge_id = ${PLEDGE} AND created_at >= ${NOV(5)} AND created_at < ${NOV(10)})
     AND s.country = 'BR'`],
  ["confirmed=yes&source=partner.example",
    `s.id IN (SELECT supporter_id FROM signatures WHERE confirmed = 1 UNION SELECT supporter_id FROM commitments WHERE confirmed = 1)
     AND s.first_source = 'partner.example'`],
  ["confirmed=yes&push=yes",
    `s.id IN (SELECT supporter_id FROM signatures WHERE confirmed = 1 UNION SELECT supporter_id FROM commitments WHERE confirmed = 1)
     AND s.id IN (SELECT supporter_id FROM push_subscriptions)`],
  ["referrer=RST00001&did=sign",
    `s.referrer_id = (SELECT id FROM supporters WHERE ref_code = 'RST00001') AND s.id IN (SELECT supporter_id FROM signatures)`],
  ["confirmed=no&push=no&region=BR-MG",
    `s.id NOT IN (SELECT supporter_id FROM signatures WHERE confirmed = 1 UNION SELECT supporter_id FROM commitments WHERE confirmed = 1)
     AND s.id NOT IN (SELECT supporter_id FROM push_subscriptions) AND s.region = 'BR-MG'`],
  ["leader=yes", `s.id IN (SELECT leader_id FROM teams WHERE campaign_id = ${CAMPAIGN})`],
  ["leader=no&did=pledge&region=BR-RJ",
    `s.id NOT IN (SELECT leader_id FROM teams WHERE leader_id IS NOT NULL) AND s.id IN (SELECT supporter_id FROM commitments) AND s.region = 'BR-RJ'`],
  ["q=Rita12", "s.first_name LIKE 'Rita12%'"],
  ["", "1"],
];

test("combined filters, counts and keyset pages equal SQL over the raw rows, in both orders", { timeout: 180_000 }, async () => {
  for (const [query, where] of CASES) {
    const want = oracle(where);
    const got = await listed(query);
    assert.ok(want.length > 0 || query.includes("q="), `${query}: the case matches someone`);
    assert.equal(got.count, want.length, `${query}: the count`);
    assert.deepEqual(got.ids, want, `${query}: the people, by last action`);
  }
  // By points (ties by id), against the same oracle.
  const byPoints = d1(`SELECT id FROM supporters s WHERE campaign_id = ${CAMPAIGN} AND s.region = 'BR-MG' AND s.erased_at IS NULL ORDER BY points DESC, id`).map((r) => r.id);
  assert.deepEqual((await listed("region=BR-MG", "points")).ids, byPoints);
  // The weekly goal met in each of the last k complete weeks.
  const now = Date.now();
  for (const k of [1, 2]) {
    const weeks = Array.from({ length: k }, (_, j) => `'${weekKey(now - 7 * 86_400_000 * (j + 1))}'`).join(", ");
    const want = oracle(`(SELECT COUNT(*) FROM supporter_weeks w WHERE w.supporter_id = s.id AND w.week IN (${weeks}) AND w.actions >= 2) = ${k}`);
    const got = await listed(`goal_weeks=${k}`);
    assert.ok(want.length > 0, `goal_weeks=${k} matches someone`);
    assert.equal(got.count, want.length, `goal_weeks=${k}: the count`);
    assert.deepEqual(got.ids, want, `goal_weeks=${k}: the people`);
  }
  // A team's members.
  const [{ team }] = d1(`SELECT id AS team FROM teams WHERE invite_code = 'ROSTERA1'`);
  assert.deepEqual((await listed(`team=${team}`)).ids, oracle(`s.team_id = ${team}`));
});

test("bad input names its field; a viewer sees names but no email and may not act", async () => {
  for (const [query, field] of [
    ["colour=red", "colour"], ["from=2026-02-31", "from"], ["from=2026-11-30&to=2026-11-01", "to"],
    ["did=vote", "did"], ["tag=", "tag"], [`tag=${"x".repeat(41)}`, "tag"], ["cursor=l.1.2.deadbeef", "cursor"],
    ["goal_weeks=13", "goal_weeks"], ["country=XX", "country"],
  ]) {
    const r = await get(`/people?${query}`);
    assert.equal(r.status, 422, query);
    assert.equal(r.body.error.field, field, `${query}: ${JSON.stringify(r.body)}`);
  }
  // A cursor of the list in the other order is refused too.
  const page = await get("/people?limit=2&sort=points");
  const other = await get(`/people?limit=2&sort=last&cursor=${encodeURIComponent(page.body.next)}`);
  assert.equal(other.status, 422);
  assert.equal(other.body.error.field, "cursor");
  for (const [body, field] of [[{ op: "tag", tag: "", filter: "" }, "tag"], [{ op: "tag", tag: "a".repeat(41), filter: "" }, "tag"],
    [{ tag: "x", filter: "" }, "op"], [{ op: "tag", tag: "x", filter: "nope=1" }, "nope"]]) {
    const r = await send("POST", "/people/bulk", body);
    assert.equal(r.status, 422, JSON.stringify(body));
    assert.equal(r.body.error.field, field);
  }
  // A bulk action on a filter matching nobody does nothing and says so.
  const [{ jobs }] = d1(`SELECT COUNT(*) AS jobs FROM people_jobs WHERE campaign_id = ${CAMPAIGN}`);
  const none = await send("POST", "/people/bulk", { op: "tag", tag: "nobody", filter: "q=Nobody-at-all" });
  assert.equal(none.status, 200);
  assert.equal(none.body.matched, 0);
  assert.equal(none.body.job, null);
  assert.match(none.body.message, /nobody/);
  assert.equal(d1(`SELECT COUNT(*) AS jobs FROM people_jobs WHERE campaign_id = ${CAMPAIGN}`)[0].jobs, jobs);
  // The viewer: the same people, no email; no tagging, exporting or saving.
  const seen = await get("/people?limit=5", VIEWER);
  assert.equal(seen.status, 200);
  assert.equal(seen.body.rows.length, 5);
  assert.ok(seen.body.rows.every((r) => r.email === null && r.first_name.startsWith("Rita")));
  const owners = await get("/people?limit=5");
  assert.ok(owners.body.rows.every((r) => r.email.endsWith("@example.org")));
  const person = await get(`/supporters/${seen.body.rows[0].id}/timeline`, VIEWER);
  assert.equal(person.body.email, null);
  for (const [path, body] of [["/people/bulk", { op: "tag", tag: "x", filter: "" }], ["/people/export", { filter: "" }], ["/filters", { name: "x", filter: "" }]]) {
    assert.equal((await send("POST", path, body, VIEWER)).status, 403, path);
  }
});

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function axe(p, where) {
  const { violations } = await new AxeBuilder({ page: p }).withTags(TAGS).analyze();
  const shown = violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.slice(0, 4).map((n) => n.target.join(" > ")).join("\n  ")}`);
  assert.deepEqual(shown, [], `axe at ${where}`);
}

test("staff filter in the dashboard, open a person, tag the filter, export it, save it; in Portuguese too", { timeout: 240_000 }, async () => {
  const { context, page: p } = await dashboardAs(browser, OWNER);
  try {
    await p.locator("nav button", { hasText: "Supporters" }).click();
    // Everyone: the count in the staff member's language's numbers.
    await p.locator("button.apply").click();
    await p.locator("p.count", { hasText: "1,500 people match" }).waitFor();
    // A bad date is refused beside its field, and focusable by its description.
    await p.locator("#f-goal_weeks").fill("13");
    await p.locator("button.apply").click();
    await p.locator("#err-goal_weeks").waitFor();
    assert.equal(await p.locator("#f-goal_weeks").getAttribute("aria-describedby"), "err-goal_weeks");
    await p.locator("#f-goal_weeks").fill("");
    // Signed roster-a, has not pledged, in São Paulo.
    const where = CASES[0][1];
    const want = oracle(where);
    await p.locator("#f-did").fill("sign:roster-a");
    await p.locator("#f-not_did").fill("pledge");
    await p.locator("#f-region").fill("BR-SP");
    await p.locator("button.apply").click();
    await p.locator("p.count", { hasText: `${want.length} people match` }).waitFor();
    while (await p.locator("button.more").count()) {
      const before = await p.locator("table.roster tbody tr").count();
      await p.locator("button.more").click();
      // The next page's rows, or (after a last page that was full) no button any more.
      await eventually(async () => [await p.locator("table.roster tbody tr").count(), await p.locator("button.more").count()],
        ([n, more]) => n > before || more === 0);
    }
    const shown = (await p.locator("table.roster tbody tr").evaluateAll((rows) => rows.map((r) => Number(r.dataset.id))));
    assert.deepEqual(shown, want, "the dashboard lists what the oracle says, in order");
    await axe(p, "the filtered list (en)");

    // A person's page: actions with where they came from, the team, the recruiter; audited.
    const [{ id: rita }] = d1(`SELECT id FROM supporters WHERE ref_code = 'RST00018'`);
    await p.locator("#f-region").fill("");
    await p.locator("#f-did").fill("");
    await p.locator("#f-not_did").fill("");
    await p.locator("#f-q").fill("Rita18");
    await p.locator("button.apply").click();
    await p.locator(`tr[data-id="${rita}"] button.open-person`).click();
    const page = p.locator("section.person");
    await page.locator("ol.timeline li", { hasText: "Open the library on Sundays" }).waitFor();
    assert.match(await page.locator("ol.timeline").innerText(), /I will read at the library/);
    assert.match(await page.locator("dl").innerText(), /Rita1 R\./, "recruited by number 1 (18 is a multiple of 9)");
    assert.equal(d1(`SELECT COUNT(*) AS n FROM staff_audit WHERE action = 'person_view' AND detail = '${rita}'`)[0].n >= 1, true, "reading a person is audited");
    await page.locator("#person-tag").fill("Caller");
    await page.locator("form.tag-person button").click();
    await page.locator("dd.person-tags", { hasText: "caller" }).waitFor();
    await axe(p, "a person's page (en)");

    // Tag the people of a filter, in the background; the tags land on exactly them.
    const tagged = oracle(CASES[1][1]);
    await p.locator("#f-q").fill("");
    await p.locator("#f-utm_source").fill("partner");
    await p.locator("#f-consent").selectOption("no");
    await p.locator("#f-unsubscribed").selectOption("no");
    await p.locator("button.apply").click();
    await p.locator("p.count", { hasText: `${tagged.length} people match` }).waitFor();
    await p.locator("#bulk-tag").fill("Volunteer");
    await p.locator("button.tag-all").click();
    await p.locator("p.job", { hasText: "Done:" }).waitFor({ timeout: 60_000 });
    const withTag = d1(`SELECT supporter_id AS id FROM supporter_tags WHERE tag = 'volunteer' AND campaign_id = ${CAMPAIGN} ORDER BY supporter_id`).map((r) => r.id);
    assert.deepEqual(withTag, [...tagged].sort((a, b) => a - b));
    assert.equal((await listed("tag=volunteer")).count, tagged.length);
    // Tagged twice is tagged once; untag removes it from them only.
    const again = await send("POST", "/people/bulk", { op: "tag", tag: "volunteer", filter: "utm_source=partner&consent=no&unsubscribed=no" });
    assert.equal(again.status, 202);
    await eventually(() => get("/people/bulk"), (r) => r.body.every((j) => j.status !== "running"), 60_000);
    assert.equal(d1(`SELECT COUNT(*) AS n FROM supporter_tags WHERE tag = 'volunteer'`)[0].n, tagged.length);

    // Export the filter (any size goes through the export jobs); formula-safe cells.
    await p.locator("#f-utm_source").fill("");
    await p.locator("#f-consent").selectOption("any");
    await p.locator("#f-unsubscribed").selectOption("any");
    await p.locator("#f-tag").fill("volunteer");
    await p.locator("button.apply").click();
    await p.locator("p.count", { hasText: `${tagged.length} people match` }).waitFor();
    await p.locator("button.export-filter").click();
    await p.locator("p.job", { hasText: "Export ready" }).waitFor({ timeout: 60_000 });
    const jobs = await get("/export-jobs");
    const job = jobs.body.find((j) => j.what === "people" && j.status === "done");
    const csv = await (await fetch(`${EDGE}${job.download}`, { headers: as(OWNER) })).text();
    const lines = csv.trim().split("\r\n");
    const header = cells(lines[0]);
    assert.deepEqual(header.slice(0, 3), ["id", "email", "first_name"]);
    const ids = lines.slice(1).map((l) => Number(cells(l)[0]));
    assert.deepEqual(ids, [...tagged].sort((a, b) => a - b), "the file holds the filter's people");
    const tagsAt = header.indexOf("tags");
    assert.ok(lines.slice(1).every((l) => cells(l)[tagsAt].split(";").includes("volunteer")));
    const risky = d1(`SELECT id FROM supporters WHERE campaign_id = ${CAMPAIGN} AND last_name LIKE '=%'`).map((r) => r.id);
    const formula = lines.slice(1).map(cells).find((c) => risky.includes(Number(c[0])));
    if (formula) assert.ok(formula[header.indexOf("last_name")].startsWith("'="), "a formula is neutralised");

    // Save the filter; it comes back in the saved list and applies.
    await p.locator("#filter-name").fill("Partner volunteers");
    await p.locator("button.save-filter").click();
    await p.locator("#saved option", { hasText: "Partner volunteers" }).waitFor({ state: "attached" });
    const saved = await get("/filters");
    assert.deepEqual(saved.body.map((f) => [f.name, f.filter]), [["Partner volunteers", "tag=volunteer"]]);

    // In Portuguese: the same page, its words and numbers.
    await p.locator("#dash-lang").selectOption("pt-BR");
    await p.locator("nav button", { hasText: "Apoiadores" }).click();
    await p.locator("h2", { hasText: "Encontrar pessoas" }).waitFor();
    await p.locator("#f-tag").fill("");
    await p.locator("button.apply").click();
    await p.locator("p.count", { hasText: "1.500 pessoas correspondem" }).waitFor();
    await axe(p, "the list (pt-BR)");
    // The saved filter, applied from its list.
    await p.locator("#saved").selectOption({ label: "Partner volunteers" });
    await p.locator("p.count", { hasText: `${tagged.length} pessoas correspondem` }).waitFor();
    await p.locator("#dash-lang").selectOption("en");
    const del = await fetch(`${BASE}/filters/${saved.body[0].id}`, { method: "DELETE", headers: as(OWNER) });
    assert.equal(del.status, 200);
  } finally {
    await context.close();
  }
});

test("the Teams tab: leaders, sizes, streaks and stalled members; staff replace a leader and both are told", { timeout: 120_000 }, async () => {
  const teams = await get("/teams");
  assert.equal(teams.status, 200);
  const a = teams.body.teams.find((t) => t.name === "Roster Crew A");
  assert.equal(a.size, 5);
  assert.equal(a.leader, "Rita2 R.");
  // Every member of A last acted in November (seeded): all stalled.
  const [{ stalled }] = d1(`SELECT COUNT(*) AS stalled FROM supporters s WHERE s.team_id = ${a.id}
    AND COALESCE((SELECT MAX(created_at) FROM actions WHERE supporter_id = s.id), 0) < ${Date.now() - 7 * 86_400_000}`);
  assert.equal(a.stalled, stalled);
  assert.ok(teams.body.teams.map((t) => t.points).every((x, i, xs) => i === 0 || xs[i - 1] >= x), "by points");
  // Rename: a refusal names the field; a good name sticks.
  assert.equal((await send("PATCH", `/teams/${a.id}`, { name: "   " })).body.error.field, "name");
  // A non-member as leader is refused by field.
  const [{ outsider }] = d1(`SELECT id AS outsider FROM supporters WHERE ref_code = 'RST00005'`);
  const refused = await send("PATCH", `/teams/${a.id}`, { leader: outsider });
  assert.equal(refused.status, 422);
  assert.equal(refused.body.error.field, "leader");

  const { context, page: p } = await dashboardAs(browser, OWNER);
  try {
    await p.locator("nav button", { hasText: "Teams" }).click();
    const row = p.locator(`tr[data-team="${a.id}"]`);
    await row.waitFor();
    assert.equal(await row.locator("td.leader").innerText(), "Rita2 R.");
    await axe(p, "the Teams tab");
    const [{ next }] = d1(`SELECT id AS next FROM supporters WHERE ref_code = 'RST00004'`);
    const sentBefore = mailbox().length;
    await row.locator("button.change-leader").click();
    await row.locator(`#leader-${a.id}`).selectOption(String(next));
    await row.locator("form.replace-leader button").click();
    await row.locator("td.leader", { hasText: "Rita4 R." }).waitFor();
    assert.equal(d1(`SELECT leader_id FROM teams WHERE id = ${a.id}`)[0].leader_id, next);
    assert.equal(d1(`SELECT COUNT(*) AS n FROM staff_audit WHERE action = 'team_leader' AND detail LIKE '${a.id}:%'`)[0].n, 1, "audited");
    // The new and the old leader, each told once, in their language.
    const told = await eventually(() => mailbox().slice(sentBefore).filter((m) => m.text.includes("Roster Crew A")), (ms) => ms.length >= 2, 30_000);
    assert.ok(told.some((m) => m.text.includes("Olá, Rita4") && m.text.includes("fez de você a liderança de Roster Crew A")), "the new leader");
    assert.ok(told.some((m) => m.text.includes("Olá, Rita2") && m.text.includes("passou a liderança de Roster Crew A para Rita4 R.: você continua")), "the old leader");
    assert.equal(told.length, 2, "each told once");
    // The same change again changes nothing and tells nobody.
    const same = await send("PATCH", `/teams/${a.id}`, { leader: next });
    assert.equal(same.status, 200);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(mailbox().slice(sentBefore).filter((m) => m.text.includes("Roster Crew A")).length, told.length);
    // Renamed, and a member moved in from another team.
    const renamed = await send("PATCH", `/teams/${a.id}`, { name: "Roster Crew Alpha" });
    assert.equal(renamed.body.name, "Roster Crew Alpha");
    const [{ mover }] = d1(`SELECT id AS mover FROM supporters WHERE ref_code = 'RST00015'`);
    const moved = await send("PATCH", `/teams/${a.id}`, { add_member: mover });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.equal(moved.body.size, 6);
    assert.equal(d1(`SELECT team_id FROM supporters WHERE id = ${mover}`)[0].team_id, a.id);
    assert.equal(d1(`SELECT size FROM teams WHERE invite_code = 'ROSTERB1'`)[0].size, 2);
  } finally {
    await context.close();
  }
});

test("tags reach OSDI people (webhooks' and syncs' are unit-tested); erased from the person's page, they go", async () => {
  const [{ id }] = d1(`SELECT supporter_id AS id FROM supporter_tags WHERE tag = 'volunteer' ORDER BY supporter_id LIMIT 1`);
  const token = await send("POST", "/members", { name: `Roster OSDI ${Date.now()}`, role: "organiser", kind: "api" });
  assert.equal(token.status, 201, JSON.stringify(token.body));
  const osdi = await fetch(`${EDGE}/api/v1/osdi/people/${id}`, { headers: { "OSDI-API-Token": token.body.key } });
  assert.equal(osdi.status, 200);
  assert.ok((await osdi.json())["osdi:tags"].includes("volunteer"));
  // Erased from their page in the dashboard (a confirmation step first).
  const { context, page: p } = await dashboardAs(browser, OWNER);
  try {
    await p.locator("nav button", { hasText: "Supporters" }).click();
    const [{ email }] = d1(`SELECT email FROM supporters WHERE id = ${id}`);
    await p.locator("#f-tag").fill("volunteer");
    await p.locator("#f-q").fill(email);
    await p.locator("button.apply").click();
    await p.locator("p.count", { hasText: "1 person matches" }).waitFor();
    await p.locator(`tr[data-id="${id}"] button.open-person`).click();
    await p.locator("#person-h:focus").waitFor();
    await p.locator("button.erase-person").click();
    await p.locator("button.erase-person", { hasText: "Confirm" }).click();
    await p.locator("section.person .msg", { hasText: "Erased" }).waitFor();
  } finally {
    await context.close();
  }
  assert.ok(d1(`SELECT erased_at FROM supporters WHERE id = ${id}`)[0].erased_at > 0);
  assert.equal(d1(`SELECT COUNT(*) AS n FROM supporter_tags WHERE supporter_id = ${id}`)[0].n, 0);
  const after = await listed("tag=volunteer");
  assert.ok(!after.ids.includes(id), "an erased person is not listed");
});
