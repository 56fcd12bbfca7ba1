// A million supporters and actions in the local D1 (`cargo xtask seed-scale`): the leaderboard
// and "my rank" still answer, and answer what a full scan of the table says they should.
// Latency is printed for information only; `cargo xtask bench` reports it properly.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { EDGE, ROOT, STATE, sign, person, d1 } from "./helpers.mjs";

const N = 1_000_000;
const api = async (path, token) => {
  const t = performance.now();
  const res = await fetch(`${EDGE}/api/v1/campaigns/scale${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  return { status: res.status, body: await res.json(), ms: performance.now() - t };
};

test("leaderboard and my rank stay right at a million supporters", { timeout: 600_000 }, async () => {
  execFileSync("cargo", ["xtask", "seed-scale", "--state", STATE, "--supporters", String(N)], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
  const [{ n }] = d1("SELECT COUNT(*) AS n FROM supporters WHERE campaign_id = (SELECT id FROM campaigns WHERE slug = 'scale')");
  assert.ok(n >= N, `${n} supporters`);

  const me = await sign("scale-petition", person({ first_name: "Zed", last_name: "quinn" }), { campaign: "scale" });
  assert.equal(me.status, 201);
  const token = me.body.supporter_token;

  // The top 10, against the same ordering computed by SQL over the whole table.
  const board = await api("/leaderboards/mobilisers?period=all", token);
  assert.equal(board.status, 200);
  const expected = d1(`SELECT s.points, 1 + (SELECT COUNT(*) FROM supporters o WHERE o.campaign_id = s.campaign_id AND o.points > s.points) AS rank
    FROM supporters s WHERE s.campaign_id = (SELECT id FROM campaigns WHERE slug = 'scale') AND s.listed = 1 AND s.hidden = 0 AND s.points > 0
    ORDER BY s.points DESC, s.id ASC LIMIT 10`);
  assert.deepEqual(board.body.entries.map((e) => [e.rank, e.points]), expected.map((r) => [r.rank, r.points]));

  // My rank, all time and this week, against counting the table.
  const [{ above }] = d1(`SELECT COUNT(*) AS above FROM supporters WHERE campaign_id = (SELECT id FROM campaigns WHERE slug = 'scale') AND points > 10`);
  assert.deepEqual(board.body.me, { rank: above + 1, name: "Zed Q.", points: 10, me: true });
  const mine = await api("/me", token);
  assert.equal(mine.body.rank, above + 1);
  const week = mine.body.week.week;
  const [{ wabove }] = d1(`SELECT COUNT(*) AS wabove FROM supporter_weeks WHERE campaign_id = (SELECT id FROM campaigns WHERE slug = 'scale') AND week = '${week}' AND points > 10`);
  assert.equal(mine.body.week.rank, wabove + 1);
  const weekBoard = await api("/leaderboards/mobilisers?period=week", token);
  assert.equal(weekBoard.body.me.rank, wabove + 1);
  assert.equal(weekBoard.body.entries.length, 10);
  console.log(`# at ${n} supporters: board ${board.ms.toFixed(0)} ms, week board ${weekBoard.ms.toFixed(0)} ms, me ${mine.ms.toFixed(0)} ms (one request each, cold)`);
});
