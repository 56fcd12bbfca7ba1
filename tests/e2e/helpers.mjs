// Shared helpers for the black-box end-to-end tests: real Chromium (Debian's, driven by
// playwright-core) against a real local edge (wrangler dev: workerd, local D1 and KV) that
// `cargo xtask test` started at $RALLY_EDGE with throwaway state in $RALLY_STATE.
import { chromium } from "playwright-core";
import { execFileSync, spawn } from "node:child_process";
import { createServer } from "node:net";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

export const EDGE = process.env.RALLY_EDGE ?? "http://127.0.0.1:8788";
export const STATE = process.env.RALLY_STATE;
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export const CHROMIUM_ARGS = [
  "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

export function launch() {
  return chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
}

/**
 * A browser context for a visitor. The host pages live on a public https origin and the test
 * edge on loopback, so Chromium's Local Network Access check must be granted, as it would never
 * be asked for against a deployed (public) edge.
 */
export async function newContext(browser, options = {}) {
  const context = await browser.newContext(options);
  await context.grantPermissions(["local-network-access"]);
  return context;
}

let ipCounter = 0;
/** A distinct client network per call, as Cloudflare reports it in CF-Connecting-IP. */
export function freshIp() {
  ipCounter += 1;
  return `198.51.${(ipCounter >> 8) & 255}.${ipCounter & 255}`;
}

/**
 * POSTs a signature to the edge (as a remembered supporter with `token`); returns
 * `{ status, body, headers }`.
 *
 * Like a good client it always sends an Idempotency-Key and retries a request that died in
 * transit (e.g. a kept-alive socket the server closed just then) with the same key, so a retry
 * is answered as the first attempt was and never counts twice.
 */
export async function sign(petition, body, { key, ip = freshIp(), contentType = "application/json", raw, campaign = "demo", token } = {}) {
  const headers = { "Content-Type": contentType, "CF-Connecting-IP": ip };
  if (token) headers.Authorization = `Bearer ${token}`;
  headers["Idempotency-Key"] = key ?? `test-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 12)}`;
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(`${EDGE}/api/v1/campaigns/${campaign}/petitions/${petition}/signatures`, {
        method: "POST", headers, body: raw ?? JSON.stringify(body),
      });
      const text = await res.text();
      // The local runtime occasionally restarts the worker mid-request and answers, in plain
      // text, "Your worker restarted mid-request. Please try sending the request again." That
      // is a transport failure, not our answer (ours are always JSON): retry with the same key.
      if (res.status >= 500 && !(res.headers.get("content-type") ?? "").includes("json") && attempt < 3) {
        await new Promise((r) => setTimeout(r, 250));
        continue;
      }
      return { status: res.status, body: JSON.parse(text), headers: res.headers };
    } catch (e) {
      if (attempt >= 3 || !(e instanceof TypeError)) throw e;
    }
  }
}

/**
 * A caller of campaign `campaign`'s API as a supporter (`token`, sent as a bearer credential)
 * or as anyone (no token): `call(path, token, { method, body })` -> `{ status, body }`.
 */
