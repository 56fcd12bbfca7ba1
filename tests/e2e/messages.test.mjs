// Follow-up messages through Cloudflare's own parts, all running locally under wrangler dev: the
// action writes its message to the D1 outbox in its own batch, the Queues consumer sends it
// through the Email Service binding (whose local simulator writes each message's text and HTML
// to files: `mailbox()` reads them), and the cron (`/__scheduled`) sends what is due. Nothing
// here is a mock of ours. Fixtures: tests/fixtures/seed.sql (campaigns e2e-mail, e2e-remind,
// e2e-refused).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  EDGE, STAFF, launch, newContext, hostPage, page, person, fillForm, d1, eventually, freshIp,
  sign, mailTo, cron, fetchAgain, dashboardAs,
} from "./helpers.mjs";

const RUN = Date.now().toString(36);
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** A first name no other test uses: how a message is told apart in the shared mailbox. */
let n = 0;
const uniqueName = (tag) => `Zed${tag}${RUN}${(n += 1)}`.replace(/[^A-Za-z]/g, (d) => "abcdefghij"[Number(d)] ?? "x");

const linkIn = (text, kind) => text.match(new RegExp(`${EDGE.replace(/[.:/]/g, "\\$&")}/${kind}/[0-9a-f]{32}`))?.[0];

