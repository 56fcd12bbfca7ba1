// The regions board: Brazilian supporters count for their state (from the CEP), others for
// their country until they choose a region; ties are listed in region-code order.
import { test } from "node:test";
import assert from "node:assert/strict";
import { EDGE, sign, person, eventually, campaignApi } from "./helpers.mjs";

const C = "e2e-regions";
const call = campaignApi(C);

test("supporters count for their state or country, and may choose a region", async () => {
  const at = async (p) => (await sign("board-a", p, { campaign: C })).body.supporter_token;
  const sp = await at(person({ postal_code: "01310-100", country: "BR" })); // São Paulo
  await at(person({ postal_code: "04538-133", country: "BR" }));
  await at(person({ postal_code: "20040-020", country: "BR" })); // Rio de Janeiro
  const usPerson = person({ postal_code: "90210", country: "US" }); // Beverly Hills
  const us = await at(usPerson);

  const me = await call("/me", sp);
  assert.equal(me.body.region, "BR-SP");
  const rows = (b) => b.body.entries.map((e) => [e.rank, e.name, e.points]);
  for (const period of ["all", "week"]) {
    const board = await eventually(() => call(`/leaderboards/regions?period=${period}`, sp), (b) => rows(b).length === 3);
    assert.deepEqual(rows(board), [[1, "BR-SP", 20], [2, "BR-RJ", 10], [2, "US-CA", 10]], period);
    assert.deepEqual(board.body.me, { rank: 1, name: "BR-SP", points: 20, me: true });
    assert.equal(board.body.entries[0].me, true);
  }

  // A supporter may choose another region (say, where they organise); points they earn from
  // then on count there, while what they earned before stays where it was.
  const chosen = await call("/me", us, { method: "PATCH", body: { region: "us-ny" } });
  assert.equal(chosen.body.region, "US-NY");
  assert.equal((await sign("board-b", usPerson, { campaign: C })).status, 201);
  const board = await eventually(() => call("/leaderboards/regions?period=all", us), (b) => rows(b).length === 4);
  assert.deepEqual(rows(board), [[1, "BR-SP", 20], [2, "BR-RJ", 10], [2, "US-CA", 10], [2, "US-NY", 10]]);
  assert.deepEqual(board.body.me, { rank: 2, name: "US-NY", points: 10, me: true });

  const bad = await call("/me", us, { method: "PATCH", body: { region: "Atlantis" } });
  assert.deepEqual([bad.status, bad.body.error.code, bad.body.error.field], [422, "invalid_value", "region"]);
});
