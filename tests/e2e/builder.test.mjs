// The widget builder and staff management in real Chromium: create a petition in the dashboard,
// watch the live preview follow the draft, copy its snippet onto a campaign's own page (another
// origin) where it works in the chosen colour, language and share text; edit it; see the view
// and the signature in the overview's conversion and sources; issue a credential and revoke it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, newContext, hostPage, page, person, fillForm, countShown, eventually, interactive, staffNetwork, EDGE, STAFF } from "./helpers.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function signedIn(key = STAFF.owner) {
  const context = await newContext(browser, staffNetwork());
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: EDGE });
  const p = await context.newPage();
  const errors = [];
  p.on("pageerror", (e) => errors.push(e.message));
  await p.goto(`${EDGE}/dashboard/`);
  await p.locator("#key").fill(key);
  await p.locator("button[type=submit]").click();
  await p.locator("header .who").waitFor();
  return { context, p, errors };
}

const run = Date.now().toString(36);

test("create a petition in the builder, preview it live, embed its snippet on a campaign's page, edit it", { timeout: 180_000 }, async () => {
  const { context, p, errors } = await signedIn();
  await p.locator("nav button", { hasText: "Widgets" }).click();
  await p.locator("button.new-petition").click();
  const slug = `clean-river-${run}`;
  const title = `Clean the river ${run}`;
  await p.locator("#b-slug").fill(slug);
  await p.locator("#b-title").fill(title);
  await p.locator("#b-target").fill("The city council");
  await p.locator("#b-body").fill("Stop the dumping upstream of the beach.");
  await p.locator("#b-goal").fill("250");

  // The preview is the real widget, rendering the draft as typed.
  const preview = p.frameLocator(".preview-frame");
  await eventually(() => preview.locator(".title").textContent().catch(() => ""), (t) => t === title, 15_000);
  assert.equal(await preview.locator(".title").textContent(), title);
  await p.locator("#b-title").fill(`${title}!`);
  await eventually(() => preview.locator(".title").textContent().catch(() => ""), (t) => t === `${title}!`, 15_000);
  await p.locator("#b-title").fill(title);

  // A colour too light for white button text is refused beside its field, which gets focus.
  await p.locator("#b-accent").fill("#ffff00");
  await p.locator("button.save").click();
  await p.locator("#b-accent-error").waitFor();
  assert.match(await p.locator("#b-accent-error").textContent(), /dark enough for white text/);
  assert.equal(await p.locator("#b-accent").getAttribute("aria-invalid"), "true");
  assert.equal(await p.evaluate(() => document.activeElement?.id), "b-accent");

  // Blue, Portuguese and English only (Portuguese by default), a share message of its own.
  await p.locator("#b-accent").fill("#1a5fd0");
  await p.locator("#b-lang-es").uncheck();
  await p.locator("#b-langs").selectOption("pt-BR");
  await p.locator("#b-share_text").fill(`Assine comigo ${run}:`);
  // Saved as a draft first (the form's default): listed as such, and not public.
  assert.equal(await p.locator("#b-published").isChecked(), false);
  await p.locator("button.save").click();
  await p.locator(".msg", { hasText: "Saved." }).waitFor();
  assert.equal(await p.locator("#b-accent-error").count(), 0);
  await p.locator(`table.petitions tr[data-slug="${slug}"] td.status`, { hasText: "draft" }).waitFor();
  assert.equal((await fetch(`${EDGE}/api/v1/campaigns/demo/petitions/${slug}`)).status, 404, "a draft is not public");
  assert.equal((await fetch(`${EDGE}/p/demo/${slug}`)).status, 404);
  await p.locator("#b-published").check();
  await p.locator("button.save").click();
  await p.locator(`table.petitions tr[data-slug="${slug}"] td.status`, { hasText: "open" }).waitFor();
  await p.locator(`table.petitions tr[data-slug="${slug}"]`).waitFor(); // listed

  // Both snippet forms name the new petition; the copy button puts one on the clipboard.
  const script = await p.locator("#snippet-script").inputValue();
  const element = await p.locator("#snippet-element").inputValue();
  assert.equal(script, `<script async src="${EDGE}/embed.js" data-widget="petition" data-campaign="demo" data-petition="${slug}"></script>`);
  assert.ok(element.includes(`<rally-petition campaign="demo" petition="${slug}"></rally-petition>`), element);
  await p.locator("button.copy-script").click();
  assert.equal(await p.evaluate(() => navigator.clipboard.readText()), script);

  // A webmaster pastes the script tag into their own page (another origin, a Spanish page),
  // visited from a Spanish browser.
  const visitor = await newContext(browser, { locale: "es-ES" });
  const url = await hostPage(visitor, page(`<h1>Our river</h1>${script}<footer>after</footer>`, { lang: "es" }), { path: "/river" });
  const v = await visitor.newPage();
  const vErrors = [];
  v.on("pageerror", (e) => vErrors.push(e.message));
  await v.goto(url);
  await interactive(v);
  assert.equal(await v.locator(".title").textContent(), title);
  // Spanish is not among its languages, so the default (Portuguese) speaks.
  assert.equal(await v.locator("button[type=submit]").textContent(), "Assinar a petição");
  assert.equal(await v.locator("button[type=submit]").evaluate((b) => getComputedStyle(b).backgroundColor), "rgb(26, 95, 208)");
  const before = await countShown(v);
  assert.equal(before, 0);
  await fillForm(v, person({ first_name: "Rosa" }));
  await v.locator("button[type=submit]").click();
  await v.locator(".thanks h3").waitFor();
  assert.equal(await countShown(v), 1);
  await v.locator(".ask button.primary").click();
  const whatsapp = decodeURIComponent(await v.locator("a.t.whatsapp").getAttribute("href"));
  assert.ok(whatsapp.includes(`Assine comigo ${run}: "${title}"`), whatsapp);
  assert.deepEqual(vErrors, []);

  // The custom element form works too, in English on an English page (the page's language
  // comes before the browser's).
  // (Public counts are served from a snapshot at most 3 s old: wait for it to show the signature.)
  await eventually(() => fetch(`${EDGE}/api/v1/campaigns/demo/petitions/${slug}`).then((r) => r.json()), (x) => x.count === 1);
  const url2 = await hostPage(visitor, page(element, { lang: "en" }), { origin: "https://other.example", path: "/join" });
  const v2 = await visitor.newPage();
  await v2.goto(url2);
  await v2.locator(".title").waitFor();
  assert.equal(await v2.locator("button[type=submit]").textContent(), "Sign the petition");
  assert.equal(await countShown(v2), 1);

  // Editing: the embedded widget shows the new title on its next load.
  await p.locator(`table.petitions tr[data-slug="${slug}"] button.edit`).click();
  assert.equal(await p.locator("#b-title").inputValue(), title, "the editor loads the saved petition");
  assert.equal(await p.locator("#b-slug").count(), 0, "a saved slug cannot change");
  await p.locator("#b-title").fill(`${title}, now`);
  await p.locator("button.save").click();
  await p.locator(".msg", { hasText: "Saved." }).waitFor();
  const view = await eventually(
    () => fetch(`${EDGE}/api/v1/campaigns/demo/petitions/${slug}`).then((r) => r.json()),
    (x) => x.title === `${title}, now`,
  );
  assert.equal(view.title, `${title}, now`);
  assert.equal(view.count, 1, "an edit keeps the count");
  await v.reload();
  await v.locator(".title").waitFor();
  assert.equal(await v.locator(".title").textContent(), `${title}, now`);

  // The overview: the views and the signature from campaign.example.
  await p.locator("nav button", { hasText: "Overview" }).click();
  const overview = await eventually(
    () => context.request.get(`${EDGE}/api/v1/campaigns/demo/staff/overview`).then((r) => r.json()),
    (o) => o.funnels.find((f) => f.widget === "petition").views.today >= 3,
    10_000,
  );
  const funnel = overview.funnels.find((f) => f.widget === "petition");
  assert.ok(funnel.views.today >= 3, JSON.stringify(funnel));
  assert.ok(overview.sites.week.some((s) => s.value === "campaign.example" && s.n >= 1), JSON.stringify(overview.sites));
  await p.locator("table.funnels tr[data-widget=petition] td.rate-week").waitFor();
  assert.match(await p.locator("table.funnels tr[data-widget=petition] td.rate-week").textContent(), /^[\d,]+\.\d%$/); // as English speakers write it (actions may outnumber counted views)
  assert.ok(await p.locator(".top.sites .week li", { hasText: "campaign.example" }).count() >= 1);
  assert.deepEqual(errors, []);
  await visitor.close();
  await context.close();
});