async function commit(campaign, pledge, body) {
  const res = await fetchAgain(`${EDGE}/api/v1/campaigns/${campaign}/pledges/${pledge}/commitments`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "CF-Connecting-IP": freshIp(), "Idempotency-Key": `c-${Math.random().toString(36).slice(2, 14)}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

async function staff(campaign, path, key, init = {}) {
  const res = await fetchAgain(`${EDGE}/api/v1/campaigns/${campaign}/staff${path}`, {
    ...init, headers: { Authorization: `Bearer ${key}`, ...(init.body ? { "Content-Type": "application/json" } : {}), ...init.headers },
  });
  const text = await res.text();
  return { status: res.status, text, body: res.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text };
}

/** The cells of `email`'s row in a CSV export, by column name. */
async function exported(campaign, what, email, key) {
  const csv = await staff(campaign, `/exports/${what}`, key);
  assert.equal(csv.status, 200, csv.text);
  const lines = csv.text.trimEnd().split("\r\n");
  const head = lines[0].split(",");
  const row = lines.find((l) => l.includes(`"${email}"`));
  if (!row) return null;
  const cells = row.split(",").map((c) => c.replace(/^"|"$/g, ""));
  return Object.fromEntries(head.map((h, i) => [h, cells[i]]));
}

/** Waits until exactly `count` messages mention `marker`; returns them. */
const delivered = (marker, count = 1, ms = 15_000) => eventually(() => mailTo(marker), (m) => m.length === count, ms);

/** Runs the cron until `check` holds on what `read` returns. */
async function cronUntil(read, check, ms = 30_000) {
  return eventually(async () => { await cron(); return read(); }, check, ms);
}

test("confirmation on: signed in the widget, confirmed from the message in the signer's language; a mail scanner's GET confirms nothing", async () => {
  const name = uniqueName("c");
  const me = person({ first_name: name, last_name: "Pereira" });
  const context = await newContext(browser, { locale: "pt-BR" });
  const url = await hostPage(context, page(
    `<script async src="${EDGE}/embed.js" data-widget="petition" data-campaign="e2e-mail" data-petition="mail-confirm"></script>`,
    { lang: "pt-BR" }));
  const p = await context.newPage();
  await p.goto(url);
  await fillForm(p, me);
  await p.locator("button[type=submit]").click();
  await p.locator(".thanks h3").waitFor();

  // The signature counts at once, unconfirmed.
  const [row] = d1(`SELECT g.confirmed FROM signatures g JOIN supporters s ON s.id = g.supporter_id WHERE s.email = '${me.email}'`);
  assert.equal(row.confirmed, 0);
  const [msg] = await delivered(name);
  assert.match(msg.text, new RegExp(`Olá, ${name},`), "in the signer's language");
  assert.match(msg.text, /Você assinou “Protect the river”\. Confirme que foi você:/);
  assert.ok(msg.text.startsWith("Mail tests\n"), "names the campaign");
  const confirm = linkIn(msg.text, "m");
  const unsubscribe = linkIn(msg.text, "u");
  assert.ok(confirm && unsubscribe, msg.text);
  assert.ok(!msg.text.includes(me.email) && !confirm.includes(encodeURIComponent(me.email)), "links carry no email");
  const [html] = mailTo(name, "html");
  assert.match(html.text, /<html lang="pt-BR">/);
  assert.ok(html.text.includes("#7b2d8b"), "the campaign's colour");
  assert.ok(!/<img/i.test(html.text), "no images, no tracking pixels");
  assert.ok(html.text.includes(`href="${unsubscribe}"`), "a visible unsubscribe link");

  // A corporate mail scanner opens every link it finds: nothing is confirmed.
  for (let i = 0; i < 3; i++) assert.equal((await fetchAgain(confirm)).status, 200);
  assert.equal(d1(`SELECT g.confirmed FROM signatures g JOIN supporters s ON s.id = g.supporter_id WHERE s.email = '${me.email}'`)[0].confirmed, 0);

  // The person opens it in a browser and confirms with the page's own POST.
  const tab = await context.newPage();
  await tab.goto(confirm);
  assert.equal(await tab.locator("html").getAttribute("lang"), "pt-BR");
  assert.equal(await tab.locator("h1").textContent(), "Confirme a sua ação");
  await tab.getByRole("button", { name: "Sim, fui eu" }).click();
  await tab.locator("p[role=status]").waitFor();
  assert.equal(await tab.locator("p[role=status]").textContent(), "Obrigado: está confirmado.");
  const cells = await exported("e2e-mail", "signatures", me.email, STAFF.mailOwner);
  assert.equal(cells.confirmation, "confirmed");
  assert.match(cells.confirmed_at, /^20\d\d-/);
  // The link again: already done, still nothing changes.
  await tab.goto(confirm);
  assert.equal(await tab.locator("p[role=status]").textContent(), "Isto já estava confirmado. Obrigado.");
  // Opening it never sends another message.
  await cron();
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(mailTo(name).length, 1);
  await context.close();
});

test("\"it wasn't me\" removes the signature, its points and every trace of the address", async () => {
  const name = uniqueName("r");
  const victim = person({ first_name: name, last_name: "Alves", lang: "es" });
  const before = d1(`SELECT signature_count AS n FROM petitions WHERE slug = 'mail-confirm'`)[0].n;
  assert.equal((await sign("mail-confirm", victim, { campaign: "e2e-mail" })).status, 201);
  assert.equal(d1(`SELECT signature_count AS n FROM petitions WHERE slug = 'mail-confirm'`)[0].n, before + 1);
  const [{ id, points }] = d1(`SELECT id, points FROM supporters WHERE email = '${victim.email}'`);
  assert.ok(points > 0);
  const [msg] = await delivered(name);
  assert.match(msg.text, /Firmaste «Protect the river»/, "Spanish");

  const context = await newContext(browser);
  const tab = await context.newPage();
  await tab.goto(linkIn(msg.text, "m"));
  await tab.getByRole("button", { name: "No fui yo" }).click();
  await tab.locator("p[role=status]").waitFor();
  assert.equal(await tab.locator("p[role=status]").textContent(), "Hecho: lo quitamos y olvidamos la dirección.");
  await context.close();

  assert.equal(d1(`SELECT signature_count AS n FROM petitions WHERE slug = 'mail-confirm'`)[0].n, before);
  assert.deepEqual(d1(`SELECT COUNT(*) AS n FROM signatures WHERE supporter_id = ${id}`), [{ n: 0 }]);
  assert.deepEqual(d1(`SELECT COUNT(*) AS n FROM actions WHERE supporter_id = ${id}`), [{ n: 0 }]);
  const [after] = d1(`SELECT email, first_name, points, erased_at FROM supporters WHERE id = ${id}`);
  assert.equal(after.points, 0);
  assert.equal(after.first_name, "Erased");
  assert.ok(after.erased_at > 0);
  assert.deepEqual(d1(`SELECT COUNT(*) AS n FROM supporters WHERE email = '${victim.email}'`), [{ n: 0 }], "no trace of the email");
  // The same link later: a clear page, nothing changes.
  const again = await fetchAgain(linkIn(msg.text, "m"), { method: "POST", body: "do=confirm", headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept-Language": "es" } });
  assert.equal(again.status, 404);
  assert.match(await again.text(), /Este enlace no es válido/);
});

test("forged and malformed links answer a clear page in the visitor's language and change nothing", async () => {
  for (const [path, lang, words] of [
    ["/m/0123456789abcdef0123456789abcdef", "pt-BR", "Este link não é válido"],
    ["/u/0123456789abcdef0123456789abcdef", "es", "Este enlace no es válido"],
    ["/m/not-a-token", "en", "This link is not valid"],
    ["/u/%27%20OR%201=1--", "en", "This link is not valid"],
  ]) {
    for (const method of ["GET", "POST"]) {
      const res = await fetchAgain(`${EDGE}${path}`, { method, headers: { "Accept-Language": lang }, body: method === "POST" ? "do=confirm" : undefined });
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.match(res.headers.get("content-type"), /text\/html/);
      assert.ok((await res.text()).includes(words), `${method} ${path} in ${lang}`);
    }
  }
});

test("pledge reminders: exactly one for each pledger who asked, none for the others, and a second cron run sends nothing new", async () => {
  const asked = [uniqueName("a"), uniqueName("b")];
  const silent = uniqueName("s");
  for (const first_name of asked) {
    assert.equal((await commit("e2e-remind", "soon", { ...person({ first_name }), reminder: true })).status, 201);
  }
  assert.equal((await commit("e2e-remind", "soon", { ...person({ first_name: silent }), reminder: false })).status, 201);
  await cron();
  for (const name of asked) {
    const [msg] = await delivered(name);
    assert.match(msg.text, /A reminder of what you pledged, for tomorrow:/);
    assert.match(msg.text, /“I will march with the river walk”/);
    assert.match(msg.text, /Where: Old bridge, north bank/);
    assert.match(msg.text, /When: \w+day, /, "the date, in words, in the campaign's time zone");
    assert.match(msg.text, /The calendar file is attached\./);
  }
  await cron();
  await cron();
  await new Promise((r) => setTimeout(r, 2000));
  for (const name of asked) assert.equal(mailTo(name).length, 1, `${name}: one reminder only`);
  assert.equal(mailTo(silent).length, 0, "nothing for who did not ask");
  // The morning one waits for its moment.
  const rows = d1(`SELECT o.kind, o.status FROM outbox o JOIN supporters s ON s.id = o.supporter_id WHERE s.first_name = '${asked[0]}' ORDER BY o.kind`);
  assert.deepEqual(rows, [{ kind: "pledge_eve", status: "sent" }, { kind: "pledge_morning", status: "pending" }]);
});

test("fact-check outcomes: one message to each reporter who asked, none to others, even if published again", async () => {
  const word = `Zq${RUN}o`;
  const claim = `${word} ${RUN}x ${RUN}y ${RUN}z wq${RUN} says the old bridge goes`;
  const reporters = [
    { email: `rep1.${RUN}@example.org`, lang: "es" },
    { email: `rep2.${RUN}@example.org`, lang: "en" },
  ];
  const report = (body) => fetchAgain(`${EDGE}/api/v1/campaigns/demo/reports`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "CF-Connecting-IP": freshIp(), "Idempotency-Key": `r-${Math.random().toString(36).slice(2, 14)}` },
    body: JSON.stringify({ seen_on: "whatsapp", claim, ...body }),
  }).then((r) => r.json());
  let claimId;
  for (const r of reporters) claimId = (await report({ email: r.email, notify_consent: true, lang: r.lang })).claim_id;
  assert.equal((await report({})).claim_id, claimId, "a reporter who gave no address");
  const publish = () => staff("demo", `/claims/${claimId}`, STAFF.moderator, { method: "PATCH", body: JSON.stringify({
    status: "published", verdict: "false", explanation: "The council has approved repairs, not demolition.",
  }) });
  assert.equal((await publish()).status, 200);
  const msgs = await delivered(word, 2);
  assert.equal(msgs.filter((m) => m.text.includes("Nuestro veredicto: Falso")).length, 1, "the Spanish reporter's");
  assert.equal(msgs.filter((m) => m.text.includes("Our verdict: False")).length, 1, "the English reporter's");
  for (const m of msgs) {
    assert.ok(m.text.includes("The council has approved repairs, not demolition."));
    assert.ok(m.text.includes(`${EDGE}/r/demo/${claimId}`), "the rebuttal's page");
  }
  // Edited and published again: nobody is told twice.
  assert.equal((await staff("demo", `/claims/${claimId}`, STAFF.moderator, { method: "PATCH", body: JSON.stringify({ status: "in_review" }) })).status, 200);
  assert.equal((await publish()).status, 200);
  await cron();
  await new Promise((r) => setTimeout(r, 2000));
  assert.equal(mailTo(word).length, 2);
});

test("one-click unsubscribe (RFC 8058) withdraws consent at once, is recorded and exported, and later messages stop", async () => {
  const name = uniqueName("u");
  const me = person({ first_name: name, contact_consent: true });
  assert.equal((await commit("e2e-mail", "soon", { ...me, reminder: true })).status, 201);
  // The confirmation and the day-before reminder arrive; the morning one waits.
  const msgs = await delivered(name, 2);
  const unsubscribe = linkIn(msgs[0].text, "u");
  // A mail client's one-click POST, as RFC 8058 describes it.
  const res = await fetchAgain(unsubscribe, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "List-Unsubscribe=One-Click" });
  assert.equal(res.status, 200);
  const [s] = d1(`SELECT id, contact_consent, unsubscribed_at FROM supporters WHERE email = '${me.email}'`);
  assert.equal(s.contact_consent, 0);
  assert.ok(s.unsubscribed_at > 0);
  assert.deepEqual(d1(`SELECT status, error FROM outbox WHERE supporter_id = ${s.id} AND kind = 'pledge_morning'`), [{ status: "dropped", error: "unsubscribed" }]);
  const cells = await exported("e2e-mail", "supporters", me.email, STAFF.mailOwner);
  assert.equal(cells.contact_consent, "0");
  assert.match(cells.unsubscribed_at, /^20\d\d-/);
  // Again: the same answer, nothing new.
  assert.equal((await fetchAgain(unsubscribe, { method: "POST", body: "List-Unsubscribe=One-Click" })).status, 200);
  // A later action of theirs sends nothing.
  assert.equal((await sign("mail-confirm", me, { campaign: "e2e-mail" })).status, 201);
  await cron();
  await eventually(() => d1(`SELECT status, error FROM outbox WHERE supporter_id = ${s.id} AND action = 'sign'`),
    (rows) => rows.length === 1 && rows[0].status === "dropped");
  assert.equal(mailTo(name).length, 2, "no message after unsubscribing");
});

test("a message the binding refuses is retried with backoff, then shown to staff as failed with the reason", async () => {
  const name = uniqueName("f");
  const me = person({ first_name: name });
  assert.equal((await sign("refused", me, { campaign: "e2e-refused" })).status, 201);
  const row = () => d1(`SELECT o.id, o.status, o.attempts, o.error FROM outbox o JOIN supporters s ON s.id = o.supporter_id WHERE s.email = '${me.email}'`)[0];
  // The edge retries after 100 ms, 0.4, 1.6 and 6.4 s (xtask's test setting); each retry goes
  // through the cron, which this test runs in a loop.
  const failed = await cronUntil(row, (r) => r?.status === "failed", 45_000);
  assert.equal(failed.attempts, 5);
  assert.match(failed.error, /not allowed/);
  assert.equal(mailTo(name).length, 0);
  // Staff see it with the reason (never the address) and may resend it: it goes round again
  // and, the sender still unverified, fails again, visibly.
  const view = await staff("e2e-refused", "/messages", STAFF.refusedOwner);
  const shown = view.body.failures.find((f) => f.id === failed.id);
  assert.deepEqual([shown.kind, shown.attempts], ["confirm", 5]);
  assert.match(shown.error, /not allowed/);
  assert.ok(!view.text.includes(me.email));
  assert.ok(view.body.days.find((d) => d.kind === "confirm").failed >= 1);
  assert.equal((await staff("demo", "/messages", STAFF.owner)).body.failures.some((f) => f.id === failed.id), false,
    "another campaign's staff do not see it");
  const resent = await staff("e2e-refused", `/messages/${failed.id}/resend`, STAFF.refusedOwner, { method: "POST" });
  assert.equal(resent.status, 202, resent.text);
  await eventually(row, (r) => r.attempts >= 1 && r.attempts < 5 || r.status === "failed");
  const again = await cronUntil(row, (r) => r.status === "failed" && r.attempts === 5, 45_000);
  assert.match(again.error, /not allowed/);
  assert.equal((await staff("e2e-refused", "/messages/999999/resend", STAFF.refusedOwner, { method: "POST" })).status, 404);
});

test("staff see messages per day and kind, failures with reasons, the cron's housekeeping; settings refuse a malformed sender", async () => {
  await cron();
  const view = await staff("e2e-mail", "/messages", STAFF.mailOwner);
  assert.equal(view.status, 200, view.text);
  const confirms = view.body.days.filter((d) => d.kind === "confirm");
  assert.ok(confirms.reduce((a, d) => a + d.sent, 0) >= 2, JSON.stringify(view.body.days));
  assert.ok(view.body.sweeps.length > 0 && typeof view.body.sweeps[0].keys_dropped === "number");
  assert.ok(!view.text.includes("@example.org"), "no addresses in the view");

  const current = (await staff("e2e-mail", "/campaign", STAFF.mailOwner)).body;
  assert.equal(current.confirm, true);
  assert.equal(current.sender_name, "Mail Tests Team");
  const bad = await staff("e2e-mail", "/campaign", STAFF.mailOwner, { method: "PUT", body: JSON.stringify({
    ...current, sender_name: "Team <x@evil.example>", reply_to: "not an address",
  }) });
  assert.equal(bad.status, 422);
  assert.deepEqual(bad.body.errors.map((e) => [e.field, e.code]), [["sender_name", "invalid_value"], ["reply_to", "invalid_email"]]);
  assert.equal((await staff("e2e-mail", "/campaign", STAFF.mailOwner)).body.sender_name, "Mail Tests Team", "nothing changed");
});

test("an unconfirmed action gets one reminder to confirm, and only one; the overview counts it as unconfirmed", async () => {
  const name = uniqueName("k");
  const me = person({ first_name: name });
  assert.equal((await sign("mail-confirm", me, { campaign: "e2e-mail" })).status, 201);
  await delivered(name);
  const overview = await staff("e2e-mail", "/overview", STAFF.mailOwner);
  assert.ok(overview.body.unconfirmed.signatures >= 1, JSON.stringify(overview.body.unconfirmed));
  // Two days pass without an answer (the first message's send time, moved back).
  d1(`UPDATE outbox SET sent_at = sent_at - 3 * 86400000 WHERE kind = 'confirm' AND supporter_id =
      (SELECT id FROM supporters WHERE email = '${me.email}')`);
  await cron();
  const both = await delivered(name, 2);
  assert.match(both[1].text, /You signed “Protect the river”\. Please confirm that it was you:/);
  assert.equal(linkIn(both[1].text, "m") !== linkIn(both[0].text, "m"), true, "its own link");
  await cron();
  await cron();
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(mailTo(name).length, 2, "at most one reminder");
});

test("an erased supporter's waiting messages are dropped and never sent", async () => {
  const name = uniqueName("e");
  const me = person({ first_name: name });
  assert.equal((await commit("e2e-mail", "soon", { ...me, reminder: true })).status, 201);
  await delivered(name, 2); // the confirmation and the day-before reminder
  const [{ id }] = d1(`SELECT id FROM supporters WHERE email = '${me.email}'`);
  const erased = await staff("e2e-mail", `/supporters/${id}`, STAFF.mailOwner, { method: "DELETE" });
  assert.equal(erased.status, 200, erased.text);
  assert.deepEqual(d1(`SELECT status, error FROM outbox WHERE supporter_id = ${id} AND kind = 'pledge_morning'`), [{ status: "dropped", error: "erased" }]);
  // Its links no longer open anything.
  const res = await fetchAgain(linkIn(mailTo(name)[0].text, "u"), { method: "POST", body: "List-Unsubscribe=One-Click" });
  assert.equal(res.status, 404);
});

test("the cron drops idempotency keys older than a day and says so to staff", async () => {
  const key = `old-key-${RUN}`;
  d1(`INSERT INTO idempotency_keys (key, request_id, created_at) VALUES ('${key}', 'r-${RUN}', ${Date.now() - 2 * 86_400_000})`);
  d1(`INSERT INTO idempotency_keys (key, request_id, created_at) VALUES ('${key}-new', 'r2-${RUN}', ${Date.now()})`);
  await cron();
  assert.deepEqual(d1(`SELECT key FROM idempotency_keys WHERE key LIKE 'old-key-${RUN}%'`), [{ key: `${key}-new` }]);
  const { sweeps } = (await staff("e2e-mail", "/messages", STAFF.mailOwner)).body;
  assert.ok(sweeps.some((s) => s.keys_dropped >= 1), JSON.stringify(sweeps.slice(0, 3)));
});

test("the dashboard: sender settings refused beside their fields; the Messages tab shows sends and failures", async () => {
  const { context, page: p } = await dashboardAs(browser, STAFF.refusedOwner);
  await p.locator("nav button", { hasText: "Messages" }).click();
  const row = p.locator("table.message-days tr[data-kind=confirm]").first();
  await row.waitFor();
  assert.ok(Number(await row.locator("td.failed").textContent()) >= 1);
  assert.match(await p.locator("table.failures td.reason").first().textContent(), /not allowed/);
  await p.locator("table.failures button.resend").first().click();
  await p.locator(".msg", { hasText: "is being sent again" }).waitFor();

  await p.locator("nav button", { hasText: "Settings" }).click();
  await p.locator("#s-reply_to").fill("replies at campaign");
  await p.locator("#s-sender_name").fill("Team <evil@x.example>");
  await p.locator("button[type=submit]", { hasText: "Save settings" }).click();
  await p.locator("#s-reply_to-error").waitFor();
  assert.equal(await p.locator("#s-reply_to").getAttribute("aria-invalid"), "true");
  assert.equal(await p.locator("#s-reply_to").inputValue(), "replies at campaign", "what was typed stays");
  assert.ok((await p.locator("#s-sender_name-error").textContent()).length > 0);
  assert.equal(await p.locator("#s-confirm").isChecked(), true, "the campaign confirms by email");
  await context.close();
});

test("an expired confirmation link answers a clear page in the person's language and confirms nothing", async () => {
  const name = uniqueName("x");
  const me = person({ first_name: name, lang: "pt-BR" });
  assert.equal((await sign("mail-confirm", me, { campaign: "e2e-mail" })).status, 201);
  const [msg] = await delivered(name);
  d1(`UPDATE links SET expires_at = 1 WHERE outbox_id IN (SELECT o.id FROM outbox o JOIN supporters s ON s.id = o.supporter_id WHERE s.email = '${me.email}')`);
  for (const init of [{}, { method: "POST", body: "do=confirm", headers: { "Content-Type": "application/x-www-form-urlencoded" } }]) {
    const res = await fetchAgain(linkIn(msg.text, "m"), init);
    assert.equal(res.status, 410);
    assert.match(await res.text(), /Este link expirou\./);
  }
  assert.equal(d1(`SELECT g.confirmed FROM signatures g JOIN supporters s ON s.id = g.supporter_id WHERE s.email = '${me.email}'`)[0].confirmed, 0);
});