export function campaignApi(campaign) {
  return (path, token, { method = "GET", body } = {}) =>
    fetch(`${EDGE}/api/v1/campaigns/${campaign}${path}`, {
      method,
      headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body ? { "Content-Type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    }).then(async (r) => ({ status: r.status, body: r.status === 204 ? null : await r.json() }));
}

/**
 * GETs JSON, retrying a request that died in transit (wrangler's local proxy sometimes closes a
 * kept-alive socket just as it is reused: "other side closed"). GETs are safe to repeat.
 */
export async function getJson(url, init) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await (await fetch(url, init)).json();
    } catch (e) {
      if (attempt >= 3 || !(e instanceof TypeError)) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export async function petitionState(petition) {
  return getJson(`${EDGE}/api/v1/campaigns/demo/petitions/${petition}`);
}

/** The stored count of a petition: the truth, read from D1. */
export function storedCount(petition) {
  return d1(`SELECT signature_count AS count FROM petitions WHERE slug = '${petition}'`)[0].count;
}

/**
 * Polls the public view until it shows `expected`. Public reads may be served from the KV
 * snapshot for up to 3 s (the edge's freshness window), so visibility to others is eventual.
 */
export async function publicCountBecomes(petition, expected, ms = 6000) {
  const deadline = Date.now() + ms;
  let count;
  while (Date.now() < deadline) {
    count = (await petitionState(petition)).count;
    if (count === expected) return count;
    await new Promise((r) => setTimeout(r, 200));
  }
  return count;
}

/**
 * Calls `read` until `check(value)` holds, and returns that value; when `ms` pass first it
 * throws, showing the last value it saw (a wait that runs out is a failure, never a silent
 * pass). For views the edge serves from KV snapshots, which others see within ~3 s of a change.
 */
export async function eventually(read, check, ms = 6000) {
  const deadline = Date.now() + ms;
  let value = await read();
  while (!check(value)) {
    if (Date.now() >= deadline) {
      const shown = typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value, null, 1);
      throw new Error(`eventually: still not true after ${ms} ms (${check}); last value: ${shown?.slice(0, 2000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
    value = await read();
  }
  return value;
}

/**
 * Waits until a widget on the page has taken over from the drawn first-paint form (the
 * loader marks `rally:interactive`). Before that, an element read through a locator can be
 * replaced between being found and being read.
 */
export async function interactive(p, ms = 20_000) {
  await p.waitForFunction(() => performance.getEntriesByName("rally:interactive").length > 0, null, { timeout: ms });
}

let n = 0;
/** A valid signature for a new person. */
export function person(overrides = {}) {
  n += 1;
  return {
    first_name: "Ana", last_name: "Souza", email: `ana.${process.pid}.${Date.now()}.${n}@example.org`,
    postal_code: "01310-100", country: "BR", contact_consent: true, show_name: false, ...overrides,
  };
}

/** Runs SQL against the edge's local D1 (read-only checks of what was stored). */
export function d1(sql, state = STATE) {
  for (let attempt = 1; ; attempt++) {
    try {
      const out = execFileSync(path.join(ROOT, "node_modules/.bin/wrangler"),
        ["d1", "execute", "DB", "--local", "--persist-to", state, "--json", "--command", sql],
        { cwd: ROOT, env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false",
          XDG_CONFIG_HOME: path.join(ROOT, ".cache") }, stdio: ["ignore", "pipe", "pipe"] });
      return JSON.parse(out.toString())[0].results;
    } catch (e) {
      // The running edge holds the SQLite file's write lock for a moment ("database is
      // locked"): this reader waits and tries again, as any second client would.
      const busy = /SQLITE_BUSY|database is locked/.test(`${e.stdout ?? ""}${e.stderr ?? ""}${e.message}`);
      if (!busy || attempt >= 10) throw e;
      execFileSync("sleep", ["0.2"]);
    }
  }
}

/**
 * Serves `html` as a host page on a foreign origin (no server: Playwright answers the request),
 * the way a campaign's own site would embed the widget.
 */
export async function hostPage(context, html, { origin = "https://campaign.example", path: p = "/", headers = {} } = {}) {
  await context.route(`${origin}/**`, (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === p.split("?")[0]) {
      return route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", headers, body: html });
    }
    return route.fulfill({ status: 404, body: "" });
  });
  return `${origin}${p}`;
}

export function embed(petition, extra = "") {
  return `<script async src="${EDGE}/embed.js" data-widget="petition" data-campaign="demo" data-petition="${petition}" ${extra}></script>`;
}

export function page(body, { lang = "en", head = "" } = {}) {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8">${head}<title>Host</title></head><body>${body}</body></html>`;
}

/** Fills the petition form inside the widget's shadow root (Playwright pierces open roots). */
export async function fillForm(scope, p) {
  await scope.locator("#in-first_name").fill(p.first_name);
  await scope.locator("#in-last_name").fill(p.last_name);
  await scope.locator("#in-email").fill(p.email);
  await scope.locator("#in-postal_code").fill(p.postal_code);
  await scope.locator("#in-country").selectOption(p.country);
  await scope.locator(`input[name=contact_consent][value=${p.contact_consent ? "yes" : "no"}]`).check();
  if (p.show_name) await scope.locator("input[name=show_name]").check();
}

export async function countShown(scope) {
  return Number(await scope.locator(".count strong").getAttribute("data-count"));
}

/** Staff credentials from tests/fixtures/seed.sql (test-only keys; D1 holds their hashes). */
export const STAFF = {
  owner: "rs_test_owner_0f3c9a",
  moderator: "rs_test_moderator_7d21e4",
  viewer: "rs_test_viewer_55b0c1",
  otherOwner: "rs_test_other_owner_9a8b7c",
  exportOwner: "rs_test_export_owner_4e5f6a",
  mailOwner: "rs_test_mail_owner_3b7d1f",
  refusedOwner: "rs_test_refused_owner_8c2e4a",
  hooksOwner: "rs_test_hooks_owner_6d1a2b",
  syncOwner: "rs_test_sync_owner_2f9e4c",
  turnstileOwner: "rs_test_turnstile_owner_7b1d3e",
};

/**
 * Every message the edge sent, as the local Email Service (wrangler dev) wrote it: one file per
 * part under the edge's temp folder (`cargo xtask` points it at `$RALLY_STATE/tmp`). `part` is
 * `text` or `html`; oldest first. This is the real binding's output, not a mock.
 */
export function mailbox(part = "text", state = STATE) {
  const root = path.join(state, "tmp");
  const out = [];
  if (!existsSync(root)) return out;
  // Miniflare's layout: `miniflare-<id>/email/email-<part>/` (wrangler 4.164; 4.86 said `files`).
  for (const dir of readdirSync(root).filter((d) => d.startsWith("miniflare-"))) {
    const folder = path.join(root, dir, "email", `email-${part}`);
    if (!existsSync(folder)) continue;
    for (const f of readdirSync(folder)) {
      const file = path.join(folder, f);
      out.push({ file, text: readFileSync(file, "utf8"), at: statSync(file).mtimeMs });
    }
  }
  return out.sort((a, b) => a.at - b.at);
}

/** The messages (text parts) that mention `marker` (a person's unique name, a claim's word). */
export const mailTo = (marker, part = "text", state = STATE) => mailbox(part, state).filter((m) => m.text.includes(marker));

/** Runs the edge's cron once now (`wrangler dev --test-scheduled`), as Cloudflare does every minute. */
export async function cron(base = EDGE) {
  const res = await fetch(`${base}/__scheduled?cron=*+*+*+*+*`);
  if (!res.ok) throw new Error(`cron: ${res.status} ${await res.text()}`);
}

/**
 * `fetch`, retried when the connection dies before an answer (a kept-alive socket the local
 * runtime closed just then: "other side closed"). Only for requests that are safe to repeat.
 */
export async function fetchAgain(url, init) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(url, init);
    } catch (e) {
      if (attempt >= 3 || !(e instanceof TypeError)) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** A port nothing listens on now (below 64000: wrangler's inspector takes port + 1000). */
export function freePort() {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => (port > 64_000 ? freePort().then(resolve) : resolve(port)));
    });
  });
}

/**
 * An edge of the test's own (`cargo xtask edge` on `port` with `state`, seeded like the suite's),
 * for tests that kill it; resolves with what `crash` needs once it answers.
 */
export function startOwnEdge(port, state) {
  const child = spawn("cargo", ["xtask", "edge", "--port", String(port), "--state", state,
    "--seed", "edge/seed/demo.sql", "--seed", "tests/fixtures/seed.sql"],
  { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"], detached: true });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/ready \S+ pgid (\d+)/);
      if (m) resolve({ child, group: Number(m[1]) });
    });
    child.on("exit", (code) => reject(new Error(`xtask edge exited with ${code}: ${out}`)));
  });
}

