import { expect } from 'chai';
import { coverageGaps, type MeasuredContact } from '../../../core/profile/coverage-gaps.js';
import { frequencyOf } from '../../../core/profile/relationship-graph.js';
import { DEFAULT_RELATIONSHIP_SETTINGS as S } from '../../../core/profile/relationship-settings.js';

const NOW = new Date('2026-12-01T10:00:00+08:00');
const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000);
let id = 0;
const aContact = (o: Partial<MeasuredContact>): MeasuredContact => ({
  id: ++id, name: `联系人${id}`, department: '设备科', buyingRole: null, attitude: null, isCoach: false, status: 'active',
  lastContactAt: daysAgo(3), touchDays: 4, ...o,
});
const messages = (contacts: MeasuredContact[], type: 'hospital' | 'ka' | 'store' = 'hospital') =>
  coverageGaps({ customerType: type, contacts, now: NOW }, S).map((g) => g.message);

describe('coverage gaps of a buying centre', () => {
  it('names a decider not contacted for 30 days and one never contacted', () => {
    expect(messages([aContact({ name: '黄敏', buyingRole: 'decider', lastContactAt: daysAgo(41), touchDays: 1 }),
      aContact({ name: '杨娟', department: '采购中心', buyingRole: 'buyer', lastContactAt: null, touchDays: 0 })]))
      .to.include.members(['决策者 黄敏 41 天未接触', '采购者 杨娟 从未接触']);
  });

  it('counts a role covered when one of its holders was contacted recently', () => {
    const gaps = messages([aContact({ buyingRole: 'decider', lastContactAt: daysAgo(60) }), aContact({ buyingRole: 'decider', lastContactAt: daysAgo(2) })]);
    expect(gaps.filter((m) => m.startsWith('决策者'))).to.deep.equal([]);
  });

  it('says which key roles are missing, the decider first and as high severity', () => {
    const gaps = coverageGaps({ customerType: 'hospital', contacts: [aContact({ buyingRole: 'user' })], now: NOW }, S);
    expect(gaps.slice(0, 2).map((g) => [g.severity, g.message])).to.deep.equal([['high', '还没有识别决策者'], ['medium', '还没有识别采购者']]);
  });

  it('reports 没有覆盖信息科 for a hospital, and a key department whose people nobody reached', () => {
    const gaps = messages([aContact({ buyingRole: 'decider' }), aContact({ department: '采购中心', buyingRole: 'buyer', touchDays: 0, lastContactAt: daysAgo(5) })]);
    expect(gaps).to.include('没有覆盖信息科');
    expect(gaps).to.include('采购中心 近90天没有人对接');
    expect(gaps).to.not.include('没有覆盖设备科');
  });

  it('ignores departed contacts, flags an opposing decider and a missing 内线 (not for stores)', () => {
    const gone = aContact({ buyingRole: 'decider', status: 'left' });
    expect(messages([gone])).to.include('还没有识别决策者');
    expect(messages([aContact({ name: '周总', buyingRole: 'decider', attitude: 'oppose' })])).to.include.members(['决策者 周总 态度反对', '医院客户还没有内线（教练）']);
    expect(messages([aContact({ buyingRole: 'decider' })], 'store')).to.deep.equal(['还没有识别采购者']);
  });
});

describe('对接频次 from measured contact days', () => {
  it('reads about once a week over 90 days as 每周, and silence in days', () => {
    expect(frequencyOf({ lastContactAt: daysAgo(1), touchDays: 11, byUser: [] }, 90, NOW)).to.deep.equal({ label: '每周', weight: 5 });
    expect(frequencyOf({ lastContactAt: daysAgo(1), touchDays: 6, byUser: [] }, 90, NOW).label).to.equal('每两周');
    expect(frequencyOf({ lastContactAt: daysAgo(1), touchDays: 3, byUser: [] }, 90, NOW).label).to.equal('每月');
    expect(frequencyOf({ lastContactAt: daysAgo(1), touchDays: 1, byUser: [] }, 90, NOW).label).to.equal('偶尔');
    expect(frequencyOf({ lastContactAt: daysAgo(120), touchDays: 0, byUser: [] }, 90, NOW)).to.deep.equal({ label: '120天未接触', weight: 1 });
    expect(frequencyOf(undefined, 90, NOW).label).to.equal('从未接触');
  });
});
