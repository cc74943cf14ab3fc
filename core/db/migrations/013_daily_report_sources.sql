-- 日报 merges, never overwrites: the bot and the app edit one report per member and day, and
-- each field keeps where its current value came from — {"obstacles": {"via": "bot", "at": …,
-- "byName": …}} — written by core/reports/daily-reports.ts.
ALTER TABLE daily_reports ADD COLUMN sources jsonb NOT NULL DEFAULT '{}';