test("an owner issues a credential, shown once; revoking it ends its sessions", { timeout: 120_000 }, async () => {
  const { context, p } = await signedIn();
  await p.locator("nav button", { hasText: "Staff" }).click();
  // Errors beside the fields.
  await p.locator(".issue button[type=submit]").click();
  await p.locator("#staff-name-error").waitFor();
  assert.equal(await p.locator("#staff-name-error").textContent(), "name is required");
  const name = `Rita ${run.replace(/[0-9]/g, "x")}`;
  await p.locator("#staff-name").fill(name);
  await p.locator("#staff-role").selectOption("organiser");
  await p.locator(".issue button[type=submit]").click();
  await p.locator("#issued-key").waitFor();
  const key = await p.locator("#issued-key").inputValue();
  assert.match(key, /^rs_[0-9a-f]{32}$/);
  const row = p.locator("table.members tr", { hasText: name });
  await row.waitFor();
  assert.equal(await row.locator(".role").textContent(), "organiser");

  // The new organiser signs in and may build widgets, but not manage staff.
  const { context: theirs, p: q } = await signedIn(key);
  assert.equal(await q.locator("header .who").textContent(), `${name} (organiser)`);
  const members = await theirs.request.get(`${EDGE}/api/v1/campaigns/demo/staff/members`);
  assert.equal(members.status(), 403);
  const widgets = await theirs.request.get(`${EDGE}/api/v1/campaigns/demo/staff/widgets`);
  assert.equal(widgets.status(), 200);

  // Revoked: their open session stops working at once, and the key no longer signs in.
  await row.locator("button.revoke").click();
  await row.locator("button.revoke-confirm").click();
  await p.locator(".msg", { hasText: "revoked" }).waitFor();
  await row.locator(".status", { hasText: "revoked" }).waitFor(); // the list reloads after the message
  assert.equal((await theirs.request.get(`${EDGE}/api/v1/campaigns/demo/staff/widgets`)).status(), 401);
  const again = await fetch(`${EDGE}/api/v1/staff/session`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ key }),
  });
  assert.equal(again.status, 401);

  // The audit log says who did it.
  await p.locator("nav button", { hasText: "Audit log" }).click();
  await p.locator("table.audit td", { hasText: "staff_revoke" }).first().waitFor();
  assert.ok(await p.locator("table.audit tr", { hasText: `${name} (organiser)` }).count() >= 2, "issued and revoked");
  await theirs.close();
  await context.close();
});

