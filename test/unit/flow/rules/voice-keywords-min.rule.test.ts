import { expect } from 'chai';
import { warmUpSegmenter } from '../../../../core/flow/segmenter.js';
import { voiceKeywordsMinRule } from '../../../../core/flow/rules/voice-keywords-min.rule.js';
import { aVisitFacts } from '../support/builders.js';

const params = { library: 'pain_points', min: 2 };

describe('voice.keywords.min', () => {
  before(function () {
    this.timeout(30_000); // jieba loads its dictionary once per process
    warmUpSegmenter();
  });

  it('passes a transcript naming two distinct pain points', () => {
    expect(voiceKeywordsMinRule.check(aVisitFacts(), params)).to.deep.equal([]);
  });

  it('counts a repeated keyword once', () => {
    const facts = aVisitFacts({ report: { transcript: '价格偏高，真的价格偏高，还是价格偏高。' } });
    const [f] = voiceKeywordsMinRule.check(facts, params);
    expect(f.code).to.equal('VOICE_KEYWORDS_TOO_FEW');
    expect(f.message).to.contain('只提到1个客户痛点（价格偏高），至少需要2个');
    expect(f.details).to.deep.include({ matched: ['价格偏高'] });
  });

  it('keeps multi-character terms like 耗材编码 whole', () => {
    const facts = aVisitFacts({ report: { transcript: '设备科说耗材编码还没下来，医保备案也在走流程。' } });
    expect(voiceKeywordsMinRule.check(facts, params)).to.deep.equal([]);
  });

  it('does not match a keyword that is only a substring across words (报账期间 ≠ 账期)', () => {
    const facts = aVisitFacts({ report: { transcript: '报账期间财务很忙，下周再聊，竞品也来过。' } });
    const [f] = voiceKeywordsMinRule.check(facts, params);
    expect(f.details).to.deep.include({ matched: ['竞品'] });
  });

  it('counts a pain said in other words by the library\'s phrasings (太贵 for 价格偏高), and not one said after a negation', () => {
    const said = '店长嫌我们太贵，上批货款一直拖着不付。';
    const keywordPhrasings = { pain_points: { 价格偏高: ['太贵'], 回款慢: ['货款…不付'] } };
    expect(voiceKeywordsMinRule.check(aVisitFacts({ report: { transcript: said } }), params)[0].details).to.deep.include({ matched: [] });
    expect(voiceKeywordsMinRule.check(aVisitFacts({ report: { transcript: said }, keywordPhrasings }), params)).to.deep.equal([]);
    const [f] = voiceKeywordsMinRule.check(aVisitFacts({ report: { transcript: '价格倒不太贵，货款一直拖着不付。' }, keywordPhrasings }), params);
    expect(f.details).to.deep.include({ matched: ['回款慢'] });
  });

  it('asks for a voice memo when there is no transcript', () => {
    const [f] = voiceKeywordsMinRule.check(aVisitFacts({ report: { transcript: '  ' } }), params);
    expect(f).to.include({ code: 'VOICE_TRANSCRIPT_MISSING', target: 'voice' });
  });

  it('fails loudly when the library is not configured', () => {
    const [f] = voiceKeywordsMinRule.check(aVisitFacts({ keywordLibraries: {} }), params);
    expect(f.code).to.equal('KEYWORD_LIBRARY_MISSING');
  });
});
