import type pg from 'pg';
import { DAY_MS } from '../flow/time.js';
import type { Logger } from '../logger.js';
import {
  CONTACT_TEMPLATES, DEMO_CUSTOMERS, DEMO_DEPARTMENTS, DEMO_PRODUCT_LINES, DEMO_USERS, GIVEN,
  HOSPITAL_CONTACT_TEMPLATES, SURNAMES,
} from './demo-org.data.js';
import { seedDemoFulfilment } from './seed-demo-fulfilment.js';
import { seedDemoOpportunities } from './seed-demo-opportunities.js';
import { prng } from './prng.js';

/**
 * Installs the demo organisation: departments, members, ~40 customers with
 * contacts and orders, a few open opportunities, and some customers already
 * silent for more than 7 days. Natural keys make it safe to run twice.
 */
export async function seedDemoOrg(client: pg.PoolClient, now: Date, logger: Logger): Promise<void> {
  const deptIds = await upsertDepartments(client);
  const userIds = await upsertUsers(client, deptIds);
  const lineIds = await upsertProductLines(client);
  const rand = prng(20261127);
  let created = 0;
  for (const [i, [name, type, address, lat, lng, owner, line]] of DEMO_CUSTOMERS.entries()) {
    const ownerId = userIds.get(owner)!;
    const dept = DEMO_USERS.find((u) => u.userid === owner)!.dept;
    // every 4th customer has been silent 8–20 days; every 10th never had an effective follow-up
    const silentDays = i % 10 === 9 ? null : i % 4 === 3 ? 8 + Math.floor(rand() * 13) : 1 + Math.floor(rand() * 5);
    const lastEffective = silentDays === null ? null : new Date(now.getTime() - silentDays * DAY_MS);
    const ins = await client.query(
      `INSERT INTO customers (name, type, address, lat, lng, coord_system, owner_id, department_id, product_line_id,
                              became_active_at, last_followup_at, last_effective_followup_at, profile)
       VALUES ($1,$2,$3,$4,$5,'gcj02',$6,$7,$8,$9,$10,$10,$11)
       ON CONFLICT (name) DO NOTHING RETURNING id`,
      [name, type, address, lat, lng, ownerId, deptIds.get(dept), lineIds.get(line),
        new Date(now.getTime() - 60 * DAY_MS), lastEffective, profileFor(type, i)],
    );
    if (!ins.rows[0]) continue;
    created++;
    const customerId = ins.rows[0].id as number;
    await insertContacts(client, customerId, type, i, rand, new Date(now.getTime() - 60 * DAY_MS));
    await insertOrders(client, customerId, ownerId, i, now, rand);
  }
  // the contacts' history starts with what they were when the customer was won (core/scoring reads it as of each moment)
  await client.query('SELECT af_record_first_known_contacts()');
  const opps = await seedDemoOpportunities(client, { now, userIds, deptIds: deptIds, rand });
  await seedDemoFulfilment(client, now, userIds);
  logger.info({ customers: created, opportunities: opps }, `演示组织已安装：客户 ${created} 个，商机 ${opps} 个`);
}

async function upsertDepartments(client: pg.PoolClient): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const [order, d] of DEMO_DEPARTMENTS.entries()) {
    const parentId = d.parent ? ids.get(d.parent)! : null;
    const { rows } = await client.query(
      `INSERT INTO departments (wecom_id, name, parent_id, sort_order) VALUES ($1,$2,$3,$4)
       ON CONFLICT (wecom_id) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
      [d.wecomId, d.name, parentId, order],
    );
    const id = rows[0].id as number;
    const parentPath = parentId ? (await client.query('SELECT path FROM departments WHERE id = $1', [parentId])).rows[0].path : '/';
    await client.query('UPDATE departments SET path = $2 WHERE id = $1', [id, `${parentPath}${id}/`]);
    ids.set(d.key, id);
  }
  return ids;
}

async function upsertUsers(client: pg.PoolClient, deptIds: Map<string, number>): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const u of DEMO_USERS) {
    const { rows } = await client.query(
      `INSERT INTO users (wecom_userid, name, role, department_id, manager_id, position)
       VALUES ($1,$2,$3,$4,$5,$6)
       ON CONFLICT (wecom_userid) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
      [u.userid, u.name, u.role, deptIds.get(u.dept), u.manager ? ids.get(u.manager) : null, u.position],
    );
    ids.set(u.userid, rows[0].id);
  }
  return ids;
}

async function upsertProductLines(client: pg.PoolClient): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const l of DEMO_PRODUCT_LINES) {
    const { rows } = await client.query(
      `INSERT INTO product_lines (code, name) VALUES ($1,$2) ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
      [l.code, l.name],
    );
    ids.set(l.code, rows[0].id);
  }
  return ids;
}

function profileFor(type: string, i: number): Record<string, string> {
  // a third of the profiles are deliberately incomplete so the completeness metric has something to show
  if (i % 3 === 2) return { 当前采购周期: '季度' };
  return {
    历史合作痛点: type === 'hospital' ? '耗材编码未备案，入院流程长' : '账期偏长，陈列位费用高',
    当前采购周期: type === 'ka' ? '月度' : '季度',
    年采购额: type === 'dealer' ? '300万' : '120万',
  };
}

async function insertContacts(client: pg.PoolClient, customerId: number, type: string, i: number, rand: () => number, knownSince: Date) {
  if (i % 13 === 12) return; // a customer with no contacts yet: an edge case the dashboards must handle
  const templates = type === 'hospital' ? HOSPITAL_CONTACT_TEMPLATES : CONTACT_TEMPLATES;
  const count = 2 + (i % 3);
  const ids: number[] = [];
  for (const t of templates.slice(0, count)) {
    const name = SURNAMES[Math.floor(rand() * SURNAMES.length)] + GIVEN[Math.floor(rand() * GIVEN.length)];
    const { rows: [r] } = await client.query(
      `INSERT INTO contacts (customer_id, name, department, title, buying_role, attitude, is_coach, preferences, reports_to_id,
                             phone, created_at, updated_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$11) RETURNING id`,
      [customerId, name, t.department, t.title, t.role, t.attitude, t.coach ?? false, t.preferences ?? null,
        t.reportsTo === undefined ? null : ids[t.reportsTo], `138${String(10000000 + Math.floor(rand() * 89999999))}`, knownSince],
    );
    ids.push(r.id);
  }
}

async function insertOrders(client: pg.PoolClient, customerId: number, ownerId: number, i: number, now: Date, rand: () => number) {
  const count = i % 5 === 4 ? 1 : 2 + (i % 3); // some customers have fewer orders than a rule's "latest 3"
  for (let k = 0; k < count; k++) {
    const orderedAt = new Date(now.getTime() - (10 + k * 25 + Math.floor(rand() * 10)) * DAY_MS);
    await client.query(
      `INSERT INTO orders (order_no, kind, customer_id, owner_id, amount, status, ordered_at, due_at)
       VALUES ($1,'order',$2,$3,$4,$5,$6,$7) ON CONFLICT (order_no) DO NOTHING`,
      [`SO${String(customerId).padStart(4, '0')}${k + 1}`, customerId, ownerId,
        Math.round((5000 + rand() * 95000) * 100) / 100, k === 0 ? 'shipped' : 'delivered', orderedAt,
        new Date(orderedAt.getTime() + 7 * DAY_MS)],
    );
  }
}
