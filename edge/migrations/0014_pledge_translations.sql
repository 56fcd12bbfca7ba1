-- A pledge in several languages, as petitions are (0013): beside its default language's
-- statement, text and share text, the same in each of its other languages, as JSON:
-- {"es": {"title" (the statement), "body", "share_text"}}.
ALTER TABLE pledges ADD COLUMN translations TEXT NOT NULL DEFAULT '{}';
