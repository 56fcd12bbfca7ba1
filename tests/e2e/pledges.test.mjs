// Pledges: commit once, earn the pledge points, remind me, and add it to a calendar with a file
// that a real iCalendar parser (Mozilla's ical.js) reads back.
import { test } from "node:test";
import assert from "node:assert/strict";
import ICAL from "ical.js";
import { EDGE, person, d1, freshIp } from "./helpers.mjs";

const C = "e2e-pledges"; // its own campaign: other tests assert exact boards
const pledgeUrl = (slug) => `${EDGE}/api/v1/campaigns/${C}/pledges/${slug}`;
async function commit(slug, body, { key, raw } = {}) {
  const res = await fetch(`${pledgeUrl(slug)}/commitments`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "CF-Connecting-IP": freshIp(), ...(key ? { "Idempotency-Key": key } : {}) },
    body: raw ?? JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

test("pledge once, with a reminder, and earn the pledge points", async () => {
  const view = await (await fetch(pledgeUrl("e2e-vote"))).json();
  assert.equal(view.statement, "I will vote on 6 October; bring a friend, too");
  assert.equal(view.starts_at, 1791284400000);
  assert.equal(view.place, "Escola Estadual, Rua Augusta 1, São Paulo");
  // The view's count comes from a snapshot at most 3 s old; D1's is the one the answer moves.
  const [{ before }] = d1("SELECT commitment_count AS before FROM pledges WHERE slug = 'e2e-vote'");

  const me = person({ first_name: "Rita", last_name: "voto", show_name: true });
  const first = await commit("e2e-vote", { ...me, reminder: true }, { key: `pledge-${Date.now()}-a` });
  assert.equal(first.status, 201, JSON.stringify(first.body));
  assert.equal(first.body.status, "pledged");
  assert.equal(first.body.count, before + 1);
  assert.match(first.body.calendar.ics, /\/pledges\/e2e-vote\/calendar\.ics$/);
  assert.match(first.body.calendar.google, /^https:\/\/calendar\.google\.com\/calendar\/render\?action=TEMPLATE&text=I%20will%20vote.*&dates=20261006T110000Z\/20261006T120000Z/);

  const again = await commit("e2e-vote", { ...me, reminder: false });
  assert.deepEqual([again.status, again.body.status, again.body.count], [200, "already_pledged", before + 1]);
  const [row] = d1(`SELECT c.reminder, c.display_name FROM commitments c JOIN supporters s ON s.id = c.supporter_id WHERE s.email = '${me.email}'`);
  assert.deepEqual(row, { reminder: 1, display_name: "Rita V." }, "the reminder opt-in is recorded; a repeat changes nothing");

  const standing = await (await fetch(`${EDGE}/api/v1/campaigns/${C}/me`, { headers: { Authorization: `Bearer ${first.body.supporter_token}` } })).json();
  assert.equal(standing.points, 20, "a pledge is worth the campaign's pledge points");
  assert.equal(standing.week.actions, 1);

  // A friend who arrives through Rita's link and pledges credits her once.
  const friend = await commit("e2e-volunteer", { ...person(), ref: first.body.ref_code, reminder: false });
  assert.equal(friend.status, 201);
  assert.equal(friend.body.calendar, null, "a pledge without a date has no calendar entry");
  const after = await (await fetch(`${EDGE}/api/v1/campaigns/${C}/me`, { headers: { Authorization: `Bearer ${first.body.supporter_token}` } })).json();
  assert.equal(after.points, 20 + 50);
});

test("the calendar file is valid iCalendar for the pledge", async () => {
  const res = await fetch(`${pledgeUrl("e2e-vote")}/calendar.ics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type"), /^text\/calendar/);
  assert.match(res.headers.get("content-disposition"), /attachment; filename="e2e-vote\.ics"/);
  const text = await res.text();
  assert.ok(text.split("\r\n").every((l) => Buffer.byteLength(l) <= 75), "lines are folded at 75 octets");
  assert.ok(!text.replaceAll("\r\n", "").includes("\n"), "CRLF line breaks only");

  const cal = new ICAL.Component(ICAL.parse(text));
  assert.equal(cal.getFirstPropertyValue("version"), "2.0");
  assert.ok(cal.getFirstPropertyValue("prodid"));
  const event = new ICAL.Event(cal.getFirstSubcomponent("vevent"));
  assert.equal(event.summary, "I will vote on 6 October; bring a friend, too");
  assert.equal(event.location, "Escola Estadual, Rua Augusta 1, São Paulo");
  assert.equal(event.startDate.toJSDate().toISOString(), "2026-10-06T11:00:00.000Z");
  assert.equal(event.endDate.toJSDate().toISOString(), "2026-10-06T12:00:00.000Z");
  assert.match(event.uid, /^pledge-\d+@rally$/);
  assert.match(event.description, /Polls open 8:00–17:00\.\n\nhttp/);
  assert.ok(cal.getFirstSubcomponent("vevent").getFirstPropertyValue("dtstamp"));

  const none = await fetch(`${pledgeUrl("e2e-volunteer")}/calendar.ics`);
  assert.equal(none.status, 404);
  assert.equal((await none.json()).error.code, "not_found");
});

test("pledges refuse bad input like petitions do", async () => {
  const bad = await commit("e2e-vote", { ...person(), email: "nope" });
  assert.deepEqual([bad.status, bad.body.error.code, bad.body.error.field], [422, "invalid_email", "email"]);
  const wrong = await commit("e2e-vote", { ...person(), reminder: "yes" });
  assert.deepEqual([wrong.status, wrong.body.error.code, wrong.body.error.field], [422, "wrong_type", "reminder"]);
  const garbage = await commit("e2e-vote", null, { raw: "{" });
  assert.equal(garbage.body.error.code, "invalid_json");
  const missing = await commit("no-such-pledge", person());
  assert.equal(missing.status, 404);
});
