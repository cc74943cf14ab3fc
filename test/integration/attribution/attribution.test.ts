import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { wilson as wilsonOf } from '../../../core/attribution/intervals.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { buildAttributionFixture, NOW, type AttributionFixture } from './fixture.js';

const r4 = (x: number | undefined | null) => (x === null || x === undefined ? x : Math.round(x * 10_000) / 10_000);
const rate = (w: { rate: number; low: number; high: number } | null) => w && { rate: r4(w.rate), low: r4(w.low), high: r4(w.high) };
const PERIOD = 'from=2026-01-01&to=2026-04-01';

describe('the attribution report (GET /api/attribution)', function () {
  this.timeout(120_000);
  let fx: AttributionFixture;
  let api: TestApi;
  const get = (as: string, q = '') => api.call('GET', `/api/attribution?${PERIOD}${q}`, { as });
  const row = (body: any, kind: string, stage: string | null = null) =>
    [...body.actions, ...body.byStage].find((x: any) => x.kind === kind && x.stage === stage);

  before(async () => {
    fx = await buildAttributionFixture();
    api = await startTestApi({ pool: fx.pool, now: () => NOW });
  });
  after(() => api.close());

  it('gives the director won vs lost deals with and without a visit, with Wilson and Newcombe intervals, counted by hand', async () => {
    const res = await get('director.wang');
    expect(res.status).to.equal(200);
    const b = res.body;
    expect(b.totals).to.deep.include({ deals: 14, won: 6, lost: 8 });
    expect(b.period.label).to.equal('2026年1月1日至3月31日');
    expect(b.scope.label).to.equal('全公司');
    const v = row(b, 'action:visit');
    expect(v.label).to.equal('客户拜访');
    expect(v.stageName).to.equal('全部阶段');
    expect(v.with).to.deep.include({ deals: 7, won: 5 });
    expect(v.without).to.deep.include({ deals: 7, won: 1 });
    expect(rate(v.with.winRate)).to.deep.equal({ rate: 0.7143, low: 0.3589, high: 0.9178 });
    expect(rate(v.without.winRate)).to.deep.equal({ rate: 0.1429, low: 0.0257, high: 0.5131 });
    expect(rate({ rate: v.difference.diff, low: v.difference.low, high: v.difference.high })).to.deep.equal({ rate: 0.5714, low: 0.0582, high: 0.8062 });
    expect(v.significant).to.equal(true);
    expect(v.smallSample).to.equal(true);
    // frequency and timing: 6 visits in 6 won deals (one visited twice) and 2 in 8 lost; first at day 2 of 20 vs day 12
    expect(v.won).to.deep.equal({ deals: 6, share: 5 / 6, perDeal: 1, medianLifePosition: 0.1, medianDay: 2 });
    expect(v.lost).to.deep.equal({ deals: 8, share: 2 / 8, perDeal: 2 / 8, medianLifePosition: 0.6, medianDay: 12 });
    expect(b.method.join('')).to.include('Wilson').and.include('Newcombe');
    // how often: one deal visited twice (the median deal once, so the bar is 2) against the other 13
    expect(v.intensity).to.deep.include({ threshold: 2, significant: false });
    expect([v.intensity.more.deals, v.intensity.more.won, v.intensity.fewer.deals, v.intensity.fewer.won]).to.deep.equal([1, 1, 13, 5]);
    expect(rate(v.intensity.fewer.winRate)).to.deep.equal(rate(wilsonOf(5, 13)));
    // per-stage rows compare with and without only
    expect(row(b, 'action:visit', 'lead_qualified').intensity).to.equal(null);
  });

  it('compares per stage only the deals that reached the stage, each action in the stage it happened in', async () => {
    const b = (await get('director.wang')).body;
    expect(b.stages.find((s: any) => s.key === 'lead_qualified')).to.deep.equal({ key: 'lead_qualified', name: '线索确认', reached: 14, won: 6 });
    expect(b.stages.find((s: any) => s.key === 'negotiation')).to.deep.include({ name: '商务谈判', reached: 1, won: 0 });
    const early = row(b, 'action:visit', 'lead_qualified');
    expect(early.stageName).to.equal('线索确认');
    expect([early.with.deals, early.with.won, early.without.deals, early.without.won]).to.deep.equal([5, 5, 9, 1]);
    expect(rate(early.with.winRate)).to.deep.equal({ rate: 1, low: 0.5655, high: 1 });
    const late = row(b, 'action:visit', 'needs_analysis');
    expect([late.with.deals, late.with.won, late.without.deals, late.without.won]).to.deep.equal([2, 0, 12, 6]);
    const skip = row(b, 'stage.skipped', 'needs_analysis');
    expect([skip.with.deals, skip.with.won]).to.deep.equal([1, 0]);
    expect(row(b, 'followup.effective')).to.deep.include({ population: 14 });
    expect(row(b, 'followup.effective').with).to.deep.include({ deals: 1, won: 1 });
    // kinds that never happened are not listed
    expect(b.kinds.map((k: any) => k.kind)).to.have.members(['action:visit', 'followup.effective', 'stage.skipped']);
    expect(row(b, 'followup.effective').label).to.equal('跟进记录·有效');
  });

  it('sets each rep\'s action mix beside the top quartile\'s (the best win rate, more deals breaking the tie)', async () => {
    const b = (await get('director.wang')).body;
    const mix = (m: any[]) => r4(m.find((x) => x.kind === 'action:visit').perDeal);
    expect(b.reps.topQuartile).to.deep.include({ names: ['赵磊'], deals: 6, won: 3 });
    expect(mix(b.reps.topQuartile.mix)).to.equal(r4(5 / 6));
    const reps = Object.fromEntries(b.reps.items.map((x: any) => [x.name, x]));
    expect(reps['赵磊']).to.deep.include({ deals: 6, won: 3, inTopQuartile: true, eligible: true });
    expect([mix(reps['钱芳'].mix), reps['钱芳'].inTopQuartile]).to.deep.equal([0.5, false]);
    expect([mix(reps['周婷'].mix), reps['周婷'].won]).to.deep.equal([0.25, 1]);
    expect(b.reps.note).to.include('赢率最高的 1 名');
  });

  it('keeps a manager to his team and drills down by rep, department and product line', async () => {
    const li = (await get('mgr.li')).body;
    expect(li.scope.label).to.equal('华东区及下属部门');
    expect(li.totals).to.deep.include({ deals: 10, won: 5 });
    expect(row(li, 'action:visit').with).to.deep.include({ deals: 6, won: 4 });
    expect(li.options.reps.map((r: any) => r.name)).to.have.members(['赵磊', '钱芳']);
    expect((await get('mgr.chen')).body.totals).to.deep.include({ deals: 4, won: 1 });

    const east = (await get('director.wang', `&departmentId=${fx.dept.east}`)).body;
    expect(east.totals).to.deep.include({ deals: 10, won: 5 });
    expect(east.filters.label).to.equal('华东区');
    const medical = (await get('director.wang', `&productLineId=${fx.line.medical}`)).body;
    expect(medical.totals).to.deep.include({ deals: 4, won: 2 });
    const zhou = (await get('director.wang', `&ownerId=${fx.user.zhou}`)).body;
    expect(zhou.totals).to.deep.include({ deals: 4, won: 1 });
    expect(zhou.groups.department).to.deep.equal([{ id: fx.dept.north, name: '华北区', deals: 4, won: 1, winRate: zhou.totals.winRate }]);
    const director = (await get('director.wang')).body;
    expect(director.groups.productLine.map((g: any) => [g.name, g.deals, g.won])).to.deep.equal([['饮料', 10, 4], ['医用耗材', 4, 2]]);
  });

  it('refuses bad input with a stable code and a Chinese message, and reps altogether', async () => {
    const unknownParam = await api.call('GET', `/api/attribution?${PERIOD}&region=1`, { as: 'director.wang' });
    expect(unknownParam.status).to.equal(400);
    expect(unknownParam.body.error.code).to.equal('VALIDATION_FAILED');
    const backwards = await api.call('GET', '/api/attribution?from=2026-03-01&to=2026-02-01', { as: 'director.wang' });
    expect([backwards.status, backwards.body.error.code]).to.deep.equal([400, 'VALIDATION_FAILED']);
    expect(JSON.stringify(backwards.body.error)).to.match(/结束日期/);
    const badDate = await api.call('GET', '/api/attribution?from=2026-02-30&to=2026-03-01', { as: 'director.wang' });
    expect(badDate.status).to.equal(400);
    // another team's rep is outside mgr.li's view, an unknown product line outside anyone's
    const outside = await get('mgr.li', `&ownerId=${fx.user.zhou}`);
    expect([outside.status, outside.body.error.code]).to.deep.equal([400, 'ATTRIBUTION_FILTER_UNKNOWN']);
    expect(outside.body.error.message).to.match(/不在你的查看范围内/);
    expect((await get('director.wang', '&productLineId=999999')).body.error.code).to.equal('ATTRIBUTION_FILTER_UNKNOWN');
    expect((await get('rep.zhao')).status).to.equal(403);
  });

  it('exports the report as CSV (one table, Chinese headers) and XLSX (actions, reps and method sheets)', async () => {
    const csv = await fetch(`${api.baseUrl}/api/attribution.csv?${PERIOD}`, { headers: { Authorization: `Bearer ${await api.tokenFor('director.wang')}` } });
    expect(csv.status).to.equal(200);
    expect(decodeURIComponent(csv.headers.get('content-disposition')!)).to.include('结果归因_动作归因_2026年1月1日至3月31日.csv');
    const lines = (await csv.text()).replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).to.match(/^动作,阶段,商机数,有该动作·商机数,有该动作·赢单数,有该动作·赢率（%）/);
    expect(lines[1]).to.match(/^客户拜访,全部阶段,14,7,5,71\.4,35\.9,91\.8,7,1,14\.3,2\.6,51\.3,57\.1,5\.8,80\.6,是,是,/);
    expect(lines[1]).to.include(',2,1,100,13,38.5,61.5,');
    const reps = await fetch(`${api.baseUrl}/api/attribution.csv?${PERIOD}&table=reps`, { headers: { Authorization: `Bearer ${await api.tokenFor('director.wang')}` } });
    const repLines = (await reps.text()).split('\r\n');
    expect(repLines[0]).to.include('业务员,已结商机,赢单,赢率（%）').and.include('客户拜访（每单次数）');
    expect(repLines.find((l) => l.startsWith('前四分之一合计（赵磊）'))).to.match(/,6,3,50,/);

    const xlsx = await fetch(`${api.baseUrl}/api/attribution.xlsx?${PERIOD}`, { headers: { Authorization: `Bearer ${await api.tokenFor('mgr.li')}` } });
    expect(xlsx.status).to.equal(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as any);
    expect(wb.worksheets.map((w) => w.name)).to.deep.equal(['动作归因', '业务员动作结构', '说明']);
    const notes = wb.getWorksheet('说明')!.getSheetValues().slice(2).map((r: any) => [r[1], r[2]]);
    expect(notes).to.deep.include(['统计期', '2026年1月1日至3月31日']);
    expect(notes).to.deep.include(['查看范围', '华东区及下属部门']);
    expect(notes.find((n: any) => n[0] === '导出时间')?.[1]).to.match(/^3月20日 12:00$/);
    const unknown = await fetch(`${api.baseUrl}/api/attribution.xlsx?${PERIOD}&stage=x`, { headers: { Authorization: `Bearer ${await api.tokenFor('mgr.li')}` } });
    expect(unknown.status).to.equal(400);
  });

  it('reads its 样本少 bar, the deals that rank a rep and its default period from the setting 结果归因报告, which the director previews and changes', async () => {
    const setting = (await api.call('GET', '/api/settings', { as: 'director.wang' })).body.items.find((x: any) => x.key === 'reports.attribution');
    expect(setting).to.include({ label: '结果归因报告' });
    const value = { smallSampleDeals: 7, minRepDeals: 5, defaultDays: 60 };
    const preview = await api.call('POST', `/api/settings/${setting.id}/preview`, { as: 'director.wang', body: { scope: {}, value } });
    expect(preview.status, JSON.stringify(preview.body)).to.equal(200);
    expect(preview.body.summary).to.match(/最近 365 → 60 天/).and.match(/参与前四分之一排名的业务员 \d+ → \d+ 名/);
    expect((await get('director.wang')).body.reps.minDeals).to.equal(3);
    expect((await api.call('PUT', `/api/settings/${setting.id}`, { as: 'rep.zhao', body: { scope: {}, expectedVersion: 0, value } })).status).to.equal(403);
    const put = await api.call('PUT', `/api/settings/${setting.id}`, { as: 'director.wang', body: { scope: {}, expectedVersion: 0, value, comment: '团队小，7 个商机就看' } });
    expect(put.status, JSON.stringify(put.body)).to.equal(200);

    const b = (await get('director.wang')).body;
    // 7 deals with a visit and 7 without: no longer 样本少 at a bar of 7
    expect(row(b, 'action:visit')).to.deep.include({ smallSample: false });
    expect(b.method.join('')).to.include('任一侧少于 7 个商机时标为“样本少”');
    // only 赵磊 has 5 closed deals: one ranked rep is no quartile
    expect(b.reps.minDeals).to.equal(5);
    expect(b.reps.topQuartile).to.equal(null);
    expect(b.reps.note).to.include('各有 5 个以上已结商机');
    // without a period: the last 60 days up to 3月20日
    const unasked = (await api.call('GET', '/api/attribution', { as: 'director.wang' })).body;
    expect(unasked.period).to.deep.include({ from: '2026-01-20', to: '2026-03-21' });
  });
});

