// `cargo xtask bench`: what a visitor downloads and waits for, and what the edge sustains.
// Run against a fresh local edge ($RALLY_EDGE, state in $RALLY_STATE). Times are reported,
// never asserted: the machine is shared and noisy. Every request loop is bounded.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { launch, newContext, hostPage, embed, page, d1, ROOT, person, sign, fetchAgain, STAFF, exportCsv, fullTeamHub } from "../e2e/helpers.mjs";
import { brotliCompressSync } from "node:zlib";
import { createServer } from "node:http";
import { bundle, BUDGET_BROTLI, KINDS } from "./sizes.mjs";

const EDGE = process.env.RALLY_EDGE;
const RUNS = 11;
const LOAD_SECONDS = Number(process.env.RALLY_BENCH_SECONDS ?? 5);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const kb = (n) => (n / 1000).toFixed(1);

function sizes() {
  for (const kind of [...KINDS, "all"]) {
    const { files, total } = bundle(kind);
    console.log(`\n## Bytes a host page downloads for the ${kind} widget (KB = 1000 bytes)\n`);
    console.log("| file | raw | gzip | brotli |\n|---|---:|---:|---:|");
    for (const f of files) console.log(`| ${f.file} | ${kb(f.raw)} | ${kb(f.gzip)} | ${kb(f.brotli)} |`);
    console.log(`| **total** (loader + CSS + glue + wasm) | ${kb(total.raw)} | ${kb(total.gzip)} | **${kb(total.brotli)}** (budget ${kb(BUDGET_BROTLI)}) |`);
  }
}

/** Watches every animation frame for the first that shows the petition's form with its submit
 * button enabled and the count, and sums layout shifts (CLS, as Chromium reports them). */
function frameWatch() {
  window.__shown = {};
  window.__cls = 0;
  new PerformanceObserver((l) => {
    for (const e of l.getEntries()) if (!e.hadRecentInput) window.__cls += e.value;
  }).observe({ type: "layout-shift", buffered: true });
  const look = () => {
    const root = document.querySelector(".rally-host")?.shadowRoot;
    const t = performance.now();
    const button = root?.querySelector("form.sign button[type=submit]");
    if (button && !window.__shown.form && button.getAttribute("aria-disabled") !== "true" && button.getBoundingClientRect().height > 0) {
      window.__shown.form = t;
    }
    if (root?.querySelector(".count strong") && !window.__shown.count) window.__shown.count = t;
    if (!window.__shown.form || !window.__shown.count) requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
}

async function render(browser, throttle) {
  const form = [], counted = [], interactive = [], cls = [];
  let failures = 0;
  for (let i = 0; i < RUNS; i++) {
    const context = await newContext(browser); // a first visit: nothing cached
    await context.addInitScript(frameWatch);
    const url = await hostPage(context, page(embed("save-the-park")));
    const p = await context.newPage();
    if (throttle > 1) {
      const cdp = await context.newCDPSession(p);
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: throttle });
    }
    await p.goto(url);
    try {
      await p.waitForFunction(() => performance.getEntriesByName("rally:interactive").length > 0 && window.__shown.form && window.__shown.count, null, { timeout: 30_000 });
    } catch {
      // Reported, not hidden: a visit that never showed the form is counted as a failure.
      failures += 1;
      await context.close();
      continue;
    }
    await p.waitForTimeout(500); // layout shifts after the takeover still count
    const r = await p.evaluate(() => ({ ...window.__shown, cls: window.__cls, interactive: performance.getEntriesByName("rally:interactive")[0].startTime }));
    form.push(r.form);
    counted.push(r.count);
    interactive.push(r.interactive);
    cls.push(r.cls);
    await context.close();
  }
  return { form: median(form), counted: median(counted), interactive: median(interactive), cls: Math.max(0, ...cls), failures };
}

async function renderTable() {
  const browser = await launch();
  console.log(`\n## Time from navigation start, median of ${RUNS} first visits in headless Chromium (ms)\n`);
  console.log("Form and count: the first animation frame that shows them (the form's submit button enabled). Widget interactive: the widget's own `rally:interactive` mark, after it takes the form over. CLS: the largest of the visits.\n");
  console.log("| CPU | form shown, enabled | count shown | widget interactive | CLS (max) | visits that never showed it (30 s) |\n|---|---:|---:|---:|---:|---:|");
  for (const throttle of [1, 4]) {
    const r = await render(browser, throttle);
    console.log(`| ${throttle === 1 ? "unthrottled" : `${throttle}x slower`} | ${r.form.toFixed(0)} | ${r.counted.toFixed(0)} | ${r.interactive.toFixed(0)} | ${r.cls.toFixed(4)} | ${r.failures} |`);
  }
  await browser.close();
}

