// The petition widget as a visitor meets it: embedded by a script tag on a foreign campaign
// site, in real Chromium, signing against the real local edge.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { EDGE, launch, newContext, hostPage, embed, page, person, fillForm, countShown, petitionState, storedCount, publicCountBecomes, d1, interactive } from "./helpers.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function open(html, opts = {}) {
  const context = await newContext(browser, { locale: opts.locale ?? "en-US" });
  const errors = [];
  const url = await hostPage(context, html, opts);
  const p = await context.newPage();
  p.on("pageerror", (e) => errors.push(e.message));
  await p.goto(url);
  return { context, page: p, errors };
}

const HOSTILE = `<style>
  * { color: red !important; font-size: 40px !important; font-family: "Comic Sans MS", cursive !important; }
  html { font-size: 30px; } form { display: none !important; } input, button { display: none !important; }
  div { padding: 50px !important; border: 5px dashed red !important; }
</style>`;

test("a hostile host stylesheet changes nothing inside the widget", async () => {
  const { context, page: p, errors } = await open(page(`<h1>Host</h1>${embed("e2e-hostile")}`, { head: HOSTILE }));
  const title = p.locator(".title");
  // The widget's own render (the drawn form before it is replaced as the widget takes over).
  await interactive(p);
  const style = await title.evaluate((el) => {
    const s = getComputedStyle(el);
    return { color: s.color, size: s.fontSize, family: s.fontFamily };
  });
  assert.notEqual(style.color, "rgb(255, 0, 0)");
  assert.equal(style.size, "22.4px", "1.4em of the widget's own 16px, whatever the host's root size");
  assert.ok(!/comic/i.test(style.family));
  assert.ok(await p.locator("form.sign").isVisible(), "the form is visible despite form { display: none }");
  assert.ok(await p.locator("#in-email").isVisible());
  assert.ok(await p.locator("button[type=submit]").isVisible());
  const hostH1 = await p.locator("h1").evaluate((el) => getComputedStyle(el).color);
  assert.equal(hostH1, "rgb(255, 0, 0)", "the host's own styles still apply to the host");
  assert.deepEqual(errors, []);
  await context.close();
});

test("sign, see the count move, share with a personal link; signing again is 'already signed'", async () => {
  const p0 = "e2e-sign";
  const me = person({ show_name: true, first_name: "Beatriz", last_name: "lima" });
  const { context, page: p } = await open(page(embed(p0)), { path: "/petition?utm_source=newsletter&source=mail-42" });
  await p.locator(".count strong").waitFor();
  const before = await countShown(p);
  assert.equal(before, (await petitionState(p0)).count);
  assert.equal(await p.locator(".count").getAttribute("aria-live"), "polite");
  const progress = p.locator("progress");
  assert.equal(await progress.getAttribute("value"), String(before));
  assert.ok(await progress.getAttribute("aria-label"));

  await fillForm(p, me);
  const submit = p.locator("button[type=submit]");
  await submit.dblclick(); // a double click must not sign twice
  await p.locator(".thanks h3").waitFor();
  assert.equal(await p.locator(".thanks h3").textContent(), "Thank you for signing!");
  assert.equal(await p.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.tagName), "H3",
    "focus moves to the thank-you heading");
  assert.equal(await countShown(p), before + 1, "the count moved at once for the signer");
  assert.equal(await progress.getAttribute("value"), String(before + 1));

  // "Will you share?" comes before the buttons.
  assert.match(await p.locator(".ask .q").textContent(), /share/);
  await p.locator(".ask button.primary").click();
  const whatsapp = await p.locator("a.t.whatsapp").getAttribute("href");
  const link = await p.locator("#in-link").inputValue();
  assert.match(link, /^https:\/\/campaign\.example\/petition\?ref=[0-9A-Z]{8}&utm_source=link&utm_medium=share$/);
  const ref = new URL(link).searchParams.get("ref");
  assert.ok(decodeURIComponent(whatsapp).includes(`ref=${ref}`), whatsapp);
  for (const t of ["telegram", "x", "facebook", "email"]) {
    assert.ok(decodeURIComponent(await p.locator(`a.t.${t}`).getAttribute("href")).includes(`ref=${ref}`), t);
  }
  assert.equal(storedCount(p0), before + 1, "one signature despite the double click");
  const [stored] = d1(`SELECT g.source, g.utm_source, g.page_url, g.display_name FROM signatures g
    JOIN supporters s ON s.id = g.supporter_id WHERE s.email = '${me.email}'`);
  assert.deepEqual(stored, { source: "mail-42", utm_source: "newsletter",
    page_url: "https://campaign.example/petition", display_name: "Beatriz L." }, "attribution is recorded");
  assert.equal(await publicCountBecomes(p0, before + 1), before + 1, "everyone sees it within the cache window");

  // Same email from another browser: already signed, count unchanged.
  const second = await open(page(embed(p0)));
  await second.page.locator(".count strong").waitFor();
  await fillForm(second.page, { ...me, first_name: "Other" });
  await second.page.locator("button[type=submit]").click();
  await second.page.locator(".thanks h3").waitFor();
  assert.equal(await second.page.locator(".thanks h3").textContent(), "You have already signed this petition. Thank you!");
  assert.equal(await countShown(second.page), before + 1);
  assert.equal(storedCount(p0), before + 1);
  await second.context.close();
  await context.close();
});

