// One supporter across actions: points, recruits that count once, weekly goals, tie-aware
// leaderboards, opting out, nicknames and revocable browser tokens, against the real edge.
import { test } from "node:test";
import assert from "node:assert/strict";
import { EDGE, sign, person, eventually, campaignApi, d1 } from "./helpers.mjs";

const C = "e2e-board";
const call = campaignApi(C);
const api = (path, { token, method, body } = {}) => call(path, token, { method, body });
const board = (period, token) => api(`/leaderboards/mobilisers?period=${period}`, { token });

// Points: 10 a signature, 50 a recruit (the defaults in migration 0002).
test("points, a recruit that counts once, ties, the weekly goal and 'you' on the board", async () => {
  const ana = person({ first_name: "Ana", last_name: "rocha" });
  const first = await sign("board-a", ana, { campaign: C });
  assert.equal(first.status, 201);
  const token = first.body.supporter_token;
  assert.match(token, /^\d+\.\d+\.[0-9a-f]{32}$/, "a new supporter gets a browser token");
  assert.ok(!token.includes("@"));

  // Bia and Caio arrive through Ana's link; Bia signs twice, which recruits her only once.
  const bia = person({ first_name: "Bia", last_name: "souza", ref: first.body.ref_code });
  const caio = person({ first_name: "Caio", last_name: "melo", ref: first.body.ref_code });
  assert.equal((await sign("board-a", bia, { campaign: C })).status, 201);
  assert.equal((await sign("board-b", bia, { campaign: C })).status, 201);
  const again = await sign("board-b", caio, { campaign: C });
  assert.equal(again.status, 201);
  assert.equal((await sign("board-b", { ...caio, ref: null }, { campaign: C })).body.status, "already_signed");
  assert.equal((await sign("board-c", ana, { campaign: C })).body.supporter_token, undefined,
    "an existing supporter is not handed a token just for knowing the email");

  const me = await api("/me", { token });
  assert.equal(me.status, 200);
  assert.deepEqual(me.body.points, 10 + 10 + 50 + 50, "two signatures and two recruits");
  assert.equal(me.body.name, "Ana R.");
  assert.equal(me.body.rank, 1);
  assert.match(me.body.week.week, /^\d{4}-W\d{2}$/);
  assert.deepEqual({ actions: me.body.week.actions, goal: me.body.week.goal }, { actions: 4, goal: 3 });
  const recruits = await (await fetch(`${EDGE}/api/v1/campaigns/${C}/referrals/${first.body.ref_code}`)).json();
  assert.equal(recruits.recruits, 2, "Bia counted once");

  // Bia has 20, Caio 10: ranks 1, 2, 3; Dora then ties Caio and shares his rank, listed after him.
  assert.equal((await sign("board-a", person({ first_name: "Dora", last_name: "lins" }), { campaign: C })).status, 201);
  const rowsOf = (b) => b.body.entries.map((e) => [e.rank, e.name, e.points, e.me]);
  for (const period of ["all", "week"]) {
    // Boards are KV snapshots, fresh within ~3 s for everyone but the asker's own row.
    const b = await eventually(() => board(period, token), (b) => rowsOf(b).length === 4);
    assert.equal(b.status, 200);
    const rows = rowsOf(b);
    assert.deepEqual(rows, [
      [1, "Ana R.", 120, true],
      [2, "Bia S.", 20, false],
      [3, "Caio M.", 10, false],
      [3, "Dora L.", 10, false],
    ], `${period}: ${JSON.stringify(b.body)}`);
    assert.deepEqual(b.body.me, { rank: 1, name: "Ana R.", points: 120, me: true });
  }
  const anonymous = await board("all");
  assert.equal(anonymous.body.me, null);
  assert.ok(!JSON.stringify(anonymous.body).includes("@"));

  // Opting out removes the name from public boards; the rank still counts everyone.
  const out = await api("/me", { token, method: "PATCH", body: { listed: false } });
  assert.equal(out.status, 200);
  assert.equal(out.body.listed, false);
  const namesOf = (b) => b.body.entries.map((e) => [e.rank, e.name]);
  const after = await eventually(() => board("all"), (b) => namesOf(b).length === 3);
  assert.deepEqual(namesOf(after), [[2, "Bia S."], [3, "Caio M."], [3, "Dora L."]]);
  const mine = await board("all", token);
  assert.deepEqual(mine.body.me, { rank: 1, name: "Ana R.", points: 120, me: true }, "she still sees her own rank");

  // A nickname replaces first name and initial; markup is kept as text for the client to escape.
  const nick = await api("/me", { token, method: "PATCH", body: { listed: true, nickname: "<b>Aninha</b>" } });
  assert.equal(nick.body.name, "<b>Aninha</b>");
  const renamed = await eventually(() => board("all"), (b) => b.body.entries[0]?.name === "<b>Aninha</b>");
  assert.equal(renamed.body.entries[0].name, "<b>Aninha</b>");
  const bad = await api("/me", { token, method: "PATCH", body: { nickname: "http://spam.example" } });
  assert.deepEqual([bad.status, bad.body.error.code, bad.body.error.field], [422, "invalid_value", "nickname"]);
  assert.equal((await api("/me", { token, method: "PATCH", body: { nickname: null } })).body.name, "Ana R.");

  // Forgetting this browser revokes the token everywhere.
  assert.equal((await api("/me/token", { token, method: "DELETE" })).status, 204);
  const revoked = await api("/me", { token });
  assert.deepEqual([revoked.status, revoked.body.error.code], [401, "unauthorized"]);
});

