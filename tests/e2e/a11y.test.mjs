// An accessibility audit that can fail: axe-core (4.14, through @axe-core/playwright) runs the
// WCAG 2.0/2.1 A and AA rules on every widget kind in every step a visitor can reach (the form,
// errors shown, the thank-you, the share step, the greeting of a remembered supporter, the
// leaderboard's team panel, the fact-check feed and its report form), in the three languages,
// at phone and desktop widths, inside the widgets' open shadow roots (axe walks them), and on
// every dashboard tab. Zero violations; an exception would be named and explained here.
// Also keyboard-only journeys: sign, share and join a team with the keyboard alone, focus
// always visible and never lost when a step changes.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { AxeBuilder } from "@axe-core/playwright";
import { launch, newContext, hostPage, page, person, fillForm, interactive, dashboardAs, EDGE, STAFF } from "./helpers.mjs";

const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const WIDTHS = [375, 1280];
const LANGS = ["en", "pt-BR", "es"];
const all = [
  `<script async src="${EDGE}/embed.js" data-widget="petition" data-campaign="demo" data-petition="save-the-park"></script>`,
  `<script async src="${EDGE}/embed.js" data-widget="pledge" data-campaign="demo" data-pledge="vote-budget-day"></script>`,
  `<script async src="${EDGE}/embed.js" data-widget="board" data-campaign="demo" data-board="mobilisers"></script>`,
  `<script async src="${EDGE}/embed.js" data-widget="factcheck" data-campaign="demo"></script>`,
].join("");

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** Runs axe on the page; fails listing each violation with its rule, impact and nodes. */
async function audit(p, where, { fields = 0 } = {}) {
  const { violations, passes } = await new AxeBuilder({ page: p }).withTags(TAGS).analyze();
  const shown = violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.slice(0, 4).map((n) => n.target.join(" > ")).join("\n  ")}`);
  assert.deepEqual(shown, [], `axe at ${where}`);
  // That axe saw inside the shadow roots: their form fields passed its label rule.
  const labelled = passes.find((r) => r.id === "label")?.nodes.length ?? 0;
  assert.ok(labelled >= fields, `axe at ${where} checked ${labelled} labelled fields, expected at least ${fields}`);
}

for (const lang of LANGS) {
  for (const width of WIDTHS) {
    test(`axe: every widget, every step a visitor reaches, ${lang} at ${width} px`, { timeout: 120_000 }, async () => {
      const context = await newContext(browser, { viewport: { width, height: 900 }, locale: lang });
      const url = await hostPage(context, page(`<main><h1>Campaign</h1>${all}</main>`, { lang }));
      const p = await context.newPage();
      await p.goto(url);
      await interactive(p);
      const petition = p.locator(".rally.petition");
      await petition.locator(".count strong").waitFor();
      await p.locator(".rally.board table, .rally.board .empty").first().waitFor();
      await p.locator(".rally.factcheck form.report").waitFor();
      await audit(p, "first view", { fields: 12 }); // petition 5 + pledge 5 + report 2, at least

      // Errors shown beside their fields (petition and report forms).
      await petition.locator("button[type=submit]").click();
      await petition.locator("[aria-invalid=true]").first().waitFor();
      await p.locator(".rally.factcheck form.report button[type=submit]").click();
      await p.locator(".rally.factcheck [aria-invalid=true]").first().waitFor();
      await audit(p, "errors shown");

      // The thank-you, then the share step.
      await fillForm(petition, person({ first_name: "Aída", show_name: true }));
      await petition.locator("button[type=submit]").click();
      await petition.locator(".thanks h3").waitFor();
      await audit(p, "thank-you");
      await petition.locator(".ask button.primary").click();
      await petition.locator("a.t.whatsapp").waitFor();
      await audit(p, "share");

      // A remembered supporter: greeted, the board's team panel, the pledge in one click.
      await p.reload();
      await interactive(p);
      await p.locator(".rally .me").first().waitFor();
      await p.locator(".rally.board .team").waitFor();
      await audit(p, "greeting and team panel");
      await context.close();
    });
  }
}

test("axe: every dashboard tab", { timeout: 180_000 }, async () => {
  const { context, page: p } = await dashboardAs(browser, STAFF.owner);
  const tabs = await p.locator("nav button").allTextContents();
  assert.ok(tabs.length >= 8, `the dashboard's tabs: ${tabs}`);
  for (const tab of tabs) {
    await p.locator("nav button", { hasText: tab }).click();
    await p.waitForLoadState("networkidle");
    await audit(p, `dashboard tab ${tab}`);
  }
  await context.close();
});

/** Presses Tab until the focused element (in any shadow root) matches `check`; fails after `max`. */
async function tabTo(p, check, max = 60) {
  for (let i = 0; i < max; i++) {
    await p.keyboard.press("Tab");
    const hit = await p.evaluate((src) => {
      let a = document.activeElement;
      while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
      return a ? new Function("a", `return (${src})(a)`)(a) : false;
    }, check.toString());
    if (hit) return;
  }
  throw new Error(`tabTo: nothing matching ${check} within ${max} presses of Tab`);
}