test("an open widget sees the count climb as others sign", async () => {
  const p0 = "e2e-cache";
  const context = await newContext(browser);
  const url = await hostPage(context, page(embed(p0)));
  const p = await context.newPage();
  await p.clock.install(); // the page's timers are ours to advance; the edge runs in real time
  await p.goto(url);
  await p.locator(".count strong").waitFor();
  const start = await countShown(p);
  const { sign } = await import("./helpers.mjs");
  for (let i = 0; i < 2; i++) assert.equal((await sign(p0, person())).status, 201);
  assert.equal(await publicCountBecomes(p0, start + 2), start + 2);
  await p.clock.fastForward(31_000);
  await p.locator(`.count strong[data-count="${start + 2}"]`).waitFor({ timeout: 10_000 });
  assert.equal(await p.locator("progress").getAttribute("value"), String(start + 2));
  await context.close();
});

test("a visitor who arrives through ?ref= is credited to the referrer", async () => {
  const p0 = "e2e-referral";
  const referrer = await (await import("./helpers.mjs")).sign(p0, person());
  const code = referrer.body.ref_code;
  const recruits = async () => (await (await fetch(`${EDGE}/api/v1/campaigns/demo/referrals/${code}`)).json()).recruits;
  assert.equal(await recruits(), 0);
  const { context, page: p } = await open(page(embed(p0)), { path: `/?ref=${code}` });
  await p.locator(".count strong").waitFor();
  await fillForm(p, person());
  await p.locator("button[type=submit]").click();
  await p.locator(".thanks").waitFor();
  assert.equal(await recruits(), 1);
  await context.close();
});

test("three languages: data-lang, then the page's lang, then the browser's", async () => {
  const cases = [
    { html: page(embed("e2e-lang", 'data-lang="es"'), { lang: "pt-BR" }), locale: "en-US", want: "Firmar la petición", label: "Correo electrónico" },
    { html: page(embed("e2e-lang"), { lang: "pt-BR" }), locale: "en-US", want: "Assinar a petição", label: "E-mail" },
    { html: page(embed("e2e-lang"), { lang: "" }), locale: "es-MX", want: "Firmar la petición", label: "Correo electrónico" },
    { html: page(embed("e2e-lang"), { lang: "de" }), locale: "de-DE", want: "Sign the petition", label: "Email" },
  ];
  for (const c of cases) {
    const { context, page: p } = await open(c.html, { locale: c.locale });
    await p.locator("button[type=submit]").waitFor();
    assert.equal((await p.locator("button[type=submit]").textContent()).trim(), c.want);
    assert.equal(await p.locator("label[for=in-email]").textContent(), c.label);
    await context.close();
  }
  // The Portuguese form reports errors in Portuguese too, and names and sorts countries the
  // Portuguese way (the browser's Intl, through the loader).
  const { context, page: p } = await open(page(embed("e2e-lang"), { lang: "pt-BR" }));
  await p.locator("#in-country").waitFor();
  const countries = await p.locator("#in-country option").allTextContents();
  assert.ok(countries.length > 240, `every country and the prompt: ${countries.length}`);
  const at = (name) => countries.indexOf(name);
  assert.ok(at("Austrália") > 0 && at("Austrália") + 1 === at("Áustria") && at("Áustria") + 1 === at("Azerbaijão"),
    `collated in Portuguese: ${countries.slice(at("Austrália") - 1, at("Austrália") + 3)}`);
  assert.ok(countries.includes("Brasil"));
  await p.locator("button[type=submit]").click();
  assert.equal(await p.locator("#err-email").textContent(), "Este campo é obrigatório.");
  await context.close();
});

