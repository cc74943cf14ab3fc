import { expect } from 'chai';
import { gapNames, gapsFromFailures, isBlocking } from '../../../core/actions/draft-gaps.js';
import { DEFAULT_KEYWORD_LIBRARIES, VISIT_RULES } from '../../../core/flow/defaults.js';
import { evaluateRules } from '../../../core/flow/evaluate-rules.js';
import type { VisitFacts, VisitReport } from '../../../core/flow/types.js';
import { questionFor } from '../../../bot/replies/templates.js';

/**
 * "What's missing" is the rule engine's evaluation named for a chat; these
 * run the real default visit rules (core/flow) and check only the naming.
 */
const NOW = new Date('2026-11-27T10:00:00+08:00');

function facts(report: Partial<VisitReport>): VisitFacts {
  return {
    now: NOW,
    customer: { id: 1, name: '华联超市总部', type: 'ka', lat: 31.2376, lng: 121.4797, coordSystem: 'gcj02' },
    report: { fields: {}, attachments: [], linkedOrderIds: [], ...report },
    recentOrderIds: [11, 12],
    satisfiedPrerequisites: [],
    keywordLibraries: DEFAULT_KEYWORD_LIBRARIES,
  };
}

const taken = new Date(NOW.getTime() - 10 * 60_000);
const checkIn = { lat: 31.2376, lng: 121.4797, coordSystem: 'gcj02' as const, at: NOW };

describe('draft gaps: the engine’s failures by name', () => {
  it('names what a fresh check-in still lacks, in the rep’s words', () => {
    const { failures } = evaluateRules(facts({ checkIn }), VISIT_RULES);
    const gaps = gapsFromFailures(failures).filter(isBlocking);
    expect(gapNames(gaps)).to.equal('1张门头照、1张合影、1条语音纪要、决策链角色、下次接触时间、关联最近2笔订单、客户痛点');
  });

  it('says "1张合影" — not also "1张现场照片" — when a 门头照 is there and the 合影 is missing', () => {
    const report = {
      checkIn, transcript: '价格偏高，账期长', linkedOrderIds: [11, 12],
      fields: { decisionRole: '决策者', nextContactAt: '2026-12-02T15:00:00+08:00' },
      attachments: [
        { id: 1, kind: 'photo' as const, tags: ['门头照'], capturedAt: taken },
        { id: 3, kind: 'voice' as const, tags: [], capturedAt: null },
      ],
    };
    const gaps = gapsFromFailures(evaluateRules(facts(report), VISIT_RULES).failures);
    expect(gapNames(gaps.filter(isBlocking))).to.equal('1张合影');
    expect(questionFor(gaps[0], [])).to.equal('请拍一张合影发给我。');
  });

  it('keeps warnings apart (they may be skipped) and asks about them in plain words', () => {
    const report = {
      checkIn, transcript: '价格偏高，账期长', linkedOrderIds: [11, 12],
      fields: { decisionRole: '决策者', nextContactAt: '2026-12-02T15:00:00+08:00' },
      attachments: [
        { id: 1, kind: 'photo' as const, tags: ['门头照'], capturedAt: null },
        { id: 2, kind: 'photo' as const, tags: ['合影'], capturedAt: taken },
        { id: 3, kind: 'voice' as const, tags: [], capturedAt: null },
      ],
    };
    const gaps = gapsFromFailures(evaluateRules(facts(report), VISIT_RULES).failures);
    expect(gaps.filter(isBlocking)).to.deep.equal([]);
    expect(gapNames(gaps)).to.equal('「门头照」的拍摄时间');
    expect(questionFor(gaps[0], [])).to.include('跳过');
  });

  it('names a past next-contact time and a far check-in without codes', () => {
    const report = {
      checkIn: { ...checkIn, lat: 31.2376 + 0.045 },
      fields: { decisionRole: '决策者', nextContactAt: '2026-11-20T15:00:00+08:00' },
    };
    const names = gapNames(gapsFromFailures(evaluateRules(facts(report), VISIT_RULES).failures));
    expect(names).to.include('下次接触时间（要晚于现在）').and.match(/在客户附近重新签到（当前相距约5\.\d 公里）/);
    expect(names).to.not.match(/[A-Z_]{6,}/);
  });
});
