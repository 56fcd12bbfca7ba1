// The mobiliser hub and leaders' tools (issue 22), in real Chromium against the real local edge
// (campaign `e2e-hub`, which confirms actions by email, so its confirmation carries the hub
// link). Staff create a self-reported and a Rally action (the first in the dashboard); a
// supporter opens the hub from the confirmation's link in a second browser context (signed in
// by the link, no token carried over), does both actions once under double clicks and retries,
// moves a rung, and shares a rebuttal; with JavaScript on and off. A leader sees a stalled
// member and nudges them in their language; no nudge without consent; a removed member loses
// the team view; refusals; axe and a keyboard-only journey; erasure.
//
// WhatsApp is a third party we cannot reach: `https://wa.me/` is answered by the test (Playwright
// routes it) and only the address the hub sends the browser to is read.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { AxeBuilder } from "@axe-core/playwright";
import { brotliCompressSync } from "node:zlib";
import { launch, newContext, person, d1, eventually, mailTo, freshIp, fillForm, dashboardAs, interactive, fullTeamHub, EDGE } from "./helpers.mjs";

const C = "e2e-hub";
const OWNER = "rs_test_hub_owner_7a2c4e";
const RUN = Date.now().toString(36);
let browser;

before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const sql = (q) => d1(q);

async function call(method, p, { body, headers = {}, form, cookie } = {}) {
  const h = { "CF-Connecting-IP": freshIp(), ...headers };
  let payload;
  if (body !== undefined) { h["Content-Type"] = "application/json"; payload = JSON.stringify(body); }
  if (form !== undefined) { h["Content-Type"] = "application/x-www-form-urlencoded"; payload = new URLSearchParams(form).toString(); }
  if (cookie) h.Cookie = `rally_hub=${cookie}`;
  const res = await fetch(`${EDGE}${p}`, { method, headers: h, body: payload, redirect: "manual" });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = text; }
  return { status: res.status, body: json, location: res.headers.get("location"), cookie: res.headers.get("set-cookie") };
}
const staff = (method, p, body) => call(method, `/api/v1/campaigns/${C}/staff${p}`, { body, headers: { Authorization: `Bearer ${OWNER}` } });
const hubPost = (token, form, json = true) => call("POST", `/hub/${C}`, { form, cookie: token, headers: json ? { Accept: "application/json" } : {} });

/** Signs `petition` for a new person through the API: their id and token. */
async function signUp(overrides = {}, petition = "hub-sign") {
  const p = person({ email: `hub.${RUN}.${Math.random().toString(36).slice(2, 8)}@example.org`, ...overrides });
  const r = await call("POST", `/api/v1/campaigns/${C}/petitions/${petition}/signatures`, { body: p });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const id = sql(`SELECT id FROM supporters WHERE email = '${p.email}'`)[0].id;
  return { ...p, id, token: r.body.supporter_token };
}

/** The hub link of the newest message to `email` (the local Email Service's files). */
async function hubLinkOf(email, kind = "") {
  const first = sql(`SELECT first_name FROM supporters WHERE email = '${email}'`)[0].first_name;
  const msgs = await eventually(() => mailTo(first).filter((m) => m.text.includes(kind)), (m) => m.length > 0, 20_000);
  const link = msgs.at(-1).text.match(/http:\/\/[^\s]+\/h\/[0-9a-f]{32}/)?.[0];
  assert.ok(link, `a hub link in: ${msgs.at(-1).text}`);
  return link;
}

let selfAction, pledgeAction, shareAction, claimId;

