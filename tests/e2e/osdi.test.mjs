// The OSDI API other tools pull from: API tokens owners issue with a role (OSDI-API-Token),
// HAL+JSON with _links, keyset pages walked to the end and compared with the CSV export, personal
// data for owners' and organisers' tokens only, every such read audited. (The walk at a million
// signatures is in scale.test.mjs.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { EDGE, STAFF, person, sign, fetchAgain, cells } from "./helpers.mjs";

async function staff(path, init = {}, key = STAFF.syncOwner) {
  const res = await fetchAgain(`${EDGE}/api/v1/campaigns/e2e-sync/staff${path}`, {
    ...init, headers: { Authorization: `Bearer ${key}`, ...(init.body ? { "Content-Type": "application/json" } : {}) },
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, type: res.headers.get("content-type") };
}
async function osdi(url, token) {
  const res = await fetchAgain(url.startsWith("http") ? url : `${EDGE}/api/v1/osdi${url}`, { headers: token ? { "OSDI-API-Token": token } : {} });
  return { status: res.status, body: await res.json(), type: res.headers.get("content-type") };
}
async function issue(role, kind = "api") {
  const res = await staff("/members", { method: "POST", body: JSON.stringify({ name: `OSDI ${role} ${Date.now()}`, role, kind }) });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}
/** Every item of a collection, following `_links.next` from `url`; the pages' sizes. */
async function walk(url, token, name) {
  const items = [];
  const sizes = [];
  for (let next = url; next;) {
    const page = await osdi(next, token);
    assert.equal(page.status, 200, JSON.stringify(page.body));
    const got = page.body._embedded[name];
    items.push(...got);
    sizes.push(got.length);
    next = page.body._links.next?.href;
  }
  return { items, sizes };
}

test("API tokens: issued by owners with a role, shown once, good only for the OSDI API", async () => {
  const token = await issue("organiser");
  assert.match(token.key, /^osdi_/);
  assert.equal(token.kind, "api");
  const listed = (await staff("/members")).body.find((m) => m.id === token.id);
  assert.deepEqual([listed.kind, listed.role], ["api", "organiser"]);
  assert.equal((await staff("/overview", {}, token.key)).status, 401, "an API token calls no staff route");
  const signIn = await fetchAgain(`${EDGE}/api/v1/staff/session`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ key: token.key }) });
  assert.equal(signIn.status, 401, "an API token signs nobody in");
  assert.equal((await osdi("", STAFF.syncOwner)).status, 401, "a person's credential is not an API token");
  assert.equal((await osdi("")).status, 401);
  const entry = await osdi("", token.key);
  assert.equal(entry.status, 200);
  assert.match(entry.type, /^application\/hal\+json/);
  assert.equal(entry.body.osdi_version, "1.0");
  assert.equal(entry.body._links["osdi:people"].href, `${EDGE}/api/v1/osdi/people`);
  assert.equal(entry.body._links["osdi:petitions"].href, `${EDGE}/api/v1/osdi/petitions`);
  const revoked = await staff(`/members/${token.id}`, { method: "DELETE" });
  assert.equal(revoked.status, 200);
  assert.equal((await osdi("", token.key)).status, 401, "a revoked token stops at once");
});

