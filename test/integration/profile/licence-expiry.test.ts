import { expect } from 'chai';
import type pg from 'pg';
import { runLicenceExpiry } from '../../../core/alerts/licence-expiry.js';
import { addCalendarDays, shanghaiDate } from '../../../core/flow/time.js';
import { freshDatabase } from '../../support/database.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { deps } from '../jobs/jobs-helpers.js';

describe('证照到期: licences expiring within the set number of days', () => {
  let pool: pg.Pool;
  let api: TestApi;
  let cid: number;
  const today = shanghaiDate(new Date());
  const licence = async (kind: string, expiresOn: string | null) => {
    const { rows: [u] } = await pool.query(`SELECT id FROM users WHERE wecom_userid = 'rep.zhao'`);
    const { rows: [a] } = await pool.query(
      `INSERT INTO attachments (sha256, kind, mime, size, uploaded_by, customer_id) VALUES (repeat('a', 64), 'photo', 'image/jpeg', 1, $1, $2) RETURNING id`, [u.id, cid]);
    await pool.query(`UPDATE customer_licences SET superseded_at = now() WHERE customer_id = $1 AND kind = $2 AND superseded_at IS NULL`, [cid, kind]);
    return (await pool.query(
      `INSERT INTO customer_licences (customer_id, attachment_id, kind, name, expires_on, long_term) VALUES ($1, $2, $3, '华联超市股份有限公司', $4::date, $4::date IS NULL) RETURNING id`,
      [cid, a.id, kind, expiresOn])).rows[0].id;
  };
  const open = async () => (await pool.query(`SELECT title, status FROM alerts WHERE rule_code = 'licence_expiry' ORDER BY id`)).rows;

  before(async () => {
    ({ pool } = await freshDatabase());
    api = await startTestApi({ pool });
    cid = (await pool.query(`SELECT id FROM customers WHERE name = '华联超市总部'`)).rows[0].id;
  });
  after(() => api.close());

  it('alerts a licence expiring within 30 days (the default), not one further out or 长期, once', async () => {
    await licence('business_licence', addCalendarDays(today, 20));
    await licence('drug_permit', addCalendarDays(today, 45));
    await licence('medical_device_permit', null);
    const r = await runLicenceExpiry(deps(pool, () => new Date()), 30);
    expect(r.summary).to.match(/^证照到期：发现1项，新增预警1条/);
    expect(await open()).to.deep.equal([{ title: '「华联超市总部」的营业执照20天后到期', status: 'open' }]);
    expect((await runLicenceExpiry(deps(pool, () => new Date()), 30)).summary).to.match(/新增预警0条/);
  });

  it('reads how many days ahead from the setting profile.licence-expiry, which an admin changes', async () => {
    const { body: list } = await api.call('GET', '/api/settings', { as: 'admin.lin' });
    const setting = list.items.find((x: any) => x.key === 'profile.licence-expiry');
    expect(setting).to.include({ label: '证照到期提醒' });
    const put = await api.call('PUT', `/api/settings/${setting.id}`, { as: 'admin.lin', body: { scope: {}, expectedVersion: 0, value: { daysAhead: 50 }, comment: '许可证换证周期长' } });
    expect(put.status, JSON.stringify(put.body)).to.equal(200);
    const { licenceExpiryJob } = await import('../../../jobs/licence-expiry.job.js');
    const r: any = await licenceExpiryJob.run({ ...deps(pool, () => new Date()) } as any);
    expect(r.summary).to.match(/^证照到期：发现1项，新增预警1条/);
    expect((await open()).map((a) => a.title)).to.include('「华联超市总部」的药品经营许可证45天后到期');
  });

  it('resolves the alert when a newer licence of that kind is confirmed', async () => {
    await licence('business_licence', addCalendarDays(today, 3000));
    await runLicenceExpiry(deps(pool, () => new Date()), 30);
    expect((await open())[0].status).to.equal('resolved');
  });
});