test("invalid fields are explained next to the field, announced, and focused", async () => {
  const before = storedCount("e2e-invalid");
  const { context, page: p } = await open(page(embed("e2e-invalid")));
  await p.locator("button[type=submit]").waitFor();
  await p.locator("#in-first_name").fill("Ana");
  await p.locator("#in-email").fill("ana@@example");
  await p.locator("#in-postal_code").fill("12");
  await p.locator("#in-country").selectOption("BR");
  await p.locator("button[type=submit]").click();
  await p.locator("#err-email").waitFor();
  assert.equal(await p.locator("#err-email").textContent(), "Enter a valid email address, like name@example.com.");
  assert.equal(await p.locator("#in-email").getAttribute("aria-invalid"), "true");
  assert.equal(await p.locator("#in-email").getAttribute("aria-describedby"), "err-email");
  assert.equal(await p.locator("#err-postal_code").textContent(), "Enter a valid postal code for your country.");
  assert.equal(await p.locator("#err-last_name").textContent(), "This field is required.");
  assert.equal(await p.locator("#err-contact_consent").textContent(), "This field is required.");
  assert.equal(await p.locator("#in-first_name").getAttribute("aria-invalid"), "false");
  assert.equal(await p.locator(".notice").getAttribute("role"), "alert");
  const focused = await p.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.id);
  assert.equal(focused, "in-last_name", "focus goes to the first field at fault");
  // Neither consent choice is pre-selected.
  assert.equal(await p.locator("input[name=contact_consent]:checked").count(), 0);
  assert.equal(storedCount("e2e-invalid"), before, "nothing was sent");
  // Keyboard only: fix the fields and submit with Enter.
  await p.locator("#in-last_name").fill("Souza");
  await p.locator("#in-email").fill(person().email);
  await p.locator("#in-postal_code").fill("01310100");
  await p.locator("input[name=contact_consent][value=no]").focus();
  await p.keyboard.press("Space");
  await p.locator("#in-postal_code").press("Enter");
  await p.locator(".thanks").waitFor();
  assert.equal(storedCount("e2e-invalid"), before + 1);
  await context.close();
});

test("works on a host page with a strict Content-Security-Policy (the README's lines)", async () => {
  const csp = `default-src 'none'; script-src ${EDGE} 'wasm-unsafe-eval'; connect-src ${EDGE}; style-src 'none'; img-src 'none'`;
  const html = page(embed("e2e-csp") + `<script>/* inline: must be blocked */ window.inlineRan = true;</script>`,
    { head: `<meta http-equiv="Content-Security-Policy" content="${csp}">` });
  const { context, page: p, errors } = await open(html, { headers: { "Content-Security-Policy": csp } });
  const violations = [];
  await p.exposeFunction("reportViolation", (v) => violations.push(v));
  await p.evaluate(() => document.addEventListener("securitypolicyviolation", (e) => window.reportViolation(`${e.violatedDirective} ${e.blockedURI}`)));
  await p.locator(".count strong").waitFor();
  assert.equal(await p.evaluate(() => window.inlineRan), undefined, "the CSP is really in force");
  await fillForm(p, person());
  await p.locator("button[type=submit]").click();
  await p.locator(".thanks").waitFor();
  const color = await p.locator(".ask button.primary").evaluate((el) => getComputedStyle(el).backgroundColor);
  assert.equal(color, "rgb(11, 122, 62)", "the widget's stylesheet applies under style-src 'none'");
  assert.deepEqual(violations, []);
  assert.deepEqual(errors, []);
  await context.close();
});

