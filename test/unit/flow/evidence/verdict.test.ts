import { expect } from 'chai';
import { DEFAULT_EVIDENCE_THRESHOLDS } from '../../../../core/flow/evidence/thresholds.js';
import { trustScore, trustVerdict, type Finding } from '../../../../core/flow/evidence/verdict.js';
import type { RuleFailure } from '../../../../core/flow/types.js';

const f = (code: string, severity: 'error' | 'warning' = 'warning', details: Record<string, unknown> = {}): RuleFailure =>
  ({ code, rule: 'photo.unique', severity, message: `${code} 说明`, target: 'attachments', details });
const t = DEFAULT_EVIDENCE_THRESHOLDS;

describe('trust verdict', () => {
  it('trusts a submission with no findings: 100', () => {
    expect(trustVerdict([], t)).to.deep.equal({ score: 100, verdict: 'trusted', findings: [] });
  });

  it('ignores failures that are not evidence findings', () => {
    expect(trustVerdict([f('ORDERS_NOT_LINKED'), f('CUSTOMER_COORDS_MISSING')], t).score).to.equal(100);
  });

  it('sends one reused photo to review with 40 points', () => {
    const v = trustVerdict([f('PHOTO_REUSED')], t);
    expect(v).to.include({ score: 40, verdict: 'review' });
    expect(v.findings[0]).to.include({ code: 'PHOTO_REUSED', rule: 'photo.unique', message: 'PHOTO_REUSED 说明' });
  });

  it('weighs a repeated code at half each time, never more than twice one', () => {
    const stale = (n: number) => trustScore(Array.from({ length: n }, () => f('PHOTO_STALE')).map(toFinding));
    expect([stale(1), stale(2), stale(3), stale(5)]).to.deep.equal([70, 55, 40, 40]);
  });

  it('weighs EXIF stripped by WeCom as a note, still trusted', () => {
    expect(trustVerdict([f('PHOTO_NO_CAPTURE_TIME', 'warning', { note: true })], t)).to.include({ score: 90, verdict: 'trusted' });
  });

  it("weighs findings by the setting's weights: a reused photo an admin made cost 5 stays trusted", () => {
    const lenient = { ...t, findingWeights: { ...t.findingWeights, PHOTO_REUSED: 5 }, strippedNoteWeight: 0 };
    expect(trustVerdict([f('PHOTO_REUSED')], lenient)).to.include({ score: 95, verdict: 'trusted' });
    expect(trustVerdict([f('PHOTO_NO_CAPTURE_TIME', 'warning', { note: true })], lenient).score).to.equal(100);
  });

  it('rejects when any finding blocks, or when the score falls below the floor', () => {
    expect(trustVerdict([f('PHOTO_STALE', 'error')], t).verdict).to.equal('rejected');
    expect(trustVerdict([f('PHOTO_REUSED'), f('VOICE_SILENT')], t)).to.include({ score: 0, verdict: 'rejected' });
  });
});

function toFinding(x: RuleFailure): Finding {
  return { code: x.code as Finding['code'], rule: x.rule, severity: x.severity, message: x.message, target: x.target, details: x.details ?? {} };
}
