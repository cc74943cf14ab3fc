import { expect } from 'chai';
import { topicMatcherFor, topicReaderFor } from '../../../core/flow/topic-phrasings.js';

/** Obstacle topics found by the library's words and by the phrasings admins give each topic (core/understanding/topics). */
describe('obstacle topics by word and phrasing', () => {
  const words = ['价格偏高', '回款慢', '缺货', '入库', '竞品'];
  const phrasings = { 价格偏高: ['太贵', '嫌贵', '价格…高'], 回款慢: ['货款…不付', '拖欠'], 缺货: ['没货'], 竞品: ['比我们…低'] };
  const match = topicMatcherFor(words, phrasings);

  it('files a pain said in other words under the topic whose phrasing it uses', () => {
    expect(match('客户嫌我们太贵了')).to.deep.equal(['价格偏高']);
    expect(match('医院的货款一直不付')).to.deep.equal(['回款慢']);
    expect(match('门店没货两天了')).to.deep.equal(['缺货']);
  });

  it('reads a phrasing with a gap across the words between (价格…高 in 价格比去年高)', () => {
    expect(match('他们觉得价格比去年高了不少')).to.deep.equal(['价格偏高']);
    expect(match('对手报价比我们低两成')).to.deep.equal(['竞品']);
  });

  it('does not name a problem said after a negation, but keeps a missing state (没入库) as the problem', () => {
    expect(match('价格倒不太贵')).to.deep.equal([]);
    expect(match('价格没那么高')).to.deep.equal([]);
    expect(match('店里不缺货')).to.deep.equal([]);
    expect(match('设备一直没入库')).to.deep.equal(['入库']);
    expect(topicReaderFor(words, phrasings)('价格没那么高').negated).to.deep.equal(['价格偏高']);
  });

  it('never names a topic that is not in the library, whatever its phrasings say', () => {
    const m = topicMatcherFor(['回款慢'], { 价格偏高: ['太贵'], 回款慢: ['拖欠'] });
    expect(m('太贵了，还拖欠货款')).to.deep.equal(['回款慢']);
  });

  it('keeps the library word matching as before (账期 in 报账期间 is not a term)', () => {
    const m = topicMatcherFor(['账期', '价格偏高'], {});
    expect(m('客户说价格偏高，账期太长')).to.deep.equal(['账期', '价格偏高']);
    expect(m('报账期间财务很忙')).to.deep.equal([]);
  });

  it('builds one reader per words and phrasings, whether asked with the same objects or equal copies', () => {
    const read = topicReaderFor(words, phrasings);
    expect(topicReaderFor(words, phrasings)).to.equal(read);
    expect(topicReaderFor([...words], JSON.parse(JSON.stringify(phrasings)))).to.equal(read);
    expect(topicReaderFor(words, { ...phrasings, 缺货: ['断货'] })).to.not.equal(read);
  });

  it('reads a text read just before the same way, whatever its caller did with the first reading', () => {
    const read = topicReaderFor(words, phrasings);
    const first = read('客户嫌贵，还没货');
    first.topics.push('入库');
    first.negated.push('回款慢');
    expect(read('客户嫌贵，还没货')).to.deep.equal({ topics: ['价格偏高', '缺货'], negated: [] });
  });
});