test("staff create campaign actions (a self-reported one in the dashboard); refusals name their field", async () => {
  const { context, page } = await dashboardAs(browser, OWNER);
  try {
    await page.getByRole("button", { name: "Actions" }).click();
    await page.locator(".new-action").click();
    const title = `Call your councillor ${RUN}`;
    await page.locator("#act-title").fill(title);
    await page.locator("#act-text").fill("Ask them to light the path.");
    await page.locator("#act-points").fill("15");
    await page.locator("#act-pinned").check();
    await page.locator("#act-pt-BR-title").fill(`Ligue para o vereador ${RUN}`);
    await page.locator("#act-es-title").fill(`Llama al concejal ${RUN}`);
    // A link that is not http(s) is refused beside its field, and what was typed stays.
    await page.locator("#act-link").fill("javascript:alert(1)");
    await page.locator(".action-editor button[type=submit]").click();
    await page.locator("#act-link-error").waitFor();
    assert.match(await page.locator("#act-link-error").textContent(), /http/);
    assert.equal(await page.locator("#act-title").inputValue(), title);
    await page.locator("#act-link").fill("https://example.org/script");
    await page.locator(".action-editor button[type=submit]").click();
    await page.locator(".actions-tab .msg").waitFor();
    const row = page.locator("tr", { hasText: title });
    await row.waitFor();
    assert.match(await row.textContent(), /Pinned/);
    // Edited in place (PUT): the text changes, the rest stays.
    await row.getByRole("button", { name: `Edit ${title}` }).click();
    await page.locator("#act-text").fill("Ask them to light the path tonight.");
    await page.locator(".action-editor button[type=submit]").click();
    await page.locator(".actions-tab .msg").waitFor();
    await page.locator(".action-editor").waitFor({ state: "detached" });
  } finally {
    await context.close();
  }
  const list = await staff("GET", "/actions");
  assert.equal(list.status, 200);
  selfAction = list.body.actions.find((a) => a.title.endsWith(RUN));
  assert.ok(selfAction && selfAction.how === "self" && selfAction.points === 15 && selfAction.pinned && selfAction.running, JSON.stringify(list.body));
  assert.equal(selfAction.translations["pt-BR"].title, `Ligue para o vereador ${RUN}`);
  assert.equal(selfAction.text, "Ask them to light the path tonight.", "the edit was saved");
  assert.equal(selfAction.starts_on, list.body.week_starts, "a new action runs this week");
  const week = { starts_on: list.body.week_starts, ends_on: list.body.week_ends };
  const pledge = await staff("POST", "/actions", { title: `Walk the path ${RUN}`, how: "pledge", item: "hub-pledge", ...week });
  assert.equal(pledge.status, 201, JSON.stringify(pledge.body));
  pledgeAction = pledge.body;

  // A rebuttal to share, published by staff, and an action to share it.
  const report = await call("POST", `/api/v1/campaigns/${C}/reports`, { body: { seen_on: "whatsapp", claim: `The river path ${RUN} will be closed for good` } });
  assert.equal(report.status, 201, JSON.stringify(report.body));
  claimId = report.body.claim_id;
  const pub = await staff("PATCH", `/claims/${claimId}`, { status: "published", verdict: "false", explanation: "The path stays open." });
  assert.equal(pub.status, 200, JSON.stringify(pub.body));
  const share = await staff("POST", "/actions", { title: `Share the answer ${RUN}`, how: "share", item: claimId, points: 5, ...week });
  assert.equal(share.status, 201, JSON.stringify(share.body));
  shareAction = share.body;

  // (a change, the field it names)
  const cases = [
    [{ title: "" }, "title"],
    [{ link: "ftp://example.org" }, "link"],
    [{ points: 5000 }, "points"],
    [{ points: 0 }, "points"],
    [{ ends_on: "2020-01-01" }, "ends_on"],
    [{ starts_on: "tomorrow" }, "starts_on"],
    [{ how: "sign", item: "no-such-petition" }, "item"],
    [{ how: "share", item: "" }, "item"],
    [{ item: "hub-sign" }, "item"],
    [{ translations: { es: { title: "", text: "Llama" } } }, "translations.es.title"],
  ];
  for (const [change, field] of cases) {
    const r = await staff("POST", "/actions", { title: "Valid", points: 10, how: "self", ...week, ...change });
    assert.ok(r.status === 422, `${JSON.stringify(change)}: ${r.status} ${JSON.stringify(r.body)}`);
    assert.ok(r.body.errors.some((e) => e.field === field), `${JSON.stringify(change)} names ${field}: ${JSON.stringify(r.body)}`);
  }
  const audit = await call("GET", `/api/v1/campaigns/${C}/staff/audit`, { headers: { Authorization: `Bearer ${OWNER}` } });
  assert.ok(JSON.stringify(audit.body).includes("action_create"), "creations are audited");
});

