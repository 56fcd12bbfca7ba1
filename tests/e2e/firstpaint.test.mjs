// First paint and signing without WebAssembly (or JavaScript): the own page is a working form
// drawn on the edge; the widget shows that same form before its Wasm arrives, keeps what was
// typed when it takes over, sends a submit made before it was ready, and never shows a
// placeholder after the form.
import { test } from "node:test";
import assert from "node:assert/strict";
import { EDGE, launch, newContext, hostPage, page, embed, d1, person, storedCount, fillForm, interactive, eventually } from "./helpers.mjs";

const ownPage = (slug, q = "") => `${EDGE}/p/demo/${slug}${q}`;

/** Signs on the own page in `p` (a page already at the form) as `who`; the answer page's text. */
async function signOwnPage(p, who) {
  await fillForm(p, who);
  await Promise.all([p.waitForNavigation(), p.locator("button[type=submit]").click()]);
}

/** Runs `f(context)` in a fresh browser and context (`options`, an optional init script). */
async function inBrowser(f, options = {}, initScript) {
  const browser = await launch();
  try {
    const context = await newContext(browser, options);
    if (initScript) await context.addInitScript(initScript);
    await f(context);
    await context.close();
  } finally {
    await browser.close();
  }
}

/** Holds every request for the petition's Wasm until `release()`. */
async function holdWasm(context) {
  let release;
  const held = new Promise((r) => { release = r; });
  await context.route(/\/w\/petition-[0-9a-f]{8}\.wasm$/, async (route) => { await held; await route.continue(); });
  return release;
}

/** The own page, signed with no JavaScript or with WebAssembly removed, in Portuguese. */
async function ownPageSigns(slug, contextOptions, initScript) {
  await inBrowser(async (context) => {
    const p = await context.newPage();
    const before = storedCount(slug);
    await p.goto(ownPage(slug));
    assert.equal(await p.locator("html").getAttribute("lang"), "pt-BR", "the browser's language");
    assert.equal(await p.locator("label[for=in-email]").textContent(), "E-mail");

    // Bad fields: refused beside them, what was typed kept.
    await p.locator("#in-first_name").fill("Conceição");
    await p.locator("#in-email").fill("not-an-email");
    await Promise.all([p.waitForNavigation(), p.locator("button[type=submit]").click()]);
    assert.equal(await p.locator("#in-email").getAttribute("aria-invalid"), "true");
    assert.match(await p.locator("#err-email").textContent(), /e-mail válido/);
    assert.equal(await p.locator("#in-email").getAttribute("aria-describedby"), "err-email");
    assert.ok(await p.locator("#err-contact_consent").isVisible(), "the consent choice is required, said beside it");
    assert.equal(await p.locator("#in-first_name").inputValue(), "Conceição", "what was typed is kept");
    assert.equal(storedCount(slug), before, "nothing counted");

    const who = person({ first_name: "Conceição", last_name: "Araújo" });
    await signOwnPage(p, who);
    assert.match(await p.locator("#thanks").textContent(), /Obrigado por assinar/);
    assert.equal(await p.locator(".count strong").getAttribute("data-count"), String(before + 1), "the count, moved once");
    const link = await p.locator("#in-link").inputValue();
    const [{ ref_code }] = d1(`SELECT ref_code FROM supporters WHERE email = '${who.email}'`);
    assert.equal(link, `${ownPage(slug)}?ref=${ref_code}&utm_source=link&utm_medium=share`, "the signer's own link");
    assert.ok(await p.locator("a.t.whatsapp").getAttribute("href").then((h) => h.includes(encodeURIComponent(ref_code))));
    const [stored] = d1(`SELECT s.first_name, s.last_name, s.contact_consent FROM supporters s WHERE s.email = '${who.email}'`);
    assert.deepEqual(stored, { first_name: "Conceição", last_name: "Araújo", contact_consent: 1 });

    // A refresh of the answer re-posts the same form (same idempotency key): counted once.
    await p.reload();
    assert.equal(storedCount(slug), before + 1);
    // The same email again, from a fresh form: "already signed", the count unchanged.
    await p.goto(ownPage(slug));
    await signOwnPage(p, { ...who, first_name: "Outra" });
    assert.match(await p.locator("#thanks").textContent(), /já assinou/);
    assert.equal(storedCount(slug), before + 1);
  }, { locale: "pt-BR", ...contextOptions }, initScript);
}

