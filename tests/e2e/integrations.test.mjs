// Integrations, as owners manage them through the staff API: webhook endpoints whose addresses
// are checked when saved (public https on 443 only), a secret shown once and rotatable, on/off,
// removal, the audit log. (Deliveries themselves are the next step of the integrations issue.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { EDGE, STAFF, fetchAgain } from "./helpers.mjs";

async function staff(path, key = STAFF.owner, init = {}) {
  const res = await fetchAgain(`${EDGE}/api/v1/campaigns/demo/staff${path}`, {
    ...init, headers: { Authorization: `Bearer ${key}`, ...(init.body ? { "Content-Type": "application/json" } : {}) },
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}
const save = (body, path = "/endpoints", method = "POST") => staff(path, STAFF.owner, { method, body: JSON.stringify(body) });

test("unsafe webhook addresses are refused beside the field, each with its reason", async () => {
  const cases = [
    ["http://crm.example.org/hook", /must start with https:\/\//],
    ["https://localhost/hook", /must be a public address/],
    ["https://10.0.0.1/hook", /must be a public address/],
    ["https://169.254.169.254/latest/meta-data/", /must be a public address/],
    ["https://[::1]/hook", /must be a public address/],
    ["https://crm.example.org:8443/hook", /standard https port \(443\)/],
    ["https://user:secret@crm.example.org/hook", /user name or password/],
  ];
  for (const [url, reason] of cases) {
    const res = await save({ url, events: ["signature.created"], enabled: true });
    assert.equal(res.status, 422, url);
    assert.deepEqual([res.body.error.field, res.body.error.code], ["url", "invalid_value"], url);
    assert.match(res.body.error.message, reason, url);
  }
  const both = await save({ url: "", events: ["signature.deleted"] });
  assert.deepEqual(both.body.errors.map((e) => [e.field, e.code]), [["url", "required"], ["events", "invalid_value"]]);
});

test("an owner adds an endpoint (secret shown once), rotates its secret, turns it off and removes it; others may not", async () => {
  const created = await save({ url: "https://crm.example.org/hooks/rally", events: ["supporter.erased", "signature.created"], enabled: true });
  assert.equal(created.status, 201);
  assert.match(created.body.secret, /^whsec_[0-9a-f]{64}$/);
  const { id } = created.body.endpoint;
  assert.deepEqual(created.body.endpoint.events, ["signature.created", "supporter.erased"]);
  const listed = (await staff("/endpoints")).body.find((e) => e.id === id);
  assert.equal(listed.url, "https://crm.example.org/hooks/rally");
  assert.ok(!JSON.stringify(listed).includes("whsec_"), "the secret is never shown again");

  const rotated = await staff(`/endpoints/${id}/rotate`, STAFF.owner, { method: "POST" });
  assert.equal(rotated.status, 200);
  assert.notEqual(rotated.body.secret, created.body.secret);
  const grace = rotated.body.endpoint.previous_secret_until - Date.now();
  assert.ok(grace > 23 * 3_600_000 && grace <= 24 * 3_600_000, `the old secret signs for a day (${grace} ms)`);

  const off = await save({ url: "https://crm.example.org/hooks/rally", events: ["signature.created"], enabled: false }, `/endpoints/${id}`, "PUT");
  assert.deepEqual([off.status, off.body.enabled, off.body.events], [200, false, ["signature.created"]]);
  assert.equal((await staff("/endpoints", STAFF.moderator)).status, 403, "owners only");
  assert.equal((await staff(`/endpoints/${id}`, STAFF.owner, { method: "DELETE" })).status, 204);
  assert.equal((await staff(`/endpoints/${id}`, STAFF.owner, { method: "DELETE" })).status, 404);
  const audit = (await staff("/audit")).body.map((a) => a.action);
  for (const action of ["endpoint_create", "endpoint_rotate", "endpoint_update", "endpoint_delete"]) {
    assert.ok(audit.includes(action), action);
  }
});