/** Kills an own edge without warning (SIGKILL to wrangler, workerd and xtask), as a crash would. */
export function crash({ child, group }) {
  try { process.kill(-group, "SIGKILL"); } catch {}
  try { process.kill(-child.pid, "SIGKILL"); } catch {}
}

/**
 * Context options for a staff member's browser on a network of its own: sign-in attempts are
 * rate limited per network (10 a minute), and the suite signs in more often than that. For
 * dashboard pages only (same origin: the header does not meet CORS).
 */
export function staffNetwork(options = {}) {
  return { ...options, extraHTTPHeaders: { "CF-Connecting-IP": freshIp(), ...(options.extraHTTPHeaders ?? {}) } };
}

/** A dashboard page signed in with staff credential `key` (in a new context of `browser`). */
export async function dashboardAs(browser, key) {
  const context = await newContext(browser, staffNetwork());
  const p = await context.newPage();
  await p.goto(`${EDGE}/dashboard/`);
  await p.locator("#key").fill(key);
  await p.locator("button[type=submit]").click();
  await p.locator("header .who").waitFor();
  return { context, page: p };
}

/** The cells of one CSV line of an export (text quoted with quotes doubled, numbers bare). */
export const cells = (line) => [...line.matchAll(/(?:^|,)(?:"((?:[^"]|"")*)"|([^,]*))/g)]
  .map((m) => (m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]));

