// Supporters as staff see them: search, one person's data, hiding a name, and erasure with the
// counts staying right.
import { test } from "node:test";
import assert from "node:assert/strict";
import { EDGE, STAFF, sign, person, eventually, storedCount, freshIp } from "./helpers.mjs";

async function session(key) {
  const res = await fetch(`${EDGE}/api/v1/staff/session`, {
    method: "POST", headers: { "Content-Type": "application/json", "CF-Connecting-IP": freshIp() }, body: JSON.stringify({ key }),
  });
  return (res.headers.get("set-cookie") ?? "").split(";")[0];
}
const staff = (cookie, path, { method = "GET", body } = {}) =>
  fetch(`${EDGE}/api/v1/campaigns/demo/staff${path}`, {
    method, headers: { Cookie: cookie, ...(body ? { "Content-Type": "application/json" } : {}) }, body: body ? JSON.stringify(body) : undefined,
  }).then(async (r) => ({ status: r.status, body: await r.json() }));

test("search a supporter, export their data, hide their name, erase them: the counts stay", async () => {
  const owner = await session(STAFF.owner);
  const who = person({ first_name: "Yara", last_name: "Ynes", show_name: true });
  const signed = await sign("e2e-erase", who);
  assert.equal(signed.status, 201);
  const token = signed.body.supporter_token;
  const before = storedCount("e2e-erase");
  const shown = await eventually(() => fetch(`${EDGE}/api/v1/campaigns/demo/petitions/e2e-erase`).then((r) => r.json()), (v) => v.recent.some((r) => r.name === "Yara Y."));
  assert.ok(shown.recent.some((r) => r.name === "Yara Y."), "listed at first, as she chose");

  const found = await staff(owner, `/supporters?q=${encodeURIComponent(who.email.toUpperCase())}`);
  assert.equal(found.status, 200);
  assert.equal(found.body.length, 1);
  const id = found.body[0].id;
  assert.deepEqual([found.body[0].first_name, found.body[0].email], ["Yara", who.email]);
  assert.ok((await staff(owner, "/supporters?q=Yar")).body.some((p) => p.id === id), "by name prefix");
  assert.equal((await staff(owner, "/supporters?q=a")).status, 422);

  const data = await staff(owner, `/supporters/${id}`);
  assert.equal(data.body.supporter.email, who.email);
  assert.deepEqual(data.body.signatures.map((s) => s.petition), ["e2e-erase"]);
  assert.ok(data.body.actions.some((a) => a.kind === "sign"));

  // A moderator hides the name; a viewer or moderator may not see people's details.
  const moderator = await session(STAFF.moderator);
  assert.equal((await staff(moderator, `/supporters?q=Yar`)).status, 403);
  const hidden = await staff(moderator, `/supporters/${id}`, { method: "PATCH", body: { hidden: true } });
  assert.deepEqual([hidden.status, hidden.body.hidden], [200, 1]);
  const recent = () => fetch(`${EDGE}/api/v1/campaigns/demo/petitions/e2e-erase`).then((r) => r.json());
  const hiddenView = await eventually(recent, (v) => !v.recent.some((r) => r.name === "Yara Y."));
  assert.ok(!hiddenView.recent.some((r) => r.name === "Yara Y."), "a hidden name leaves the recent signers");
  assert.equal((await staff(moderator, `/supporters/${id}`, { method: "DELETE" })).status, 403, "only owners erase");

  const erased = await staff(owner, `/supporters/${id}`, { method: "DELETE" });
  assert.deepEqual(erased.body, { id, signatures_kept: 1, commitments_kept: 0 });
  assert.equal(storedCount("e2e-erase"), before, "the count stays");
  const view = await eventually(() => fetch(`${EDGE}/api/v1/campaigns/demo/petitions/e2e-erase`).then((r) => r.json()), (v) => !v.recent.some((r) => r.name === "Yara Y."));
  assert.ok(!view.recent.some((r) => r.name === "Yara Y."), "the name left the public view");
  assert.equal(view.count, before);
  assert.deepEqual((await staff(owner, `/supporters?q=${encodeURIComponent(who.email)}`)).body, []);
  const after = await staff(owner, `/supporters/${id}`);
  assert.equal(after.body.supporter.first_name, "Erased");
  assert.ok(!JSON.stringify(after.body).includes(who.email), "no trace of the email");
  const me = await fetch(`${EDGE}/api/v1/campaigns/demo/me`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(me.status, 401, "their tokens stop working");
  const audit = (await staff(owner, "/audit")).body.map((e) => e.action);
  for (const a of ["erase", "hide_name", "person_export"]) assert.ok(audit.includes(a), a);
});
