-- The demo campaign `cargo xtask dev` serves. Idempotent: safe to apply on every start.
INSERT INTO campaigns (slug, name, created_at) VALUES ('demo', 'Friends of Riverside Park', 0)
  ON CONFLICT (slug) DO NOTHING;

INSERT INTO petitions (campaign_id, slug, title, body, target, base_goal, created_at)
SELECT id, 'save-the-park',
  'Save Riverside Park',
  'The city plans to sell Riverside Park to build a car park. Ask the council to keep it green and open to everyone.',
  'Riverside City Council', 100, 0
FROM campaigns WHERE slug = 'demo'
  ON CONFLICT (campaign_id, slug) DO NOTHING;

INSERT INTO pledges (campaign_id, slug, statement, body, starts_at, ends_at, place, base_goal, created_at)
SELECT id, 'vote-budget-day',
  'I will speak up at the council budget meeting',
  'The council votes on the park on budget day. Pledge to be there, or to send a comment.',
  1798887600000, 1798894800000, 'Riverside City Hall, 1 Main Street', 50, 0
FROM campaigns WHERE slug = 'demo'
  ON CONFLICT (campaign_id, slug) DO NOTHING;
