// The staff dashboard in real Chromium: sign in, see a signature made a moment ago in the
// overview, download an export, publish a fact-check from the queue, read the audit log, sign out.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { launch, newContext, sign, person, freshIp, eventually, staffNetwork, EDGE, STAFF } from "./helpers.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test("sign in, see a new signature in the overview, export it, publish a fact-check, sign out", async () => {
  const context = await newContext(browser, staffNetwork({ acceptDownloads: true }));
  const p = await context.newPage();
  const errors = [];
  p.on("pageerror", (e) => errors.push(e.message));
  await p.goto(`${EDGE}/dashboard/`);
  await p.locator("#key").fill("rs_not_a_real_key");
  await p.locator("button[type=submit]").click();
  assert.equal(await p.locator("#key-error").textContent(), "This credential is not valid.");
  await p.locator("#key").fill(STAFF.owner);
  await p.locator("button[type=submit]").click();
  await p.locator("header .who").waitFor();
  assert.equal(await p.locator("header .who").textContent(), "Olga Owner (owner)");
  const cookie = (await context.cookies()).find((c) => c.name === "rally_staff");
  assert.deepEqual([cookie.httpOnly, cookie.secure, cookie.sameSite], [true, true, "Strict"]);

  const signs = p.locator("tr[data-kind=sign] td.today");
  await signs.waitFor();
  const shown = (text) => Number(text.replace(/,/g, "")); // written as English speakers do
  const before = shown(await signs.textContent());
  const who = person({ first_name: "Dalva", last_name: "Dias" });
  assert.equal((await sign("save-the-park", who)).status, 201);
  await p.reload();
  await p.locator("tr[data-kind=sign] td.today").waitFor();
  assert.equal(shown(await p.locator("tr[data-kind=sign] td.today").textContent()), before + 1, "a signature made a moment ago");
  assert.match(await p.locator("figure.chart figcaption").first().textContent(), /^Signatures per day, last 35 days: [\d,]+ in all$/);

  await p.locator("nav button", { hasText: "Exports" }).click();
  const [download] = await Promise.all([p.waitForEvent("download"), p.locator("button.export-signatures").click()]);
  const csv = readFileSync(await download.path(), "utf8");
  assert.ok(csv.startsWith("id,petition,signed_at,"));
  assert.ok(csv.includes(who.email), "the new signature is in the export");

  // A rumour reported a moment ago, published from the queue.
  // Words of this run only, so a rerun on the same state does not join an earlier claim.
  const word = () => Math.random().toString(36).slice(2, 8).replace(/[0-9]/g, "x");
  const claim = `The ${word()} bridge ${word()} will close for ${word()} years, says ${word()}`;
  const r = await fetch(`${EDGE}/api/v1/campaigns/demo/reports`, {
    method: "POST", headers: { "Content-Type": "application/json", "CF-Connecting-IP": freshIp() },
    body: JSON.stringify({ claim, seen_on: "whatsapp" }),
  }).then((x) => x.json());
  await p.locator("nav button", { hasText: "Fact-checks" }).click();
  const card = p.locator(`#c-${r.claim_id}`);
  await card.waitFor();
  assert.equal(await card.locator("h3").textContent(), claim);
  await card.locator(`#v-${r.claim_id}`).selectOption("misleading"); // the verdict (a "same rumour as" choice shows when there are others)
  await card.locator("form.publish textarea").first().fill("The bridge closes for two weeks of repairs.");
  await card.locator("form.publish textarea.sources").fill("City works notice — https://city.example/works/bridge");
  await card.locator("form.publish button[type=submit]").click();
  await p.locator(".msg", { hasText: "Published." }).waitFor();
  const published = (f) => f.rebuttals.some((x) => x.id === r.claim_id && x.verdict === "misleading"
    && x.sources.length === 1 && x.sources[0].title === "City works notice" && x.sources[0].url === "https://city.example/works/bridge");
  const feed = await eventually(() => fetch(`${EDGE}/api/v1/campaigns/demo/rebuttals`).then((x) => x.json()), published);
  assert.ok(published(feed), "the public feed has it (within its snapshot window)");

  // Erase the signer from the Supporters tab: the count stays right.
  const count = () => fetch(`${EDGE}/api/v1/campaigns/demo/petitions/save-the-park`).then((x) => x.json()).then((v) => v.count);
  const countBefore = await eventually(count, (c) => c > 0);
  await p.locator("nav button", { hasText: "Supporters" }).click();
  await p.locator("#q").fill(who.email);
  await p.locator("form.search button").click();
  const row = p.locator("table.people tbody tr[data-id]");
  await row.waitFor();
  assert.equal(await row.locator("td").nth(1).textContent(), who.email);
  await row.locator("button.show-actions").click();
  await p.locator("tr.record .actions-of").waitFor();
  assert.equal(await p.locator("tr.record p").textContent(), "Signed or pledged: save-the-park");
  assert.match(await p.locator("tr.record li").first().textContent(), / · sign · \d+ points \(week \d{4}-W\d{2}\)$/);
  await row.locator("button.erase").click();
  await row.locator("button.erase-confirm").click();
  await p.locator(".msg", { hasText: "Erased." }).waitFor();
  assert.match(await p.locator(".msg").textContent(), /Their 1 signatures and 0 pledges still count/);
  assert.equal(await count(), countBefore, "the public count stays right");

  await p.locator("nav button", { hasText: "Audit log" }).click();
  await p.locator("table.audit tbody tr").first().waitFor();
  const actions = await p.locator("table.audit tbody tr td:nth-child(3)").allTextContents();
  assert.ok(["claim_update", "export", "sign_in", "erase"].every((a) => actions.includes(a)), actions.join(","));

  await p.locator("button.out").click();
  await p.locator("#key").waitFor();
  const res = await context.request.get(`${EDGE}/api/v1/campaigns/demo/staff/overview`);
  assert.equal(res.status(), 401, "signed out for real");
  assert.deepEqual(errors, []);
  await context.close();
});

