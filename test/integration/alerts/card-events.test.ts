import { expect } from 'chai';
import type pg from 'pg';
import { recordCustomerFollowUp } from '../../../core/actions/followups.js';
import { handleCardEvent, refreshAlertCards } from '../../../core/alerts/card-events.js';
import { runSilenceCheck } from '../../../core/alerts/silence.js';
import { sessionToken } from '../../support/session-token.js';
import { deliverOutbox } from '../../../core/outbox/deliver.js';
import { startTestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import type { FakeWecom } from '../../support/fake-wecom.js';
import { aMorningAfterSeed, clock, deps, fakeWecomWithDemoOrg, lookups, wecomClient } from '../jobs/jobs-helpers.js';

describe('alert card clicks (template_card_event)', () => {
  let pool: pg.Pool;
  let fake: FakeWecom;
  let t: ReturnType<typeof clock>;
  let $: ReturnType<typeof lookups>;
  /** Open silence alerts of rep.zhao's customers (manager mgr.li), already delivered. */
  let zhaoAlerts: number[];

  beforeEach(async () => {
    ({ pool } = await freshDatabase(6));
    t = clock(aMorningAfterSeed());
    $ = lookups(pool);
    fake = await fakeWecomWithDemoOrg(pool, t.ms);
    await runSilenceCheck(withWecom());
    await deliverOutbox(withWecom());
    zhaoAlerts = (await $.rows(
      `SELECT a.id FROM alerts a JOIN users u ON u.id = a.owner_id WHERE u.wecom_userid = 'rep.zhao' ORDER BY a.id`)).map((r) => r.id);
    expect(zhaoAlerts.length).to.be.at.least(2);
  });
  afterEach(() => fake.stop());

  const withWecom = () => deps(pool, t.now, wecomClient(fake));
  const taskIdOf = async (alertId: number, userid: string) =>
    (await $.rows(`SELECT payload->'template_card'->>'task_id' AS t FROM outbox WHERE alert_id = $1 AND recipient = $2`, [alertId, userid]))[0].t;
  const click = async (userid: string, action: 'claim' | 'resolve', alertId: number, responseCode = fake.mintResponseCode()) =>
    handleCardEvent(withWecom(), { fromUserId: userid, eventKey: `${action}:${alertId}`, taskId: await taskIdOf(alertId, userid), responseCode });

  it('a click on 认领 acknowledges the alert and updates the card of everyone who got it', async () => {
    const id = zhaoAlerts[0];
    t.advance(25 * 60_000);
    const rc = fake.mintResponseCode();
    const r = await click('mgr.li', 'claim', id, rc);
    expect(r).to.deep.equal({ handled: true, alertId: id, status: 'acknowledged', message: '已认领', replaceName: '李明已认领' });
    const [a] = await $.rows(`SELECT a.status, u.wecom_userid, a.acknowledged_at FROM alerts a JOIN users u ON u.id = a.acknowledged_by WHERE a.id = $1`, [id]);
    expect(a).to.deep.equal({ status: 'acknowledged', wecom_userid: 'mgr.li', acknowledged_at: t.now() });
    const events = await $.rows(`SELECT type, data FROM events WHERE entity_type = 'alert' AND entity_id = $1 ORDER BY id`, [id]);
    expect(events.map((e) => e.type)).to.deep.equal(['alert.opened', 'alert.acknowledged', 'alert.card_clicked']);
    expect(events[1].data).to.deep.equal({ via: 'card', responseCode: rc });

    const updates = fake.cardUpdates.map((u) => ({ to: u.body.userids, code: u.body.response_code, text: (u.body.button as any)?.replace_name }));
    const sendCode = (await $.rows(`SELECT response_code FROM outbox WHERE alert_id = $1 AND recipient = 'rep.zhao'`, [id]))[0].response_code;
    expect(updates).to.have.deep.members([
      { to: ['mgr.li'], code: rc, text: '李明已认领' },
      { to: ['rep.zhao'], code: sendCode, text: '李明已认领' },
    ]);
    const cards = await $.rows('SELECT card_state, response_code FROM alert_recipients WHERE alert_id = $1', [id]);
    expect(cards).to.deep.equal([{ card_state: 'acknowledged', response_code: null }, { card_state: 'acknowledged', response_code: null }]);
  });

  it('applies a callback WeCom repeats (same ResponseCode) only once', async () => {
    const id = zhaoAlerts[0];
    const rc = fake.mintResponseCode();
    await click('mgr.li', 'claim', id, rc);
    const again = await click('mgr.li', 'claim', id, rc);
    expect(again).to.include({ handled: true, status: 'acknowledged', message: '重复的回调，已处理过' });
    expect(await $.count(`events WHERE entity_type = 'alert' AND entity_id = $1 AND type = 'alert.card_clicked'`, [id])).to.equal(1);
    expect(fake.cardUpdates).to.have.length(2);
  });

  it('已处理 resolves the alert; a later 认领 by someone else is told who handled it', async () => {
    const id = zhaoAlerts[1];
    const r = await click('rep.zhao', 'resolve', id);
    expect(r).to.include({ handled: true, status: 'resolved', replaceName: '赵磊已处理' });
    const [a] = await $.rows('SELECT status, resolution_note FROM alerts WHERE id = $1', [id]);
    expect(a).to.deep.equal({ status: 'resolved', resolution_note: '已在企业微信卡片中标记处理' });
    expect(fake.cardUpdates.map((u) => (u.body.button as any).replace_name)).to.deep.equal(['赵磊已处理', '赵磊已处理']);
    const late = await click('mgr.li', 'claim', id);
    expect(late.status).to.equal('resolved');
    expect(late.message).to.match(/^该预警已由 赵磊 于 \d{1,2}月\d{1,2}日 \d{2}:\d{2} 处理$/);
  });

  it('ignores clicks from members who neither got the alert nor may handle it, and keys that are not ours', async () => {
    const id = zhaoAlerts[0];
    const r = await handleCardEvent(withWecom(), { fromUserId: 'compliance.he', eventKey: `claim:${id}`, responseCode: fake.mintResponseCode() });
    expect(r).to.deep.equal({ handled: false, alertId: id, message: '你不是这条预警的接收人，不能处理' });
    expect(await handleCardEvent(withWecom(), { fromUserId: 'mgr.li', eventKey: 'remind:123' }))
      .to.deep.equal({ handled: false, message: '不是预警卡片的按钮，已忽略' });
    expect((await $.rows('SELECT status FROM alerts WHERE id = $1', [id]))[0].status).to.equal('open');
    expect(fake.cardUpdates).to.have.length(0);
  });

  it('updates the cards when the alert is handled in the app, and when it resolves itself', async () => {
    const [viaApp, viaFollowUp] = zhaoAlerts;
    const api = await startTestApi({ pool, now: t.now, wecom: wecomClient(fake) });
    try {
      // with WeCom configured there is no dev sign-in: a session token as the OAuth callback would issue it
      const token = await sessionToken(pool, 'director.wang', { now: t.now() });
      const res = await api.call('POST', `/api/alerts/${viaApp}/acknowledge`, { body: {}, headers: { Authorization: `Bearer ${token}` } });
      expect(res.status).to.equal(200);
      for (let i = 0; i < 50 && fake.cardUpdates.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
      expect(fake.cardUpdates.map((u) => (u.body.button as any).replace_name)).to.deep.equal(['王建国已认领', '王建国已认领']);
    } finally {
      await api.close();
    }
    const [c] = await $.rows('SELECT subject_id FROM alerts WHERE id = $1', [viaFollowUp]);
    await recordCustomerFollowUp(pool, {
      customerId: c.subject_id, actionId: null, userId: await $.userId('rep.zhao'), departmentId: null, channel: 'visit',
      summary: '拜访并确认了补货计划', payload: {}, effective: true, hasEvidence: true, reasons: [], unmet: [], at: t.now(),
    });
    await runSilenceCheck(withWecom());
    const r = await refreshAlertCards(withWecom());
    expect(r).to.deep.equal({ updated: 2, failed: 0 });
    expect(fake.cardUpdates.slice(2).map((u) => (u.body.button as any).replace_name)).to.deep.equal(['已自动解除', '已自动解除']);
    expect(await refreshAlertCards(withWecom())).to.deep.equal({ updated: 0, failed: 0 });
  });
});
