import { expect } from 'chai';
import { VISIT_RULES } from '../../../core/flow/defaults.js';
import { evaluateRules } from '../../../core/flow/evaluate-rules.js';
import { parseRuleSet, RuleSetSchema } from '../../../core/flow/rules/index.js';
import { warmUpSegmenter } from '../../../core/flow/segmenter.js';
import { aPhoto, aVisitFacts, codes, sh } from './support/builders.js';

describe('evaluateRules', () => {
  before(function () {
    this.timeout(30_000);
    warmUpSegmenter();
  });

  it('accepts a complete visit report under the default visit rules', () => {
    expect(evaluateRules(aVisitFacts(), VISIT_RULES)).to.deep.equal({ ok: true, failures: [] });
  });

  it('returns every failure at once, each tagged with its rule id', () => {
    const facts = aVisitFacts({
      report: {
        attachments: [aPhoto(1, ['门头照'], null)],
        fields: { decisionRole: '采购者', nextContactAt: sh('09:00') },
        linkedOrderIds: [],
        checkIn: undefined,
        transcript: '一切正常。',
      },
    });
    const { ok, failures } = evaluateRules(facts, VISIT_RULES);
    expect(ok).to.equal(false);
    expect(codes(failures)).to.deep.equal([
      'ATTACHMENTS_TOO_FEW', 'ATTACHMENT_TAG_MISSING', 'ATTACHMENTS_TOO_FEW', 'FIELD_NOT_FUTURE',
      'ORDERS_NOT_LINKED', 'CHECKIN_MISSING', 'VOICE_KEYWORDS_TOO_FEW', 'PHOTO_NO_CAPTURE_TIME',
    ]);
    expect(failures.map((f) => f.ruleId)).to.include.members(['visit.photos', 'visit.voice', 'visit.geofence']);
    expect(failures.every((f) => /[\u4e00-\u9fa5]/.test(f.message))).to.equal(true);
  });

  it('stays ok when the only failures are warnings', () => {
    const facts = aVisitFacts({ customer: { lat: null, lng: null }, report: { attachments: [aPhoto(1, ['门头照'], null), aPhoto(2, ['合影']), { id: 3, kind: 'voice', tags: [], capturedAt: null }] } });
    const r = evaluateRules(facts, VISIT_RULES);
    expect(r.ok).to.equal(true);
    expect(codes(r.failures)).to.deep.equal(['CUSTOMER_COORDS_MISSING', 'PHOTO_NO_CAPTURE_TIME']);
  });

  it("demotes a rule's failures to warnings when the config says severity 'warning'", () => {
    const facts = aVisitFacts({ report: { linkedOrderIds: [] } });
    const r = evaluateRules(facts, [{ kind: 'orders.linked', latest: 3, severity: 'warning' }]);
    expect(r.ok).to.equal(true);
    expect(r.failures[0].severity).to.equal('warning');
  });

  it("maps mode 'block' / 'review' / 'off' onto the severities: refuse, accept with a warning, skip", () => {
    const facts = aVisitFacts({ report: { checkIn: { ...aVisitFacts().report.checkIn!, accuracy: 0 } } });
    const run = (mode?: 'block' | 'review' | 'off') => evaluateRules(facts, [{ kind: 'checkin.plausible', ...(mode ? { mode } : {}) }]);
    expect(run('block')).to.deep.include({ ok: false });
    expect(run('review').failures.map((f) => f.severity)).to.deep.equal(['warning']);
    expect(run('off')).to.deep.equal({ ok: true, failures: [] });
    expect(run().failures.map((f) => f.severity), 'an evidence rule without a mode defaults to review').to.deep.equal(['warning']);
  });
});

describe('parseRuleSet', () => {
  it('accepts the default visit rules as JSON text', () => {
    const r = parseRuleSet(JSON.stringify(VISIT_RULES));
    expect(r.ok).to.equal(true);
  });

  it('rejects an unknown rule kind and lists the valid ones', () => {
    const r = parseRuleSet([{ kind: 'photos.many', min: 2 }]);
    expect(r.ok).to.equal(false);
    if (r.ok) return;
    expect(r.issues[0].path).to.equal('rules[0].kind');
    expect(r.issues[0].message).to.contain('未知的规则类型').and.contain('attachments.min');
  });

  it('rejects bad params with a Chinese message and a readable path', () => {
    const r = parseRuleSet([{ kind: 'geofence.within_km', km: '3' }, { kind: 'orders.linked', latest: 0, extra: true }]);
    if (r.ok) throw new Error('expected failure');
    expect(r.issues.map((i) => i.path)).to.have.members(['rules[0].km', 'rules[1].latest', 'rules[1]']);
    expect(r.issues.every((i) => /[\u4e00-\u9fa5]/.test(i.message))).to.equal(true);
  });

  it('requires options for an enum field', () => {
    const r = parseRuleSet([{ kind: 'fields.required', fields: [{ key: 'role', label: '角色', type: 'enum' }] }]);
    if (r.ok) throw new Error('expected failure');
    expect(r.issues[0]).to.deep.equal({ path: 'rules[0].fields[0].options', message: '选项类型（enum）的字段必须提供 options' });
  });

  it('rejects text that is not JSON', () => {
    expect(parseRuleSet('{kind:')).to.deep.equal({ ok: false, issues: [{ path: 'rules', message: '规则配置不是合法的 JSON' }] });
  });

  it('gives a zod error from RuleSetSchema itself', () => {
    const r = RuleSetSchema.safeParse([{ kind: 'attachments.min' }]);
    expect(r.success).to.equal(false);
    expect(r.error?.issues[0].path).to.deep.equal([0, 'min']);
  });
});
