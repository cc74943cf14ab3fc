import { expect } from 'chai';
import type pg from 'pg';
import { recordCustomerFollowUp } from '../../../core/actions/followups.js';
import { runSilenceCheck } from '../../../core/alerts/silence.js';
import { createPool } from '../../../core/db/pool.js';
import { deliverOutbox } from '../../../core/outbox/deliver.js';
import { startTestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import type { FakeWecom } from '../../support/fake-wecom.js';
import {
  addSilentCustomers, aMorningAfterSeed, clock, deliveredTaskIds, deps, fakeWecomWithDemoOrg, lookups, wecomClient,
} from '../jobs/jobs-helpers.js';

describe('outbox delivery', () => {
  let pool: pg.Pool;
  let url: string;
  let fake: FakeWecom;
  let t: ReturnType<typeof clock>;
  let $: ReturnType<typeof lookups>;

  beforeEach(async () => {
    ({ pool, url } = await freshDatabase(8));
    t = clock(aMorningAfterSeed());
    $ = lookups(pool);
    fake = await fakeWecomWithDemoOrg(pool, t.ms);
  });
  afterEach(() => fake.stop());

  const withWecom = (p = pool) => deps(p, t.now, wecomClient(fake));
  const statusCounts = async () => Object.fromEntries(
    (await $.rows('SELECT status, count(*)::int AS n FROM outbox GROUP BY status')).map((r) => [r.status, r.n]));

  it('sends every queued card once, recording the msgid, the response code and the send in the delivery log', async () => {
    const found = await runSilenceCheck(withWecom());
    const r = await deliverOutbox(withWecom());
    expect(r.sent).to.equal(found.messages);
    expect(r.summary).to.equal(`发送 ${found.messages} 条`);
    expect(await statusCounts()).to.deep.equal({ sent: found.messages });
    expect(fake.sent).to.have.length(found.messages as number);
    const [row] = await $.rows(`SELECT o.*, ar.response_code AS card_code, ar.card_state FROM outbox o JOIN alert_recipients ar ON ar.outbox_id = o.id LIMIT 1`);
    const wire = fake.sent.find((s) => s.msgid === row.wecom_msgid)!;
    expect(wire.body.touser).to.equal(row.recipient);
    expect(wire.body.enable_duplicate_check).to.equal(1);
    expect(row.response_code).to.equal(wire.responseCode).and.equal(row.card_code);
    expect(row.card_state).to.equal('open');
    expect(await $.count('delivery_log')).to.equal(found.messages as number);
    expect((await deliverOutbox(withWecom())).summary).to.equal('没有待发送的消息');
  });

  it('delivers each message exactly once when two deliverers run against the same database at the same time', async () => {
    await addSilentCustomers(pool, 'rep.wu', 20, t.now(), '并发');
    const found = await runSilenceCheck(withWecom());
    // Both must really be at work at once, whatever the machine's load: WeCom answers no send until worker-a has
    // claimed its first messages and worker-b, started then, has claimed others — so each sends what it claimed.
    let answer!: () => void;
    fake.holdAnswers('/cgi-bin/message/send', new Promise<void>((r) => { answer = r; }));
    const claimedBy = async (worker: string) => (await $.rows('SELECT 1 FROM outbox WHERE claimed_by = $1 LIMIT 1', [worker])).length > 0;
    const until = async (cond: () => Promise<boolean>) => { while (!(await cond())) await new Promise((r) => setTimeout(r, 20)); };
    const other = createPool(url, 6);
    try {
      const a = deliverOutbox(withWecom(), { batchSize: 7, concurrency: 3, workerId: 'worker-a' });
      await until(() => claimedBy('worker-a'));
      const b = deliverOutbox(withWecom(other), { batchSize: 7, concurrency: 3, workerId: 'worker-b' });
      await until(() => claimedBy('worker-b'));
      answer();
      const [ra, rb] = await Promise.all([a, b]);
      expect(ra.sent).to.be.greaterThan(0);
      expect(rb.sent).to.be.greaterThan(0);
      expect(ra.sent + rb.sent).to.equal(found.messages);
    } finally {
      await other.end();
    }
    const seen = deliveredTaskIds(fake);
    expect([...seen.values()].every((n) => n === 1), 'a card was shown twice').to.equal(true);
    expect(seen.size).to.equal(found.messages);
    expect(await statusCounts()).to.deep.equal({ sent: found.messages });
  });

  it('retries 45009 (frequency limit) a minute later, keeping the reason meanwhile', async () => {
    await runSilenceCheck(withWecom());
    fake.failNext('/cgi-bin/message/send', 45009);
    const first = await deliverOutbox(withWecom());
    expect(first.retrying).to.equal(1);
    const [waiting] = await $.rows(`SELECT * FROM outbox WHERE status = 'pending'`);
    expect(waiting.last_error).to.include('企业微信繁忙或触发频率限制，错误码 45009');
    expect(waiting.next_attempt_at.getTime()).to.equal(t.ms() + 60_000);
    expect(waiting.attempts).to.equal(1);
    expect((await deliverOutbox(withWecom())).sent).to.equal(0);
    t.advance(61_000);
    const later = await deliverOutbox(withWecom());
    expect(later.sent).to.equal(1);
    const [sent] = await $.rows('SELECT status, attempts, last_error FROM outbox WHERE id = $1', [waiting.id]);
    expect(sent).to.deep.equal({ status: 'sent', attempts: 2, last_error: null });
  });

  it('fails a message to a member WeCom does not know, with a reason admins see in the outbox', async () => {
    const { rows } = await pool.query(`SELECT wecom_userid, name FROM users WHERE wecom_userid <> 'rep.sun'`);
    fake.setUsers([{ id: 1, name: '公司', parentid: 0 }], rows.map((u) => ({ userid: u.wecom_userid, name: u.name, department: [1] })));
    await addSilentCustomers(pool, 'rep.sun', 1, t.now(), '离职');
    await runSilenceCheck(withWecom());
    const r = await deliverOutbox(withWecom());
    const failed = await $.rows(`SELECT recipient, last_error, failed_at FROM outbox WHERE status = 'failed'`);
    expect(failed.length).to.be.greaterThan(0);
    expect(r.failed).to.equal(failed.length);
    expect(new Set(failed.map((f) => f.recipient))).to.deep.equal(new Set(['rep.sun']));
    expect(failed[0].last_error).to.equal('接收人「rep.sun」不存在、已离职或不在应用可见范围内，错误码 81013');

    const api = await startTestApi({ pool, now: t.now });
    try {
      const asAdmin = await api.call('GET', '/api/outbox?status=failed', { as: 'admin.lin' });
      expect(asAdmin.status).to.equal(200);
      expect(asAdmin.body.total).to.equal(failed.length);
      expect(asAdmin.body.items[0]).to.include({ recipient: 'rep.sun', recipientName: '孙浩', status: 'failed', statusLabel: '发送失败' });
      expect(asAdmin.body.items[0].lastError).to.include('不存在、已离职');
      const asManager = await api.call('GET', '/api/outbox?status=failed', { as: 'mgr.li' });
      expect(asManager.body.total).to.equal(0);
    } finally {
      await api.close();
    }
  });

  it('folds warnings beyond 30 a minute to one manager into one digest card, so WeCom drops none', async () => {
    await addSilentCustomers(pool, 'rep.qian', 45, t.now(), '堆积');
    await runSilenceCheck(withWecom());
    const forLi = await $.count(`outbox WHERE recipient = 'mgr.li'`);
    expect(forLi).to.be.greaterThan(45);
    const r = await deliverOutbox(withWecom());
    expect(r.digests).to.be.at.least(2); // mgr.li and rep.qian
    const toLi = fake.sent.filter((s) => s.body.touser === 'mgr.li');
    expect(toLi).to.have.length(30);
    expect(toLi.every((s) => s.undelivered.length === 0), 'WeCom dropped a message').to.equal(true);
    const digest = toLi.find((s) => s.body.template_card.card_type === 'text_notice')!;
    const merged = await $.count(`outbox WHERE recipient = 'mgr.li' AND status = 'merged'`);
    expect(merged).to.equal(forLi - 29);
    expect(digest.body.template_card.main_title.title).to.equal(`你有${merged}条新预警待处理`);
    expect(digest.body.template_card.emphasis_content.title).to.equal(String(merged));
    const [one] = await $.rows(`SELECT o.digest_id, o.wecom_msgid, d.status FROM outbox o JOIN outbox d ON d.id = o.digest_id WHERE o.recipient = 'mgr.li' LIMIT 1`);
    expect(one).to.include({ wecom_msgid: digest.msgid, status: 'sent' });

    // a new warning within the same minute waits for the window instead of being dropped
    await addSilentCustomers(pool, 'rep.zhao', 1, t.now(), '新增');
    await runSilenceCheck(withWecom(), { full: true });
    const again = await deliverOutbox(withWecom());
    expect(again.deferred).to.equal(1);
    expect(fake.sent.filter((s) => s.body.touser === 'mgr.li')).to.have.length(30);
    t.advance(61_000);
    await deliverOutbox(withWecom());
    expect(fake.sent.filter((s) => s.body.touser === 'mgr.li')).to.have.length(31);
    expect(fake.sent.every((s) => s.undelivered.length === 0)).to.equal(true);
  });

  it('delivers after a crash between detection and delivery (a new process picks the rows up)', async () => {
    const detector = createPool(url, 2);
    const found = await runSilenceCheck(deps(detector, t.now));
    await detector.end(); // the process dies before anything is sent
    const r = await deliverOutbox(withWecom());
    expect(r.sent).to.equal(found.messages);
  });

  it('sends the rows of a worker that died mid-round once its lease has run out', async () => {
    await runSilenceCheck(withWecom());
    // a worker claims a round, then dies without sending anything
    const hung = { ...withWecom(), wecom: { ...wecomClient(fake), sendMessage: () => new Promise<never>(() => undefined) } as any };
    void deliverOutbox(hung, { batchSize: 1, maxRounds: 1, concurrency: 3, workerId: 'dies' });
    let claimed = 0;
    for (let i = 0; i < 50 && claimed === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      claimed = await $.count(`outbox WHERE claimed_by = 'dies'`);
    }
    expect(claimed).to.be.greaterThan(0);
    const before = await deliverOutbox(withWecom());
    expect(await $.count(`outbox WHERE status = 'pending'`)).to.equal(claimed);
    t.advance(61_000);
    const after = await deliverOutbox(withWecom());
    expect(after.sent).to.equal(claimed);
    expect(before.sent + after.sent).to.equal(fake.sent.length);
    expect([...deliveredTaskIds(fake).values()].every((n) => n === 1)).to.equal(true);
  });

  it('in demo mode (no WeCom) marks due messages "demo" at once: the outbox is the delivery', async () => {
    const found = await runSilenceCheck(deps(pool, t.now));
    const r = await deliverOutbox(deps(pool, t.now));
    expect(r.demo).to.equal(found.messages);
    expect(r.summary).to.equal(`演示模式：${found.messages} 条消息已记入发件箱（未配置企业微信）`);
    expect(await statusCounts()).to.deep.equal({ demo: found.messages });
    expect(fake.sent).to.have.length(0);
    const api = await startTestApi({ pool, now: t.now });
    try {
      const mine = await api.call('GET', '/api/outbox', { as: 'mgr.li' });
      expect(mine.body.items.length).to.be.greaterThan(0);
      expect(mine.body.items.every((i: any) => i.recipient === 'mgr.li' && i.statusLabel === '演示模式（已记入发件箱）')).to.equal(true);
      expect(mine.body.items[0].title).to.match(/^客户「.+」已\d+天无有效跟进$/);
    } finally {
      await api.close();
    }
  });

  it('does not send the card of an alert that was resolved while it waited for quiet hours to end', async () => {
    t.set(new Date(aMorningAfterSeed().getTime() + 13 * 3_600_000)); // 23:00
    await runSilenceCheck(withWecom());
    const [a] = await $.rows(`SELECT a.id, a.subject_id, c.owner_id FROM alerts a JOIN customers c ON c.id = a.subject_id ORDER BY a.id LIMIT 1`);
    t.advance(8 * 3_600_000); // 07:00
    await recordCustomerFollowUp(pool, {
      customerId: a.subject_id, actionId: null, userId: a.owner_id, departmentId: null, channel: 'phone', summary: '早上电话确认订单',
      payload: {}, effective: true, hasEvidence: true, reasons: [], unmet: [], at: t.now(),
    });
    t.advance(3_600_000); // 08:00: quiet hours over soon; the night run resolves it
    await runSilenceCheck(withWecom());
    t.advance(10 * 60_000);
    const r = await deliverOutbox(withWecom());
    expect(r.cancelled).to.equal(2);
    expect(await $.count(`outbox WHERE alert_id = $1 AND status = 'cancelled'`, [a.id])).to.equal(2);
    expect(fake.sent.some((s) => s.body.template_card?.task_id?.startsWith(`alert_${a.id}_`))).to.equal(false);
  });

  it('refreshes an expired access token inside the client and carries on', async () => {
    const found = await runSilenceCheck(withWecom());
    const client = wecomClient(fake);
    await deliverOutbox({ ...withWecom(), wecom: client }, { maxRounds: 1, batchSize: 2 });
    fake.expireToken();
    await deliverOutbox({ ...withWecom(), wecom: client });
    expect(await statusCounts()).to.deep.equal({ sent: found.messages });
    expect(fake.counters.gettokenCalls).to.equal(2);
  });
});