let ipSeq = 0;
const ip = () => { ipSeq += 1; return `100.64.${(ipSeq >> 8) & 255}.${ipSeq & 255}`; };
let emailSeq = 0;

function signRequest(campaign = "demo", petition = "bench-sign") {
  emailSeq += 1;
  return {
    url: `${EDGE}/api/v1/campaigns/${campaign}/petitions/${petition}/signatures`,
    init: {
      method: "POST",
      headers: { "Content-Type": "application/json", "CF-Connecting-IP": ip(), "Idempotency-Key": `bench-${process.pid}-${emailSeq}` },
      body: JSON.stringify({ first_name: "Bench", last_name: "Mark", email: `bench${process.pid}x${emailSeq}@example.org`,
        postal_code: "01310-100", country: "BR", contact_consent: false }),
    },
  };
}

/** Runs `make()` requests on `conns` concurrent connections for LOAD_SECONDS. */
async function load(make, conns) {
  const latencies = [];
  const statuses = {};
  const end = Date.now() + LOAD_SECONDS * 1000;
  const started = performance.now();
  await Promise.all(Array.from({ length: conns }, async () => {
    while (Date.now() < end) {
      const { url, init } = make();
      const t = performance.now();
      let status;
      try {
        const res = await fetch(url, init);
        await res.arrayBuffer();
        status = res.status;
      } catch {
        status = "transport error"; // counted and shown, never hidden
      }
      latencies.push(performance.now() - t);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  return { rps: latencies.length / seconds, p50: pct(latencies, 0.5), p99: pct(latencies, 0.99), statuses };
}

async function throughputTable() {
  const routes = [
    ["GET /api/v1/health (no storage)", () => ({ url: `${EDGE}/api/v1/health` })],
    ["GET petition (KV snapshot)", () => ({ url: `${EDGE}/api/v1/campaigns/demo/petitions/save-the-park` })],
    ["POST signature (D1 batch)", signRequest],
  ];
  console.log(`\n## Throughput against the local edge (wrangler dev, ${LOAD_SECONDS} s per row)\n`);
  console.log("| route | connections | req/s | p50 ms | p99 ms | statuses |\n|---|---:|---:|---:|---:|---|");
  let acked = 0;
  for (const [name, make] of routes) {
    for (const conns of [1, 32]) {
      const r = await load(make, conns);
      if (name.startsWith("POST")) acked += r.statuses[201] ?? 0;
      console.log(`| ${name} | ${conns} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${JSON.stringify(r.statuses)} |`);
    }
  }
  const [row] = d1("SELECT p.signature_count AS count, (SELECT COUNT(*) FROM signatures s WHERE s.petition_id = p.id) AS rows FROM petitions p WHERE p.slug = 'bench-sign'");
  console.log(`\nSignatures acknowledged (201): ${acked}; stored: ${row.rows} rows, counter ${row.count}.`);
  // Every acknowledged signature is stored (a request lost in transit may be stored unacknowledged),
  // and the counter equals the rows.
  if (row.rows < acked || row.rows !== row.count) {
    console.log("MISMATCH between acknowledged and stored signatures");
    process.exitCode = 1;
  }
}

/**
 * Two variants of one route, alternated A B A B at 1 and 32 connections in one run (so machine
 * noise falls on both), printed with what B costs over A.
 */
async function alternated(what, [nameA, makeA], [nameB, makeB]) {
  console.log("| route | connections | req/s (mean of 2 runs) | p50 ms | p99 ms | statuses |\n|---|---:|---:|---:|---:|---|");
  for (const conns of [1, 32]) {
    const runs = { a: [], b: [] };
    for (let round = 0; round < 2; round++) {
      runs.a.push(await load(makeA, conns));
      runs.b.push(await load(makeB, conns));
    }
    const mean = (rs, k) => rs.reduce((a, r) => a + r[k], 0) / rs.length;
    for (const [name, rs] of [[nameA, runs.a], [nameB, runs.b]]) {
      const statuses = {};
      for (const r of rs) for (const [k, v] of Object.entries(r.statuses)) statuses[k] = (statuses[k] ?? 0) + v;
      console.log(`| ${name} | ${conns} | ${mean(rs, "rps").toFixed(0)} | ${mean(rs, "p50").toFixed(1)} | ${mean(rs, "p99").toFixed(1)} | ${JSON.stringify(statuses)} |`);
    }
    console.log(`| cost of ${what} at ${conns} connection(s) | | ${((1 - mean(runs.b, "rps") / mean(runs.a, "rps")) * 100).toFixed(1)} % | | | |`);
  }
}

/**
 * How fast the outbox rows `where` drain: once the load's own have gone, every sent one is made
 * due again as a backlog and the cron runs until none waits. Seconds and the backlog's size.
 */
async function drain(where) {
  const waiting = () => d1(`SELECT COUNT(*) AS n FROM outbox WHERE ${where} AND status IN ('pending', 'queued', 'sending')`)[0].n;
  for (let i = 0; i < 120 && waiting() > 0; i++) {
    await fetchAgain(`${EDGE}/__scheduled?cron=*+*+*+*+*`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  d1(`UPDATE outbox SET status = 'pending', queued_at = NULL, created_at = created_at - 60000, due_at = 0 WHERE ${where} AND status = 'sent'`);
  const n = waiting();
  const t = performance.now();
  while (waiting() > 0) {
    await fetchAgain(`${EDGE}/__scheduled?cron=*+*+*+*+*`);
    await new Promise((r) => setTimeout(r, 250));
    if (performance.now() - t > 600_000) { console.log("DRAIN DID NOT FINISH"); process.exitCode = 1; break; }
  }
  return { n, secs: (performance.now() - t) / 1000 };
}

/**
 * What follow-up costs: the same signature route without and with the outbox row in its batch
 * (campaign `bench-mail` confirms by email, so each signature also writes a message, hands it to
 * the queue, and the consumer sends it through the Email Service binding on the same machine),
 * alternated A B A B in one run; then how fast the queue drains a backlog.
 */
async function messagesTable() {
  console.log(`\n## Follow-up messages (wrangler dev, ${LOAD_SECONDS} s per run, runs alternated)\n`);
  await alternated("the outbox",
    ["POST signature, no message", () => signRequest("demo")],
    ["POST signature + outbox row + queue send", () => signRequest("bench-mail")]);
  // Through cron, queue, consumer and the local Email Service.
  const { n, secs } = await drain("campaign_id = (SELECT id FROM campaigns WHERE slug = 'bench-mail')");
  console.log(`\nOutbox drain: ${n} messages through cron, queue, consumer and the local Email Service in ${secs.toFixed(1)} s (${(n / secs).toFixed(0)} messages/s).`);
}

/**
 * What webhooks cost: signing with two endpoints on (a delivery row each in the batch, then two
 * signed POSTs to a local receiver through the queue) beside signing with none, alternated in
 * one run; then deliveries a second through the queue for a backlog.
 */
async function webhooksTable() {
  const server = createServer((req, res) => { req.resume(); req.on("end", () => res.end("ok")); });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${server.address().port}/hook`;
  const staff = (path, init = {}) => fetchAgain(`${EDGE}/api/v1/campaigns/e2e-hooks/staff${path}`, {
    ...init, headers: { Authorization: `Bearer ${STAFF.hooksOwner}`, "Content-Type": "application/json" } });
  for (let i = 0; i < 2; i++) {
    const res = await staff("/endpoints", { method: "POST", body: JSON.stringify({ url: `${url}?n=${i}`, events: ["signature.created"], enabled: true }) });
    if (res.status !== 201) throw new Error(`endpoint: ${res.status} ${await res.text()}`);
  }
  console.log(`\n## Webhooks (wrangler dev, ${LOAD_SECONDS} s per run, runs alternated)\n`);
  await alternated("two endpoints",
    ["POST signature, no endpoint", () => signRequest("demo")],
    ["POST signature, two endpoints", () => signRequest("e2e-hooks", "hooks")]);
  const { n, secs } = await drain("campaign_id = (SELECT id FROM campaigns WHERE slug = 'e2e-hooks') AND kind = 'webhook'");
  console.log(`\nWebhook drain: ${n} deliveries through cron, queue, consumer and a local receiver in ${secs.toFixed(1)} s (${(n / secs).toFixed(0)} deliveries/s).`);
  server.close();
}

/**
 * What the engagement ladder costs: signing on a campaign whose ladder has no rungs (no
 * evaluation) beside signing on one with the default ladder (the person and any credited
 * referrer evaluated in the signature's own batch: 12 more statements, and 2 that read the next step back),
 * alternated A B A B in one run.
 */
async function ladderTable() {
  console.log(`\n## The engagement ladder (wrangler dev, ${LOAD_SECONDS} s per run, runs alternated)\n`);
  await alternated("the ladder",
    ["POST signature, campaign without a ladder", () => signRequest("bench-noladder")],
    ["POST signature, default ladder evaluated in the batch", () => signRequest("demo")]);
}

/**
 * The ladder at a million supporters: an edit re-evaluates everyone through the LADDER queue
 * (slice by slice, each one D1 batch), timed to its end; then the report (from aggregates), median
 * of 5, and its people-per-rung against counting the table.
 */
async function ladderScaleTable() {
  const n = 1_000_000;
  const [{ have }] = d1("SELECT COUNT(*) AS have FROM supporters WHERE campaign_id = (SELECT id FROM campaigns WHERE slug = 'scale')");
  if (have < n) execFileSync("cargo", ["xtask", "seed-scale", "--state", process.env.RALLY_STATE, "--supporters", String(n)], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
  const staff = { Authorization: "Bearer rs_bench_scale_owner", "Content-Type": "application/json" };
  const api = `${EDGE}/api/v1/campaigns/scale/staff`;
  const ladder = await (await fetchAgain(`${api}/ladder`, { headers: staff })).json();
  const t = performance.now();
  const saved = await fetchAgain(`${api}/ladder`, { method: "PUT", headers: staff, body: JSON.stringify(ladder.ladder) });
  if (saved.status !== 200) throw new Error(`ladder: ${saved.status} ${await saved.text()}`);
  let v;
  do {
    await new Promise((r) => setTimeout(r, 2000));
    v = await (await fetchAgain(`${api}/ladder`, { headers: staff })).json();
    if (performance.now() - t > 1_800_000) { console.log("LADDER JOB DID NOT FINISH"); process.exitCode = 1; break; }
  } while (v.evaluated < v.total);
  const secs = (performance.now() - t) / 1000;
  const times = [];
  let report;
  for (let i = 0; i < 5; i++) {
    const s = performance.now();
    report = await (await fetchAgain(`${api}/ladder/report`, { headers: staff })).json();
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  const truth = d1("SELECT rung, COUNT(*) AS n FROM supporters WHERE campaign_id = (SELECT id FROM campaigns WHERE slug = 'scale') AND rung != '' GROUP BY rung");
  const same = report.rungs.every((g) => g.now === (truth.find((x) => x.rung === g.slug)?.n ?? 0));
  if (!same) { console.log("LADDER REPORT DIFFERS FROM THE TABLE"); process.exitCode = 1; }
  console.log(`\n## The ladder at ${n.toLocaleString("en")} supporters\n`);
  console.log("| measure | value |\n|---|---:|");
  console.log(`| re-evaluation after an edit, everyone (queue slices of 5,000) | ${secs.toFixed(1)} s (${(v.total / secs).toFixed(0)} supporters/s) |`);
  console.log(`| ladder report, median of 5 | ${times[2].toFixed(0)} ms |`);
  console.log(`| people per rung equal to counting the table | ${same ? "yes" : "NO"} (${report.rungs.map((g) => `${g.slug} ${g.now}`).join(", ")}) |`);
}

/**
 * The staff's supporter list at a million supporters: a page and a count for three filters
 * (median of 5 each, with the D1 calls the edge's meter counted), then a tag job over the
 * 100,000 people of one filter, timed to its end.
 */
async function peopleScaleTable() {
  const n = 1_000_000;
  const [{ have }] = d1("SELECT COUNT(*) AS have FROM supporters WHERE campaign_id = (SELECT id FROM campaigns WHERE slug = 'scale')");
  if (have < n) execFileSync("cargo", ["xtask", "seed-scale", "--state", process.env.RALLY_STATE, "--supporters", String(n)], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
  const staff = { Authorization: "Bearer rs_bench_scale_owner", "Content-Type": "application/json" };
  const api = `${EDGE}/api/v1/campaigns/scale/staff`;
  const calls = (res) => Number(/d1=(\d+)/.exec(res.headers.get("rally-meter") ?? "")?.[1] ?? NaN);
  const median = async (url) => {
    const times = [];
    let d1Calls = 0;
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      const res = await fetchAgain(url, { headers: staff });
      await res.text();
      times.push(performance.now() - t);
      d1Calls = Math.max(d1Calls, calls(res));
    }
    times.sort((a, b) => a - b);
    return `${times[2].toFixed(0)} ms, ${d1Calls} D1 calls`;
  };
  console.log(`\n## The supporter list at ${n.toLocaleString("en")} supporters\n`);
  console.log("| filter | page of 50 (median of 5) | count (median of 5) |\n|---|---:|---:|");
  for (const [label, filter, sort] of [
    ["everyone, by last action", "", "last"],
    ["São Paulo (1 in 10) who signed, by points", "region=BR-SP&did=sign", "points"],
    ["signed, has not pledged, tagged 'x' (nobody: the whole walk)", "did=sign&not_did=pledge&tag=x", "last"],
  ]) {
    console.log(`| ${label} | ${await median(`${api}/people?${filter}&sort=${sort}`)} | ${await median(`${api}/people/count?${filter}`)} |`);
  }
  const tag = `bench ${Date.now()}`;
  const t = performance.now();
  const started = await fetchAgain(`${api}/people/bulk`, { method: "POST", headers: staff, body: JSON.stringify({ op: "tag", tag, filter: "region=BR-SP" }) });
  const job = (await started.json()).job;
  let j;
  do {
    await new Promise((r) => setTimeout(r, 1000));
    j = (await (await fetchAgain(`${api}/people/bulk`, { headers: staff })).json()).find((x) => x.id === job.id);
    if (performance.now() - t > 1_200_000) { console.log("TAG JOB DID NOT FINISH"); process.exitCode = 1; break; }
  } while (j.status === "running");
  const secs = (performance.now() - t) / 1000;
  const meter = await (await fetchAgain(`${EDGE}/api/v1/meter`)).json();
  console.log(`| tag job, ${j.done.toLocaleString("en")} people (slices of 5,000 through the PEOPLE queue) | ${secs.toFixed(1)} s (${(j.done / secs).toFixed(0)} people/s) | ${meter["people slice"]?.d1 ?? "?"} D1 calls a slice at most |`);
}

/** Leaderboard and "my rank" latency with a million supporters in the campaign. */
async function scaleTable() {
  const n = 1_000_000;
  const t = performance.now();
  execFileSync("cargo", ["xtask", "seed-scale", "--state", process.env.RALLY_STATE, "--supporters", String(n)],
    { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
  const seeded = ((performance.now() - t) / 1000).toFixed(0);
  const token = (await sign("scale-petition", person(), { campaign: "scale" })).body.supporter_token;
  const auth = { headers: { Authorization: `Bearer ${token}` } };
  const base = `${EDGE}/api/v1/campaigns/scale`;
  const routes = [
    ["GET leaderboard, all time, with my rank", () => ({ url: `${base}/leaderboards/mobilisers?period=all`, init: auth })],
    ["GET leaderboard, this week, with my rank", () => ({ url: `${base}/leaderboards/mobilisers?period=week`, init: auth })],
    ["GET /me (points, rank, weekly goal)", () => ({ url: `${base}/me`, init: auth })],
  ];
  console.log(`\n## Leaderboards with ${n.toLocaleString("en")} supporters and actions (seeded in ${seeded} s; ${LOAD_SECONDS} s per row)\n`);
  console.log("| route | connections | req/s | p50 ms | p99 ms | statuses |\n|---|---:|---:|---:|---:|---|");
  for (const [name, make] of routes) {
    for (const conns of [1, 32]) {
      const r = await load(make, conns);
      console.log(`| ${name} | ${conns} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${JSON.stringify(r.statuses)} |`);
    }
  }
}

/** Resident and peak memory of the local runtime's workerd processes, in MB (Linux /proc). */
function workerdMemory() {
  let rss = 0, hwm = 0;
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("workerd")) continue;
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      rss += Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0);
      hwm += Number(status.match(/VmHWM:\s+(\d+)/)?.[1] ?? 0);
    } catch { /* the process ended */ }
  }
  return { rss: rss / 1024, hwm: hwm / 1024 };
}

/** The staff overview and a full CSV export with the million signatures of `scaleTable`. */
async function staffScaleTable() {
  const signIn = await fetch(`${EDGE}/api/v1/staff/session`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ key: "rs_bench_scale_owner" }),
  });
  const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0];
  const base = `${EDGE}/api/v1/campaigns/scale/staff`;
  const times = [];
  let total = 0;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const o = await (await fetch(`${base}/overview`, { headers: { Cookie: cookie } })).json();
    times.push(performance.now() - t);
    total = o.totals[o.kinds.indexOf("sign")].all;
  }
  const before = workerdMemory();
  const t = performance.now();
  // More rows than one request may read: a background job (slices through the queue into R2),
  // timed from the start to the last byte of the file.
  const res = await exportCsv("scale", "signatures", { Cookie: cookie });
  const jobSecs = (performance.now() - t) / 1000;
  let bytes = 0, lines = 0;
  for await (const chunk of res.body) {
    bytes += chunk.length;
    for (const b of chunk) if (b === 10) lines++;
  }
  const secs = (performance.now() - t) / 1000;
  const after = workerdMemory();
  console.log(`\n## Staff views with a million signatures\n`);
  console.log("| measure | value |\n|---|---:|");
  console.log(`| overview (sign total ${total.toLocaleString("en")}), median of 5 | ${median(times).toFixed(0)} ms |`);
  console.log(`| full signatures CSV export: rows | ${(lines - 1).toLocaleString("en")} |`);
  console.log(`| full signatures CSV export: size | ${(bytes / 1e6).toFixed(1)} MB |`);
  console.log(`| full signatures CSV export (background job): time to the file | ${jobSecs.toFixed(1)} s |`);
  console.log(`| full signatures CSV export (background job): time to its last byte | ${secs.toFixed(1)} s (${((lines - 1) / secs).toFixed(0)} rows/s) |`);
  console.log(`| workerd resident memory before / after the export | ${before.rss.toFixed(0)} / ${after.rss.toFixed(0)} MB |`);
  console.log(`| workerd peak resident memory (whole bench) before / after | ${before.hwm.toFixed(0)} / ${after.hwm.toFixed(0)} MB |`);

  // The OSDI API: a page of 1 000 signatures at the start and half-way (keyset: the same cost),
  // then a walk of every page.
  const issued = await (await fetch(`${base}/members`, {
    method: "POST", headers: { Cookie: cookie, "Content-Type": "application/json" },
    body: JSON.stringify({ name: `Bench OSDI ${Date.now()}`, role: "organiser", kind: "api" }),
  })).json();
  const headers = { "OSDI-API-Token": issued.key };
  const sigs = `${EDGE}/api/v1/osdi/petitions/scale-petition/signatures?per_page=1000`;
  const pageTimes = async (url) => {
    const ts = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await (await fetch(url, { headers })).json();
      ts.push(performance.now() - t0);
    }
    return median(ts);
  };
  const first = await pageTimes(sigs);
  const mid = await pageTimes(`${sigs}&after=${Math.floor(total / 2)}`);
  const w0 = performance.now();
  let pages = 0, rows = 0;
  for (let url = sigs; url;) {
    const body = await (await fetch(url, { headers })).json();
    rows += body._embedded["osdi:signatures"].length;
    pages++;
    url = body._links.next?.href;
  }
  const walk = (performance.now() - w0) / 1000;
  console.log(`| OSDI page of 1 000 signatures, first page, median of 5 | ${first.toFixed(0)} ms |`);
  console.log(`| OSDI page of 1 000 signatures after the ${Math.floor(total / 2).toLocaleString("en")}th, median of 5 | ${mid.toFixed(0)} ms |`);
  console.log(`| OSDI walk of every page: pages / rows / time | ${pages.toLocaleString("en")} / ${rows.toLocaleString("en")} / ${walk.toFixed(1)} s (${(rows / walk).toFixed(0)} rows/s) |`);
}