test("signatures walk page by page to exactly what the export holds; reads are audited; viewers see no people", { timeout: 60_000 }, async () => {
  const token = (await issue("organiser")).key;
  const viewer = (await issue("viewer")).key;
  for (let i = 0; i < 7; i++) {
    assert.equal((await sign("synced", person({ first_name: `Walker${"abcdefg"[i]}` }), { campaign: "e2e-sync" })).status, 201);
  }
  const petitions = await osdi("/petitions", viewer);
  const synced = petitions.body._embedded["osdi:petitions"].find((p) => p._links.self.href.endsWith("/petitions/synced"));
  assert.equal(synced.title, "Synced petition");
  const first = await osdi(`${synced._links["osdi:signatures"].href}?per_page=3`, token);
  assert.equal(first.body.total_records, synced.total_signatures);
  assert.match(first.body._links.next.href, /per_page=3&after=\d+$/);

  const { items, sizes } = await walk(`${synced._links["osdi:signatures"].href}?per_page=3`, token, "osdi:signatures");
  assert.ok(sizes.slice(0, -1).every((n) => n === 3) && sizes.at(-1) <= 3, `pages of 3: ${sizes}`);
  // The export of the same campaign, rows of petition `synced`.
  const csv = await (await fetchAgain(`${EDGE}/api/v1/campaigns/e2e-sync/staff/exports/signatures`, { headers: { Authorization: `Bearer ${STAFF.syncOwner}` } })).text();
  const rows = csv.trim().split("\r\n").slice(1).map(cells).filter((r) => r[1] === "synced");
  // An erased signer's signature stays, with only the person's Rally id (its row in the export
  // says "Erased").
  assert.deepEqual(items.map((s) => [s.identifiers[0], s.person.email_addresses?.[0].address ?? "(erased)"]),
    rows.map((r) => [`rally:signature-${r[0]}`, r[3] === "Erased" ? "(erased)" : r[5]]), "the same signatures, in the same order, with the same people");
  assert.equal(items.length, synced.total_signatures);
  const one = items.at(-1);
  assert.equal(one.person.given_name, "Walkerg");
  assert.equal(one.person.email_addresses[0].status, "subscribed");
  // People carry their rung on the engagement ladder (issue 21): a signer is a Supporter.
  assert.deepEqual(one.person.custom_fields, { rally_rung: "supporter" });
  assert.match(one._links["osdi:person"].href, /\/api\/v1\/osdi\/people\/\d+$/);
  const me = await osdi(one._links["osdi:person"].href, token);
  assert.deepEqual(me.body.identifiers, one.person.identifiers);

  assert.equal((await osdi("/people", viewer)).status, 403, "a viewer's token reads no personal data");
  const bad = await osdi("/people?per_page=0", token);
  assert.deepEqual([bad.status, bad.body.error.field], [422, "per_page"]);
  const audit = (await staff("/audit")).body.filter((a) => a.action === "osdi_read");
  assert.ok(audit.length >= sizes.length, `every page read is audited (${audit.length})`);
  assert.ok(audit.some((a) => /\/petitions\/synced\/signatures\?per_page=3&after=\d+/.test(a.detail)));
});

test("people page in id order; an erased person is not listed and their signature keeps only the Rally id", { timeout: 60_000 }, async () => {
  const token = (await issue("owner")).key;
  const gone = person({ first_name: "Gone" });
  assert.equal((await sign("synced", gone, { campaign: "e2e-sync" })).status, 201);
  const [{ id }] = (await staff(`/supporters?q=${encodeURIComponent(gone.email)}`)).body;
  const before = await walk("/people?per_page=5", token, "osdi:people");
  assert.ok(before.items.some((p) => p.email_addresses[0].address === gone.email));
  const ids = before.items.map((p) => Number(p.identifiers[0].split("-")[1]));
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b), "id order");
  assert.equal((await staff(`/supporters/${id}`, { method: "DELETE" })).status, 200);
  const after = await walk("/people?per_page=5", token, "osdi:people");
  assert.equal(after.items.length, before.items.length - 1);
  assert.ok(!JSON.stringify(after.items).includes(gone.email));
  assert.equal((await osdi(`/people/${id}`, token)).status, 404);
  const sigs = await walk("/petitions/synced/signatures?per_page=1000", token, "osdi:signatures");
  const theirs = sigs.items.find((s) => s.person.identifiers[0] === `rally:person-${id}`);
  assert.deepEqual(Object.keys(theirs.person).sort(), ["_links", "identifiers"]);
  const events = await osdi("/events", token);
  const ev = events.body._embedded["osdi:events"].find((e) => e.name === "synced-pledge");
  assert.equal(ev.title, "I will canvass on Saturday");
  assert.equal((await osdi("/events/synced-pledge/attendances", token)).status, 200);
});
