// Relational organising in the browser: the pledge widget and its calendar file, a supporter
// remembered across widgets, a referral between two browsers, teams up to their limit, the
// leaderboard marking "you", opting out of public boards, and "forget me".
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import ICAL from "ical.js";
import { launch, newContext, hostPage, page, fillForm, person, sign, d1, eventually, EDGE, campaignApi } from "./helpers.mjs";

const C = "e2e-browser"; // its own campaign: the boards here move only with these tests
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const petition = `<script async src="${EDGE}/embed.js" data-widget="petition" data-campaign="${C}" data-petition="join-us"></script>`;
const pledge = `<script async src="${EDGE}/embed.js" data-widget="pledge" data-campaign="${C}" data-pledge="march"></script>`;
const board = `<rally-board campaign="${C}"></rally-board>`;
const loader = `<script async src="${EDGE}/embed.js"></script>`; // for pages with only custom elements
const api = campaignApi(C);
/** Pledges through the API as `who` (20 points), so a name reaches the top ten. */
async function pledgeAs(who) {
  const res = await fetch(`${EDGE}/api/v1/campaigns/${C}/pledges/march/commitments`, {
    method: "POST", headers: { "Content-Type": "application/json", "Idempotency-Key": `pledge-${Date.now()}-${Math.random().toString(36).slice(2, 10)}` }, body: JSON.stringify(who),
  });
  assert.ok([200, 201].includes(res.status), `pledged: ${res.status}`);
}
const tokenIn = (p) => p.evaluate((c) => localStorage.getItem(`rally:supporter:${c}`), C);

/** A visitor's browser on the campaign's site, showing `html`. */
async function visit(html, path = "/") {
  const context = await newContext(browser, { acceptDownloads: true });
  const url = await hostPage(context, page(html), { path });
  const p = await context.newPage();
  await p.goto(url);
  return { context, p };
}

async function act(scope, who, { submit = "button[type=submit]" } = {}) {
  await scope.locator("#in-first_name").waitFor();
  await fillForm(scope, who);
  await scope.locator(submit).click();
  await scope.locator(".thanks h3").waitFor();
}

test("pledge in the widget, add it to a calendar, see yourself on the board, be greeted by the next widget", async () => {
  const who = person({ first_name: "Paula", last_name: "Pereira" });
  const { context, p } = await visit(pledge + board);
  const w = p.locator(".rally-host");
  await w.locator(".when time").waitFor();
  assert.match(await w.locator(".title").textContent(), /I will march on 7 September/);
  assert.match(await w.locator(".when .place").textContent(), /Praça da Sé/);
  // The pledge's form is drawn before the bundle; the board comes with the bundle.
  await p.locator("rally-board .hint").waitFor();
  assert.equal(await p.locator("rally-board .hint").isVisible(), true, "nobody is remembered yet");
  await w.locator("input[name=reminder]").check();
  await act(w, who);
  assert.equal(await w.locator(".thanks h3").textContent(), "Thank you for pledging!");

  // Add to calendar: the edge's .ics, parsed by a real iCalendar parser, and Google's link.
  const google = await w.locator(".calendar a.google").getAttribute("href");
  assert.match(google, /^https:\/\/calendar\.google\.com\/calendar\/render\?action=TEMPLATE&/);
  const [download] = await Promise.all([p.waitForEvent("download"), w.locator(".calendar a.ics").click()]);
  const ics = readFileSync(await download.path(), "utf8");
  const event = new ICAL.Event(new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent("vevent"));
  assert.equal(event.summary, "I will march on 7 September");
  assert.equal(event.startDate.toJSDate().getTime(), 1788775200000);
  assert.equal(event.location, "Praça da Sé, São Paulo");
  const stored = d1(`SELECT c.reminder FROM commitments c JOIN supporters s ON s.id = c.supporter_id WHERE s.email = '${who.email}'`);
  assert.deepEqual(stored, [{ reminder: 1 }], "the reminder opt-in is recorded for staff");

  // The board on the same page now knows the visitor and marks their row.
  const you = p.locator("rally-board tr.you");
  await you.waitFor();
  assert.match(await you.locator(".name").textContent(), /^Paula P\. \(you\)$/);
  assert.equal(await you.locator(".points").textContent(), "20");
  assert.equal(await you.getAttribute("aria-current"), "true");
  assert.match(await p.locator("rally-board .week").textContent(), /^1 \/ 3 actions this week$/);
  const token = await tokenIn(p);
  assert.ok(token && !token.includes("@"), "the browser keeps a token, never the email");

  // The next widget, on another page of the site, greets the supporter.
  const next = await context.newPage();
  await hostPage(context, page(petition + board), { path: "/sign" });
  await next.goto("https://campaign.example/sign");
  const greet = next.locator(".rally-host .me");
  await greet.waitFor();
  assert.equal(await greet.locator(".me-name").textContent(), "Paula P.");
  assert.match(await greet.textContent(), /Welcome back, Paula P\. · 1 \/ 3 actions this week/);

  // ...and lets her sign in one click: her token names her, the edge fills in the rest.
  const form = next.locator(".rally-host form.sign");
  assert.equal(await form.locator("#in-email").count(), 0, "no person fields for a remembered supporter");
  await form.locator("button[type=submit]").click();
  await next.locator(".rally-host .thanks h3").waitFor();
  assert.equal(await next.locator(".rally-host .thanks h3").textContent(), "Thank you for signing!");
  // The board on that page moves at once: 20 for the pledge, now 30 with the signature.
  await eventually(() => next.locator("rally-board tr.you .points").textContent(), (t) => t === "30", 5000);
  assert.equal(await next.locator("rally-board tr.you .points").textContent(), "30");
  const signed = d1(`SELECT s.first_name, s.email FROM signatures g JOIN supporters s ON s.id = g.supporter_id
    JOIN petitions p ON p.id = g.petition_id WHERE p.slug = 'join-us' AND s.email = '${who.email}'`);
  assert.deepEqual(signed, [{ first_name: "Paula", email: who.email }]);
  await context.close();
});