/** The focused element, through shadow roots: its description, and whether its focus shows. */
function focused(p) {
  return p.evaluate(() => {
    let a = document.activeElement;
    while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
    if (!a || a === document.body) return { lost: true };
    const s = getComputedStyle(a);
    const visible = a.matches(":focus-visible") && (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0 || s.boxShadow !== "none");
    return { lost: false, tag: a.tagName, id: a.id, cls: a.className, text: a.textContent.trim().slice(0, 40), visible };
  });
}

/** Signs the petition on page `p` as `who` with the keyboard alone, checking focus shows. */
async function signByKeyboard(p, who) {
  await tabTo(p, (a) => a.id === "in-first_name" && a.closest && a.closest(".petition"));
  assert.equal((await focused(p)).visible, true, "focus shows on the first field");
  await p.keyboard.type(who.first_name);
  for (const [id, value] of [["in-last_name", who.last_name], ["in-email", who.email], ["in-postal_code", who.postal_code]]) {
    await p.keyboard.press("Tab");
    assert.equal((await focused(p)).id, id);
    assert.equal((await focused(p)).visible, true, `focus shows on ${id}`);
    await p.keyboard.type(value);
  }
  await p.keyboard.press("Tab");
  assert.equal((await focused(p)).id, "in-country");
  await p.keyboard.type("Brazil"); // a select takes typed letters
  await tabTo(p, (a) => a.name === "contact_consent" && a.value === "yes", 3);
  await p.keyboard.press("Space");
  await tabTo(p, (a) => a.type === "submit" && a.closest && a.closest("form.sign"), 6);
  await p.keyboard.press("Enter");
  await p.locator(".rally.petition .thanks h3").waitFor();
  const after = await focused(p);
  assert.equal(after.lost, false, "focus is not lost when the thank-you replaces the form");
  assert.equal(after.tag, "H3", "focus moves to the thank-you heading");
}

test("keyboard only: sign, share, start a team and join it; focus always visible and never lost", { timeout: 120_000 }, async () => {
  const context = await newContext(browser, { viewport: { width: 1280, height: 900 } });
  const url = await hostPage(context, page(`<main><h1>Campaign</h1>${all}</main>`));
  const p = await context.newPage();
  await p.goto(url);
  await interactive(p);
  await signByKeyboard(p, person({ first_name: "Kim" }));

  // The ladder's next step comes first (issue 21), then the share ask, then the share links.
  const petition = p.locator(".rally.petition");
  await tabTo(p, (a) => a.tagName === "BUTTON" && a.parentElement?.classList.contains("next"), 6);
  assert.equal((await focused(p)).visible, true, "focus shows on the next step's button");
  await tabTo(p, (a) => a.tagName === "BUTTON" && a.classList.contains("primary") && a.closest(".ask") !== null, 6);
  assert.equal((await focused(p)).visible, true, "focus shows on the share button");
  await p.keyboard.press("Enter");
  await petition.locator("a.t.whatsapp").waitFor();
  assert.equal((await focused(p)).lost, false, "focus is not lost when the share step opens");
  await tabTo(p, (a) => a.tagName === "A" && a.classList.contains("whatsapp"), 20);
  assert.equal((await focused(p)).visible, true, "focus shows on a share link");

  // Start a team in the board's team panel (the supporter is remembered now).
  await p.reload();
  await interactive(p);
  await p.locator(".rally.board .team").waitFor();
  await tabTo(p, (a) => a.id === "in-team", 80);
  assert.equal((await focused(p)).visible, true, "focus shows on the team name");
  await p.keyboard.type(`Keys ${Date.now().toString(36)}`);
  await p.keyboard.press("Enter");
  const invite = p.locator(".rally.board #in-invite");
  await invite.waitFor();
  assert.equal((await focused(p)).lost, false, "focus is not lost when the team panel changes");
  const link = new URL(await invite.inputValue());
  const code = link.searchParams.get("team");
  assert.ok(code, link.href);

  // A friend opens the invite link, signs and joins, by keyboard.
  const friend = await newContext(browser, { viewport: { width: 375, height: 800 } });
  const url2 = await hostPage(friend, page(`<main><h1>Campaign</h1>${all}</main>`));
  const f = await friend.newPage();
  await f.goto(`${url2}?team=${code}`);
  await interactive(f);
  await signByKeyboard(f, person({ first_name: "Lou" }));
  await f.reload();
  await interactive(f);
  await f.locator(".rally.board button.join-team").waitFor();
  await tabTo(f, (a) => a.classList && a.classList.contains("join-team"), 80);
  assert.equal((await focused(f)).visible, true, "focus shows on the join button");
  await f.keyboard.press("Enter");
  await f.locator(".rally.board #in-invite").waitFor();
  assert.equal((await focused(f)).lost, false, "focus is not lost after joining");
  assert.match(await f.locator(".rally.board .team h3").textContent(), /Keys /);
  await friend.close();
  await context.close();
});
