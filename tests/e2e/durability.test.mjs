// Durability: an edge killed without warning (SIGKILL to wrangler and workerd) in the middle of
// a stream of signatures loses none that it acknowledged, and counts none twice on restart.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { person, d1, freshIp, freePort, startOwnEdge, crash } from "./helpers.mjs";

const PORT = await freePort();
const startEdge = (state) => startOwnEdge(PORT, state);
const BASE = `http://127.0.0.1:${PORT}`;

async function post(body, ip) {
  const res = await fetch(`${BASE}/api/v1/campaigns/demo/petitions/e2e-durable/signatures`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "CF-Connecting-IP": ip, "Idempotency-Key": `dur-${body.email.replace(/\W/g, "")}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

test("a crash mid-load loses no acknowledged signature", { timeout: 240_000 }, async () => {
  const state = mkdtempSync(path.join(tmpdir(), "rally-durable-"));
  let edge = await startEdge(state);
  const acked = [];
  const sent = [];
  let stop = false;
  // Eight clients sign in a loop until the edge dies under them.
  const clients = Array.from({ length: 8 }, async (_, c) => {
    for (let i = 0; !stop; i++) {
      const p = person();
      sent.push(p);
      try {
        const r = await post(p, freshIp());
        if (r.status === 201) acked.push(p);
      } catch { return; } // the connection died with the edge
    }
  });
  while (acked.length < 60) await new Promise((r) => setTimeout(r, 20));
  crash(edge);
  stop = true;
  await Promise.all(clients);
  const ackedAtCrash = acked.length;
  // The kill really was mid-load: the edge is gone, and requests were cut in flight (sent and
  // never answered), so the restart has something to prove.
  await assert.rejects(fetch(`${BASE}/api/v1/health`), "the edge is down after the kill");
  assert.ok(sent.length > ackedAtCrash, `no request was in flight when the edge died (${sent.length} sent)`);

  edge = await startEdge(state);
  try {
    // Every acknowledged signature is there: retried with its key it is still "signed", never
    // "already signed" and never counted again.
    for (const p of acked) {
      const again = await post(p, freshIp());
      assert.equal(again.status, 201, `${p.email}: ${JSON.stringify(again.body)}`);
      assert.equal(again.body.status, "signed");
    }
    const res = await fetch(`${BASE}/api/v1/campaigns/demo/petitions/e2e-durable`);
    const count = (await res.json()).count;
    assert.ok(count >= ackedAtCrash, `count ${count} < acknowledged ${ackedAtCrash}`);
    assert.ok(count <= sent.length, `count ${count} > sent ${sent.length}`);
    const [row] = d1("SELECT p.signature_count AS count, (SELECT COUNT(*) FROM signatures s WHERE s.petition_id = p.id) AS rows FROM petitions p WHERE p.slug = 'e2e-durable'", state);
    assert.equal(row.count, row.rows, "the counter matches the rows after the crash");
  } finally {
    crash(edge);
    rmSync(state, { recursive: true, force: true });
  }
});
