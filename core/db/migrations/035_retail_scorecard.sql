-- 门店健康度评分卡 (#21 item 6). Its metrics are computed on read from the records the
-- product keeps; the one figure no other record holds is 会员推荐: how many shoppers a
-- store's clerks recommended the membership to on a day, and how many joined. It is the
-- clerk's own count (declared, shown as such), the latest entry of a day replacing it.
CREATE TABLE retail_member_referrals (
  store_id     bigint NOT NULL REFERENCES retail_stores(customer_id),
  day          date NOT NULL,
  recommended  integer NOT NULL CHECK (recommended > 0),
  joined       integer NOT NULL CHECK (joined >= 0 AND joined <= recommended),
  clerk_id     bigint NOT NULL REFERENCES users(id),
  reported_at  timestamptz NOT NULL,
  PRIMARY KEY (store_id, day)
);
CREATE INDEX retail_member_referrals_day_idx ON retail_member_referrals (day, store_id);

-- the scorecard's period scans: stock-outs and finished patrols by time
CREATE INDEX retail_stockouts_reported_idx ON retail_stockouts (reported_at, store_id);
CREATE INDEX retail_patrols_finished_idx ON retail_patrols (finished_at, store_id) WHERE finished_at IS NOT NULL;
CREATE INDEX retail_clerk_sales_day_idx ON retail_clerk_sales (day, store_id);
CREATE INDEX retail_launches_date_idx ON retail_launches (launch_date, store_id);
