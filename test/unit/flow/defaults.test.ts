import { expect } from 'chai';
import { ActionDefinitionSchema } from '../../../core/flow/action-definition.js';
import { DEFAULT_ACTION_DEFINITIONS, DEFAULT_OBSTACLE_KEYWORDS, DEFAULT_PAIN_POINT_KEYWORDS, defaultDefinition } from '../../../core/flow/defaults.js';

describe('default action definitions', () => {
  it('are all valid against the schema admins edit with', () => {
    for (const d of DEFAULT_ACTION_DEFINITIONS) {
      const r = ActionDefinitionSchema.safeParse(JSON.parse(JSON.stringify(d)));
      expect(r.success, `${d.code}: ${r.error?.message}`).to.equal(true);
    }
  });

  it('lock quote, sample and contract approval behind a verified visit', () => {
    for (const code of ['quote', 'sample', 'contract_approval']) {
      const rules = defaultDefinition(code)!.rules;
      expect(rules).to.deep.include({ id: 'prerequisite.visit', kind: 'prerequisite.verified', definitionCode: 'visit', label: '客户拜访' });
    }
  });

  it('gate the visit report on every evidence rule kind it needs', () => {
    const kinds = defaultDefinition('visit')!.rules.map((r) => r.kind);
    expect(new Set(kinds)).to.have.keys(['attachments.min', 'fields.required', 'orders.linked', 'geofence.within_km', 'voice.keywords.min',
      'photo.captured_within', 'photo.located', 'photo.unique', 'photo.camera', 'checkin.plausible', 'voice.speech']);
  });

  it('route evidence findings of a visit to review rather than refusing the report', () => {
    const evidence = defaultDefinition('visit')!.rules.filter((r) => /^(photo|checkin|voice\.speech)/.test(r.kind));
    expect(evidence.map((r) => r.mode)).to.deep.equal(evidence.map(() => 'review'));
  });

  it('ship about forty distinct pain-point terms and an obstacle library', () => {
    expect(new Set(DEFAULT_PAIN_POINT_KEYWORDS).size).to.equal(DEFAULT_PAIN_POINT_KEYWORDS.length).and.to.be.within(35, 50);
    expect(DEFAULT_PAIN_POINT_KEYWORDS).to.include.members(['耗材编码', '医保备案', '条码费', '临期']);
    expect(DEFAULT_OBSTACLE_KEYWORDS.length).to.be.above(15);
  });
});
