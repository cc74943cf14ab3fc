import { expect } from 'chai';
import { logger } from '../../../core/logger.js';
import { syncOrgFromWecom } from '../../../core/org/sync-org.js';
import { HttpWecomClient } from '../../../core/wecom/http-wecom-client.js';
import { freshDatabase } from '../../support/database.js';
import { startFakeWecom, type FakeUser, type FakeWecom } from '../../support/fake-wecom.js';

const DEPTS = [
  { id: 1, name: '演示快消科技有限公司', parentid: 0 },
  { id: 2, name: '销售中心', parentid: 1 },
  { id: 3, name: '华东区', parentid: 2, department_leader: ['mgr.li'] },
  { id: 7, name: '华南区', parentid: 2, department_leader: ['mgr.huang'] },
];
const MEMBERS: FakeUser[] = [
  { userid: 'mgr.li', name: '李明', department: [3], main_department: 3, is_leader_in_dept: [1] },
  { userid: 'rep.zhao', name: '赵磊（新名）', department: [3], main_department: 3, is_leader_in_dept: [0], direct_leader: ['mgr.li'] },
  { userid: 'mgr.huang', name: '黄伟', department: [7], main_department: 7, is_leader_in_dept: [1] },
  { userid: 'rep.new', name: '新同事', department: [7], main_department: 7, is_leader_in_dept: [0] },
  { userid: 'rep.left', name: '离职同事', department: [7], main_department: 7, is_leader_in_dept: [0], status: 5 },
];

describe('organisation sync from WeCom', () => {
  let fake: FakeWecom;
  let wecom: HttpWecomClient;
  before(async () => {
    fake = await startFakeWecom({ corpId: 'wwdemo', secret: 's', agentId: 1000002 });
    fake.setUsers(DEPTS, MEMBERS);
    wecom = new HttpWecomClient({ apiBase: fake.baseUrl, corpId: 'wwdemo', agentId: 1000002, secret: 's' });
  });
  after(() => fake.stop());

  it('adds new departments and members, links managers, and deactivates members who are gone', async () => {
    const { pool } = await freshDatabase(2);
    const r = await syncOrgFromWecom(pool, wecom, { now: new Date(), logger });
    expect(r.usersCreated).to.equal(2); // mgr.huang, rep.new
    const users = new Map((await pool.query(
      `SELECT u.wecom_userid, u.name, u.role, u.active, m.wecom_userid AS manager, d.name AS dept
         FROM users u LEFT JOIN users m ON m.id = u.manager_id LEFT JOIN departments d ON d.id = u.department_id`,
    )).rows.map((row) => [row.wecom_userid, row]));
    expect(users.get('rep.zhao')).to.include({ name: '赵磊（新名）', active: true, manager: 'mgr.li', role: 'rep' });
    expect(users.get('mgr.huang')).to.include({ role: 'manager', dept: '华南区', active: true });
    expect(users.get('rep.new')).to.include({ role: 'rep', manager: 'mgr.huang' });
    expect(users.get('rep.left')).to.equal(undefined);
    // members missing from WeCom are kept, inactive, with their history
    expect(users.get('rep.zhou')).to.include({ active: false });
    const gone = (await pool.query(`SELECT count(*)::int AS n FROM events WHERE type = 'user.deactivated'`)).rows[0].n;
    expect(gone).to.equal(r.usersDeactivated);
    expect((await pool.query(`SELECT count(*)::int AS n FROM customers c JOIN users u ON u.id = c.owner_id WHERE u.wecom_userid = 'rep.zhou'`)).rows[0].n)
      .to.be.greaterThan(0);
  });

  it('changes nothing when run a second time', async () => {
    const { pool } = await freshDatabase(2);
    await syncOrgFromWecom(pool, wecom, { now: new Date(), logger });
    const snapshot = async () => (await pool.query(
      `SELECT wecom_userid, name, role, active, manager_id, department_id, updated_at FROM users ORDER BY id`)).rows;
    const depts = async () => (await pool.query('SELECT id, name, parent_id, path FROM departments ORDER BY id')).rows;
    const [u1, d1] = [await snapshot(), await depts()];
    const r = await syncOrgFromWecom(pool, wecom, { now: new Date(), logger });
    expect(r).to.include({ usersCreated: 0, usersDeactivated: 0 });
    expect(await snapshot()).to.deep.equal(u1);
    expect(await depts()).to.deep.equal(d1);
  });
});
