-- A petition in several languages: beside its default language's title, text, target and share
-- text, the same in each of its other languages, as JSON: {"es": {"title", "body", "target",
-- "share_text"}}. Visitors get their language when the petition has it, else the default.
ALTER TABLE petitions ADD COLUMN translations TEXT NOT NULL DEFAULT '{}';
