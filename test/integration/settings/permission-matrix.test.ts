import { expect } from 'chai';
import type pg from 'pg';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';

/**
 * The default permissions, written out by hand (issue #26): managers edit
 * follow-up standards and dispatch rules for their own department subtree,
 * the director edits how the company's 结果归因 report is read (#20: the
 * director reads it for everyone and decides how sure a comparison must be),
 * admins edit everything, everyone else reads only. The server's answers and
 * what the screens are told ('editable') must both match this table.
 */
const MANAGER_SUBTREE = new Set(['followup.standard', 'dispatch.due-days']);
const DIRECTOR_ORGANISATION = new Set(['reports.attribution']);
type Where = 'organisation' | 'own' | 'other' | 'parent';

function expectedStatus(role: string, key: string, where: Where, hasDepartmentScope: boolean): number {
  if (where !== 'organisation' && !hasDepartmentScope) return 422;
  if (role === 'admin') return 200;
  if (role === 'manager' && MANAGER_SUBTREE.has(key) && where === 'own') return 200;
  if (role === 'director' && DIRECTOR_ORGANISATION.has(key) && where === 'organisation') return 200;
  return 403;
}

const USERS = [
  { userid: 'rep.zhao', role: 'rep' }, { userid: 'mgr.li', role: 'manager' }, { userid: 'director.wang', role: 'director' },
  { userid: 'compliance.he', role: 'compliance' }, { userid: 'admin.lin', role: 'admin' },
];

describe('settings permission matrix: role × setting × scope', () => {
  let api: TestApi;
  let pool: pg.Pool;
  let settings: Array<{ id: string; key: string; scopes: { department: boolean; customerType: string } }>;
  const departments: Record<Exclude<Where, 'organisation'>, number> = { own: 0, other: 0, parent: 0 };

  before(async () => {
    ({ pool } = await freshDatabase());
    api = await startTestApi({ pool });
    const dept = async (name: string) => (await pool.query('SELECT id FROM departments WHERE name = $1', [name])).rows[0].id;
    // mgr.li manages 华东区; 华北区 is another region; 销售中心 is the region's parent
    Object.assign(departments, { own: await dept('华东区'), other: await dept('华北区'), parent: await dept('销售中心') });
    settings = (await api.call('GET', '/api/settings', { as: 'admin.lin' })).body.items;
  });
  after(() => api.close());

  it('covers every registered setting', () => {
    expect(settings.length).to.be.greaterThan(1);
    expect(settings.map((s) => s.key)).to.include.members(['followup.standard', 'settings.permissions']);
  });

  for (const user of USERS) {
    it(`answers ${user.userid} (${user.role}) exactly as the table says, and tells the screen the same`, async () => {
      const mismatches: string[] = [];
      for (const s of settings) {
        for (const where of ['organisation', 'own', 'other', 'parent'] as Where[]) {
          const scope = {
            ...(where === 'organisation' ? {} : { departmentId: departments[where] }),
            ...(s.scopes.customerType === 'required' ? { customerType: 'store' } : {}),
          };
          const want = expectedStatus(user.role, s.key, where, s.scopes.department);
          const query = new URLSearchParams(Object.entries(scope).map(([k, v]) => [k, String(v)])).toString();
          const current = await api.call('GET', `/api/settings/${s.id}?${query}`, { as: user.userid });
          if (want === 422) {
            if (current.status !== 422) mismatches.push(`GET ${s.id} ${where}: ${current.status}`);
            continue;
          }
          // the current value, resent: a write the permission check must pass or refuse
          const res = await api.call('PUT', `/api/settings/${s.id}`, {
            as: user.userid, body: { scope, expectedVersion: current.body.own.version, value: current.body.value },
          });
          if (res.status !== want) mismatches.push(`PUT ${s.id} ${where}: ${res.status} (want ${want}) ${JSON.stringify(res.body).slice(0, 120)}`);
          if (current.body.editable !== (want === 200)) mismatches.push(`GET ${s.id} ${where}: editable=${current.body.editable}`);
        }
      }
      expect(mismatches).to.deep.equal([]);
    });
  }

  it('answers 401 to a settings write without a session', async () => {
    expect((await api.call('PUT', '/api/settings/settings.permissions', { body: { expectedVersion: 0, value: { rules: [] } } })).status).to.equal(401);
  });
});