/**
 * The mobiliser hub on a cheap phone: a team leader's page at its fullest (a team of eight,
 * action cards, the leader's view), first visits in headless Chromium at 1x and 4x CPU; "first
 * card" is the Element Timing render time of the first card's title (`elementtiming`).
 */
async function hubTable() {
  const token = await fullTeamHub({ campaign: "demo", petition: "bench-sign", ownerKey: STAFF.owner });
  const url = `${EDGE}/hub/demo`;
  const html = await (await fetchAgain(url, { headers: { Cookie: `rally_hub=${token}` } })).text();
  const browser = await launch();
  console.log(`\n## The hub, a leader of a full team: median of ${RUNS} first visits (ms)\n`);
  console.log(`First visit: ${brotliCompressSync(Buffer.from(html)).length.toLocaleString("en")} bytes brotli (one HTML document, nothing else; budget 60,000).\n`);
  console.log("| CPU | first card rendered | DOMContentLoaded |\n|---|---:|---:|");
  for (const throttle of [1, 4]) {
    const cards = [], dcl = [];
    for (let i = 0; i < RUNS; i++) {
      const context = await newContext(browser);
      await context.addCookies([{ name: "rally_hub", value: token, url }]);
      const p = await context.newPage();
      if (throttle > 1) await (await context.newCDPSession(p)).send("Emulation.setCPUThrottlingRate", { rate: throttle });
      await p.goto(url);
      const t = await p.evaluate(() => new Promise((resolve) => {
        new PerformanceObserver((l) => resolve(l.getEntries()[0].renderTime)).observe({ type: "element", buffered: true });
        setTimeout(() => resolve(NaN), 10_000);
      }));
      cards.push(t);
      dcl.push(await p.evaluate(() => performance.getEntriesByType("navigation")[0].domContentLoadedEventEnd));
      await context.close();
    }
    console.log(`| ${throttle === 1 ? "unthrottled" : `${throttle}x slower`} | ${median(cards).toFixed(0)} | ${median(dcl).toFixed(0)} |`);
  }
  await browser.close();
}