test("an owner sets the campaign's time zone and points; new actions earn the new points", { timeout: 120_000 }, async () => {
  const { context, p, errors } = await signedIn("rs_test_settings_owner_3d4e5f");
  await p.locator("nav button", { hasText: "Settings" }).click();
  await p.locator("#s-timezone").waitFor();
  const saved = await context.request.get(`${EDGE}/api/v1/campaigns/e2e-settings/staff/campaign`).then((r) => r.json());
  assert.equal(await p.locator("#s-timezone").inputValue(), saved.timezone, "the form shows the saved settings");
  assert.equal(await p.locator("#s-team_size").inputValue(), String(saved.team_size));
  // A zone the edge does not know, and points out of bounds, are refused beside their fields.
  await p.locator("#s-timezone").fill("Mars/Olympus");
  await p.locator("#s-points_sign").fill("5000");
  await p.locator("form.settings button[type=submit]").click();
  await p.locator("#s-timezone-error").waitFor();
  assert.equal(await p.locator("#s-timezone-error").textContent(), "timezone must be an IANA time zone such as America/Sao_Paulo");
  assert.equal(await p.locator("#s-points_sign-error").textContent(), "points must be a whole number from 0 to 1000");
  await p.locator("#s-timezone").fill("America/Sao_Paulo");
  await p.locator("#s-points_sign").fill("15");
  await p.locator("form.settings button[type=submit]").click();
  await p.locator(".msg", { hasText: "Saved." }).waitFor();

  const who = person();
  const res = await fetch(`${EDGE}/api/v1/campaigns/e2e-settings/petitions/settings-petition/signatures`, {
    method: "POST", headers: { "Content-Type": "application/json", "CF-Connecting-IP": "198.51.100.77" }, body: JSON.stringify(who),
  });
  assert.equal(res.status, 201);
  const token = (await res.json()).supporter_token;
  const me = await fetch(`${EDGE}/api/v1/campaigns/e2e-settings/me`, { headers: { Authorization: `Bearer ${token}` } }).then((r) => r.json());
  assert.equal(me.points, 15, JSON.stringify(me));

  await p.locator("nav button", { hasText: "Overview" }).click();
  await p.locator("p.tz").waitFor();
  assert.equal(await p.locator("p.tz").textContent(), "Days and weeks are in the campaign's time zone, America/Sao_Paulo (UTC-3).");
  assert.deepEqual(errors, []);
  await context.close();
});