test("several widgets on a page, script tags and custom elements, share one Wasm download", async () => {
  const html = page(`${embed("e2e-multi-a")}<p>between</p>
    <rally-petition campaign="demo" petition="e2e-multi-b" lang="es"></rally-petition>`);
  const context = await newContext(browser);
  const wasm = [];
  context.on("request", (r) => { if (r.url().endsWith(".wasm")) wasm.push(r.url()); });
  const url = await hostPage(context, html);
  const p = await context.newPage();
  await p.goto(url);
  await p.locator("rally-petition .title").waitFor();
  await p.locator(".rally-host .title").waitFor();
  assert.equal(await p.locator(".rally-host .title").textContent(), "First of two");
  assert.equal(await p.locator("rally-petition .title").textContent(), "Second of two");
  assert.equal((await p.locator("rally-petition button[type=submit]").textContent()).trim(), "Firmar la petición");
  // The script-tag widget renders where the script stands: before the paragraph.
  const order = await p.evaluate(() => [...document.body.children].map((e) => e.tagName.toLowerCase()));
  assert.deepEqual(order.slice(0, 3), ["div", "script", "p"]);
  assert.equal(wasm.length, 1, `one wasm request: ${wasm}`);
  await context.close();
});

test("space is reserved before the Wasm arrives; a failed bundle leaves the working form, a failed everything a link", async () => {
  // The bundle fails: the form drawn on the edge stays, and it posts to the own page.
  const context = await newContext(browser);
  await context.route(/\.wasm$/, (r) => r.abort());
  const url = await hostPage(context, page(`${embed("e2e-sign")}<p id="after">after</p>`));
  const p = await context.newPage();
  await p.goto(url);
  const form = p.locator(".rally-host form.sign");
  await form.waitFor();
  assert.equal(await form.getAttribute("action"), `${EDGE}/p/demo/e2e-sign`);
  assert.equal(await form.getAttribute("target"), "_blank");
  const top = await p.locator("#after").evaluate((el) => el.getBoundingClientRect().top);
  assert.ok(top >= 700, `the widget's space stays reserved (next element at ${top}px)`);
  await context.close();

  // The bundle and the form's request fail: a message with a link to the own page.
  const broken = await newContext(browser);
  await broken.route(/\.wasm$|\/form\?/, (r) => r.abort());
  const url3 = await hostPage(broken, page(`${embed("e2e-sign")}<p id="after">after</p>`));
  const p3 = await broken.newPage();
  await p3.goto(url3);
  const alert = p3.locator(".failed[role=alert]");
  await alert.waitFor();
  assert.match(await alert.textContent(), /could not load/);
  assert.equal(await p3.locator(".failed a").getAttribute("href"), `${EDGE}/p/demo/e2e-sign`);
  const top3 = await p3.locator("#after").evaluate((el) => el.getBoundingClientRect().top);
  assert.ok(top3 >= 700, `the widget's space stays reserved (next element at ${top3}px)`);
  await broken.close();

  // With the network up, nothing below the widget moves when it renders, on a desktop and on
  // a small phone, in the longest language, with recent signers listed.
  for (const width of [1280, 360]) {
    const c2 = await newContext(browser, { viewport: { width, height: 800 } });
    const url2 = await hostPage(c2, page(`${embed("e2e-sign")}<p id="after">after</p>`, { lang: "pt-BR" }));
    const p2 = await c2.newPage();
    await p2.goto(url2);
    const beforeTop = await p2.locator("#after").evaluate((el) => el.getBoundingClientRect().top);
    await p2.locator(".count strong").waitFor();
    assert.ok(await p2.locator(".recent li").count() > 0, "the petition lists recent signers");
    const afterTop = await p2.locator("#after").evaluate((el) => el.getBoundingClientRect().top);
    assert.equal(afterTop, beforeTop, `no layout shift when the form appears at ${width}px`);
    await c2.close();
  }
});

test("the petition's own page draws the widget's form, escapes its text, and lets the widget take over", async () => {
  const res = await fetch(`${EDGE}/p/demo/e2e-hostile`);
  assert.equal(res.status, 200);
  const html = await res.text();
  assert.match(html, /<h2 class="title">Hostile host page<\/h2>/);
  assert.match(html, /<form class="sign" novalidate method="post" action="[^"]+\/p\/demo\/e2e-hostile">/);
  assert.match(html, /<input type="hidden" name="key" value="[A-Za-z0-9_-]{8,64}">/);
  assert.match(html, /data-petition="e2e-hostile"[^>]*data-own="1"/);
  assert.doesNotMatch(html, /<script>(?!.*embed)/, "no inline script");
  const missing = await fetch(`${EDGE}/p/demo/nope`);
  assert.equal(missing.status, 404);
});