/** Web Push (issue 23): a new action fanned out to `N` subscribers, through the queue and the
 * consumer (VAPID and encryption in the Worker) to a local push-service stand-in that answers
 * 201 at once; and the Worker's upload size (`wrangler deploy --dry-run`). */
async function pushTable() {
  const N = Number(process.env.RALLY_BENCH_PUSH ?? 5000);
  let got = 0;
  const srv = createServer((req, res) => { req.resume(); req.on("end", () => { got++; res.writeHead(201).end(); }); });
  await new Promise((r) => srv.listen(0, "127.0.0.1", r));
  const { createECDH, randomBytes } = await import("node:crypto");
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  const run = Date.now();
  d1(`INSERT INTO push_subscriptions (campaign_id, supporter_id, endpoint, p256dh, auth, types, lang, created_at, updated_at)
      WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ${N})
      SELECT c.id, (SELECT MIN(id) FROM supporters), 'http://127.0.0.1:${srv.address().port}/push/${run}-' || i,
             '${ecdh.getPublicKey("base64url")}', '${randomBytes(16).toString("base64url")}', 15, 'en', 0, 0
      FROM campaigns c, seq WHERE c.slug = 'e2e-push'`);
  const H = { Authorization: "Bearer rs_test_push_owner_3f8a1d", "Content-Type": "application/json" };
  const list = await (await fetchAgain(`${EDGE}/api/v1/campaigns/e2e-push/staff/actions`, { headers: H })).json();
  const t0 = performance.now();
  await fetchAgain(`${EDGE}/api/v1/campaigns/e2e-push/staff/actions`, {
    method: "POST", headers: H,
    body: JSON.stringify({ title: `Bench ${run}`, how: "self", points: 1, starts_on: list.week_starts, ends_on: list.week_ends }),
  });
  const deadline = Date.now() + 600_000;
  while (got < N && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  const secs = (performance.now() - t0) / 1000;
  srv.close();
  const upload = execFileSync(`${ROOT}/node_modules/.bin/wrangler`, ["deploy", "--dry-run", "--outdir", `${process.env.RALLY_STATE}/dry-run`], {
    cwd: ROOT, encoding: "utf8", env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
  }).match(/Total Upload: ([^\n]+)/)?.[1];
  console.log("\n## Web Push fan-out: a new action to every subscriber, through queue and consumer to a local stand-in\n");
  console.log("| subscribers | delivered | seconds | pushes a second |\n|---:|---:|---:|---:|");
  console.log(`| ${N} | ${got} | ${secs.toFixed(1)} | ${(got / secs).toFixed(0)} |`);
  console.log(`\nWorker upload (\`wrangler deploy --dry-run\`): ${upload}`);
}

/** CPU seconds the local runtime's processes (workerd: the worker, its Durable Objects and local
 * D1 alike) have used so far, from /proc. */
function runtimeCpu() {
  const tick = 100; // USER_HZ on Linux
  let total = 0;
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("workerd")) continue;
      const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
      total += (Number(f[11]) + Number(f[12])) / tick;
    } catch {}
  }
  return total;
}

