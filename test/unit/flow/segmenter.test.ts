import { expect } from 'chai';
import { createKeywordMatcher, extractKeywords, segment, warmUpSegmenter } from '../../../core/flow/segmenter.js';

describe('segmenter', () => {
  before(function () {
    this.timeout(30_000);
    warmUpSegmenter();
  });

  it('returns distinct keywords in order of first appearance', () => {
    const match = createKeywordMatcher(['账期', '回款慢', '竞品']);
    expect(match('竞品账期长，回款慢，竞品又来了')).to.deep.equal(['竞品', '账期', '回款慢']);
  });

  it('serves several libraries in one process without one swallowing the other', () => {
    const pains = createKeywordMatcher(['价格偏高']);
    const words = createKeywordMatcher(['价格', '偏高']);
    const text = '客户觉得价格偏高。';
    expect(pains(text)).to.deep.equal(['价格偏高']);
    expect(words(text)).to.have.members(['价格', '偏高']);
  });

  it('matches Latin terms case-insensitively', () => {
    expect(createKeywordMatcher(['SKU']).call(null, '新品sku太多')).to.deep.equal(['SKU']);
  });

  it('returns nothing for empty text or an empty library', () => {
    expect(createKeywordMatcher(['账期'])('')).to.deep.equal([]);
    expect(createKeywordMatcher([])('账期')).to.deep.equal([]);
  });

  it('segments text and keeps inserted trade terms whole', () => {
    createKeywordMatcher(['条码费']);
    expect(segment('超市要收条码费')).to.include('条码费');
  });

  it('extracts the top keywords with weights', () => {
    const top = extractKeywords('客户反映库存积压严重，库存积压导致资金紧张', 2);
    expect(top).to.have.length(2);
    expect(top[0]).to.have.keys(['word', 'weight']);
  });
});
