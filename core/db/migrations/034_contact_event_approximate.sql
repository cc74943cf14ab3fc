-- A personnel change said only roughly (上个月, 年初) is dated by its estimate and labelled so (issue #24):
-- occurred_label is how the approximate date reads (约11月, 约2026年初); null for a day actually said.
ALTER TABLE contact_events ADD COLUMN occurred_label text CHECK (occurred_label IS NULL OR length(occurred_label) <= 20);
