import { expect } from 'chai';
import type pg from 'pg';
import { freshDatabase } from '../../support/database.js';
import { startTestApi, type ApiResponse, type TestApi } from '../../support/api-harness.js';
import {
  demoUsers, exampleFor, expectError, expectUnchanged, findOperation, hasOperation, listAll, loadOpenApiOffline,
  operations, requestBodySchema, rowState, snapshotDb, type DemoUser,
} from '../../support/matrix-helpers.js';

/**
 * The permission matrix, proved over HTTP: every role × resource × verb,
 * the forbidden ones included. A verb the role lacks answers 403; a record
 * outside the caller's scope answers 404 exactly like a missing one; lists and
 * totals hold exactly the rows the scope predicts, computed here in SQL straight
 * from owners and the department tree (not through core/auth/scope.ts). Every
 * refused write leaves the database byte-for-byte unchanged.
 *
 * Cases are generated from `/openapi.json`: an operation that does not exist
 * yet produces no case (rather than a skipped one).
 */
const doc = loadOpenApiOffline();

type Who = 'rep.zhao' | 'mgr.li' | 'director.wang' | 'compliance.he' | 'admin.lin';
type Verb = 'read' | 'create' | 'update' | 'assign';
type Scope = 'own' | 'subtree' | 'all' | 'none';

/** What each role may do on the five sales resources, and over which rows (README "Roles and data scopes"). */
const ROLES: Record<Who, { verbs: Verb[]; scope: Scope; scopeLabel: string; inScopeOwner: string; outOfScopeOwners: string[] }> = {
  'rep.zhao': { verbs: ['read', 'create', 'update'], scope: 'own', scopeLabel: 'his own', inScopeOwner: 'rep.zhao', outOfScopeOwners: ['rep.zhou', 'rep.qian'] },
  'mgr.li': { verbs: ['read', 'create', 'update', 'assign'], scope: 'subtree', scopeLabel: "华东区's subtree", inScopeOwner: 'rep.qian', outOfScopeOwners: ['rep.zhou'] },
  'director.wang': { verbs: ['read', 'create', 'update', 'assign'], scope: 'all', scopeLabel: 'all', inScopeOwner: 'rep.zhou', outOfScopeOwners: [] },
  'compliance.he': { verbs: [], scope: 'none', scopeLabel: 'none', inScopeOwner: 'rep.zhao', outOfScopeOwners: [] },
  'admin.lin': { verbs: ['read'], scope: 'all', scopeLabel: 'all', inScopeOwner: 'rep.zhou', outOfScopeOwners: [] },
};
const WHO = Object.keys(ROLES) as Who[];
const can = (who: Who, verb: Verb) => ROLES[who].verbs.includes(verb);
const an = (noun: string) => `${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun}`;

/** The subtree of department $1 by walking parent_id (deliberately not the materialised path the app uses). */
const SUBTREE = `WITH RECURSIVE sub(id) AS (SELECT $1::bigint UNION ALL SELECT d.id FROM departments d JOIN sub ON d.parent_id = sub.id)`;

interface Fixtures {
  users: Record<string, DemoUser>;
  /** resource → owner userid → a record of that owner */
  record: Record<string, Record<string, number>>;
  /** owner userid → one of their customers */
  customerOf: Record<string, number>;
  seq: () => number;
}

interface ResourceSpec {
  resource: 'customers' | 'contacts' | 'leads' | 'opportunities' | 'orders';
  singular: string;
  table: string;
  notFound: string;
  ops: { list: string; get: string; create: string; update: string; assign?: string; moveStage?: string };
  /** ids in scope: `own` takes $1 = user id; `subtree` runs after SUBTREE ($1 = department id) and reads `sub`. */
  scopeSql: { own: string; subtree: string; all: string };
  /** One record owned by the user with id $1. */
  recordOf: string;
  /** A list filter naming the rows of owner `u`: must reveal nothing when `u` is out of scope. */
  filterFor: (fx: Fixtures, owner: string) => string;
  createBody: (fx: Fixtures, customerId: number) => Record<string, unknown>;
  updateBody: (fx: Fixtures) => Record<string, unknown>;
  /** Creates that name a customer: out-of-scope customers are refused with 422. */
  refersToCustomer: boolean;
}

