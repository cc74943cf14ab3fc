import { expect } from 'chai';
import { ALERT_RULES } from '../../../core/alerts/rules/index.js';
import { GATE_RULES } from '../../../core/flow/rules/index.js';
import { parseRuleParams } from '../../../core/flow/rule-kind.js';
import { SIGNAL_RULES } from '../../../core/scoring/rules/index.js';

/** The three rule families share one shape: kind, Chinese label, params schema, one pure check. */
describe('the rule vocabulary', () => {
  const families = { gate: GATE_RULES, alert: ALERT_RULES, signal: SIGNAL_RULES } as Record<string, Record<string, any>>;
  for (const [family, registry] of Object.entries(families)) {
    it(`registers every ${family} rule under its own kind, with a Chinese label, a params schema and a check`, () => {
      for (const [key, rule] of Object.entries(registry)) {
        expect(rule.kind, key).to.equal(key);
        expect(rule.label, key).to.match(/[\u4e00-\u9fa5]/);
        expect(typeof rule.schema.safeParse, key).to.equal('function');
        expect(typeof rule.check, key).to.equal('function');
      }
    });
  }

  it('checks a kind’s params by its schema the same way in every family, and names an unknown kind', () => {
    expect(parseRuleParams(ALERT_RULES, 'silence', { days: 10, recipients: ['owner'] })).to.deep.equal({ ok: true, params: { days: 10, recipients: ['owner'] } });
    const bad = parseRuleParams(ALERT_RULES, 'silence', { days: 0, recipients: [] });
    expect(bad.ok).to.equal(false);
    if (!bad.ok) expect(bad.issues.map((i) => i.path)).to.deep.equal(['params.days', 'params.recipients']);
    expect(parseRuleParams(GATE_RULES, 'orders.linked', { latest: 3 })).to.deep.equal({ ok: true, params: { latest: 3 } });
    const signal = parseRuleParams(SIGNAL_RULES, 'decision_maker.met', { withinDays: 0 });
    expect(signal.ok).to.equal(false);
    if (!signal.ok) expect(signal.issues.map((i) => i.path)).to.deep.equal(['params.withinDays', 'params.odds']);
    const unknown = parseRuleParams(SIGNAL_RULES, 'deal.magic', {});
    expect(unknown.ok).to.equal(false);
    if (!unknown.ok) expect(unknown.issues[0].message).to.match(/^未知的规则类型「deal\.magic」，可选：document\.downloaded、decision_maker\.met/);
  });
});