test("merge two claims about one rumour from the queue, then split a report back out", async () => {
  const context = await newContext(browser, staffNetwork());
  const p = await context.newPage();
  await p.goto(`${EDGE}/dashboard/`);
  await p.locator("#key").fill(STAFF.moderator);
  await p.locator("button[type=submit]").click();
  await p.locator("header .who").waitFor();
  // Two wordings too far apart for the automatic grouping, about the same rumour.
  const word = () => Math.random().toString(36).slice(2, 8).replace(/[0-9]/g, "q");
  const [w1, w2] = [word(), word()];
  const report = (claim) => fetch(`${EDGE}/api/v1/campaigns/demo/reports`, {
    method: "POST", headers: { "Content-Type": "application/json", "CF-Connecting-IP": freshIp() },
    body: JSON.stringify({ claim, seen_on: "whatsapp" }),
  }).then((x) => x.json());
  const a = await report(`The ${w1} clinic ${w2} shuts on Friday for good`);
  const b = await report(`Heard that ${w2} health centre ${w1} is closing permanently this week`);
  assert.notEqual(a.claim_id, b.claim_id);
  await p.locator("nav button", { hasText: "Fact-checks" }).click();
  const card = p.locator(`#c-${b.claim_id}`);
  await card.waitFor();
  await card.locator("form.merge select").selectOption(a.claim_id);
  await card.locator("form.merge button").click();
  await p.locator(".msg", { hasText: "Merged: the claim now has 2 reports." }).waitFor();
  await p.locator(`#c-${b.claim_id}`).waitFor({ state: "detached" }); // it left the queue
  const target = p.locator(`#c-${a.claim_id}`);
  await target.locator(".meta", { hasText: /^2 reports/ }).waitFor();

  await target.locator("button.show-reports").click();
  const second = target.locator("label.report", { hasText: "health centre" });
  await second.waitFor();
  await second.locator("input").check();
  await target.locator("form.split button[type=submit]").click();
  await p.locator(".msg", { hasText: "Split: a new claim with 1 reports." }).waitFor();
  await p.locator(`#c-${a.claim_id} .meta`, { hasText: /^1 reports/ }).waitFor();
  assert.equal(await p.locator("article.claim h3", { hasText: "health centre" }).count(), 1, "the new claim is in the queue");
  await context.close();
});

test("a tab that cannot load says why, with the edge's own words, and loads on retry", async () => {
  const context = await newContext(browser, staffNetwork());
  const p = await context.newPage();
  await p.goto(`${EDGE}/dashboard/`);
  await p.locator("#key").fill(STAFF.owner);
  await p.locator("button[type=submit]").click();
  await p.locator("tr[data-kind=sign]").waitFor();

  // The network is gone: the tab says so and offers a retry, instead of "Loading…" forever.
  await context.setOffline(true);
  await p.locator("nav button", { hasText: "Audit log" }).click();
  const failed = p.locator(".failed[role=alert]");
  await failed.waitFor();
  assert.match(await failed.locator(".err").textContent(), /^This could not be loaded: The edge did not answer/);
  assert.equal(await p.locator("p[role=status]", { hasText: "Loading" }).count(), 0);
  await context.setOffline(false);
  await failed.locator("button.retry").click();
  await p.locator("table.audit tbody tr").first().waitFor();
  assert.equal(await failed.count(), 0, "the failure is gone once it loads");

  // The edge refuses (the session is gone): its own message is shown.
  await context.clearCookies();
  await p.locator("nav button", { hasText: "Settings" }).click();
  await failed.waitFor();
  assert.equal(await failed.locator(".err").textContent(),
    "This could not be loaded: sign in, or send a staff credential of this campaign as Authorization: Bearer");
  await context.close();
});