test("a referral link recruits across two browsers, and the recruiter's board shows the points", async () => {
  const recruiter = person({ first_name: "Rita", last_name: "Ramos" });
  const a = await visit(petition + board);
  const aw = a.p.locator(".rally-host");
  await act(aw, recruiter);
  await aw.locator(".ask button.primary").click(); // "Yes, I'll share"
  const link = await aw.locator("#in-link").inputValue();
  const url = new URL(link);
  assert.equal(url.origin, "https://campaign.example");
  const code = url.searchParams.get("ref");
  assert.match(code, /^[0-9A-Z]{8}$/);
  const youBefore = a.p.locator("rally-board tr.you .points");
  await eventually(() => youBefore.textContent(), (t) => t === "10");

  // A friend opens the link in another browser, goes on to the pledge page, and pledges there:
  // the visit remembers the referral.
  const b = await visit(petition, `${url.pathname}${url.search}`);
  await b.p.locator(".rally-host .title").waitFor();
  await hostPage(b.context, page(pledge), { path: "/pledge" });
  await b.p.goto("https://campaign.example/pledge");
  await act(b.p.locator(".rally-host"), person({ first_name: "Bia", last_name: "Braga" }));

  // Recruiting is worth 50, signing 10: the recruiter's board row shows 60 after a reload.
  const me = await api("/me", await tokenIn(a.p));
  assert.equal(me.body.points, 60);
  await a.p.reload();
  await eventually(() => a.p.locator("rally-board tr.you .points").textContent(), (t) => t === "60");
  await a.context.close();
  await b.context.close();
});

test("teams in the widget: the ninth joiner is refused with a clear message; others join and leave", async () => {
  const leader = await sign("join-us", person({ first_name: "Lena", last_name: "Lima" }), { campaign: C });
  const full = await api("/teams", leader.body.supporter_token, { method: "POST", body: { name: "Sé Square" } });
  assert.equal(full.status, 201);
  for (let i = 0; i < 7; i++) {
    const m = await sign("join-us", person({ first_name: `M${i}`, last_name: "Member" }), { campaign: C });
    assert.equal((await api("/teams/join", m.body.supporter_token, { method: "POST", body: { invite: full.body.invite } })).status, 200);
  }
  const other = await sign("join-us", person({ first_name: "Olavo", last_name: "Ortiz" }), { campaign: C });
  const open = await api("/teams", other.body.supporter_token, { method: "POST", body: { name: "Paulista" } });

  // The ninth signs in the widget, then follows the full team's invite link.
  const { context, p } = await visit(petition + board, `/?team=${full.body.invite}`);
  await act(p.locator(".rally-host"), person({ first_name: "Nina", last_name: "Nunes" }));
  const join = p.locator("rally-board .join");
  await join.waitFor();
  assert.match(await join.textContent(), /invited to join Sé Square \(8 \/ 8\)/);
  await join.locator("button.join-team").click();
  const refused = p.locator("rally-board .err[role=alert]");
  await refused.waitFor();
  assert.equal(await refused.textContent(), "This team is full: teams have at most 8.");

  // Another invite, with room: she joins, sees her team, then leaves it.
  await hostPage(context, page(loader + board), { path: "/team" });
  await p.goto(`https://campaign.example/team?team=${open.body.invite}`);
  await p.locator("rally-board button.join-team").click();
  const team = p.locator("rally-board .team h3");
  await team.waitFor();
  assert.equal(await team.textContent(), "Your team: Paulista");
  assert.deepEqual(await p.locator("rally-board .members li").allTextContents(), ["Olavo O.", "Nina N."]);
  assert.match(await p.locator("rally-board #in-invite").inputValue(), new RegExp(`\\?team=${open.body.invite}$`));
  await p.locator("rally-board button.leave").click();
  await p.locator("rally-board form.new-team").waitFor();
  const after = await api("/me", await tokenIn(p));
  assert.equal(after.body.team ?? null, null, "she is in no team");
  await context.close();
});