test("tokens are bound to their campaign and cannot be forged", async () => {
  const s = await sign("board-a", person(), { campaign: C });
  const token = s.body.supporter_token;
  const [id, version, mac] = token.split(".");
  for (const forged of [`${Number(id) + 1}.${version}.${mac}`, `${id}.${version}.${"0".repeat(32)}`, "garbage", ""]) {
    const r = await api("/me", { token: forged });
    assert.equal(r.status, 401, forged);
    assert.equal(r.body.error.code, "unauthorized");
  }
  const other = await fetch(`${EDGE}/api/v1/campaigns/e2e-other/me`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(other.status, 401, "a token of one campaign means nothing in another");
  const noToken = await api("/me");
  assert.equal(noToken.status, 401);
});

test("boards refuse unknown periods and campaigns with JSON errors", async () => {
  const r = await board("month");
  assert.deepEqual([r.status, r.body.error.code, r.body.error.field], [422, "invalid_value", "period"]);
  const missing = await fetch(`${EDGE}/api/v1/campaigns/no-such-campaign/leaderboards/mobilisers`);
  assert.equal(missing.status, 404);
  assert.equal((await missing.json()).error.code, "not_found");
  const other = await fetch(`${EDGE}/api/v1/campaigns/e2e-other/leaderboards/mobilisers`);
  assert.deepEqual((await other.json()).entries, [], "boards are per campaign");
});

test("board snapshots: fresh within seconds for everyone, at once for the supporter's own row", async () => {
  const s = await sign("board-c", person({ first_name: "Quick", last_name: "fresh" }), { campaign: C });
  const token = s.body.supporter_token;
  const mine = await board("all", token);
  assert.equal(mine.body.me.points, 10, "the asker's own row is read fresh");
  const seen = await eventually(() => board("all"), (b) => b.body.entries.some((e) => e.name === "Quick F."), 8000);
  assert.ok(seen.body.entries.some((e) => e.name === "Quick F."), "others see the change once the snapshot refreshes");
});

test("a remembered supporter signs with their token instead of their details; a bad token is refused", async () => {
  const who = person({ first_name: "Rosa", last_name: "Reis", contact_consent: false });
  const first = await sign("board-a", who, { campaign: C });
  assert.equal(first.status, 201);
  const token = first.body.supporter_token;
  const bare = { first_name: "", last_name: "", email: "", postal_code: "", country: "", show_name: true };
  const again = await sign("board-b", bare, { campaign: C, token });
  assert.equal(again.status, 201, JSON.stringify(again.body));
  assert.equal(again.body.supporter_token, undefined, "no new token: the supporter existed");
  const stored = d1(`SELECT s.email, s.first_name, s.contact_consent, g.display_name FROM signatures g
    JOIN supporters s ON s.id = g.supporter_id JOIN petitions p ON p.id = g.petition_id
    WHERE p.slug = 'board-b' AND s.email = '${who.email}'`);
  assert.deepEqual(stored, [{ email: who.email, first_name: "Rosa", contact_consent: 0, display_name: "Rosa R." }]);

  const forged = await sign("board-c", bare, { campaign: C, token: token.replace(/.$/, (c) => (c === "0" ? "1" : "0")) });
  assert.deepEqual([forged.status, forged.body.error.code], [401, "unauthorized"]);
  // Without a token, the empty form is explained field by field as always.
  const anonymous = await sign("board-c", bare, { campaign: C });
  assert.equal(anonymous.status, 422);
  assert.ok(anonymous.body.errors.some((e) => e.field === "email" && e.code === "required"));
});
