import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { diffDashboardRollups, foldDashboardDeltas, rebuildDashboardRollups } from '../../../core/dashboards/rollups.js';
import { takeProfileSnapshot } from '../../../core/dashboards/snapshots.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { buildFixture, NOW, type Fixture } from './fixture.js';

/**
 * Every metric on the hand-built organisation of fixture.ts. Expected values
 * are worked out by hand in the comments and written as literals.
 *
 * Attribution (decided and documented in migration 006): a fact counts for the
 * department its rep was in when it happened. rep.mover moved from 华东区 to
 * 华北区 on 03-15: his 03-10 close, 03-12 stage move, the action dispatched
 * to him in 华东区 and his 03-10 follow-up count for 华东区 (mgr.li); the
 * later ones for 华北区 (mgr.chen).
 */
describe('dashboards: water levels and process health on a hand-built organisation', () => {
  let fx: Fixture;
  let api: TestApi;

  before(async function () {
    this.timeout(120_000);
    fx = await buildFixture();
    // the previous period's completeness comes from the snapshot taken at 03-01 00:00, while 客户二 had no profile
    await takeProfileSnapshot(fx.pool, '2026-03-01');
    await fx.pool.query(`UPDATE customers SET profile = '{"当前采购周期":"季度"}' WHERE id = $1`, [fx.customer.C2]);
    api = await startTestApi({ pool: fx.pool, now: () => NOW });
  });
  after(async () => { await api?.close(); });

  const get = async (path: string, as = 'director.wang') => {
    const res = await api.call('GET', path, { as });
    expect(res.status, `${path} → ${JSON.stringify(res.body).slice(0, 400)}`).to.equal(200);
    return res.body;
  };
  const figure = (body: any, metric: string) => body.items.find((i: any) => i.metric === metric);
  const near = (x: number | null, y: number) => expect(x, `${x} ≈ ${y}`).to.be.closeTo(y, 1e-9);

  it('keeps the rollup equal to the base tables (triggers)', async () => {
    expect(await diffDashboardRollups(fx.pool)).to.deep.equal([]);
  });

  describe('the three water levels, March 2026 vs February, whole company', () => {
    let body: any;
    before(async () => { body = await get('/api/dashboards?month=2026-03'); });

    it('names the period and the previous one', () => {
      expect(body.period).to.deep.equal({ from: '2026-03-01', to: '2026-04-01', label: '2026年3月' });
      expect(body.previousPeriod).to.deep.equal({ from: '2026-02-01', to: '2026-03-01', label: '2026年2月' });
      expect(body.items.slice(0, 3).map((i: any) => i.metric)).to.deep.equal(['lead_conversion', 'opportunity_win', 'profile_completeness']);
    });

    it('线索→商机: leads created in March L1–L5, converted L1 and L3 → 2/5 = 40% (green, 35–45%); Feb 1/2 = 50%', () => {
      const f = figure(body, 'lead_conversion');
      expect([f.numerator, f.denominator]).to.deep.equal([2, 5]);
      near(f.value, 0.4);
      expect(f.display).to.equal('40.0%');
      expect(f.status).to.equal('green');
      expect(f.previous.display).to.equal('50.0%');
      expect(f.trend).to.deep.include({ direction: 'down', better: false, display: '−10.0个百分点' });
      expect(f.definition).to.be.a('string').and.match(/新建的线索/);
      expect(f.target).to.equal('健康 35%–45%；低于 30%预警');
    });

    it('商机→合同: closed in March O1–O5, won O1, O3, O4 → 3/5 = 60%; Feb O7 lost → 0% (red)', () => {
      const f = figure(body, 'opportunity_win');
      expect([f.numerator, f.denominator]).to.deep.equal([3, 5]);
      expect(f.display).to.equal('60.0%');
      expect(f.status).to.equal('green');
      expect(f.previous.value).to.equal(0);
      expect(f.trend.display).to.equal('+60.0个百分点');
    });

    it('资料完整度: (10 + 2 + 3 + 4) / (4 × 10) = 47.5% live; snapshot of 03-01 had 客户二 at 0 → 42.5%', () => {
      const f = figure(body, 'profile_completeness');
      expect([f.numerator, f.denominator]).to.deep.equal([19, 40]);
      expect(f.display).to.equal('47.5%');
      expect(f.status).to.equal('red');
      expect(f.previous.display).to.equal('42.5%');
      expect(f.trend).to.deep.include({ direction: 'up', better: true, display: '+5.0个百分点' });
      expect(f.note).to.equal(null);
    });
  });

  describe('process health, March 2026, whole company', () => {
    let body: any;
    before(async () => { body = await get('/api/dashboards?month=2026-03'); });

    it('跨阶段跳转率: forward moves M1 M2 M4 M5 M6 M7 M8 M10 = 8, skips M5 M8 = 2 → 25% (red); Feb 0/1', () => {
      const f = figure(body, 'stage_skip_rate');
      expect([f.numerator, f.denominator]).to.deep.equal([2, 8]);
      expect(f.display).to.equal('25.0%');
      expect(f.status).to.equal('red');
      expect(f.trend).to.deep.include({ direction: 'up', better: false, display: '+25.0个百分点' });
    });

    it('事项按时完成率: due by now A1–A8 = 8 (A9 due later today, A10 on the 25th), on time A1 A4 A6 A7 → 50%; Feb 1/2 → 持平', () => {
      const f = figure(body, 'action_on_time');
      expect([f.numerator, f.denominator]).to.deep.equal([4, 8]);
      expect(f.display).to.equal('50.0%');
      expect(f.status).to.equal('red');
      expect(f.previous.display).to.equal('50.0%');
      expect(f.trend).to.deep.include({ direction: 'flat', display: '持平' });
    });

    it('有效跟进率: F1–F6, effective F1 F3 F5 F6 → 4/6 = 66.7% (amber); Feb 1/1 → −33.3个百分点', () => {
      const f = figure(body, 'effective_followup');
      expect([f.numerator, f.denominator]).to.deep.equal([4, 6]);
      expect(f.display).to.equal('66.7%');
      expect(f.status).to.equal('amber');
      expect(f.trend.display).to.equal('−33.3个百分点');
    });

    it('阶段停留: 9 exits (2,4,1,3,6,5,8,10 days and M10 = 3 days since its create move) → mean 42/9, median 4', () => {
      const f = figure(body, 'stage_dwell');
      expect(f.denominator).to.equal(9);
      near(f.value, 42 / 9);
      near(f.median, 4);
      expect(f.display).to.equal('4.7天');
      expect(f.previous.display).to.equal('2.0天');
    });

    it('per stage: 线索确认 (2,5,3) mean 3.33 median 3; 需求分析 (4,3,8,10) mean 6.25 median 6; back move counts for 方案报价', () => {
      const rows = Object.fromEntries(body.stageDwell.map((r: any) => [r.stage, r]));
      expect(body.stageDwell.map((r: any) => r.stage)).to.deep.equal(['lead_qualified', 'needs_analysis', 'solution_quote', 'negotiation/commercial_terms']);
      expect(rows.lead_qualified).to.deep.include({ name: '线索确认', exits: 3, meanDays: 3.33, medianDays: 3 });
      expect(rows.needs_analysis).to.deep.include({ exits: 4, meanDays: 6.25, medianDays: 6 });
      expect(rows.solution_quote).to.deep.include({ exits: 1, meanDays: 1, medianDays: 1 });
      expect(rows['negotiation/commercial_terms']).to.deep.include({ name: '商务谈判·商务条款磋商', exits: 1, meanDays: 6 });
    });
  });

  describe("manager scope: mgr.li counts only 华东区's subtree (华东区 + 上海一组)", () => {
    let li: any;
    let chen: any;
    before(async () => {
      li = await get('/api/dashboards?month=2026-03', 'mgr.li');
      chen = await get('/api/dashboards?month=2026-03', 'mgr.chen');
    });

    it('labels the scope', () => {
      expect(li.scope).to.deep.equal({ role: 'manager', label: '华东区及下属部门' });
    });

    it('leads: L1 L2 L3 → 2/3 (amber, above 45%); 华北区 L4 L5 → 0/2 (red)', () => {
      expect([figure(li, 'lead_conversion').numerator, figure(li, 'lead_conversion').denominator]).to.deep.equal([2, 3]);
      expect(figure(li, 'lead_conversion').status).to.equal('amber');
      expect([figure(chen, 'lead_conversion').numerator, figure(chen, 'lead_conversion').denominator]).to.deep.equal([0, 2]);
      expect(figure(chen, 'lead_conversion').status).to.equal('red');
    });

    it('closes: O1 won, O2 lost, O4 won by rep.mover on 03-10 while in 华东区 → 2/3; 华北区 O3 won, O5 lost (03-17, after the move) → 1/2', () => {
      expect([figure(li, 'opportunity_win').numerator, figure(li, 'opportunity_win').denominator]).to.deep.equal([2, 3]);
      expect([figure(chen, 'opportunity_win').numerator, figure(chen, 'opportunity_win').denominator]).to.deep.equal([1, 2]);
    });

    it('actions: A1 A2 A3 A6 (dispatched to rep.mover in 华东区) A8 → on time A1 A6 = 2/5; 华北区 A4 A5 A7 → 2/3', () => {
      expect([figure(li, 'action_on_time').numerator, figure(li, 'action_on_time').denominator]).to.deep.equal([2, 5]);
      expect([figure(chen, 'action_on_time').numerator, figure(chen, 'action_on_time').denominator]).to.deep.equal([2, 3]);
    });

    it('follow-ups: F1 F2 F3 F5 → 3/4 = 75% (green); 华北区 F4 F6 → 1/2 (red)', () => {
      expect(figure(li, 'effective_followup')).to.deep.include({ numerator: 3, denominator: 4, display: '75.0%', status: 'green' });
      expect(figure(chen, 'effective_followup')).to.deep.include({ numerator: 1, denominator: 2, status: 'red' });
    });

    it('stage moves: zhao M1 M2 M4, qian M10, mover M7 (03-12, 华东区) → 0 skips of 5; 华北区 M5 M6 M8 → 2/3', () => {
      expect(figure(li, 'stage_skip_rate')).to.deep.include({ numerator: 0, denominator: 5, status: 'green' });
      expect(figure(chen, 'stage_skip_rate')).to.deep.include({ numerator: 2, denominator: 3 });
      // dwell: 2 + 4 + 1 + 3 + 8 + 3 = 21 over 6 exits
      near(figure(li, 'stage_dwell').value, 3.5);
    });

    it('completeness: 客户一 10 + 客户二 2 over 2 customers → 60%; 华北区 3 + 4 → 35%', () => {
      expect(figure(li, 'profile_completeness')).to.deep.include({ numerator: 12, denominator: 20, display: '60.0%' });
      expect(figure(chen, 'profile_completeness')).to.deep.include({ numerator: 7, denominator: 20, display: '35.0%' });
    });

    it('a department filter outside the subtree narrows to nothing: every ratio is null and shows —', async () => {
      const body = await get(`/api/dashboards?month=2026-03&departmentId=${fx.dept.north}`, 'mgr.li');
      for (const f of body.items) {
        expect(f.value, f.metric).to.equal(null);
        expect(f.display, f.metric).to.equal('—');
      }
    });

    it('a rep sees only their own: rep.zhao L1 L2 → 1/2', async () => {
      const body = await get('/api/dashboards?month=2026-03', 'rep.zhao');
      expect(figure(body, 'lead_conversion')).to.deep.include({ numerator: 1, denominator: 2 });
      expect(figure(body, 'effective_followup')).to.deep.include({ numerator: 1, denominator: 2 });
    });

    it('compliance may not read dashboards', async () => {
      const res = await api.call('GET', '/api/dashboards', { as: 'compliance.he' });
      expect(res.status).to.equal(403);
    });
  });

  describe('zero denominators', () => {
    it('a month without any facts: every figure is null, shown as —, trend —, never NaN', async () => {
      const body = await get('/api/dashboards?month=2025-06');
      for (const f of body.items) {
        expect(f.value, f.metric).to.equal(null);
        expect(f.display, f.metric).to.equal('—');
        expect(f.trend.display, f.metric).to.equal('—');
        expect(f.status, f.metric).to.equal(null);
      }
      // no snapshot was taken in June 2025
      expect(figure(body, 'profile_completeness').note).to.match(/快照/);
      expect(JSON.stringify(body)).to.not.match(/NaN|Infinity/);
    });

    it('leads do not split by product line: the figure is — with a note', async () => {
      const body = await get(`/api/dashboards?month=2026-03&productLineId=${fx.line.PB}`);
      const f = figure(body, 'lead_conversion');
      expect(f.display).to.equal('—');
      expect(f.note).to.equal('线索→商机转化率不区分产品线');
    });
  });

  describe('drill-down: breakdowns and the records behind a bar', () => {
    it('线索→商机 by region (director, under 销售中心): 华东区 (with 上海一组) 2/3, 华北区 0/2', async () => {
      const b = await get('/api/dashboards/lead_conversion?month=2026-03&groupBy=department');
      const rows = Object.fromEntries(b.rows.map((r: any) => [r.label, r]));
      expect(rows['华东区']).to.deep.include({ numerator: 2, denominator: 3, drill: { departmentId: String(fx.dept.east) } });
      expect(rows['华北区']).to.deep.include({ numerator: 0, denominator: 2 });
      expect(b.rows).to.have.length(2);
    });

    it('商机→合同 by rep: zhao 1/1, qian 0/1, zhou 1/1, mover 1/2; by product line 饮料 2/2, 医用耗材 1/3', async () => {
      const b = await get('/api/dashboards/opportunity_win?month=2026-03&groupBy=owner');
      const rows = Object.fromEntries(b.rows.map((r: any) => [r.label, [r.numerator, r.denominator]]));
      expect(rows).to.deep.equal({ 赵磊: [1, 1], 钱芳: [0, 1], 周婷: [1, 1], 孟凡: [1, 2] });
      const pl = await get('/api/dashboards/opportunity_win?month=2026-03&groupBy=productLine');
      expect(Object.fromEntries(pl.rows.map((r: any) => [r.label, [r.numerator, r.denominator]]))).to.deep.equal({ 饮料: [2, 2], 医用耗材: [1, 3] });
    });

    it('事项按时 by region as mgr.li (under 华东区): 本级 A3 A6 → 1/2, 上海一组 A1 A2 A8 → 1/3', async () => {
      const b = await get('/api/dashboards/action_on_time?month=2026-03&groupBy=department', 'mgr.li');
      const rows = Object.fromEntries(b.rows.map((r: any) => [r.label, [r.numerator, r.denominator]]));
      expect(rows).to.deep.equal({ '华东区（本级）': [1, 2], 上海一组: [1, 3] });
      expect([b.numerator, b.denominator]).to.deep.equal([2, 5]);
    });

    it('事项按时 by product line: 饮料 (客户一, 客户三) A1 A2 A8 A4 A5 → 2/5; 医用耗材 A3 A6 A7 → 2/3', async () => {
      const b = await get('/api/dashboards/action_on_time?month=2026-03&groupBy=productLine');
      expect(Object.fromEntries(b.rows.map((r: any) => [r.label, [r.numerator, r.denominator]]))).to.deep.equal({ 饮料: [2, 5], 医用耗材: [2, 3] });
    });

    it('跳转率 by stage left: 线索确认 0/3, 需求分析 1/4, 商务谈判 1/1', async () => {
      const b = await get('/api/dashboards/stage_skip_rate?month=2026-03&groupBy=stage');
      expect(b.rows.map((r: any) => [r.key, r.numerator, r.denominator])).to.deep.equal([
        ['lead_qualified', 0, 3], ['needs_analysis', 1, 4], ['negotiation', 1, 1]]);
    });

    it('有效跟进 for one rep across his move: rep.mover F5 F6 → 100%', async () => {
      const b = await get(`/api/dashboards/effective_followup?month=2026-03&ownerId=${fx.user.mover}`);
      expect([b.numerator, b.denominator, b.display]).to.deep.equal([2, 2, '100.0%']);
    });

    it('资料完整度 by field: 决策链 客户一 客户四 2/4, 痛点 2/4, 采购周期 2/4, 年采购额 1/4, 电话 2/4, 定位 2/4', async () => {
      const b = await get('/api/dashboards/profile_completeness?groupBy=field&month=2026-03');
      expect(b.rows.map((r: any) => [r.key, r.numerator, r.denominator])).to.deep.equal([
        ['decision_chain', 2, 4], ['历史合作痛点', 2, 4], ['当前采购周期', 2, 4], ['年采购额', 1, 4], ['contact_phone', 2, 4], ['location', 2, 4]]);
      expect(b.rows[0].drill).to.deep.equal({ field: 'decision_chain' });
    });

    it('by week: the rows add up to the month', async () => {
      const b = await get('/api/dashboards/effective_followup?month=2026-03&groupBy=week');
      expect(b.rows.reduce((a: number, r: any) => a + r.denominator, 0)).to.equal(6);
      // F1 on Tuesday 03-03: its week starts Monday 03-02
      expect(b.rows[0]).to.deep.include({ key: '2026-03-02', drill: { from: '2026-03-02', to: '2026-03-09' } });
    });

    it('refuses a breakdown the metric does not have', async () => {
      const res = await api.call('GET', '/api/dashboards/lead_conversion?groupBy=stage', { as: 'director.wang' });
      expect(res.status).to.equal(400);
    });

    it("records behind mgr.li's missed actions: A2 (late), A3 (open), A8 (due this morning)", async () => {
      const r = await get('/api/dashboards/action_on_time/records?month=2026-03&outcome=miss', 'mgr.li');
      expect(r.items.map((i: any) => i.id).sort((x: number, y: number) => x - y)).to.deep.equal([fx.action.A2, fx.action.A3, fx.action.A8]);
      expect(r.total).to.equal(3);
      expect(r.columns.map((c: any) => c.label)).to.include.members(['事项', '截止时间', '按时完成']);
      const all = await get('/api/dashboards/action_on_time/records?month=2026-03', 'mgr.li');
      expect(all.total).to.equal(5);
    });

    it("records behind rep.mover's closes name the department at the time: O4 华东区, O5 华北区", async () => {
      const r = await get(`/api/dashboards/opportunity_win/records?month=2026-03&ownerId=${fx.user.mover}`);
      const byId = Object.fromEntries(r.items.map((i: any) => [i.id, i.departmentName]));
      expect(byId).to.deep.equal({ [fx.opp.O4]: '华东区', [fx.opp.O5]: '华北区' });
    });

    it('records behind the 需求分析 dwell bar: M2 M4 M7 M8; and customers missing the decision maker: 客户二 客户三', async () => {
      const r = await get('/api/dashboards/stage_dwell/records?month=2026-03&stage=needs_analysis');
      expect(r.items.map((i: any) => i.id).sort((x: number, y: number) => x - y)).to.deep.equal(
        [fx.move.M2, fx.move.M4, fx.move.M7, fx.move.M8].sort((x, y) => x - y));
      const c = await get('/api/dashboards/profile_completeness/records?field=decision_chain&outcome=miss');
      expect(c.items.map((i: any) => i.name).sort()).to.deep.equal(['客户三', '客户二']);
    });

    it('every metric lists as many records as its figure counts (hit = numerator), as mgr.li', async () => {
      const body = await get('/api/dashboards?month=2026-03', 'mgr.li');
      for (const f of body.items) {
        const all = await get(`/api/dashboards/${f.metric}/records?month=2026-03&limit=200`, 'mgr.li');
        const expected = f.metric === 'profile_completeness' ? f.denominator / 10 : f.denominator;
        expect(all.total, f.metric).to.equal(expected);
        expect(all.items, f.metric).to.have.length(expected);
        if (f.metric !== 'stage_dwell' && f.metric !== 'profile_completeness') {
          const hits = await get(`/api/dashboards/${f.metric}/records?month=2026-03&outcome=hit`, 'mgr.li');
          expect([hits.total, hits.items.length], f.metric).to.deep.equal([f.numerator, f.numerator]);
        }
      }
    });

    it('pages records with a cursor', async () => {
      const p1 = await get('/api/dashboards/effective_followup/records?month=2026-03&limit=4');
      expect(p1.items).to.have.length(4);
      const p2 = await get(`/api/dashboards/effective_followup/records?month=2026-03&limit=4&cursor=${p1.nextCursor}`);
      expect(p2.items).to.have.length(2);
      expect(p2.nextCursor).to.equal(null);
      expect(new Set([...p1.items, ...p2.items].map((i: any) => i.id)).size).to.equal(6);
    });
  });

  describe('exports', () => {
    it('CSV: UTF-8 BOM, Chinese headers, one line per record', async () => {
      const res = await fetch(`${api.baseUrl}/api/dashboards/effective_followup/records.csv?month=2026-03`,
        { headers: { Authorization: `Bearer ${await api.tokenFor('mgr.li')}` } });
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.match(/^text\/csv/);
      expect(res.headers.get('content-disposition')).to.match(/attachment; filename="[^"]+\.csv"; filename\*=UTF-8''/);
      const buf = Buffer.from(await res.arrayBuffer());
      expect([...buf.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
      const lines = buf.subarray(3).toString('utf8').trimEnd().split('\r\n');
      expect(lines[0]).to.equal('跟进ID,客户,跟进人,部门（发生时）,产品线,方式,时间,小结,未满足项,有效跟进');
      expect(lines).to.have.length(1 + 4);
      expect(lines.slice(1).filter((l) => l.endsWith(',是'))).to.have.length(3);
    });

    it('XLSX: a sheet with the same header and rows', async () => {
      const res = await fetch(`${api.baseUrl}/api/dashboards/action_on_time/records.xlsx?month=2026-03`,
        { headers: { Authorization: `Bearer ${await api.tokenFor('director.wang')}` } });
      expect(res.status).to.equal(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(await res.arrayBuffer() as any);
      const ws = wb.worksheets[0];
      expect(ws.name).to.equal('事项按时完成率');
      expect(ws.getRow(1).getCell(1).value).to.equal('事项ID');
      expect(ws.actualRowCount - 1).to.equal(8);
    });

    it('refuses without a session and for compliance', async () => {
      const anon = await fetch(`${api.baseUrl}/api/dashboards/effective_followup/records.csv`);
      expect(anon.status).to.equal(401);
      const res = await api.call('GET', '/api/dashboards/effective_followup/records.csv', { as: 'compliance.he' });
      expect(res.status).to.equal(403);
    });
  });

  describe('incremental rollup', () => {
    it('follows updates, deletes and a customer changing product line, and equals a full rebuild', async () => {
      const { pool } = fx;
      // A2 resubmitted before its deadline → on time; A3 reassigned to 华北区
      await pool.query(`UPDATE actions SET submitted_at = '2026-03-06T12:00:00+08:00' WHERE id = $1`, [fx.action.A2]);
      await pool.query(`UPDATE actions SET department_id = $2, assignee_id = $3 WHERE id = $1`, [fx.action.A3, fx.dept.north, fx.user.zhou]);
      await pool.query(`UPDATE customers SET product_line_id = $2 WHERE id = $1`, [fx.customer.C1, fx.line.PM]);
      await pool.query(`UPDATE followups SET effective = true WHERE id = $1`, [fx.followup.F2]);
      expect(await diffDashboardRollups(pool)).to.deep.equal([]);
      const body = await get('/api/dashboards?month=2026-03', 'mgr.li');
      // 华东区 now: A1 A2 (on time) A6 (on time) A8 → 3/4
      expect(figure(body, 'action_on_time')).to.deep.include({ numerator: 3, denominator: 4 });
      const sums = async () => (await pool.query('SELECT sum(total)::int AS t, sum(hits)::int AS h FROM dash_daily_current')).rows[0];
      const before = await sums();
      await rebuildDashboardRollups(pool);
      expect(await sums()).to.deep.equal(before);
      // undo, so the suites above stay valid if reordered
      await pool.query(`UPDATE actions SET submitted_at = '2026-03-07T09:00:00+08:00' WHERE id = $1`, [fx.action.A2]);
      await pool.query(`UPDATE actions SET department_id = $2, assignee_id = $3 WHERE id = $1`, [fx.action.A3, fx.dept.east, fx.user.qian]);
      await pool.query(`UPDATE customers SET product_line_id = $2 WHERE id = $1`, [fx.customer.C1, fx.line.PB]);
      await pool.query(`UPDATE followups SET effective = false WHERE id = $1`, [fx.followup.F2]);
      const tmp = await pool.query(`INSERT INTO followups (customer_id, user_id, department_id, channel, effective, at)
                                    VALUES ($1, $2, $3, 'phone', true, now()) RETURNING id`, [fx.customer.C1, fx.user.zhao, fx.dept.eastT1]);
      await pool.query('DELETE FROM followups WHERE id = $1', [tmp.rows[0].id]);
      expect(await diffDashboardRollups(pool)).to.deep.equal([]);
      // stage-exit facts follow an opportunity's product line, a new move, an edited move and a deleted one
      await pool.query('UPDATE opportunities SET product_line_id = $2 WHERE id = $1', [fx.opp.O1, fx.line.PM]);
      const mv = await pool.query(`INSERT INTO stage_moves (opportunity_id, from_stage, to_stage, kind, owner_id, dwell_seconds, at)
                                   VALUES ($1, 'solution_quote', 'negotiation', 'advance', $2, 86400, now()) RETURNING id`, [fx.opp.O1, fx.user.zhao]);
      await pool.query(`UPDATE stage_moves SET kind = 'skip' WHERE id = $1`, [mv.rows[0].id]);
      expect(await diffDashboardRollups(pool)).to.deep.equal([]);
      await pool.query('DELETE FROM stage_moves WHERE id = $1', [mv.rows[0].id]);
      await pool.query('UPDATE opportunities SET product_line_id = $2 WHERE id = $1', [fx.opp.O1, fx.line.PB]);
      expect(await diffDashboardRollups(pool)).to.deep.equal([]);
    });
  });

  describe('rollup deltas', () => {
    it('folds the deltas into the rollup without changing a figure, and leaves none behind', async () => {
      const { pool } = fx;
      await pool.query(`UPDATE actions SET submitted_at = '2026-03-06T12:00:00+08:00' WHERE id = $1`, [fx.action.A2]);
      await pool.query(`UPDATE actions SET submitted_at = '2026-03-07T09:00:00+08:00' WHERE id = $1`, [fx.action.A2]);
      const pending = (await pool.query('SELECT count(*)::int AS n FROM dash_daily_delta')).rows[0].n;
      expect(pending).to.be.greaterThan(0);
      const figuresBefore = (await get('/api/dashboards?month=2026-03', 'mgr.li')).items.map((i: any) => [i.metric, i.numerator, i.denominator]);
      expect(await foldDashboardDeltas(pool)).to.equal(pending);
      expect((await pool.query('SELECT count(*)::int AS n FROM dash_daily_delta')).rows[0].n).to.equal(0);
      expect(await diffDashboardRollups(pool)).to.deep.equal([]);
      const figuresAfter = (await get('/api/dashboards?month=2026-03', 'mgr.li')).items.map((i: any) => [i.metric, i.numerator, i.denominator]);
      expect(figuresAfter).to.deep.equal(figuresBefore);
    });

    it("lets two writers change the same rep's same-day rollup without waiting for each other, and folds only committed deltas", async () => {
      const { pool } = fx;
      // A1 (due 03-05) and A2 (due 03-06) are both zhao's: moving each a day later makes
      // both transactions change zhao's 03-06 row of the rollup
      const key = await pool.query(`SELECT id, due_at FROM actions WHERE id = ANY($1) ORDER BY id`, [[fx.action.A1, fx.action.A2]]);
      const a = await pool.connect();
      const b = await pool.connect();
      try {
        await a.query('BEGIN');
        await a.query(`UPDATE actions SET due_at = due_at + interval '1 day' WHERE id = $1`, [key.rows[0].id]);
        await b.query('BEGIN');
        // would fail with lock_not_available if the rollup row were locked by the open transaction
        await b.query(`SET LOCAL lock_timeout = '2s'`);
        await b.query(`UPDATE actions SET due_at = due_at + interval '1 day' WHERE id = $1`, [key.rows[1].id]);
        await b.query('COMMIT');
        const folded = await foldDashboardDeltas(pool);
        expect(folded).to.be.greaterThan(0);
        // a's deltas are still uncommitted: not folded, still pending after its commit
        await a.query('COMMIT');
        expect((await pool.query('SELECT count(*)::int AS n FROM dash_daily_delta')).rows[0].n).to.be.greaterThan(0);
        expect(await diffDashboardRollups(pool)).to.deep.equal([]);
      } finally {
        await a.query('ROLLBACK').catch(() => undefined);
        await b.query('ROLLBACK').catch(() => undefined);
        a.release();
        b.release();
        for (const r of key.rows) await pool.query('UPDATE actions SET due_at = $2 WHERE id = $1', [r.id, r.due_at]);
      }
      await foldDashboardDeltas(pool);
      expect(await diffDashboardRollups(pool)).to.deep.equal([]);
    });
  });

  describe('a backdated department change (last but one: it moves rep.zhou)', () => {
    it("re-attributes the stage facts after the change: zhou's 03-08 skip (M5) moves to 华东区, the 03-06 advance (M6) stays", async () => {
      await fx.pool.query(`UPDATE users SET department_id = $2, updated_at = '2026-03-07T00:00:00+08:00' WHERE id = $1`, [fx.user.zhou, fx.dept.east]);
      expect(await diffDashboardRollups(fx.pool)).to.deep.equal([]);
      const li = await get('/api/dashboards/stage_skip_rate?month=2026-03', 'mgr.li');
      // 华东区 before: 0 of 5; now with M5: 1 of 6
      expect([li.numerator, li.denominator]).to.deep.equal([1, 6]);
      const chen = await get('/api/dashboards/stage_skip_rate?month=2026-03', 'mgr.chen');
      // 华北区: M6 (zhou, before the change) and M8 (mover) → 1 of 2
      expect([chen.numerator, chen.denominator]).to.deep.equal([1, 2]);
    });
  });

  describe('settings (last: it changes a threshold)', () => {
    it('serves the thresholds and lets an admin change one band (the dashboards.thresholds setting); a director may not', async () => {
      const s = await get('/api/dashboard-settings');
      expect(s.thresholds.lead_conversion).to.deep.equal({ green: { min: 0.35, max: 0.45 }, red: { below: 0.30 } });
      await fx.pool.query(`INSERT INTO users (wecom_userid, name, role, department_id) VALUES ('admin.lin', '林涛', 'admin', $1)`, [fx.dept.root]);
      const thresholds = { ...s.thresholds, effective_followup: { green: { min: 0.6 }, red: { below: 0.5 } } };
      const put = await api.call('PUT', '/api/settings/dashboards.thresholds', { as: 'admin.lin', body: { expectedVersion: 0, value: thresholds } });
      expect(put.status, JSON.stringify(put.body)).to.equal(200);
      const body = await get('/api/dashboards?month=2026-03');
      expect(figure(body, 'effective_followup').status).to.equal('green');
      expect(figure(body, 'lead_conversion').status).to.equal('green');
      const refused = await api.call('PUT', '/api/settings/dashboards.thresholds', { as: 'director.wang', body: { expectedVersion: 1, value: s.thresholds } });
      expect(refused.status).to.equal(403);
    });
  });
});