/**
 * A viral petition (issue 25): the same 300 new signers on a direct petition (one D1 batch a
 * signature) and on a sharded one (a Durable Object acknowledges; a drain moves hundreds to D1 in
 * one batch), alternated A B A B in one run. CPU is the local runtime's (worker, objects and
 * local D1 together, all on this machine's 2 cores); statements are the edge meter's.
 */
async function shardsTable() {
  const N = 300;
  const staffH = { Authorization: `Bearer ${STAFF.owner}` };
  const mark = () => d1("SELECT COALESCE(SUM(drains), 0) AS drains FROM shard_marks WHERE item = (SELECT 'petition:' || p.id FROM petitions p JOIN campaigns c ON c.id = p.campaign_id WHERE c.slug = 'demo' AND p.slug = 'bench-viral')")[0].drains;
  const drainNow = async () => (await fetchAgain(`${EDGE}/api/v1/campaigns/demo/staff/shards/petitions/bench-viral/drain`, { method: "POST", headers: staffH })).json();
  const counted = (slug) => d1(`SELECT p.signature_count AS n FROM petitions p JOIN campaigns c ON c.id = p.campaign_id WHERE c.slug = 'demo' AND p.slug = '${slug}'`)[0].n;
  let perBatch = 0;
  const round = async (slug, tag) => {
    const before = counted(slug);
    const drains = mark();
    const cpu = runtimeCpu();
    let statements = 0;
    let next = 0;
    const worker = async () => {
      while (next < N) {
        const i = next++;
        const r = await sign(slug, person({ email: `bench-${tag}-${process.pid}-${i}@example.org` }));
        const m = Object.fromEntries((r.headers.get("rally-meter") ?? "").split(",").map((kv) => kv.trim().split("=")));
        statements += Number(m.statements ?? 0);
      }
    };
    await Promise.all(Array.from({ length: 32 }, worker));
    if (slug === "bench-viral") {
      for (let i = 0; i < 100 && counted(slug) < before + N; i++) {
        const r = await drainNow();
        if (r.statements) perBatch = r.statements;
        await new Promise((ok) => setTimeout(ok, 200));
      }
    }
    const seconds = runtimeCpu() - cpu;
    const batches = mark() - drains;
    return { cpu: (seconds * 1000) / N, route: statements / N, batches, stored: counted(slug) - before };
  };
  const rows = { direct: [], shard: [] };
  for (let r = 0; r < 2; r++) {
    rows.direct.push(await round("bench-sign", `d${r}`));
    rows.shard.push(await round("bench-viral", `s${r}`));
  }
  // A drain batch's statements do not depend on its rows: measure one (a row, drained at once).
  if (!perBatch) {
    await sign("bench-viral", person({ email: `bench-one-${process.pid}@example.org` }));
    perBatch = (await drainNow()).statements || perBatch;
  }
  console.log(`\n## A viral petition: ${N} new signers at 32 connections, direct path vs shards (alternated, one run)\n`);
  console.log("| path | round | stored | runtime CPU ms a signature | D1 statements a signature (route + drain) | drain batches |\n|---|---:|---:|---:|---:|---:|");
  for (const [path, rs] of Object.entries(rows)) {
    rs.forEach((x, i) => {
      const drain = path === "shard" ? (x.batches * perBatch) / N : 0;
      console.log(`| ${path} | ${i + 1} | ${x.stored} | ${x.cpu.toFixed(2)} | ${(x.route + drain).toFixed(2)} (${x.route.toFixed(2)} + ${drain.toFixed(2)}) | ${x.batches} |`);
    });
  }
  console.log(`\nOne drain batch: ${perBatch} statements, however many rows (up to 500). Local requests a second are not production figures: client, worker, objects and D1 share 2 cores.`);
  for (const [path, rs] of Object.entries(rows)) {
    if (rs.some((x) => x.stored !== N)) {
      console.log(`MISMATCH: the ${path} path stored ${rs.map((x) => x.stored)} of ${N}`);
      process.exitCode = 1;
    }
  }
}

// RALLY_BENCH_ONLY=messages,throughput runs only those sections (while working on one).
const only = process.env.RALLY_BENCH_ONLY?.split(",");
const sections = { sizes, render: renderTable, hub: hubTable, push: pushTable, throughput: throughputTable, messages: messagesTable, webhooks: webhooksTable, ladder: ladderTable, scale: scaleTable, staff: staffScaleTable, "ladder-scale": ladderScaleTable, people: peopleScaleTable, shards: shardsTable };
for (const [name, run] of Object.entries(sections)) {
  if (!only || only.includes(name)) await run();
}