test("a petition in two languages: a Spanish visitor reads it in Spanish, a Portuguese one in Portuguese", { timeout: 90_000 }, async () => {
  const slug = `dos-idiomas-${run}`;
  const save = (body) => fetch(`${EDGE}/api/v1/campaigns/demo/staff/petitions`, {
    method: "POST", headers: { Authorization: `Bearer ${STAFF.owner}`, "Content-Type": "application/json" }, body: JSON.stringify(body),
  }).then(async (r) => ({ status: r.status, body: await r.json() }));
  const draft = {
    slug, title: `Salvem o mangue ${run}`, body: "O mangue protege a cidade.", target: "A prefeitura", goal: 100,
    published: true, langs: ["pt-BR", "es"],
    translations: { es: { title: `Salven el manglar ${run}`, body: "El manglar protege la ciudad.", target: "La alcaldía", share_text: "Firma conmigo:" } },
  };
  const refused = await save({ ...draft, slug: `${slug}-x`, translations: { en: draft.translations.es } });
  assert.equal(refused.status, 422, "a translation into a language the petition does not offer");
  assert.deepEqual(refused.body.errors.map((e) => [e.field, e.code]), [["translations", "invalid_value"]]);
  const saved = await save(draft);
  assert.equal(saved.status, 201, JSON.stringify(saved.body));
  assert.equal(saved.body.translations.es.title, draft.translations.es.title, "kept as saved");

  const script = `<script async src="${EDGE}/embed.js" data-widget="petition" data-campaign="demo" data-petition="${slug}"></script>`;
  for (const [lang, title, target, button] of [
    ["es", draft.translations.es.title, "La alcaldía", "Firmar la petición"],
    ["pt-BR", draft.title, "A prefeitura", "Assinar a petição"],
    ["en", draft.title, "A prefeitura", "Assinar a petição"], // not offered: the default
  ]) {
    const context = await newContext(browser, { locale: lang });
    const url = await hostPage(context, page(script, { lang }));
    const v = await context.newPage();
    await v.goto(url);
    await interactive(v);
    assert.equal(await v.locator(".title").textContent(), title, `a ${lang} page`);
    assert.equal(await v.locator(".target strong").textContent(), target);
    assert.equal(await v.locator("button[type=submit]").textContent(), button);
    await context.close();
  }
  // The own page, for a Spanish browser.
  const own = await fetch(`${EDGE}/p/demo/${slug}`, { headers: { "Accept-Language": "es-ES,es;q=0.9" } }).then((r) => r.text());
  assert.ok(own.includes(draft.translations.es.title), "the own page in Spanish");
  // The view a widget refreshes from, in its language.
  const es = await fetch(`${EDGE}/api/v1/campaigns/demo/petitions/${slug}?lang=es`).then((r) => r.json());
  assert.equal(es.title, draft.translations.es.title);
  assert.equal(es.look.share_text, "Firma conmigo:");

  // In the builder: each other language's words beside the default's; the preview switches.
  const { context, p, errors } = await signedIn();
  await p.locator("nav button", { hasText: "Widgets" }).click();
  await p.locator(`table.petitions tr[data-slug="${slug}"] button.edit`).click();
  const spanish = p.locator("fieldset.tr-es");
  assert.equal(await spanish.locator("#b-tr-es-title").inputValue(), draft.translations.es.title, "the saved words");
  assert.equal(await p.locator("fieldset.tr-pt-BR").count(), 0, "none for the default language");
  await spanish.locator("#b-tr-es-title").fill(`Salven el manglar ya ${run}`);
  await p.locator("#preview-lang").selectOption("es");
  const preview = p.frameLocator(".preview-frame");
  await eventually(() => preview.locator(".title").textContent().catch(() => ""), (t) => t === `Salven el manglar ya ${run}`, 15_000);
  await p.locator("#preview-lang").selectOption("pt-BR");
  await eventually(() => preview.locator(".title").textContent().catch(() => ""), (t) => t === draft.title, 15_000);
  await p.locator("button.save").click();
  await p.locator(".msg", { hasText: "Saved." }).waitFor();
  const after = await fetch(`${EDGE}/api/v1/campaigns/demo/petitions/${slug}?lang=es`).then((r) => r.json());
  assert.equal(after.title, `Salven el manglar ya ${run}`);
  assert.deepEqual(errors, []);
  await context.close();
});