const viaCustomer = (table: string, alias: string) => ({
  own: `SELECT ${alias}.id FROM ${table} ${alias} JOIN customers c ON c.id = ${alias}.customer_id WHERE c.owner_id = $1`,
  subtree: `SELECT ${alias}.id FROM ${table} ${alias} JOIN customers c ON c.id = ${alias}.customer_id WHERE c.department_id IN (SELECT id FROM sub)`,
  all: `SELECT id FROM ${table}`,
});
const owned = (table: string, ownerCol: string) => ({
  own: `SELECT id FROM ${table} WHERE ${ownerCol} = $1`,
  subtree: `SELECT id FROM ${table} WHERE department_id IN (SELECT id FROM sub)`,
  all: `SELECT id FROM ${table}`,
});

const RESOURCES: ResourceSpec[] = [
  {
    resource: 'customers', singular: 'customer', table: 'customers', notFound: 'CUSTOMER_NOT_FOUND',
    ops: { list: 'listCustomers', get: 'getCustomer', create: 'createCustomer', update: 'updateCustomer' },
    scopeSql: owned('customers', 'owner_id'),
    recordOf: 'SELECT min(id) AS id FROM customers WHERE owner_id = $1',
    filterFor: (fx, owner) => `ownerId=${fx.users[owner].id}`,
    createBody: (fx) => ({ name: `矩阵测试客户${fx.seq()}`, type: 'store' }),
    updateBody: (fx) => ({ address: `矩阵测试地址${fx.seq()}号` }),
    refersToCustomer: false,
  },
  {
    resource: 'contacts', singular: 'contact', table: 'contacts', notFound: 'CONTACT_NOT_FOUND',
    ops: { list: 'listContacts', get: 'getContact', create: 'createContact', update: 'updateContact' },
    scopeSql: viaCustomer('contacts', 'ct'),
    recordOf: 'SELECT min(ct.id) AS id FROM contacts ct JOIN customers c ON c.id = ct.customer_id WHERE c.owner_id = $1',
    filterFor: (fx, owner) => `customerId=${fx.customerOf[owner]}`,
    createBody: (fx, customerId) => ({ customerId, name: `矩阵联系人${fx.seq()}` }),
    updateBody: (fx) => ({ title: `矩阵职位${fx.seq()}` }),
    refersToCustomer: true,
  },
  {
    resource: 'leads', singular: 'lead', table: 'leads', notFound: 'LEAD_NOT_FOUND',
    ops: { list: 'listLeads', get: 'getLead', create: 'createLead', update: 'updateLead', assign: 'assignLead' },
    scopeSql: owned('leads', 'assignee_id'),
    recordOf: 'SELECT min(id) AS id FROM leads WHERE assignee_id = $1',
    filterFor: (fx, owner) => `assigneeId=${fx.users[owner].id}`,
    createBody: (fx) => ({ title: `矩阵线索${fx.seq()}`, company: '矩阵测试公司' }),
    updateBody: (fx) => ({ contactName: `矩阵联系人${fx.seq()}` }),
    refersToCustomer: false,
  },
  {
    resource: 'opportunities', singular: 'opportunity', table: 'opportunities', notFound: 'OPPORTUNITY_NOT_FOUND',
    ops: { list: 'listOpportunities', get: 'getOpportunity', create: 'createOpportunity', update: 'updateOpportunity', moveStage: 'moveOpportunityStage' },
    scopeSql: owned('opportunities', 'owner_id'),
    recordOf: 'SELECT min(id) AS id FROM opportunities WHERE owner_id = $1',
    filterFor: (fx, owner) => `ownerId=${fx.users[owner].id}`,
    createBody: (fx, customerId) => ({ name: `矩阵商机${fx.seq()}`, customerId }),
    updateBody: (fx) => ({ amount: 10_000 + fx.seq() }),
    refersToCustomer: true,
  },
  {
    resource: 'orders', singular: 'order', table: 'orders', notFound: 'ORDER_NOT_FOUND',
    ops: { list: 'listOrders', get: 'getOrder', create: 'createOrder', update: 'updateOrder' },
    scopeSql: viaCustomer('orders', 'o'),
    recordOf: 'SELECT min(o.id) AS id FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.owner_id = $1',
    filterFor: (fx, owner) => `customerId=${fx.customerOf[owner]}`,
    createBody: (fx, customerId) => ({ orderNo: `MX${process.pid}-${fx.seq()}`, customerId, amount: 1234.5 }),
    updateBody: (fx) => ({ dueAt: `2027-01-${String(1 + (fx.seq() % 28)).padStart(2, '0')}T10:00:00+08:00` }),
    refersToCustomer: true,
  },
];

