-- An alert's card carries the name it is counted under when the deliverer folds it into a
-- digest card (core/outbox/digest-card.ts), so the outbox needs nothing from core/alerts.
ALTER TABLE outbox ADD COLUMN digest_label text;
UPDATE outbox o SET digest_label = CASE a.rule_code
    WHEN 'silence' THEN '客户沉默'
    WHEN 'legal_review_skips' THEN '跳过法务审核'
    WHEN 'overdue_escalation' THEN '事项逾期升级'
    WHEN 'reminders' THEN '草稿与日报提醒'
    ELSE a.rule_code END
  FROM alerts a
 WHERE a.id = o.alert_id AND o.status = 'pending';
