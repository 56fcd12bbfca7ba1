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

-- The hub's cards for the demo (once: the demo's first start), running for the next month.
INSERT INTO campaign_actions (campaign_id, title, body, link, points, how, starts_on, ends_on, pinned, translations, created_at, updated_at)
SELECT id, 'Call your councillor', 'Ask them to vote to keep Riverside Park green. Two minutes is enough.', '', 15, 'self',
  date('now', '-1 day'), date('now', '+30 day'), 1,
  '{"pt-BR":{"title":"Ligue para seu vereador","text":"Peça que votem para manter o Parque Riverside verde. Dois minutos bastam."},"es":{"title":"Llama a tu concejal","text":"Pídele que vote por mantener verde el Parque Riverside. Bastan dos minutos."}}',
  0, 0
FROM campaigns WHERE slug = 'demo' AND NOT EXISTS (SELECT 1 FROM campaign_actions a JOIN campaigns c ON c.id = a.campaign_id WHERE c.slug = 'demo');
INSERT INTO campaign_actions (campaign_id, title, body, link, points, how, item_id, starts_on, ends_on, pinned, translations, created_at, updated_at)
SELECT c.id, 'Pledge to speak up on budget day', '', '', 0, 'pledge', p.id, date('now', '-1 day'), date('now', '+30 day'), 0,
  '{"pt-BR":{"title":"Comprometa-se a falar no dia do orçamento","text":""},"es":{"title":"Comprométete a hablar el día del presupuesto","text":""}}', 0, 0
FROM campaigns c JOIN pledges p ON p.campaign_id = c.id AND p.slug = 'vote-budget-day'
WHERE c.slug = 'demo' AND (SELECT COUNT(*) FROM campaign_actions a WHERE a.campaign_id = c.id) = 1;
