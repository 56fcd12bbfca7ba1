// Fact-checks: reports grouped into claims, the staff's queue and verdicts, the public feed and
// "this may already be answered", the rebuttal page's ClaimReview markup, exports, and hostile
// text rendered as text everywhere.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, newContext, hostPage, page, d1, eventually, freshIp, sign, person, EDGE, STAFF } from "./helpers.mjs";

const C = "demo";
const RUN = `zq${Date.now().toString(36)}`; // a word of this run only, so reruns on one state don't mix
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function call(path, { method = "GET", body, key, headers = {}, raw } = {}) {
  const res = await fetch(`${EDGE}/api/v1/campaigns/${C}${path}`, {
    method,
    headers: { ...(body ? { "Content-Type": "application/json" } : {}), ...(key ? { Authorization: `Bearer ${key}` } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: raw || !text ? text : JSON.parse(text) };
}

const report = (body, idem = `r-${Math.random().toString(36).slice(2, 12)}`, token) =>
  call("/reports", { method: "POST", body: { seen_on: "whatsapp", ...body }, key: token,
    headers: { "Idempotency-Key": idem, "CF-Connecting-IP": freshIp() } });
const staff = (path, key = STAFF.moderator, opts = {}) => call(`/staff${path}`, { key, ...opts });
const claimWith = async (word) => (await staff("/claims?status=new")).body.find((c) => c.text.includes(word));

test("reports are checked field by field; a filled honeypot is answered as a success and stored nowhere", async () => {
  const empty = await call("/reports", { method: "POST", body: {} });
  assert.equal(empty.status, 422);
  assert.deepEqual(empty.body.errors.map((e) => [e.field, e.code]), [["claim", "required"], ["seen_on", "required"]]);
  const bad = await report({ claim: "x", link: "javascript:alert(1)", seen_on: "myspace", email: "ana@example.org" });
  assert.deepEqual(bad.body.errors.map((e) => [e.field, e.code]),
    [["link", "invalid_value"], ["seen_on", "invalid_value"], ["notify_consent", "required"]]);
  const long = await report({ claim: "a".repeat(1001) });
  assert.deepEqual([long.status, long.body.error.field, long.body.error.code], [422, "claim", "too_long"]);
  const pills = `buy pills ${RUN}`;
  const bot = await report({ claim: pills, seen_on: "whatsapp", website: "http://spam.example" });
  assert.equal(bot.status, 201, JSON.stringify(bot.body));
  assert.equal(bot.body.reports, 1);
  assert.ok(bot.body.claim_id);
  assert.deepEqual(d1(`SELECT id FROM reports WHERE claim LIKE '%${pills}%'`), [], "not stored");
});

test("paraphrases in three languages become one claim each, unrelated rumours stay apart, a retry counts once", async () => {
  const pairs = [
    [`The mayor is secretly selling Riverside Park ${RUN} to a parking company`,
      `BREAKING: mayor secretly selling riverside park ${RUN} to parking company!!! share before they delete`],
    [`As urnas eletrônicas foram hackeadas na última eleição ${RUN}`, `urnas eletronicas hackeadas na ultima eleicao ${RUN}, dizem tecnicos`],
    [`Las mesas de votación cierran a las 12 del mediodía ${RUN}`, `las mesas de votacion cierran al mediodia (12h) ${RUN}`],
  ];
  const ids = [];
  for (const [a, b] of pairs) {
    const first = await report({ claim: a }, `first-${RUN}-${ids.length}`);
    assert.equal(first.status, 201, first.text);
    assert.equal(first.body.reports, 1);
    const second = await report({ claim: b, seen_on: "telegram" });
    assert.equal(second.body.claim_id, first.body.claim_id, `${a} / ${b}`);
    assert.equal(second.body.reports, 2);
    // The first report sent again (a retry): answered as before, counted once.
    const retry = await report({ claim: a }, `first-${RUN}-${ids.length}`);
    assert.deepEqual([retry.status, retry.body.claim_id, retry.body.reports], [200, first.body.claim_id, 2]);
    ids.push(first.body.claim_id);
  }
  const unrelated = await report({ claim: `The new school lunch menu ${RUN} has no vegetables at all` });
  assert.ok(!ids.includes(unrelated.body.claim_id));
  assert.equal(new Set(ids).size, 3);

  const queued = (await staff("/claims")).body.find((c) => c.id === ids[0]);
  assert.equal(queued.reports, 2);
  assert.deepEqual(queued.seen_on, [{ seen_on: "telegram", count: 1 }, { seen_on: "whatsapp", count: 1 }]);
  assert.ok(queued.first_seen <= queued.last_seen);
});

test("staff routes refuse no credential, the wrong role, another campaign, and cross-site preflights", async () => {
  const r = await report({ claim: `Staff rules rumour ${RUN} about council meetings moving online` });
  const id = r.body.claim_id;
  assert.equal((await call("/staff/claims")).status, 401);
  assert.equal((await staff("/claims", "rs_not_a_key")).status, 401);
  assert.equal((await staff("/claims", STAFF.otherOwner)).status, 401, "another campaign's credential");
  assert.equal((await staff("/claims", STAFF.viewer)).status, 200, "viewers read the queue");
  const viewer = await staff(`/claims/${id}`, STAFF.viewer, { method: "PATCH", body: { status: "in_review" } });
  assert.deepEqual([viewer.status, viewer.body.error.code], [403, "forbidden"]);
  assert.equal((await staff("/claims/export", STAFF.viewer)).status, 403);
  const early = await staff(`/claims/${id}`, STAFF.moderator, { method: "PATCH", body: { status: "published" } });
  assert.deepEqual(early.body.errors.map((e) => e.field), ["verdict", "explanation"]);
  const preflight = await fetch(`${EDGE}/api/v1/campaigns/${C}/staff/claims/${id}`, {
    method: "OPTIONS", headers: { Origin: "https://evil.example", "Access-Control-Request-Method": "PATCH" },
  });
  assert.equal(preflight.status, 403);
  assert.equal(preflight.headers.get("access-control-allow-origin"), null);
  const plain = await staff("/claims", STAFF.moderator);
  assert.equal(plain.headers.get("access-control-allow-origin"), null, "no CORS on staff answers");
});

test("report in the widget, staff publish, the feed and typing offer the answer, the page carries ClaimReview; hostile text stays text", async () => {
  const xss = `<img src=x onerror=alert(1)>`;
  const claim = `${xss} The river dam will be opened next week, flooding the old town ${RUN}w`;
  const email = `fc.${RUN}@example.org`;
  const context = await newContext(browser);
  const dialogs = [];
  const url = await hostPage(context, page(`<script async src="${EDGE}/embed.js" data-widget="factcheck" data-campaign="${C}"></script>`));
  const p = await context.newPage();
  p.on("dialog", (d) => { dialogs.push(d.message()); d.dismiss(); });
  await p.goto(url);
  const w = p.locator(".rally-host");
  await w.locator("#in-claim").waitFor();
  await w.locator("button[type=submit]").click();
  assert.equal(await w.locator("#err-claim").textContent(), "This field is required.");
  assert.equal(await w.locator("#in-claim").evaluate((el) => el.matches(":focus")), true, "focus moves to the first field at fault");
  await w.locator("#in-claim").fill(claim);
  await w.locator("#in-seen_on").selectOption("whatsapp");
  await w.locator("#in-email").fill(email);
  await w.locator("input[name=notify_consent]").check();
  await w.locator("button[type=submit]").click();
  await w.locator(".thanks > h3").waitFor();
  assert.match(await w.locator(".thanks").textContent(), /You are the first to report this/);

  // Staff publish a verdict (through the API, as the dashboard will).
  const queued = await claimWith(`${RUN}w`);
  assert.equal(queued.text, claim, "stored as given");
  const published = await staff(`/claims/${queued.id}`, STAFF.moderator, { method: "PATCH", body: {
    status: "published", text: `${xss} The river dam will be opened next week ${RUN}w`, verdict: "false",
    explanation: "The water board has no such plan. <script>alert(2)</script>",
    sources: [{ title: "<b>Council minutes</b>", url: "https://council.example/minutes" }],
  } });
  assert.equal(published.status, 200, published.text);
  assert.equal(published.body.status, "published");
  assert.deepEqual(d1(`SELECT r.email FROM outbox o JOIN reports r ON r.id = o.report_id JOIN claims c ON c.id = o.claim_id WHERE c.public_id = '${queued.id}' AND o.kind = 'outcome'`), [{ email }]);
  const history = (await staff(`/claims/${queued.id}/history`)).body;
  assert.deepEqual(history.map((e) => [e.staff, e.action]).slice(0, 2), [["Mo Moderator", "status"], ["Mo Moderator", "text"]]);

  // The public feed shows it (within the snapshot window), as text.
  const feed = await eventually(() => call("/rebuttals"), (r) => r.body.rebuttals.some((x) => x.id === queued.id));
  const rebuttal = feed.body.rebuttals.find((x) => x.id === queued.id);
  assert.equal(rebuttal.verdict, "false");
  await p.reload();
  const card = p.locator(`.rally-host #r-${queued.id}`);
  await card.waitFor();
  assert.equal(await card.locator(".verdict").textContent(), "False");
  assert.equal(await card.locator(".claim").textContent(), `${xss} The river dam will be opened next week ${RUN}w`);
  assert.equal(await card.locator(".sources a").getAttribute("rel"), "nofollow ugc noopener");
  const wa = await card.locator("a.whatsapp").getAttribute("href");
  const shared = decodeURIComponent(wa.split("text=")[1]);
  assert.match(shared, /^FALSE: ".*The river dam will be opened next week/);
  assert.match(shared, /The water board has no such plan/, "the text stands alone without the link");
  assert.equal(await p.locator(".rally-host img").count(), 0);

  // Typing a paraphrase offers the answer before sending.
  const p2 = await context.newPage();
  p2.on("dialog", (d) => { dialogs.push(d.message()); d.dismiss(); });
  await p2.goto(url);
  const w2 = p2.locator(".rally-host");
  await w2.locator("#in-claim").pressSequentially(`river dam opened next week ${RUN}w`, { delay: 20 });
  const offered = w2.locator(`.matches #r-${queued.id}`);
  await offered.waitFor();
  assert.match(await w2.locator(".matches .may").textContent(), /may already be answered/);

  // The rebuttal's own page: Open Graph for previews, ClaimReview for search and aggregators.
  const html = await (await fetch(rebuttal.url)).text();
  assert.ok(!html.includes("<img src=x"), "escaped in the page");
  assert.ok(!html.includes("<script>alert(2)"), "escaped in the page");
  assert.match(html, /<meta property="og:title" content="False: &lt;img src=x onerror=alert\(1\)&gt; The river dam/);
  const ld = JSON.parse(html.match(/<script type="application\/ld\+json">(.*?)<\/script>/s)[1]);
  assert.equal(ld["@context"], "https://schema.org");
  assert.equal(ld["@type"], "ClaimReview");
  assert.equal(ld.claimReviewed, `${xss} The river dam will be opened next week ${RUN}w`);
  assert.deepEqual(ld.reviewRating, { "@type": "Rating", alternateName: "False", bestRating: 5, worstRating: 1, ratingValue: 1 });
  assert.equal(ld.author.name, "Friends of Riverside Park");
  assert.match(ld.datePublished, /^\d{4}-\d{2}-\d{2}$/);
  assert.equal(ld.url, rebuttal.url);
  assert.equal(ld.itemReviewed["@type"], "Claim");
  const p3 = await context.newPage();
  p3.on("dialog", (d) => { dialogs.push(d.message()); d.dismiss(); });
  await p3.goto(rebuttal.url);
  assert.equal(await p3.locator("h1").textContent(), `${xss} The river dam will be opened next week ${RUN}w`);
  assert.equal(await p3.locator("img").count(), 0);

  // A new report of the same rumour is answered at once.
  const again = await report({ claim: `the river dam will be opened next week, flooding the old town ${RUN}w!!` });
  assert.equal(again.body.rebuttal?.id, queued.id);
  assert.deepEqual(dialogs, []);
  await context.close();
});

test("merge and split claims, with their history; exports for partners neutralise formulas and carry no emails", async () => {
  const a = await report({ claim: `Buses will be free on election day ${RUN}m in the whole city` });
  const b = await report({ claim: `=HYPERLINK("http://evil.example") ${RUN}m hospitals closing in January`, email: `x.${RUN}@example.org`, notify_consent: true });
  assert.notEqual(a.body.claim_id, b.body.claim_id);
  const merged = await staff(`/claims/${b.body.claim_id}/merge`, STAFF.moderator, { method: "POST", body: { into: a.body.claim_id } });
  assert.equal(merged.status, 200, merged.text);
  assert.equal(merged.body.reports, 2);
  const reportIds = merged.body.latest.map((r) => r.id);
  const hyperlink = merged.body.latest.find((r) => r.claim.startsWith("=HYPERLINK"));
  const split = await staff(`/claims/${a.body.claim_id}/split`, STAFF.moderator, { method: "POST", body: { reports: [hyperlink.id] } });
  assert.equal(split.status, 201, split.text);
  assert.equal(split.body.reports, 1);
  assert.equal(split.body.text, hyperlink.claim);
  assert.equal((await staff(`/claims/${a.body.claim_id}`)).body.reports, 1);
  const bad = await staff(`/claims/${a.body.claim_id}/split`, STAFF.moderator, { method: "POST", body: { reports: reportIds } });
  assert.deepEqual([bad.status, bad.body.error.field], [422, "reports"]);
  const history = (await staff(`/claims/${a.body.claim_id}/history`)).body.map((e) => e.action);
  assert.deepEqual(history, ["merged_from", "split_into"]);

  const csv = await staff("/claims/export?format=csv", STAFF.owner, { raw: true });
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get("content-type"), /^text\/csv/);
  assert.match(csv.text, /^id,status,claim,reports,first_seen,last_seen,seen_on,verdict,explanation,sources\r\n/);
  assert.ok(csv.text.includes(`"'=HYPERLINK(""http://evil.example"") ${RUN}m hospitals closing in January"`), "formula neutralised");
  assert.ok(!csv.text.includes("@example.org"), "no reporter emails");
  const json = await staff("/claims/export?format=json", STAFF.owner);
  assert.ok(json.body.some((c) => c.id === split.body.id && c.reports === 1));
  assert.ok(!json.text.includes("@example.org"));
  assert.equal((await staff("/claims/export?format=xml", STAFF.owner)).body.error.field, "format");
});

test("a remembered supporter's report is an action: report points once per claim", async () => {
  const signed = await sign("save-the-park", person({ first_name: "Fatima", last_name: "Farias" }));
  const token = signed.body.supporter_token;
  const points = async () => (await call("/me", { key: token })).body.points;
  assert.equal(await points(), 10, "the signature");
  await report({ claim: `Tap water in the east side ${RUN}p is poisoned by the new plant` }, undefined, token);
  assert.equal(await points(), 20, "+10 for the report");
  await report({ claim: `tap water east side ${RUN}p poisoned by new plant, share!` }, undefined, token);
  assert.equal(await points(), 20, "the same claim again earns nothing");
  await report({ claim: `Voting machines ${RUN}p will be removed from every school in the city` }, undefined, token);
  assert.equal(await points(), 30);
  const bad = await report({ claim: `A forged token ${RUN}p still files the report about parking fines` }, undefined, `${token}x`);
  assert.equal(bad.status, 201, "a report is never refused for its token");
  assert.equal(d1(`SELECT COUNT(*) AS n FROM actions a JOIN supporters s ON s.id = a.supporter_id
    WHERE a.kind = 'report' AND s.first_name = 'Fatima'`)[0].n, 2);
});