test("the own page signs with JavaScript off: errors beside fields, thank-you, referral link, already signed", { timeout: 60_000 }, async () => {
  await ownPageSigns("e2e-nojs", { javaScriptEnabled: false });
});

test("the own page signs with WebAssembly removed from the page", { timeout: 60_000 }, async () => {
  await ownPageSigns("e2e-nowasm", {}, () => { delete globalThis.WebAssembly; });
});

test("the own page is taken over by the widget where WebAssembly runs, keeping what was typed", { timeout: 60_000 }, async () => {
  await inBrowser(async (context) => {
    // Hold the Wasm back so the typing happens on the edge's form.
    const release = await holdWasm(context);
    const p = await context.newPage();
    await p.goto(ownPage("e2e-early", "?lang=es"));
    await p.locator("#in-first_name").fill("Ñandú");
    release();
    await interactive(p);
    const inShadow = await p.evaluate(() => !!document.getElementById("rally-own").shadowRoot?.querySelector("form.sign"));
    assert.ok(inShadow, "the widget took the page over");
    assert.equal(await p.locator("#in-first_name").inputValue(), "Ñandú");
    assert.equal(await p.locator("button[type=submit]").textContent(), "Firmar la petición");
  });
});

test("the embedded widget without WebAssembly shows the form, which signs on the own page", { timeout: 60_000 }, async () => {
  await inBrowser(async (context) => {
    const url = await hostPage(context, page(embed("e2e-nowasm"), { lang: "es" }));
    const p = await context.newPage();
    await p.goto(url);
    const form = p.locator(".rally-host form.sign");
    await form.waitFor();
    // The drawn form comes with the default country only; the loader adds the others (sent
    // beside it) a frame later, for the form that stays without the widget too.
    await eventually(() => p.locator(".rally-host #in-country option").count(), (n) => n > 200, 5000);
    const before = storedCount("e2e-nowasm");
    const who = person({ first_name: "Lucía" });
    const [answer] = await Promise.all([
      context.waitForEvent("page"),
      fillForm(p, who).then(() => p.locator(".rally-host button[type=submit]").click()),
    ]);
    await answer.waitForLoadState();
    assert.match(await answer.locator("#thanks").textContent(), /Gracias por firmar/);
    assert.equal(storedCount("e2e-nowasm"), before + 1);
    const [{ page_url }] = d1(`SELECT g.page_url FROM signatures g JOIN supporters s ON s.id = g.supporter_id WHERE s.email = '${who.email}'`);
    assert.equal(page_url, "https://campaign.example/", "attributed to the host page");
  }, {}, () => { delete globalThis.WebAssembly; });
});

test("typed at the first moment the form shows and submitted before the widget is ready: every character kept, counted once", { timeout: 60_000 }, async () => {
  await inBrowser(async (context) => {
    const release = await holdWasm(context);
    const url = await hostPage(context, page(embed("e2e-early"), { lang: "pt-BR" }));
    const p = await context.newPage();
    const before = storedCount("e2e-early");
    await p.goto(url);
    await p.locator(".rally-host #in-first_name").waitFor();
    // Portugal, not the browser's default country: the whole list is there to choose from.
    const who = person({ first_name: "Conceição", last_name: "D'Ávila-Núñez", country: "PT", postal_code: "1000-001" });
    await p.locator("#in-first_name").pressSequentially(who.first_name);
    await p.locator("#in-last_name").pressSequentially(who.last_name);
    await p.locator("#in-email").pressSequentially(who.email);
    await p.locator("#in-postal_code").pressSequentially(who.postal_code);
    await p.locator("#in-country").selectOption(who.country);
    await p.locator("input[name=contact_consent][value=yes]").check();
    await p.locator("input[name=show_name]").check();
    assert.equal(await p.evaluate(() => performance.getEntriesByName("rally:interactive").length), 0, "all of it before the widget");
    await p.locator("button[type=submit]").dblclick(); // a double click, at that
    release();
    await p.locator(".thanks h3").waitFor({ timeout: 20_000 });
    assert.match(await p.locator(".thanks h3").textContent(), /Obrigado por assinar/);
    const rows = d1(`SELECT s.first_name, s.last_name, s.postal_code, s.country, s.contact_consent, g.display_name
      FROM signatures g JOIN supporters s ON s.id = g.supporter_id WHERE s.email = '${who.email}'`);
    assert.deepEqual(rows, [{ first_name: who.first_name, last_name: who.last_name, postal_code: who.postal_code, country: who.country,
      contact_consent: 1, display_name: "Conceição D." }]);
    assert.equal(storedCount("e2e-early"), before + 1, "counted once");
  });
});

