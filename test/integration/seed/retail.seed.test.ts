import { expect } from 'chai';
import { loadActiveActor } from '../../../core/auth/actor.js';
import { launchBoard, launchBoardStores } from '../../../core/retail/launch-board.setting.js';
import { listLaunches } from '../../../core/retail/launches.js';
import { listPatrols, patrolRoute } from '../../../core/retail/patrols.js';
import { DEMO_RETAIL_USERS } from '../../../core/retail/demo-retail.data.js';
import { demoAtFixedNow, type GeneratedDemo } from './seed-helpers.js';

describe('seed module: retail stores and 新品上架', function () {
  this.timeout(180_000);
  let demo: GeneratedDemo;
  before(async () => { demo = await demoAtFixedNow(); });

  it('makes every store customer a store of its chain with a clerk of that store and three shelf positions of its own', async () => {
    const { rows: [r] } = await demo.pool.query(`
      SELECT (SELECT count(*)::int FROM customers WHERE type = 'store' AND status = 'active') AS store_customers,
             (SELECT count(*)::int FROM retail_stores) AS stores,
             (SELECT count(*)::int FROM retail_stores s WHERE NOT EXISTS (SELECT 1 FROM retail_clerks k WHERE k.store_id = s.customer_id)) AS without_clerk,
             (SELECT count(*)::int FROM retail_clerks k JOIN users u ON u.id = k.user_id WHERE u.role <> 'clerk') AS clerks_not_clerks,
             (SELECT count(*)::int FROM retail_stores s WHERE (SELECT count(*) FROM retail_shelf_positions p WHERE p.store_id = s.customer_id) <> 3) AS odd_shelves,
             (SELECT count(*)::int FROM retail_stores s JOIN customers c ON c.id = s.customer_id WHERE s.region_id IS DISTINCT FROM c.department_id) AS off_region,
             (SELECT count(*)::int FROM retail_inspector_stores r JOIN retail_stores s ON s.customer_id = r.store_id JOIN users u ON u.id = r.inspector_id
               WHERE u.department_id <> s.region_id OR u.role <> 'inspector') AS off_route`);
    expect(r.stores).to.equal(r.store_customers).and.be.greaterThan(5);
    expect(r).to.deep.include({ without_clerk: 0, clerks_not_clerks: 0, odd_shelves: 0, off_region: 0, off_route: 0 });
    const { rows: chains } = await demo.pool.query(`SELECT c.name, s.chain FROM retail_stores s JOIN customers c ON c.id = s.customer_id`);
    for (const c of chains) expect(c.name.startsWith(c.chain) || c.chain === '社区便利', c.name).to.equal(true);
  });

  it('signs up the people the demo sign-in page lists, with the stores and route it names', async () => {
    for (const u of DEMO_RETAIL_USERS) {
      const { rows: [row] } = await demo.pool.query('SELECT name, role, position FROM users WHERE wecom_userid = $1 AND active', [u.userid]);
      expect(row, u.userid).to.deep.equal({ name: u.name, role: u.role, position: u.position });
    }
  });

  it('gives the demo clerks launches in every state: ① bound and ② next, today\'s ① to scan, and late ones escalating', async () => {
    const clerk1 = (await loadActiveActor(demo.pool, { wecomUserid: 'clerk.1' }))!;
    const clerk2 = (await loadActiveActor(demo.pool, { wecomUserid: 'clerk.2' }))!;
    const [one] = (await listLaunches(demo.pool, clerk1, {}, demo.now)).items;
    expect(one).to.deep.include({ current: 'display', done: 1, mine: true });
    expect(one!.shelfPosition?.code).to.match(/^SH\d{6}-A1$/);
    const [two] = (await listLaunches(demo.pool, clerk2, {}, demo.now)).items;
    expect(two).to.deep.include({ current: 'bind', done: 0 });
    const director = (await loadActiveActor(demo.pool, { wecomUserid: 'director.wang' }))!;
    const all = (await listLaunches(demo.pool, director, {}, demo.now)).items;
    expect(all.length).to.be.greaterThan(5);
    expect(all.some((l) => l.late > 0)).to.equal(true);
    // every step's deadline counts from its launch date; none is due before the day it was launched
    for (const l of all) for (const s of l.steps) expect(s.dueAt! >= `${l.launchDate}T`, `${l.id} ${s.key}`).to.equal(true);
    const { rows: [steps] } = await demo.pool.query(`
      SELECT count(*)::int AS n FROM action_escalation_steps e JOIN actions a ON a.id = e.action_id JOIN retail_launches l ON l.process_instance_id = a.process_instance_id`);
    expect(steps.n).to.equal(all.length * 12);
  });

  it('gives an earlier launch the stores worked through: on time, late and stuck, escalated by the overdue job, on the launch board', async () => {
    const director = (await loadActiveActor(demo.pool, { wecomUserid: 'director.wang' }))!;
    const board = await launchBoard(demo.pool, director, {}, demo.now);
    const history = board.launches.find((l) => l.product.name === '海苔夹心脆 70g')!;
    expect(history, board.launches.map((l) => l.product.name).join(',')).to.not.equal(undefined);
    expect(history.total.stores).to.equal(16);
    expect(history.total.done, 'stores done with all four').to.be.greaterThan(3).and.lessThan(16);
    expect(history.total.atStep.some((n) => n > 0), 'stores stuck at a step').to.equal(true);
    const { num, den } = history.total.onTime;
    expect(num, 'steps on time').to.be.greaterThan(0);
    expect(den - num, 'steps late or overdue').to.be.greaterThan(0);
    expect(history.total.escalations).to.be.greaterThan(0);
    const late = await launchBoardStores(demo.pool, director, { productId: history.product.id, state: 'overdue', limit: 100 }, demo.now);
    expect(late.items.some((l) => l.escalation?.startsWith('已升级至')), 'an overdue step escalated past the clerk').to.equal(true);
    // regions apart: not every region's rate is the same
    expect(new Set(history.regions.map((r) => r.onTime.display)).size).to.be.greaterThan(1);
  });

  it('gives the demo inspector a patrol history through the real service (thorough ones, a 门店整改, one flagged 走过场) and a route of one city', async () => {
    const inspector = (await loadActiveActor(demo.pool, { wecomUserid: 'inspector.1' }))!;
    // the ones filed through the service carry a photo per item (other seeds may write patrol rows without)
    const items = (await listPatrols(demo.pool, inspector, {})).items.filter((p) => p.items.every((i) => i.attachmentId !== null));
    expect(items.length).to.equal(4);
    expect(items.every((p) => p.finishedAt && p.items.every((i) => i.passed !== null))).to.equal(true);
    const flagged = items.filter((p) => p.perfunctory);
    expect(flagged.length).to.equal(1);
    expect(flagged[0]!.perfunctoryReasons.map((r) => r.code)).to.include.members(['PATROL_TOO_FAST', 'PATROL_PHOTO_REPEATED']);
    // the thorough ones pass the evidence checks: their photos are their own
    expect(items.filter((p) => !p.perfunctory).every((p) => p.perfunctoryReasons.length === 0)).to.equal(true);
    expect(items.map((p) => p.score).sort()).to.deep.equal([100, 100, 80, 80].sort());
    expect(items.flatMap((p) => p.fixActionIds).length).to.equal(2);
    const { route, later } = await patrolRoute(demo.pool, inspector, null, demo.now);
    expect(route.length + later.length).to.be.greaterThan(4);
    expect(Math.max(0, ...route.map((s) => s.legKm ?? 0))).to.be.below(30);
    expect([...route, ...later].every((s) => s.store.address?.startsWith('上海市'))).to.equal(true);
  });
});
