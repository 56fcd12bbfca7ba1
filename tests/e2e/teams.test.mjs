// Teams in the snowflake model: a leader and up to eight members, one team per supporter,
// an invite link, leaving and handing over, and the team board.
import { test } from "node:test";
import assert from "node:assert/strict";
import { EDGE, sign, person, eventually, campaignApi } from "./helpers.mjs";

const C = "e2e-teams"; // its own campaign: boards here are not the supporters test's
const call = campaignApi(C);

/** A new supporter (signing board-a) and their token. */
async function supporter(first) {
  const s = await sign("board-a", person({ first_name: first, last_name: "team" }), { campaign: C });
  assert.equal(s.status, 201);
  return s.body.supporter_token;
}

test("a team holds its leader and seven more; the ninth is refused with a clear message", async () => {
  const leader = await supporter("Lia");
  const made = await call("/teams", leader, { method: "POST", body: { name: "  Praça  Roosevelt " } });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  assert.deepEqual([made.body.name, made.body.size, made.body.limit, made.body.leader], ["Praça Roosevelt", 1, 8, "Lia T."]);
  const invite = made.body.invite;
  assert.match(invite, /^[0-9A-Z]{8}$/);

  const members = [];
  for (let i = 0; i < 7; i++) {
    const t = await supporter(`M${i}`);
    const j = await call("/teams/join", t, { method: "POST", body: { invite } });
    assert.equal(j.status, 200, JSON.stringify(j.body));
    assert.equal(j.body.size, i + 2);
    members.push(t);
  }
  const ninth = await supporter("Nina");
  const refused = await call("/teams/join", ninth, { method: "POST", body: { invite } });
  assert.equal(refused.status, 409);
  assert.equal(refused.body.error.code, "team_full");
  assert.match(refused.body.error.message, /at most 8 members/);

  // Joining again is harmless (a retry); joining or starting another team is not allowed.
  assert.equal((await call("/teams/join", members[0], { method: "POST", body: { invite } })).body.size, 8);
  const second = await call("/teams", members[0], { method: "POST", body: { name: "Splinter" } });
  assert.deepEqual([second.status, second.body.error.code], [409, "already_in_team"]);

  // The public invite view shows the team but not its members.
  const pub = await call(`/teams/${invite}`);
  assert.deepEqual([pub.body.name, pub.body.size, pub.body.leader, pub.body.members], ["Praça Roosevelt", 8, "Lia T.", []]);
  assert.equal((await call("/teams/ZZZZZZZZ")).status, 404);

  // A member leaves: a place opens and the ninth gets in.
  assert.equal((await call("/teams/leave", members[6], { method: "POST" })).status, 204);
  assert.equal((await call("/teams/leave", members[6], { method: "POST" })).body.error.code, "not_in_team");
  const joined = await call("/teams/join", ninth, { method: "POST", body: { invite } });
  assert.equal(joined.status, 200);
  assert.equal(joined.body.size, 8);
  assert.equal(joined.body.members[0], "Lia T.", "the leader is listed first");
  assert.equal(joined.body.members.length, 8);

  // The leader leaves: the longest-standing member leads.
  assert.equal((await call("/teams/leave", leader, { method: "POST" })).status, 204);
  assert.equal((await call(`/teams/${invite}`)).body.leader, "M0 T.");
});

test("eight joiners racing for the last two places: exactly two get in", async () => {
  const leader = await supporter("Race");
  const { body } = await call("/teams", leader, { method: "POST", body: { name: "Race" } });
  for (let i = 0; i < 5; i++) {
    assert.equal((await call("/teams/join", await supporter(`R${i}`), { method: "POST", body: { invite: body.invite } })).status, 200);
  }
  const racers = await Promise.all(Array.from({ length: 8 }, (_, i) => supporter(`X${i}`)));
  const results = await Promise.all(racers.map((t) => call("/teams/join", t, { method: "POST", body: { invite: body.invite } })));
  assert.equal(results.filter((r) => r.status === 200).length, 2, JSON.stringify(results.map((r) => r.status)));
  assert.equal(results.filter((r) => r.body?.error?.code === "team_full").length, 6);
  assert.equal((await call(`/teams/${body.invite}`)).body.size, 8);
});

test("members' actions earn their team points on the team board", async () => {
  const leader = await supporter("Tia");
  const { body: team } = await call("/teams", leader, { method: "POST", body: { name: "Team points" } });
  const memberPerson = person({ first_name: "Teo", last_name: "team" });
  const m = await sign("board-a", memberPerson, { campaign: C });
  assert.equal((await call("/teams/join", m.body.supporter_token, { method: "POST", body: { invite: team.invite } })).status, 200);
  // Points earned before joining stay the member's own; new actions count for the team.
  assert.equal((await sign("board-b", memberPerson, { campaign: C })).status, 201);
  assert.equal((await sign("board-b", person({ first_name: "Ref", last_name: "erred", ref: m.body.ref_code }), { campaign: C })).status, 201);
  for (const period of ["all", "week"]) {
    const find = (b) => b.body.entries?.find((e) => e.name === "Team points");
    const board = await eventually(() => call(`/leaderboards/teams?period=${period}`, leader), (b) => find(b)?.points === 60);
    assert.equal(board.status, 200);
    const row = board.body.entries.find((e) => e.name === "Team points");
    assert.equal(row?.points, 10 + 50, `${period}: a signature and a recruit after joining: ${JSON.stringify(board.body)}`);
    assert.equal(row.me, true);
    assert.deepEqual(board.body.me, row);
    const ranks = board.body.entries.map((e) => e.rank);
    assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b), "ranks ascend");
  }
  assert.equal((await call("/leaderboards/cities")).status, 404, "an unknown board is a 404");
});