for (const js of [true, false]) {
  test(`a supporter opens the hub from the confirmation's link and does each action once (JavaScript ${js ? "on" : "off"})`, async () => {
    assert.ok(selfAction, "the staff test ran first");
    const me = await signUp({ first_name: `Hubby${js ? "On" : "Off"}${RUN}` });
    const link = await hubLinkOf(me.email, "onfirm");
    // A second browser context: nothing of the signing carried over, only the emailed link.
    const context = await newContext(browser, { javaScriptEnabled: js, extraHTTPHeaders: { "CF-Connecting-IP": freshIp() } });
    const shared = [];
    await context.route("https://wa.me/**", (route) => { shared.push(route.request().url()); route.fulfill({ status: 200, contentType: "text/html", body: "<title>wa</title>" }); });
    try {
      const p = await context.newPage();
      await p.goto(link);
      await p.getByRole("button", { name: "Open my page" }).click();
      await p.waitForURL(`${EDGE}/hub/${C}`);
      assert.equal(await p.locator("h1").textContent(), `Hi ${me.first_name}`);
      const card = p.locator(`#card-${selfAction.id}`);
      assert.match(await card.textContent(), /Pinned/);
      assert.equal(await p.locator(".cards > li").first().getAttribute("id"), `card-${selfAction.id}`, "pinned first");
      // The same link a second time changes nothing.
      const again = await call("POST", new URL(link).pathname);
      assert.equal(again.status, 410);

      // Done, tapped twice in a row, then retried: counted once.
      await card.getByRole("button", { name: "I did it" }).dblclick();
      await p.locator(`#card-${selfAction.id} .ok`).waitFor();
      const cookie = (await context.cookies(`${EDGE}/hub/${C}`)).find((c) => c.name === "rally_hub").value;
      for (let i = 0; i < 2; i++) {
        const retry = await hubPost(cookie, { do: "done", action: selfAction.id });
        assert.deepEqual(retry.body, { ok: "already" });
      }
      const done = sql(`SELECT COUNT(*) AS n FROM actions WHERE supporter_id = ${me.id} AND kind = 'done'`)[0].n;
      assert.equal(done, 1, "one Done");
      assert.equal(sql(`SELECT points FROM supporters WHERE id = ${me.id}`)[0].points, 10 + 15);
      assert.match(await p.locator("label[for=goal]").textContent(), /2 of 3 actions this week/);

      // The Rally action: the pledge's own page, from the card; then the hub ticks it.
      await p.locator(`#card-${pledgeAction.id} a.button`).click();
      await p.waitForURL(/\/pledge\/e2e-hub\/hub-pledge/);
      // With JavaScript the widget takes the own page over (the same form, then its own).
      if (js) await interactive(p);
      await fillForm(p, me);
      await p.locator("form.sign button[type=submit]").click();
      await p.locator(".thanks").waitFor({ timeout: 20_000 });
      if (js) assert.match(await p.locator(".thanks p.hub a").getAttribute("href"), new RegExp(`/hub/${C}#t=`), "the thank-you's Open your page");
      await p.goto(`${EDGE}/hub/${C}`);
      await p.locator(`#card-${pledgeAction.id} .ok`).waitFor();
      assert.match(await p.locator("label[for=goal]").textContent(), /3 of 3 actions this week/);
      assert.match(await p.locator("#rung").textContent(), /Regular/);
      const moves = sql(`SELECT COUNT(*) AS n FROM rung_moves WHERE supporter_id = ${me.id} AND to_rung = 'regular'`)[0].n;
      assert.equal(moves, 1, "the rung moved once");
      const counts = (await staff("GET", "/actions")).body.actions;
      assert.ok(counts.find((a) => a.id === pledgeAction.id).done >= 1, "staff see who did the Rally action");

      // Share a rebuttal: one tap to WhatsApp with the rebuttal's page; the share action is done.
      const rebuttal = p.locator(`#rebuttal-${claimId}`);
      await rebuttal.getByRole("button", { name: "Share on WhatsApp" }).click();
      await p.waitForURL(/^https:\/\/wa\.me\//);
      await eventually(() => shared.length, (n) => n > 0);
      const text = new URL(shared.at(-1)).searchParams.get("text");
      assert.ok(text.includes(`${EDGE}/r/${C}/${claimId}`), text);
      assert.equal(sql(`SELECT COUNT(*) AS n FROM action_done WHERE supporter_id = ${me.id} AND action_id = ${shareAction.id}`)[0].n, 1);

      // Undo within the day, in Portuguese.
      await p.goto(`${EDGE}/hub/${C}?lang=pt-BR`);
      await p.locator(`#card-${selfAction.id}`).getByRole("button", { name: "Desfazer" }).click();
      await p.locator(`#card-${selfAction.id}`).getByRole("button", { name: "Eu fiz" }).waitFor();
      assert.equal(sql(`SELECT points FROM supporters WHERE id = ${me.id}`)[0].points, 10 + 20 + 5, "undone: the Done's points are back out");
    } finally {
      await context.close();
    }
  });
}

test("the widget's thank-you opens the hub with the token in the fragment, once", async () => {
  const me = await signUp({ first_name: `Frag${RUN}` });
  const context = await newContext(browser, { extraHTTPHeaders: { "CF-Connecting-IP": freshIp() } });
  try {
    const p = await context.newPage();
    await p.goto(`${EDGE}/hub/${C}#t=${encodeURIComponent(me.token)}`);
    await p.waitForURL(`${EDGE}/hub/${C}`);
    await p.locator("h1", { hasText: `Hi Frag${RUN}` }).waitFor();
    assert.ok(!p.url().includes("#t="), "the token left the address");
    const forged = await call("POST", `/hub/${C}`, { form: { do: "session", t: `${me.id}.0.${"0".repeat(32)}` } });
    assert.equal(forged.status, 401);
    assert.equal(forged.cookie, null, "a forged token sets nothing");
  } finally {
    await context.close();
  }
});

test("a leader sees a stalled member, nudges them in their language; no nudge without consent; a removed member loses the team view", async () => {
  const leader = await signUp({ first_name: `Lia${RUN}`, last_name: "Lopes" });
  const es = await signUp({ first_name: `Ema${RUN}`, lang: "es" });
  const quiet = await signUp({ first_name: `Quim${RUN}` });
  const started = await hubPost(leader.token, { do: "start", name: `River crew ${RUN.slice(-4)}` });
  assert.deepEqual(started.body, { ok: "started" });
  const invite = sql(`SELECT invite_code FROM teams WHERE leader_id = ${leader.id}`)[0].invite_code;
  assert.deepEqual((await hubPost(es.token, { do: "join", invite, leader_contact: "1" })).body, { ok: "joined" });
  assert.deepEqual((await hubPost(quiet.token, { do: "join", invite })).body, { ok: "joined" });
  assert.equal(sql(`SELECT leader_contact FROM supporters WHERE id = ${quiet.id}`)[0].leader_contact, 0, "off by default");
  // Time passing: Ema's only action is moved eight days back (a fixture of the clock; no
  // route writes it).
  sql(`UPDATE actions SET created_at = created_at - ${8 * 86_400_000} WHERE supporter_id = ${es.id}`);

  const context = await newContext(browser, { extraHTTPHeaders: { "CF-Connecting-IP": freshIp() } });
  const shared = [];
  await context.route("https://wa.me/**", (route) => { shared.push(route.request().url()); route.fulfill({ status: 200, contentType: "text/html", body: "<title>wa</title>" }); });
  try {
    const p = await context.newPage();
    await p.goto(`${EDGE}/hub/${C}#t=${encodeURIComponent(leader.token)}`);
    await p.locator("#lead").waitFor();
    const emaRow = p.locator(`#member-${es.id}`);
    assert.match(await emaRow.textContent(), /Stalled: no action in 7 days/);
    const quimRow = p.locator(`#member-${quiet.id}`);
    assert.doesNotMatch(await quimRow.textContent(), /Stalled/);
    assert.match(await quimRow.textContent(), /Has not agreed to be contacted/);
    assert.equal(await quimRow.getByRole("button", { name: /Nudge/ }).count(), 0, "no nudge without consent");
    assert.ok(!(await p.content()).includes(quiet.email) && !(await p.content()).includes(es.email), "no address on the page");

    await emaRow.getByRole("button", { name: /on WhatsApp/ }).click();
    await p.waitForURL(/^https:\/\/wa\.me\//);
    await eventually(() => shared.length, (n) => n > 0);
    const text = new URL(shared.at(-1)).searchParams.get("text");
    assert.ok(text.startsWith(`¡Hola, Ema${RUN}!`), `in Spanish: ${text}`);
    assert.ok(text.includes(`${EDGE}/hub/${C}?lang=es`), `her hub link: ${text}`);
    await p.goto(`${EDGE}/hub/${C}`);
    // The same from a phone with JavaScript off: the nudge is a form.
    const noJs = await newContext(browser, { javaScriptEnabled: false, extraHTTPHeaders: { "CF-Connecting-IP": freshIp() } });
    const sharedNoJs = [];
    await noJs.route("https://wa.me/**", (route) => { sharedNoJs.push(route.request().url()); route.fulfill({ status: 200, contentType: "text/html", body: "<title>wa</title>" }); });
    await noJs.addCookies([{ name: "rally_hub", value: leader.token, url: `${EDGE}/hub/${C}` }]);
    const q = await noJs.newPage();
    await q.goto(`${EDGE}/hub/${C}?lang=pt-BR`);
    await q.locator(`#member-${es.id}`).getByRole("button", { name: /pelo WhatsApp/ }).click();
    await q.waitForURL(/^https:\/\/wa\.me\//);
    await eventually(() => sharedNoJs.length, (n) => n > 0);
    assert.ok(new URL(sharedNoJs[0]).searchParams.get("text").startsWith(`¡Hola, Ema${RUN}!`), "in her language, not the leader's");
    await noJs.close();
    // She is told by email, in Spanish, with her own one-time hub link.
    const mail = await eventually(() => mailTo(`Ema${RUN}`).filter((m) => m.text.includes("recordatorio")), (m) => m.length === 1, 20_000);
    assert.match(mail[0].text, /\/h\/[0-9a-f]{32}/);
    // SMS and email nudges leave from the leader's own phone: the address only in the mailto.
    const viaMail = await call("POST", `/hub/${C}/members/${es.id}`, { form: { do: "nudge", via: "email" }, cookie: leader.token });
    assert.equal(viaMail.status, 303);
    assert.ok(viaMail.location.startsWith(`mailto:${es.email}?`), viaMail.location);
    const viaSms = await call("POST", `/hub/${C}/members/${es.id}`, { form: { do: "nudge", via: "sms" }, cookie: leader.token });
    assert.ok(viaSms.location.startsWith("sms:?&body="), viaSms.location);
    assert.equal(mailTo(`Ema${RUN}`).filter((m) => m.text.includes("recordatorio")).length, 1, "one email a day per leader");

    // Refused: a nudge without consent, and by someone who does not lead the team.
    const noConsent = await call("POST", `/hub/${C}/members/${quiet.id}`, { form: { do: "nudge", via: "wa" }, cookie: leader.token, headers: { Accept: "application/json" } });
    assert.equal(noConsent.status, 403);
    assert.equal(noConsent.body.error.field, "member");
    const notLeader = await call("POST", `/hub/${C}/members/${es.id}`, { form: { do: "nudge", via: "wa" }, cookie: quiet.token, headers: { Accept: "application/json" } });
    assert.equal(notLeader.status, 403);
    assert.equal(notLeader.body.error.field, "member");

    // The leader removes Quim: his hub no longer shows the team.
    await quimRow.getByRole("button", { name: /^Remove/ }).click();
    await p.locator(".status", { hasText: "Removed from the team." }).waitFor();
    assert.equal(await p.locator(`#member-${quiet.id}`).count(), 0);
    const his = await call("GET", `/hub/${C}`, { cookie: quiet.token });
    assert.ok(!his.body.includes("team-members") && his.body.includes("Join a team"), "he lost the team view");
    const events = sql(`SELECT kind FROM team_events WHERE actor_id = ${leader.id} ORDER BY id`).map((r) => r.kind);
    assert.deepEqual(events.filter((k) => k !== "nudge"), ["remove"]);
    assert.ok(events.includes("nudge"), "nudges are recorded");

    // A new invite link, and leadership handed to Ema (recorded).
    await p.getByRole("button", { name: "New invite link" }).click();
    await p.locator(".status", { hasText: "A new invite link is ready" }).waitFor();
    const renewed = sql(`SELECT invite_code FROM teams WHERE leader_id = ${leader.id}`)[0].invite_code;
    assert.notEqual(renewed, invite);
    // The new invite link puts the team first on an invitee's hub.
    const invited = await call("GET", `/hub/${C}?team=${renewed}`, { cookie: quiet.token });
    assert.equal(/name="invite" value="([A-Z0-9]+)"/.exec(invited.body)?.[1], renewed, "the invited team first");
    await p.locator(`#member-${es.id}`).getByRole("button", { name: /leader$/ }).click();
    await p.locator(".status", { hasText: "Leadership handed over." }).waitFor();
    assert.equal(await p.locator("#lead").count(), 0, "the old leader no longer sees the leader's view");
    assert.equal(sql(`SELECT COUNT(*) AS n FROM teams WHERE leader_id = ${es.id}`)[0].n, 1);
  } finally {
    await context.close();
  }
});

test("refusals: not running, too late to undo, forged and expired links, signed out", async () => {
  const me = await signUp({ first_name: `Refu${RUN}` });
  const future = await staff("POST", "/actions", { title: `Later ${RUN}`, how: "self", points: 5, starts_on: "2099-01-01", ends_on: "2099-01-07" });
  assert.equal(future.status, 201);
  const notRunning = await hubPost(me.token, { do: "done", action: future.body.id });
  assert.equal(notRunning.status, 409);
  assert.equal(notRunning.body.error.code, "not_running");
  assert.equal(notRunning.body.error.field, "action");
  // The page shows it beside the card's place with the same status (JavaScript off: a form).
  const page = await hubPost(me.token, { do: "done", action: future.body.id }, false);
  assert.equal(page.status, 409);
  assert.match(page.body, /This action is not running now\./);
  // A Rally action is done by acting, not by a Done button.
  assert.equal((await hubPost(me.token, { do: "done", action: pledgeAction.id })).body.error.code, "not_running");
  assert.deepEqual((await hubPost(me.token, { do: "done", action: selfAction.id })).body, { ok: "done" });
  sql(`UPDATE action_done SET created_at = created_at - ${2 * 86_400_000} WHERE supporter_id = ${me.id}`);
  const late = await hubPost(me.token, { do: "undo", action: selfAction.id });
  assert.equal(late.status, 409);
  assert.equal(late.body.error.code, "undo_expired");
  const signedOut = await call("POST", `/hub/${C}`, { form: { do: "done", action: selfAction.id }, headers: { Accept: "application/json" } });
  assert.equal(signedOut.status, 401);
  const crossSite = await call("POST", `/hub/${C}`, { form: { do: "done", action: selfAction.id }, cookie: me.token, headers: { Origin: "https://evil.example" } });
  assert.equal(crossSite.status, 403);
  // Forged and unknown links: a clear page in the browser's language, nothing changed.
  const forged = await call("POST", `/h/${"a".repeat(32)}`, { headers: { "Accept-Language": "pt-BR" } });
  assert.equal(forged.status, 404);
  assert.match(forged.body, /Este link não é válido/);
  assert.equal(forged.cookie, null);
  // An expired one (a sign-in link lives an hour): asked for, then its hour passed.
  const asked = await call("POST", `/hub/${C}`, { form: { do: "signin", email: me.email }, headers: { Accept: "application/json" } });
  assert.deepEqual(asked.body, { ok: "sent" });
  const unknown = await call("POST", `/hub/${C}`, { form: { do: "signin", email: `nobody.${RUN}@example.org` }, headers: { Accept: "application/json" } });
  assert.deepEqual(unknown.body, { ok: "sent" }, "the same answer for an unknown address");
  const badEmail = await call("POST", `/hub/${C}`, { form: { do: "signin", email: "not-an-email" }, headers: { Accept: "application/json" } });
  assert.equal(badEmail.status, 422);
  assert.equal(badEmail.body.error.field, "email");
  const link = await hubLinkOf(me.email, "one hour");
  sql(`UPDATE links SET expires_at = 1 WHERE purpose = 'hub' AND outbox_id IN (SELECT id FROM outbox WHERE supporter_id = ${me.id} AND kind = 'signin')`);
  const expired = await call("POST", new URL(link).pathname, { headers: { "Accept-Language": "es" } });
  assert.ok(expired.status === 410 && expired.cookie === null, `${expired.status}`);
  assert.match(expired.body, /lang="en"/, "in the person's language (theirs, not the browser's)");
});

test("the hub passes axe at both widths in three languages, and works by keyboard alone", async () => {
  const leader = await signUp({ first_name: `Axe${RUN}` });
  const member = await signUp({ first_name: `Kay${RUN}` });
  await hubPost(leader.token, { do: "start", name: `Axe crew ${RUN.slice(-4)}` });
  const invite = sql(`SELECT invite_code FROM teams WHERE leader_id = ${leader.id}`)[0].invite_code;
  await hubPost(member.token, { do: "join", invite, leader_contact: "1" });
  const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
  for (const lang of ["en", "pt-BR", "es"]) {
    for (const width of [375, 1280]) {
      const context = await newContext(browser, { viewport: { width, height: 900 }, extraHTTPHeaders: { "CF-Connecting-IP": freshIp() } });
      try {
        const p = await context.newPage();
        for (const [who, token] of [["leader", leader.token], ["sign-in", null]]) {
          if (token) {
            await p.goto(`${EDGE}/hub/${C}?lang=${lang}#t=${encodeURIComponent(token)}`);
            await p.locator("#lead").waitFor();
          } else {
            await context.clearCookies();
            await p.goto(`${EDGE}/hub/${C}?lang=${lang}`);
            await p.locator("#signin-email").waitFor();
          }
          assert.equal(await p.getAttribute("html", "lang"), lang);
          const { violations } = await new AxeBuilder({ page: p }).withTags(TAGS).analyze();
          assert.deepEqual(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`), [], `${who} ${lang} ${width}px`);
        }
      } finally {
        await context.close();
      }
    }
  }
  // Keyboard only: Tab to the pinned card's Done button and press Enter; focus is always visible.
  const context = await newContext(browser, { extraHTTPHeaders: { "CF-Connecting-IP": freshIp() } });
  try {
    const p = await context.newPage();
    await p.goto(`${EDGE}/hub/${C}#t=${encodeURIComponent(member.token)}`);
    await p.locator("h1", { hasText: `Kay${RUN}` }).waitFor();
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await p.keyboard.press("Tab");
      const focused = await p.evaluate(() => {
        const el = document.activeElement;
        const style = getComputedStyle(el);
        return { text: el.textContent, card: el.closest(".card")?.id ?? "", outline: style.outlineStyle !== "none" && style.outlineWidth !== "0px" };
      });
      assert.ok(focused.outline, `focus visible on ${focused.text}`);
      reached = focused.card === `card-${selfAction.id}` && focused.text === "I did it";
    }
    assert.ok(reached, "the Done button is reachable by Tab");
    await p.keyboard.press("Enter");
    await p.locator(`#card-${selfAction.id} .ok`).waitFor();
  } finally {
    await context.close();
  }
});

test("erasure removes the person from their team, the hub and the actions", async () => {
  const leader = await signUp({ first_name: `Era${RUN}` });
  const member = await signUp({ first_name: `Sed${RUN}` });
  await hubPost(leader.token, { do: "start", name: `Erase crew ${RUN.slice(-4)}` });
  const invite = sql(`SELECT invite_code FROM teams WHERE leader_id = ${leader.id}`)[0].invite_code;
  await hubPost(member.token, { do: "join", invite, leader_contact: "1" });
  assert.deepEqual((await hubPost(member.token, { do: "done", action: selfAction.id })).body, { ok: "done" });
  const before = (await staff("GET", "/actions")).body.actions.find((a) => a.id === selfAction.id).done;
  const erased = await staff("DELETE", `/supporters/${member.id}`);
  assert.equal(erased.status, 200, JSON.stringify(erased.body));
  assert.equal(sql(`SELECT size FROM teams WHERE leader_id = ${leader.id}`)[0].size, 1, "out of the team");
  assert.equal(sql(`SELECT COUNT(*) AS n FROM action_done WHERE supporter_id = ${member.id}`)[0].n, 0);
  assert.equal((await staff("GET", "/actions")).body.actions.find((a) => a.id === selfAction.id).done, before - 1);
  const hub = await call("GET", `/hub/${C}`, { cookie: member.token });
  assert.ok(hub.body.includes("signin-email"), "their hub cookie no longer opens anything");
  const leaderHub = await call("GET", `/hub/${C}`, { cookie: leader.token });
  assert.ok(!leaderHub.body.includes(`Sed${RUN}`), "the leader no longer sees them");
});

test("a leader's hub with a full team is at most 60 KB brotli on a first visit, the app's own files included, nothing from elsewhere", async () => {
  const token = await fullTeamHub({ campaign: C, petition: "hub-sign", ownerKey: OWNER });
  const context = await newContext(browser, { extraHTTPHeaders: { "CF-Connecting-IP": freshIp() } });
  try {
    await context.addCookies([{ name: "rally_hub", value: token, url: `${EDGE}/hub/${C}` }]);
    const p = await context.newPage();
    // Everything the first visit downloads: the document, and the installable app's own
    // files (icon, manifest, service worker: issue 23), nothing from elsewhere.
    const responses = [];
    context.on("response", (r) => responses.push(r));
    const res = await p.goto(`${EDGE}/hub/${C}`);
    await p.locator("#lead").waitFor();
    assert.equal(await p.locator("#lead tbody tr").count(), 7, "seven members besides the leader");
    await p.evaluate(() => navigator.serviceWorker.ready);
    await p.waitForLoadState("networkidle");
    const own = new Set([`${EDGE}/hub/${C}`, `${EDGE}/hub/icon-192.png`, `${EDGE}/hub/icon-512.png`, `${EDGE}/hub/sw.js`, `${EDGE}/hub/${C}/manifest.webmanifest`]);
    const urls = [...new Set(responses.map((r) => r.url()))];
    assert.deepEqual(urls.filter((u) => !own.has(u)), [], `only the hub's own files: ${urls}`);
    let bytes = brotliCompressSync(await res.body()).length;
    for (const u of urls.filter((u) => u !== `${EDGE}/hub/${C}`)) {
      bytes += brotliCompressSync(Buffer.from(await (await fetch(u)).arrayBuffer())).length;
    }
    assert.ok(bytes <= 60_000, `first visit: ${bytes} bytes brotli`);
    console.log(`# hub first visit (document and the app's files): ${bytes} bytes brotli, ${urls.length} files`);
  } finally {
    await context.close();
  }
});