describe('role matrix: role × resource × verb', () => {
  let pool: pg.Pool;
  let api: TestApi;
  let n = 0;
  const fx: Fixtures = { users: {}, record: {}, customerOf: {}, seq: () => ++n };

  before(async () => {
    ({ pool } = await freshDatabase(8));
    api = await startTestApi({ pool });
    fx.users = await demoUsers(pool);
    const u = fx.users;
    for (const who of WHO) await api.tokenFor(who);
    // the demo seed has no leads: two assigned in each region, one waiting in each team's pool
    await pool.query(
      `INSERT INTO leads (title, company, department_id, assignee_id, status, created_by) VALUES
         ('矩阵线索-赵', '甲公司', $1, $3, 'assigned', $6), ('矩阵线索-钱', '乙公司', $1, $4, 'assigned', $6),
         ('矩阵线索-周', '丙公司', $2, $5, 'assigned', $7), ('矩阵线索-华东池', '丁公司', $1, NULL, 'new', $6),
         ('矩阵线索-华北池', '戊公司', $2, NULL, 'new', $7)`,
      [u['rep.zhao'].departmentId, u['rep.zhou'].departmentId, u['rep.zhao'].id, u['rep.qian'].id, u['rep.zhou'].id,
        u['mgr.li'].id, u['mgr.chen'].id],
    );
    for (const spec of RESOURCES) {
      fx.record[spec.resource] = {};
      for (const owner of ['rep.zhao', 'rep.qian', 'rep.zhou']) {
        const id = (await pool.query(spec.recordOf, [u[owner].id])).rows[0]?.id;
        if (!id) throw new Error(`fixture: no ${spec.singular} of ${owner}`);
        fx.record[spec.resource][owner] = id;
      }
    }
    for (const owner of ['rep.zhao', 'rep.qian', 'rep.zhou']) fx.customerOf[owner] = fx.record.customers[owner];
  });
  after(() => api.close());

  async function expectedIds(spec: ResourceSpec, who: Who): Promise<number[]> {
    const me = fx.users[who];
    const { scope } = ROLES[who];
    if (scope === 'none') return [];
    const { rows } = scope === 'own' ? await pool.query(spec.scopeSql.own, [me.id])
      : scope === 'subtree' ? await pool.query(`${SUBTREE} ${spec.scopeSql.subtree}`, [me.departmentId])
        : await pool.query(spec.scopeSql.all);
    return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
  }

  /** Runs a write that must be refused; asserts the status/code and that no table (and not the row) changed. */
  async function expectRefusedWrite(table: string, id: number | null, send: () => Promise<ApiResponse>, status: number, code: string) {
    const before = await snapshotDb(pool);
    const row = id === null ? null : await rowState(pool, table, id);
    const res = await send();
    expectError(res, status, code);
    if (id !== null) expect(await rowState(pool, table, id), `the ${table} row ${id}`).to.deep.equal(row);
    await expectUnchanged(pool, before);
    return res;
  }

  const count = async (table: string) => (await pool.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;

  for (const spec of RESOURCES) {
    const path = findOperation(doc, spec.ops.list)?.path ?? `/api/${spec.resource}`;
    const one = (id: number | string) => `${path}/${id}`;

    describe(spec.resource, () => {
      for (const who of WHO) {
        const role = ROLES[who];
        const own = (owner: string) => (owner === who ? `his own ${spec.singular}` : `${owner}'s ${spec.singular}`);

        // list ---------------------------------------------------------------
        if (hasOperation(doc, spec.ops.list)) {
          if (can(who, 'read')) {
            it(`${who} lists exactly the ${spec.resource} in scope (${role.scopeLabel}): ids and total match SQL`, async () => {
              const expected = await expectedIds(spec, who);
              const res = await listAll(api, path, who);
              expect(res.status).to.equal(200);
              expect([...res.ids].sort((a, b) => a - b), 'visible ids').to.deep.equal(expected);
              expect(res.total, 'total').to.equal(expected.length);
              expect(new Set(res.ids).size, 'no id twice across pages').to.equal(res.ids.length);
              if (role.scope !== 'all') expect(expected.length, 'the scope is a strict subset').to.be.lessThan(await count(spec.table));
              expect(expected.length, 'the scope is not empty').to.be.greaterThan(0);
            });
            for (const other of role.outOfScopeOwners) {
              it(`${who} filtering ${spec.resource} by ${other}'s rows sees nothing (0 items, total 0)`, async () => {
                const res = await api.call('GET', `${path}?${spec.filterFor(fx, other)}`, { as: who });
                expect(res.status).to.equal(200);
                expect(res.body.items).to.deep.equal([]);
                expect(res.body.total).to.equal(0);
              });
            }
          } else {
            it(`${who} cannot list ${spec.resource} (403)`, async () => {
              expectError(await api.call('GET', path, { as: who }), 403, 'FORBIDDEN');
            });
          }
        }

        // read ---------------------------------------------------------------
        if (hasOperation(doc, spec.ops.get)) {
          if (can(who, 'read')) {
            it(`${who} reads ${own(role.inScopeOwner)} (200)`, async () => {
              const id = fx.record[spec.resource][role.inScopeOwner];
              const res = await api.call('GET', one(id), { as: who });
              expect(res.status, JSON.stringify(res.body)).to.equal(200);
              expect(res.body.id).to.equal(id);
            });
            for (const other of role.outOfScopeOwners) {
              it(`${who} cannot read ${other}'s ${spec.singular} (404, same answer as a missing one)`, async () => {
                const id = fx.record[spec.resource][other];
                const res = await api.call('GET', one(id), { as: who });
                expectError(res, 404, spec.notFound);
                const missing = await api.call('GET', one(999_999_999), { as: who });
                expect(res.body.error.message).to.equal(missing.body.error.message);
                expect(Object.keys(res.body.error.details ?? {})).to.deep.equal(Object.keys(missing.body.error.details ?? {}));
                const row: any = await rowState(pool, spec.table, id);
                for (const secret of [row.name, row.title, row.order_no].filter(Boolean)) {
                  expect(JSON.stringify(res.body), 'the 404 reveals nothing of the record').to.not.include(secret);
                }
              });
            }
          } else {
            it(`${who} cannot read ${own(role.inScopeOwner)} (403)`, async () => {
              expectError(await api.call('GET', one(fx.record[spec.resource][role.inScopeOwner]), { as: who }), 403, 'FORBIDDEN');
            });
          }
        }

        // create -------------------------------------------------------------
        if (hasOperation(doc, spec.ops.create)) {
          if (can(who, 'create')) {
            it(`${who} creates ${an(spec.singular)} (201) that lands in his own scope`, async () => {
              const rows = await count(spec.table);
              const res = await api.call('POST', path, { as: who, body: spec.createBody(fx, fx.customerOf[role.inScopeOwner]) });
              expect(res.status, JSON.stringify(res.body)).to.equal(201);
              expect(await count(spec.table)).to.equal(rows + 1);
              expect((await api.call('GET', one(res.body.id), { as: who })).status, 'the creator sees it').to.equal(200);
              expect(await expectedIds(spec, who), 'the scope SQL includes it').to.include(res.body.id);
            });
            if (spec.refersToCustomer) {
              for (const other of role.outOfScopeOwners) {
                it(`${who} cannot create ${an(spec.singular)} under ${other}'s customer (422, unchanged)`, async () => {
                  await expectRefusedWrite(spec.table, null,
                    () => api.call('POST', path, { as: who, body: spec.createBody(fx, fx.customerOf[other]) }), 422, 'REFERENCE_INVALID');
                });
              }
            }
          } else {
            it(`${who} cannot create ${an(spec.singular)} (403, unchanged)`, async () => {
              await expectRefusedWrite(spec.table, null,
                () => api.call('POST', path, { as: who, body: spec.createBody(fx, fx.customerOf[role.inScopeOwner]) }), 403, 'FORBIDDEN');
            });
          }
        }

        // update -------------------------------------------------------------
        if (hasOperation(doc, spec.ops.update)) {
          const method = findOperation(doc, spec.ops.update)!.method.toUpperCase();
          if (can(who, 'update')) {
            it(`${who} updates ${own(role.inScopeOwner)} (200)`, async () => {
              const id = fx.record[spec.resource][role.inScopeOwner];
              const body = spec.updateBody(fx);
              const res = await api.call(method, one(id), { as: who, body });
              expect(res.status, JSON.stringify(res.body)).to.equal(200);
              for (const [k, v] of Object.entries(body)) {
                expect(k.endsWith('At') ? new Date(res.body[k]).getTime() : res.body[k], k).to.deep.equal(k.endsWith('At') ? new Date(v as string).getTime() : v);
              }
            });
            for (const other of role.outOfScopeOwners) {
              it(`${who} cannot update ${other}'s ${spec.singular} (404, unchanged)`, async () => {
                const id = fx.record[spec.resource][other];
                await expectRefusedWrite(spec.table, id, () => api.call(method, one(id), { as: who, body: spec.updateBody(fx) }), 404, spec.notFound);
              });
            }
          } else {
            it(`${who} cannot update ${own(role.inScopeOwner)} (403, unchanged)`, async () => {
              const id = fx.record[spec.resource][role.inScopeOwner];
              await expectRefusedWrite(spec.table, id, () => api.call(method, one(id), { as: who, body: spec.updateBody(fx) }), 403, 'FORBIDDEN');
            });
          }
        }

        // assign (leads) -----------------------------------------------------
        const assignOp = spec.ops.assign ? findOperation(doc, spec.ops.assign) : undefined;
        if (assignOp) {
          const assignPath = (id: number) => assignOp.path.replace('{id}', String(id));
          // the director hands rep.zhou's lead to rep.wu (same team); mgr.li hands rep.qian's to rep.sun
          const to = who === 'director.wang' ? 'rep.wu' : 'rep.sun';
          const manual = (userid: string) => ({ method: 'manual', assigneeId: fx.users[userid].id, reason: '矩阵测试' });
          if (can(who, 'assign')) {
            it(`${who} assigns ${own(role.inScopeOwner)} to ${to} (200)`, async () => {
              const id = fx.record[spec.resource][role.inScopeOwner];
              const res = await api.call('POST', assignPath(id), { as: who, body: manual(to) });
              expect(res.status, JSON.stringify(res.body)).to.equal(200);
              expect(res.body.assigneeId).to.equal(fx.users[to].id);
            });
            for (const other of role.outOfScopeOwners) {
              it(`${who} cannot assign ${other}'s ${spec.singular} (404, unchanged)`, async () => {
                const id = fx.record[spec.resource][other];
                await expectRefusedWrite(spec.table, id, () => api.call('POST', assignPath(id), { as: who, body: manual(to) }), 404, spec.notFound);
              });
            }
            if (role.scope === 'subtree') {
              it(`${who} cannot assign a lead of his team to rep.zhou outside it (422, unchanged)`, async () => {
                const id = fx.record[spec.resource]['rep.zhao'];
                await expectRefusedWrite(spec.table, id, () => api.call('POST', assignPath(id), { as: who, body: manual('rep.zhou') }), 422, 'ASSIGNEE_INVALID');
              });
            }
          } else {
            it(`${who} cannot assign ${own(role.inScopeOwner)} (403, unchanged)`, async () => {
              const id = fx.record[spec.resource][role.inScopeOwner];
              await expectRefusedWrite(spec.table, id, () => api.call('POST', assignPath(id), { as: who, body: manual('rep.sun') }), 403, 'FORBIDDEN');
            });
          }
        }

        // stage moves (opportunities) ----------------------------------------
        const moveOp = spec.ops.moveStage ? findOperation(doc, spec.ops.moveStage) : undefined;
        if (moveOp) {
          const movePath = (id: number) => moveOp.path.replace('{id}', String(id));
          const back = { toStage: 'lead_qualified', reason: '矩阵测试：退回重新确认' };
          if (can(who, 'update')) {
            it(`${who} may move ${own(role.inScopeOwner)} through the pipeline (neither 403 nor 404)`, async () => {
              const res = await api.call('POST', movePath(fx.record[spec.resource][role.inScopeOwner]), { as: who, body: back });
              expect(res.status, JSON.stringify(res.body)).to.be.oneOf([200, 422]);
            });
            for (const other of role.outOfScopeOwners) {
              it(`${who} cannot move ${other}'s ${spec.singular} (404, unchanged)`, async () => {
                const id = fx.record[spec.resource][other];
                await expectRefusedWrite(spec.table, id, () => api.call('POST', movePath(id), { as: who, body: back }), 404, spec.notFound);
              });
            }
          } else {
            it(`${who} cannot move ${own(role.inScopeOwner)} (403, unchanged)`, async () => {
              const id = fx.record[spec.resource][role.inScopeOwner];
              await expectRefusedWrite(spec.table, id, () => api.call('POST', movePath(id), { as: who, body: back }), 403, 'FORBIDDEN');
            });
          }
        }
      }
    });
  }

  // /api/me and the organisation ------------------------------------------------------

  describe('me', () => {
    for (const who of WHO) {
      it(`${who} sees himself and exactly his permissions on the sales resources in /api/me`, async () => {
        const res = await api.call('GET', '/api/me', { as: who });
        expect(res.status).to.equal(200);
        expect(res.body.userid).to.equal(who);
        expect(res.body.id).to.equal(fx.users[who].id);
        expect(res.body.role).to.equal(fx.users[who].role);
        for (const spec of RESOURCES) {
          const expected = (['read', 'create', 'update', 'assign'] as Verb[])
            .filter((v) => can(who, v) && (v !== 'assign' || spec.resource === 'leads'));
          expect(res.body.permissions[spec.resource], `${who} on ${spec.resource}`).to.have.members(expected);
        }
        expect(res.body.permissions.config, 'config').to.have.members(who === 'admin.lin' ? ['read', 'create', 'update'] : ['read']);
      });
    }
  });

  describe('org (users, departments)', () => {
    for (const who of WHO) {
      if (hasOperation(doc, 'listUsers')) {
        it(`${who} reads the member directory: every active member, no more`, async () => {
          const res = await api.call('GET', '/api/users', { as: who });
          expect(res.status).to.equal(200);
          const active = (await pool.query('SELECT id FROM users WHERE active ORDER BY id')).rows.map((r) => r.id);
          expect(res.body.items.map((i: any) => i.id).sort((a: number, b: number) => a - b)).to.deep.equal(active);
        });
      }
      if (hasOperation(doc, 'listDepartments')) {
        it(`${who} reads the department tree`, async () => {
          const res = await api.call('GET', '/api/departments', { as: who });
          expect(res.status).to.equal(200);
          expect(res.body.items.length).to.equal((await pool.query('SELECT count(*)::int AS n FROM departments WHERE active')).rows[0].n);
        });
      }
    }
  });

  // Configuration: everyone reads; writes go through the settings (test/integration/settings/permission-matrix) ----

  describe('config', () => {
    const configOps = operations(doc).filter((o) => o.spec.tags?.includes('config') || /-settings\b/.test(o.path));
    const reads = configOps.filter((o) => o.method === 'get' && !/\{/.test(o.path));
    for (const op of reads) {
      for (const who of WHO) {
        it(`${who} reads ${op.operationId} (200)`, async () => {
          const res = await api.call('GET', op.path, { as: who });
          expect(res.status, JSON.stringify(res.body)?.slice(0, 200)).to.equal(200);
        });
      }
    }
  });
});