test("opting out in the widget removes the name from public boards; forget me is one click", async () => {
  const odete = person({ first_name: "Odete", last_name: "Oliveira" });
  const { context, p } = await visit(petition + board);
  await act(p.locator(".rally-host"), odete);
  await pledgeAs(odete);
  const listed = p.locator("rally-board input[name=listed]");
  await listed.waitFor();
  assert.equal(await listed.isChecked(), true);
  const publicNames = async () => (await api("/leaderboards/mobilisers?period=all")).body.entries.map((e) => e.name);
  assert.ok((await eventually(publicNames, (n) => n.includes("Odete O."))).includes("Odete O."));
  await listed.uncheck();
  const names = await eventually(publicNames, (n) => !n.includes("Odete O."));
  assert.ok(!names.includes("Odete O."), `the public board no longer lists her: ${names}`);
  const token = await tokenIn(p);
  assert.equal((await api("/me", token)).body.listed, false);
  await p.reload();
  assert.equal(await p.locator("rally-board input[name=listed]").isChecked(), false, "the choice sticks");

  // Forget me: this browser drops the token and the edge revokes it everywhere.
  await p.locator("rally-board button.forget").click();
  await p.locator("rally-board .hint").waitFor();
  assert.equal(await tokenIn(p), null);
  assert.equal((await api("/me", token)).status, 401);
  await context.close();
});

test("board names are escaped text, and the leaderboard speaks the page's language", async () => {
  const ze = person({ first_name: "Zé", last_name: "Zona" });
  const s = await sign("join-us", ze, { campaign: C });
  await pledgeAs(ze);
  const named = await api("/me", s.body.supporter_token, { method: "PATCH", body: { nickname: "<img src=x onerror=alert(1)>" } });
  assert.equal(named.status, 200, JSON.stringify(named.body));
  // Boards are KV snapshots, fresh within ~3 s: wait until anyone would see the nickname.
  const top = await eventually(() => api("/leaderboards/mobilisers?period=all"), (b) => b.body.entries.some((e) => e.name.startsWith("<img")));
  assert.ok(top.body.entries.some((e) => e.name === "<img src=x onerror=alert(1)>"));
  const context = await newContext(browser);
  const url = await hostPage(context, page(`${loader}<rally-board campaign="${C}" board="mobilisers"></rally-board>`, { lang: "pt-BR" }));
  const p = await context.newPage();
  const dialogs = [];
  p.on("dialog", (d) => { dialogs.push(d.message()); d.dismiss(); });
  await p.goto(url);
  await p.locator("rally-board .tab").first().waitFor();
  assert.deepEqual(await p.locator("rally-board .tab").allTextContents(), ["Mobilizadores", "Equipes", "Regiões", "Esta semana", "Desde o início"]);
  await p.locator("rally-board .tab", { hasText: "Desde o início" }).click();
  await p.locator("rally-board .tab.on", { hasText: "Desde o início" }).waitFor();
  const names = await eventually(() => p.locator("rally-board td.name").allTextContents(), (n) => n.some((x) => x.includes("<img")), 8000);
  assert.ok(names.some((x) => x.includes("<img src=x onerror=alert(1)>")), `shown as text: ${names}`);
  assert.equal(await p.locator("rally-board img").count(), 0);
  assert.deepEqual(dialogs, []);
  await context.close();
});
