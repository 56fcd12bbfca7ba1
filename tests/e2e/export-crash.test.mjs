// A background export survives the edge dying mid-job: the slices already committed stay, the
// lost one is queued again by the cron (its keyset boundary is in D1, its carry in R2), and the
// file holds every row exactly once. The edge here is the test's own (it is killed), with real
// local D1, R2 and Queues.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ROOT, d1, freePort, startOwnEdge, crash, cron, eventually, getJson, cells } from "./helpers.mjs";

const N = 1_000_000; // the scale seed's size
const OWNER = { Authorization: "Bearer rs_bench_scale_owner" };

test("an export job killed mid-way finishes after a restart with every row exactly once, and expires with its file", { timeout: 600_000 }, async () => {
  const state = mkdtempSync(path.join(tmpdir(), "rally-export-crash-"));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const api = `${base}/api/v1/campaigns/scale/staff`;
  let edge = await startOwnEdge(port, state);
  try {
    execFileSync("cargo", ["xtask", "seed-scale", "--state", state, "--supporters", String(N)], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
    const [{ n, total }] = d1("SELECT COUNT(*) AS n, SUM(x.id) AS total FROM signatures x JOIN petitions p ON p.id = x.petition_id WHERE p.campaign_id = (SELECT id FROM campaigns WHERE slug = 'scale')", state);
    assert.ok(n >= N, `${n} signatures`);

    const started = await fetch(`${api}/exports/signatures`, { method: "POST", headers: OWNER });
    assert.equal(started.status, 202, "more rows than one request may read: a background job");
    const { job } = await started.json();
    assert.equal(job.rows_expected, n);

    // Some slices in, not all: kill everything (wrangler, workerd) without warning.
    const mid = await eventually(async () => (await getJson(`${api}/export-jobs`, { headers: OWNER })).find((j) => j.id === job.id),
      (j) => j.rows_done > 0, 120_000);
    assert.equal(mid.status, "running", `caught mid-job (${mid.rows_done} of ${n} rows)`);
    crash(edge);

    // The same state, a new edge: the cron finds the job idle and queues its next slice.
    edge = await startOwnEdge(port, state);
    const done = await eventually(async () => {
      await cron(base);
      return (await getJson(`${api}/export-jobs`, { headers: OWNER })).find((j) => j.id === job.id);
    }, (j) => j.status !== "running", 300_000);
    assert.equal(done.status, "done", JSON.stringify(done));
    assert.equal(done.rows_done, n, "every row counted once");

    // The file: every signature of the campaign, each exactly once.
    const res = await fetch(`${base}${done.download}`, { headers: OWNER });
    assert.equal(res.status, 200);
    const seen = new Set();
    let rows = 0, sum = 0, rest = "", header = true;
    const decoder = new TextDecoder();
    const take = (line) => {
      if (header) { header = false; assert.ok(line.startsWith("id,petition,")); return; }
      const id = Number(cells(line)[0]);
      assert.ok(!seen.has(id), `row ${id} twice`);
      seen.add(id);
      rows++;
      sum += id;
    };
    for await (const chunk of res.body) {
      const lines = (rest + decoder.decode(chunk, { stream: true })).split("\r\n");
      rest = lines.pop();
      lines.forEach(take);
    }
    if (rest) take(rest);
    assert.equal(rows, n, "every row of the database");
    assert.equal(sum, total, "the database's rows, not others");

    // Only owners and organisers start, list and download exports; each download is audited.
    const viewer = await fetch(`${api}/members`, {
      method: "POST", headers: { ...OWNER, "Content-Type": "application/json" },
      body: JSON.stringify({ name: "Vera Viewer", role: "viewer", kind: "person" }),
    });
    assert.equal(viewer.status, 201);
    const VIEWER = { Authorization: `Bearer ${(await viewer.json()).key}` };
    assert.equal((await fetch(`${api}/exports/signatures`, { method: "POST", headers: VIEWER })).status, 403);
    assert.equal((await fetch(`${api}/export-jobs`, { headers: VIEWER })).status, 403);
    assert.equal((await fetch(`${base}${done.download}`, { headers: VIEWER })).status, 403);
    const audit = await getJson(`${api}/audit`, { headers: OWNER });
    assert.ok(audit.some((e) => e.action === "export" && e.detail === `signatures (job ${job.id})`), "the download is in the audit log");
    assert.ok(audit.some((e) => e.action === "export_job" && e.detail === "signatures"), "and so is the start");

    // A day later (its expiry moved to now), the cron deletes the job and its file. (The local
    // R2 keeps each stored object's bytes as a file under the state: they go too.)
    const blobs = () => readdirSync(path.join(state, "v3/r2/rally-exports/blobs")).length;
    assert.ok(blobs() > 0, "the file is in R2");
    d1(`UPDATE export_jobs SET expires_at = 0 WHERE id = ${job.id}`, state);
    await cron(base);
    await eventually(async () => blobs(), (b) => b === 0, 10_000);
    assert.deepEqual((await getJson(`${api}/export-jobs`, { headers: OWNER })).filter((j) => j.id === job.id), [], "the job is gone");
    const gone = await fetch(`${base}${done.download}`, { headers: OWNER });
    assert.equal(gone.status, 404, "and its file with it");
  } finally {
    crash(edge);
    rmSync(state, { recursive: true, force: true });
  }
});