/**
 * A staff export as the dashboard gets it: `POST .../staff/exports/:what` starts it; the edge
 * answers with the streamed route when the export fits one request, else with a background
 * job, whose file is fetched once the job is done (`onJob` sees each poll of it). Resolves with
 * the CSV's response.
 */
export async function exportCsv(campaign, what, headers, { base = EDGE, onJob = () => {}, ms = 600_000 } = {}) {
  const start = await fetch(`${base}/api/v1/campaigns/${campaign}/staff/exports/${what}`, { method: "POST", headers });
  const body = await start.json();
  if (start.status === 200 && body.stream) return fetch(`${base}${body.stream}`, { headers });
  if (start.status !== 202) throw new Error(`export ${what}: ${start.status} ${JSON.stringify(body)}`);
  const job = await eventually(async () => {
    const jobs = await getJson(`${base}/api/v1/campaigns/${campaign}/staff/export-jobs`, { headers });
    const j = jobs.find((x) => x.id === body.job.id);
    onJob(j);
    return j;
  }, (j) => j && j.status !== "running", ms);
  if (job.status !== "done") throw new Error(`export job ${job.id}: ${job.status} ${job.error ?? ""}`);
  return fetch(`${base}${job.download}`, { headers });
}

/**
 * A team leader's hub at its fullest, through the public routes only: two running campaign
 * actions (one pinned), a leader and `size - 1` members who agreed to be contacted, each of
 * whom signed `petition`. Returns the leader's supporter token (the hub's cookie value).
 */
export async function fullTeamHub({ campaign, petition, ownerKey, size = 8, base = EDGE }) {
  const post = async (url, init) => {
    const res = await fetchAgain(`${base}${url}`, { ...init, headers: { "CF-Connecting-IP": freshIp(), ...init.headers } });
    const body = await res.json();
    if (res.status >= 300) throw new Error(`${url}: ${res.status} ${JSON.stringify(body)}`);
    return body;
  };
  const staffHeaders = { Authorization: `Bearer ${ownerKey}`, "Content-Type": "application/json" };
  const list = await (await fetchAgain(`${base}/api/v1/campaigns/${campaign}/staff/actions`, { headers: staffHeaders })).json();
  const week = { starts_on: list.week_starts, ends_on: list.week_ends };
  for (const a of [{ title: "Call your representative", how: "self", points: 10, pinned: true }, { title: "Bring a friend", how: "invite" }]) {
    await post(`/api/v1/campaigns/${campaign}/staff/actions`, { method: "POST", headers: staffHeaders, body: JSON.stringify({ ...a, ...week }) });
  }
  const tokens = [];
  for (let i = 0; i < size; i++) {
    const r = await post(`/api/v1/campaigns/${campaign}/petitions/${petition}/signatures`, {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(person({ first_name: `Member${i}`, email: `team.${process.pid}.${Date.now()}.${i}@example.org` })),
    });
    tokens.push(r.supporter_token);
  }
  const hub = (token, form) => post(`/hub/${campaign}`, {
    method: "POST", headers: { Accept: "application/json", "Content-Type": "application/x-www-form-urlencoded", Cookie: `rally_hub=${token}` },
    body: new URLSearchParams(form).toString(),
  });
  await hub(tokens[0], { do: "start", name: `Full team ${Date.now() % 10000}` });
  const page = await (await fetchAgain(`${base}/hub/${campaign}`, { headers: { Cookie: `rally_hub=${tokens[0]}` } })).text();
  const invite = page.match(/\?team=([A-Z0-9]+)/)[1];
  for (const t of tokens.slice(1)) await hub(t, { do: "join", invite, leader_contact: "1" });
  return tokens[0];
}