test("frame by frame: the form appears once and no placeholder frame follows it", { timeout: 60_000 }, async () => {
  await inBrowser(async (context) => {
    // Every animation frame: what the widget shows (a loading placeholder, the form, or nothing).
    await context.addInitScript(() => {
      const frames = (window.__frames = []);
      const look = () => {
        const root = document.querySelector(".rally-host")?.shadowRoot;
        const state = !root ? "none" : root.querySelector(".loading") ? "placeholder"
          : root.querySelector("form.sign button[type=submit]") ? "form" : "other";
        frames.push([performance.now(), state]);
        if (frames.length < 600) requestAnimationFrame(look);
      };
      requestAnimationFrame(look);
    });
    const url = await hostPage(context, page(embed("e2e-frames")));
    const p = await context.newPage();
    await p.goto(url);
    await interactive(p);
    await p.waitForTimeout(300);
    const frames = await p.evaluate(() => window.__frames);
    const first = frames.findIndex(([, s]) => s === "form");
    assert.ok(first >= 0, "the form was seen");
    const after = frames.slice(first).map(([, s]) => s);
    assert.deepEqual([...new Set(after)], ["form"], `after the first frame with the form: ${after.join(",")}`);
  });
});

test("a page with a pledge and a leaderboard downloads one bundle for both", { timeout: 60_000 }, async () => {
  await inBrowser(async (context) => {
    const wasm = [];
    context.on("request", (r) => { if (r.url().endsWith(".wasm")) wasm.push(r.url().split("/").pop()); });
    const html = page(`<script async src="${EDGE}/embed.js" data-widget="pledge" data-campaign="e2e-pledges" data-pledge="e2e-volunteer"></script>
      <script async src="${EDGE}/embed.js" data-widget="board" data-campaign="demo"></script>`);
    const url = await hostPage(context, html);
    const p = await context.newPage();
    await p.goto(url);
    await p.waitForFunction(() => [...document.querySelectorAll(".rally-host")].every((h) => h.shadowRoot?.querySelector("article, .board, table")), null, { timeout: 20_000 });
    assert.deepEqual(wasm.map((w) => w.replace(/-[0-9a-f]{8}\.wasm$/, "")), ["all"], `one bundle: ${wasm}`);
  });
});

test("the pledge's own page commits with JavaScript off, with the reminder, in the campaign's time zone", { timeout: 60_000 }, async () => {
  await inBrowser(async (context) => {
    const p = await context.newPage();
    await p.goto(`${EDGE}/pledge/e2e-pledges/e2e-vote?lang=pt-BR`);
    // 1791284400000 is 6 October 2026, 08:00 in São Paulo (the campaign's zone).
    assert.match(await p.locator(".when time").textContent(), /6 de outubro de 2026.*08:00/);
    const who = person({ first_name: "Joana" });
    await fillForm(p, who);
    await p.locator("input[name=reminder]").check();
    await Promise.all([p.waitForNavigation(), p.locator("button[type=submit]").click()]);
    assert.match(await p.locator("#thanks").textContent(), /Obrigad/);
    const rows = d1(`SELECT m.reminder FROM commitments m JOIN supporters s ON s.id = m.supporter_id WHERE s.email = '${who.email}'`);
    assert.deepEqual(rows, [{ reminder: 1 }], "committed once, with the reminder asked for");
  }, { javaScriptEnabled: false });
});