test("the dashboard speaks the browser's language, each staff member may choose another, numbers as they write them", async () => {
  const context = await newContext(browser, staffNetwork({ locale: "pt-BR" }));
  const p = await context.newPage();
  await p.goto(`${EDGE}/dashboard/`);
  assert.equal(await p.locator("label[for=key]").textContent(), "Sua credencial de equipe");
  await p.locator("#key").fill("rs_not_a_real_key");
  await p.locator("button[type=submit]").click();
  assert.equal(await p.locator("#key-error").textContent(), "Esta credencial não é válida.");
  await p.locator("#key").fill(STAFF.owner);
  await p.locator("button[type=submit]").click();
  await p.locator("header .who").waitFor();
  assert.equal(await p.locator("html").getAttribute("lang"), "pt-BR");
  assert.deepEqual((await p.locator("nav button").allTextContents()).slice(0, 6), ["Visão geral", "Escada", "Ações", "Apoiadores", "Equipes voluntárias", "Exportações"]);
  await p.locator("tr[data-kind=sign] td.today").waitFor();
  assert.equal(await p.locator("tr[data-kind=sign] th").textContent(), "Assinaturas");
  assert.match(await p.locator("figure.chart figcaption").first().textContent(), /^Assinaturas por dia, últimos 35 dias: [\d.]+ no total$/);
  assert.match(await p.locator("table.funnels tr[data-widget=petition] td.rate-week").textContent(), /^(–|[\d.]+,\d\s?%)$/, "a Brazilian decimal comma");
  // A thousand, as a Brazilian writes it (the overview's numbers go through the same formatter).
  assert.equal(await p.evaluate(() => new Intl.NumberFormat("pt-BR").format(1234)), "1.234");

  await p.locator("nav button", { hasText: "Apoiadores" }).click();
  assert.equal(await p.locator("label[for=q]").textContent(), "E-mail ou nome");
  await p.locator("nav button", { hasText: "Checagens" }).click();
  assert.equal(await p.locator("#claims-h").textContent(), "Fila de checagens");
  await p.locator("nav button", { hasText: "Registro de auditoria" }).click();
  await p.locator("table.audit tbody tr").first().waitFor();
  assert.equal(await p.locator("table.audit th").first().textContent(), "Quando (UTC)");
  assert.match(await p.locator("table.audit tbody td").first().textContent(), /^\d{2}\/\d{2}\/\d{4},? \d{2}:\d{2}$/, "a Brazilian date and time");
  // The owners' and organisers' tools too: the builder, the staff, the integrations.
  await p.locator("nav button", { hasText: "Widgets" }).click();
  await p.locator("button.new-pledge").click();
  assert.equal(await p.locator("#editor-h").textContent(), "Novo compromisso");
  assert.equal(await p.locator("label[for=b-statement]").textContent(), "Com o que os apoiadores se comprometem");
  assert.equal(await p.locator("#preview-h").textContent(), "Prévia ao vivo");
  assert.equal(await p.locator("table.petitions th").first().textContent(), "Título");
  await p.locator("nav").getByRole("button", { name: "Equipe", exact: true }).click();
  assert.equal(await p.locator("table.members th").first().textContent(), "Nome");
  assert.equal(await p.locator("table.members tr td.role[data-role=owner]").first().textContent(), "dono");
  assert.equal(await p.locator("#staff-kind option").first().textContent(), "Uma pessoa (entra neste painel)");
  await p.locator("nav button", { hasText: "Integrações" }).click();
  assert.equal(await p.locator("label[for=\"ep-signature.created\"]").textContent(), "Um abaixo-assinado recebe assinatura");
  assert.equal(await p.locator("#ts-h").textContent(), "Turnstile (contra robôs)");
  await p.locator("label[for=an-key]", { hasText: "Chave de API" }).waitFor();

  // Another language, chosen by this staff member, kept on this browser.
  await p.locator("nav button", { hasText: "Visão geral" }).click();
  await p.locator("#dash-lang").selectOption("es");
  await p.locator("nav button", { hasText: "Resumen" }).waitFor();
  assert.equal(await p.locator("html").getAttribute("lang"), "es");
  await p.reload();
  await p.locator("nav button", { hasText: "Resumen" }).waitFor();
  assert.equal(await p.locator("#dash-lang").inputValue(), "es");
  await p.locator("nav button", { hasText: "Exportaciones" }).click();
  assert.equal(await p.locator("button.export-signatures").textContent(), "Firmas");
  await context.close();
});
