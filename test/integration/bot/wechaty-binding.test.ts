import { expect } from 'chai';
import type pg from 'pg';
import { useridForWechaty } from '../../../core/resources/org.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';

/**
 * PATCH /api/users/{id}: an admin binds a member to their wechaty contact
 * (users.wechaty_id), so the wechaty transport knows who is talking.
 */
describe('binding a member to a wechaty contact (PATCH /api/users/{id})', () => {
  let pool: pg.Pool;
  let api: TestApi;
  const idOf = async (userid: string) => (await pool.query('SELECT id FROM users WHERE wecom_userid = $1', [userid])).rows[0].id as number;
  const bindingOf = async (userid: string) => (await pool.query('SELECT wechaty_id FROM users WHERE wecom_userid = $1', [userid])).rows[0].wechaty_id;
  const patch = async (as: string, userid: string | number, body: unknown) =>
    api.call('PATCH', `/api/users/${typeof userid === 'number' ? userid : await idOf(userid)}`, { as, body });

  before(async () => {
    ({ pool } = await freshDatabase(4));
    api = await startTestApi({ pool });
  });
  after(() => api.close());

  it('lets an admin bind a contact id, which the wechaty transport then resolves to the member', async () => {
    const res = await patch('admin.lin', 'rep.wu', { wechatyId: '  wxid_rep_wu_01 ' });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.include({ userid: 'rep.wu', wechatyId: 'wxid_rep_wu_01', role: 'rep' });
    expect(await bindingOf('rep.wu')).to.equal('wxid_rep_wu_01');
    expect(await useridForWechaty(pool, 'wxid_rep_wu_01')).to.equal('rep.wu');
  });

  it('shows the binding in the member directory to admins only', async () => {
    const entry = async (as: string) =>
      ((await api.call('GET', '/api/users', { as })).body.items as Array<Record<string, unknown>>).find((u) => u.userid === 'rep.wu')!;
    expect(await entry('admin.lin')).to.include({ userid: 'rep.wu', wechatyId: 'wxid_rep_wu_01' });
    expect((await entry('admin.lin')).wechatyId).to.equal(await bindingOf('rep.wu'));
    expect(await entry('mgr.li')).to.not.have.property('wechatyId');
    expect(await entry('rep.zhao')).to.not.have.property('wechatyId');
  });

  it('refuses a contact already bound to another member with 409, and changes nothing', async () => {
    const res = await patch('admin.lin', 'rep.zhou', { wechatyId: 'wxid_rep_wu_01' });
    expect(res.status).to.equal(409);
    expect(res.body.error.code).to.equal('DUPLICATE');
    expect(await bindingOf('rep.zhou')).to.equal(null);
    expect(await bindingOf('rep.wu')).to.equal('wxid_rep_wu_01');
    // binding the same member again is no conflict
    expect((await patch('admin.lin', 'rep.wu', { wechatyId: 'wxid_rep_wu_01' })).status).to.equal(200);
  });

  it('unbinds with null', async () => {
    const res = await patch('admin.lin', 'rep.wu', { wechatyId: null });
    expect(res.status).to.equal(200);
    expect(res.body.wechatyId).to.equal(null);
    expect(await useridForWechaty(pool, 'wxid_rep_wu_01')).to.equal(null);
  });

  it('writes nothing when the binding is already what was asked (unbinding an unbound member)', async () => {
    const before = (await pool.query(`SELECT updated_at FROM users WHERE wecom_userid = 'rep.wu'`)).rows[0].updated_at;
    const res = await patch('admin.lin', 'rep.wu', { wechatyId: null });
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ userid: 'rep.wu', wechatyId: null });
    expect((await pool.query(`SELECT updated_at FROM users WHERE wecom_userid = 'rep.wu'`)).rows[0].updated_at).to.deep.equal(before);
  });

  it('refuses a malformed contact id or body with 400', async () => {
    for (const body of [{ wechatyId: '' }, { wechatyId: 'has space' }, { wechatyId: 'x'.repeat(129) }, { wechatyId: 42 }, {}, { wechatyId: 'ok', name: 'x' }]) {
      const res = await patch('admin.lin', 'rep.wu', body);
      expect(res.status, JSON.stringify(body)).to.equal(400);
      expect(res.body.error.code).to.equal('VALIDATION_FAILED');
    }
    expect(await bindingOf('rep.wu')).to.equal(null);
  });

  it('is for admins only (403), and answers 404 for an unknown member', async () => {
    for (const who of ['rep.zhao', 'mgr.li', 'director.wang', 'compliance.he']) {
      const res = await patch(who, 'rep.wu', { wechatyId: 'wxid_x' });
      expect(res.status, who).to.equal(403);
    }
    expect((await patch('admin.lin', 999_999, { wechatyId: 'wxid_x' })).status).to.equal(404);
    expect(await bindingOf('rep.wu')).to.equal(null);
  });
});
