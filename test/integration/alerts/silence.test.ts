import { expect } from 'chai';
import type pg from 'pg';
import { recordCustomerFollowUp } from '../../../core/actions/followups.js';
import { runSilenceCheck } from '../../../core/alerts/silence.js';
import { verifyLink } from '../../../core/auth/session.js';
import { startTestApi } from '../../support/api-harness.js';
import { settingsClient } from '../settings/support/settings-client.js';
import { freshDatabase } from '../../support/database.js';
import { addSilentCustomers, aMorningAfterSeed, clock, DAY, deps, lookups, PUBLIC_URL, SECRET, silentCustomerIds } from '../jobs/jobs-helpers.js';

describe('silence check (沉默客户)', () => {
  let pool: pg.Pool;
  let t: ReturnType<typeof clock>;
  let $: ReturnType<typeof lookups>;

  beforeEach(async () => {
    ({ pool } = await freshDatabase(6));
    t = clock(aMorningAfterSeed());
    $ = lookups(pool);
  });

  it('raises one alert per silent customer, to the owner and the owner\'s manager, with a card each', async () => {
    const silent = await silentCustomerIds(pool, t.now(), 7);
    expect(silent.length).to.be.at.least(5);
    const r = await runSilenceCheck(deps(pool, t.now));
    expect(r).to.include({ rule: 'silence', opened: silent.length, messages: silent.length * 2 });
    expect(r.summary).to.include('沉默客户检查').and.include(`新增预警 ${silent.length} 条`);

    const alerts = await $.rows(`SELECT * FROM alerts WHERE rule_code = 'silence' ORDER BY subject_id`);
    expect(alerts.map((a) => a.subject_id)).to.deep.equal(silent);
    const a = alerts.find((x) => x.data.neverFollowedUp === false)!;
    expect(a.status).to.equal('open');
    expect(a.dedupe_key).to.match(new RegExp(`^silence:${a.subject_id}:\\d{4}-\\d{2}-\\d{2}$`));
    expect(a.title).to.match(/^客户「.+」已\d+天无有效跟进$/);
    expect(a.data).to.include.keys('customer', 'owner', 'manager', 'since', 'silentDays', 'why', 'opportunities');
    expect(a.data.thresholdDays).to.equal(7);

    const recipients = await $.rows(
      `SELECT u.wecom_userid, ar.role_reason, o.recipient, o.status, o.payload FROM alert_recipients ar
         JOIN users u ON u.id = ar.user_id JOIN outbox o ON o.id = ar.outbox_id WHERE ar.alert_id = $1 ORDER BY ar.role_reason`, [a.id]);
    const owner = a.data.owner.userid;
    expect(recipients.map((x) => [x.role_reason, x.recipient])).to.deep.equal([['manager', a.data.manager.userid], ['owner', owner]]);
    const card = recipients[0].payload.template_card;
    expect(card.card_type).to.equal('button_interaction');
    expect(card.button_list.map((b: any) => [b.text, b.key])).to.deep.equal([['认领', `claim:${a.id}`], ['已处理', `resolve:${a.id}`]]);
    const url = new URL(card.card_action.url);
    expect(`${url.origin}${url.pathname}`).to.equal(`${PUBLIC_URL}/alerts/${a.id}`);
    expect(verifyLink(SECRET, `alert:${a.id}`, url.searchParams.get('sig')!)).to.equal(true);
    expect(card.horizontal_content_list.map((h: any) => h.keyname)).to.include.members(['客户', '业务员', '上次有效跟进', '沉默天数']);

    const opened = await $.count(`events WHERE entity_type = 'alert' AND type = 'alert.opened'`);
    expect(opened).to.equal(silent.length);
  });

  it('lists the customer\'s open opportunities on the alert (rep.zhou\'s 物美 deal)', async () => {
    const wumart = await $.customer('物美超市北京总部');
    await pool.query('UPDATE customers SET last_effective_followup_at = $2 WHERE id = $1', [wumart.id, new Date(t.ms() - 9 * DAY)]);
    await runSilenceCheck(deps(pool, t.now));
    const [a] = await $.rows(`SELECT data, summary FROM alerts WHERE rule_code = 'silence' AND subject_id = $1`, [wumart.id]);
    expect(a.data.opportunities.map((o: any) => o.name)).to.deep.equal(['物美饮料堆头合作']);
    expect(a.data.silentDays).to.equal(9);
    expect(a.summary).to.include('业务员：周婷');
  });

  it('raises once per episode: not again the same night, nor the next night', async () => {
    const first = await runSilenceCheck(deps(pool, t.now));
    const again = await runSilenceCheck(deps(pool, t.now));
    t.advance(DAY);
    const nextNight = await runSilenceCheck(deps(pool, t.now));
    expect(again).to.include({ opened: 0, messages: 0 });
    // customers who crossed 7 days overnight are new episodes; the others are not raised again
    const crossed = (await silentCustomerIds(pool, t.now(), 7)).length - (first.opened as number);
    expect(nextNight.opened).to.equal(crossed);
    expect(await $.count(`alerts WHERE rule_code = 'silence'`)).to.equal((first.opened as number) + crossed);
    expect(await $.count(`outbox WHERE alert_id IS NOT NULL`)).to.equal(((first.opened as number) + crossed) * 2);
  });

  it('looks only at what changed since the previous night, and catches the rest in the weekly full sweep', async () => {
    expect((await runSilenceCheck(deps(pool, t.now))).mode).to.equal('full');
    // an import overnight: a customer whose last effective follow-up is long past
    await addSilentCustomers(pool, 'rep.zhao', 1, t.now(), '导入', 30);
    t.advance(DAY);
    const nextNight = await runSilenceCheck(deps(pool, t.now));
    expect(nextNight.mode).to.equal('incremental');
    expect(nextNight.summary).to.include('增量');
    const imported = await $.count(`alerts a JOIN customers c ON c.id = a.subject_id WHERE c.name LIKE '导入%'`);
    expect(imported).to.equal(0);
    t.advance(6 * DAY);
    const weekly = await runSilenceCheck(deps(pool, t.now));
    expect(weekly.mode).to.equal('full');
    expect(await $.count(`alerts a JOIN customers c ON c.id = a.subject_id WHERE c.name LIKE '导入%'`)).to.equal(1);
    expect(await $.count(`alerts WHERE rule_code = 'silence'`)).to.equal((await silentCustomerIds(pool, t.now(), 7)).length);
    expect((await runSilenceCheck(deps(pool, t.now), { full: true })).opened).to.equal(0);
  });

  it('resolves itself when an effective follow-up arrives, and a later silence raises a new alert', async () => {
    await runSilenceCheck(deps(pool, t.now));
    const [a] = await $.rows(`SELECT id, subject_id, dedupe_key FROM alerts WHERE rule_code = 'silence' AND data->>'neverFollowedUp' = 'false' ORDER BY id LIMIT 1`);
    const c = (await $.rows('SELECT owner_id, department_id FROM customers WHERE id = $1', [a.subject_id]))[0];
    t.advance(2 * 3_600_000);
    await recordCustomerFollowUp(pool, {
      customerId: a.subject_id, actionId: null, userId: c.owner_id, departmentId: c.department_id, channel: 'visit',
      summary: '上门拜访采购经理，确认下月订货计划', payload: {}, effective: true, hasEvidence: true, reasons: [], unmet: [], at: t.now(),
    });
    const r = await runSilenceCheck(deps(pool, t.now));
    expect(r.resolved).to.equal(1);
    const [resolved] = await $.rows('SELECT status, resolved_by, resolved_at, resolution_note FROM alerts WHERE id = $1', [a.id]);
    expect(resolved).to.include({ status: 'resolved', resolved_by: null, resolution_note: '已有效跟进' });
    expect(resolved.resolved_at.getTime()).to.equal(t.ms());
    const [ev] = await $.rows(`SELECT actor_id, data FROM events WHERE entity_type = 'alert' AND entity_id = $1 AND type = 'alert.resolved'`, [a.id]);
    expect(ev).to.deep.include({ actor_id: null, data: { note: '已有效跟进', via: 'auto' } });

    t.advance(8 * DAY);
    const later = await runSilenceCheck(deps(pool, t.now));
    const episodes = await $.rows(`SELECT id, status, dedupe_key FROM alerts WHERE rule_code = 'silence' AND subject_id = $1 ORDER BY id`, [a.subject_id]);
    expect(episodes).to.have.length(2);
    expect(episodes[1]).to.include({ status: 'open' });
    expect(episodes[1].dedupe_key).to.not.equal(a.dedupe_key);
    expect(later.opened).to.be.at.least(1);
  });

  it('applies an admin\'s rule change (7 → 10 days) on the next run, without a restart', async () => {
    const api = await startTestApi({ pool, now: t.now });
    try {
      const settings = settingsClient(api);
      const rule = await settings.value('admin.lin', 'alerts.silence');
      const patch = await settings.save('admin.lin', 'alerts.silence', { ...rule, days: 10 });
      expect(patch.status).to.equal(200);
      const at10 = await runSilenceCheck(deps(pool, t.now));
      expect(at10.thresholdDays).to.equal(10);
      const ids10 = await silentCustomerIds(pool, t.now(), 10);
      expect((await $.rows(`SELECT subject_id FROM alerts ORDER BY subject_id`)).map((x) => x.subject_id)).to.deep.equal(ids10);

      await settings.save('admin.lin', 'alerts.silence', { ...rule, days: 7 });
      const at7 = await runSilenceCheck(deps(pool, t.now));
      const ids7 = await silentCustomerIds(pool, t.now(), 7);
      expect(at7.opened).to.equal(ids7.length - ids10.length);
      expect((await $.rows(`SELECT subject_id FROM alerts ORDER BY subject_id`)).map((x) => x.subject_id)).to.deep.equal(ids7);
    } finally {
      await api.close();
    }
  });

  it('holds the cards until the quiet hours end (21:00–08:00 Shanghai)', async () => {
    const late = new Date(aMorningAfterSeed().getTime() + 13 * 3_600_000); // 23:00 Shanghai
    t.set(late);
    const r = await runSilenceCheck(deps(pool, t.now));
    expect(r.summary).to.include('免打扰时段');
    const times = await $.rows(`SELECT DISTINCT next_attempt_at FROM outbox WHERE alert_id IS NOT NULL`);
    expect(times).to.have.length(1);
    // 08:07 the next morning, not on the hour (WeCom advises against :00 / :30)
    expect(times[0].next_attempt_at.getTime()).to.equal(late.getTime() + 9 * 3_600_000 + 7 * 60_000);
  });

  it('does nothing while the rule is disabled', async () => {
    await pool.query(`UPDATE alert_rules SET enabled = false WHERE code = 'silence'`);
    const r = await runSilenceCheck(deps(pool, t.now));
    expect(r.skipped).to.include('已停用');
    expect(await $.count('alerts')).to.equal(0);
  });

  it('never runs in two processes at once: the second one skips', async () => {
    const holder = await pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT pg_advisory_xact_lock(hashtextextended('actionflow.alerts.detect:silence', 0))`);
      const r = await runSilenceCheck(deps(pool, t.now));
      expect(r.skipped).to.equal('同一检查正在另一个进程中运行，本次跳过');
      await holder.query('ROLLBACK');
    } finally {
      holder.release();
    }
    const [a, b] = await Promise.all([runSilenceCheck(deps(pool, t.now)), runSilenceCheck(deps(pool, t.now))]);
    const silent = await silentCustomerIds(pool, t.now(), 7);
    expect((a.opened as number ?? 0) + (b.opened as number ?? 0)).to.equal(silent.length);
    expect(await $.count(`alerts`)).to.equal(silent.length);
  });
});