test("a pledge in two languages: its statement and text in the visitor's, edited beside the default's in the builder", { timeout: 90_000 }, async () => {
  const slug = `compromiso-${run}`;
  const save = (body) => fetch(`${EDGE}/api/v1/campaigns/demo/staff/pledges`, {
    method: "POST", headers: { Authorization: `Bearer ${STAFF.owner}`, "Content-Type": "application/json" }, body: JSON.stringify(body),
  }).then(async (r) => ({ status: r.status, body: await r.json() }));
  const draft = {
    slug, statement: `Vou votar no dia 4 ${run}`, body: "Leve alguém junto.", goal: 50, published: true, langs: ["pt-BR", "es"],
    translations: { es: { title: `Votaré el día 4 ${run}`, body: "Lleva a alguien.", target: "", share_text: "" } },
  };
  const refused = await save({ ...draft, slug: `${slug}-x`, translations: { es: { ...draft.translations.es, body: "" } } });
  assert.equal(refused.status, 422, "a translation without the text its default has");
  assert.deepEqual(refused.body.errors.map((e) => [e.field, e.code]), [["translations", "invalid_value"]]);
  const saved = await save(draft);
  assert.equal(saved.status, 201, JSON.stringify(saved.body));

  const script = `<script async src="${EDGE}/embed.js" data-widget="pledge" data-campaign="demo" data-pledge="${slug}"></script>`;
  for (const [lang, statement, body] of [
    ["es", draft.translations.es.title, "Lleva a alguien."],
    ["pt-BR", draft.statement, "Leve alguém junto."],
  ]) {
    const context = await newContext(browser, { locale: lang });
    const url = await hostPage(context, page(script, { lang }));
    const v = await context.newPage();
    await v.goto(url);
    await interactive(v);
    assert.equal(await v.locator(".title").textContent(), statement, `a ${lang} page`);
    assert.ok((await v.locator(".rally").innerText()).includes(body), `the ${lang} text`);
    await context.close();
  }
  const es = await fetch(`${EDGE}/api/v1/campaigns/demo/pledges/${slug}?lang=es`).then((r) => r.json());
  assert.equal(es.statement, draft.translations.es.title, "the view a widget refreshes from, in Spanish");

  const { context, p, errors } = await signedIn();
  await p.locator("nav button", { hasText: "Widgets" }).click();
  await p.locator(`table.pledges tr[data-slug="${slug}"] button.edit`).click();
  const spanish = p.locator("fieldset.tr-es");
  assert.equal(await spanish.locator("#b-tr-es-title").inputValue(), draft.translations.es.title, "the saved statement");
  assert.equal(await spanish.locator("#b-tr-es-target").count(), 0, "a pledge has no target to translate");
  await spanish.locator("#b-tr-es-title").fill(`Votaré el domingo ${run}`);
  await p.locator("#preview-lang").selectOption("es");
  await eventually(() => p.frameLocator(".preview-frame").locator(".title").textContent().catch(() => ""), (t) => t === `Votaré el domingo ${run}`, 15_000);
  await p.locator("button.save").click();
  await p.locator(".msg", { hasText: "Saved." }).waitFor();
  const after = await fetch(`${EDGE}/api/v1/campaigns/demo/pledges/${slug}?lang=es`).then((r) => r.json());
  assert.equal(after.statement, `Votaré el domingo ${run}`);
  assert.deepEqual(errors, []);
  await context.close();
});
