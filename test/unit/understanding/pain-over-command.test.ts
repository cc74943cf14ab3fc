import { expect } from 'chai';
import { DEFAULT_PAIN_POINT_KEYWORDS } from '../../../core/flow/defaults.js';
import { topicMatcherFor } from '../../../core/flow/topic-phrasings.js';
import { routeIntent } from '../../../core/understanding/intent-router.js';
import { TABLE_CONTACTS as CONTACTS, TABLE_NOW as NOW } from '../../../core/understanding/learned/training-set.js';
import { DEFAULT_OBSTACLE_TOPICS, phrasingsOf } from '../../../core/understanding/topics/obstacle-topics.setting.js';

/**
 * A sentence about a competitor and a deal is what the rep saw at the customer, not a request for the rep's own deal
 * list: the learned reader, which knows commands only by their neighbours (我的单子, 还有多少单没跟), must not make it one.
 */
const matchPainPoints = topicMatcherFor(DEFAULT_PAIN_POINT_KEYWORDS, phrasingsOf(DEFAULT_OBSTACLE_TOPICS));
const read = (text: string, pendingSlot?: string) => {
  const r = routeIntent(text, { now: NOW, contacts: CONTACTS, matchPainPoints, ...(pendingSlot ? { pendingSlot } : {}) });
  return r.clarify ? 'ask' : r.best?.kind === 'command' ? `cmd=${r.best.command}` : r.best?.kind ?? null;
};

describe('a customer\'s pain point said with a deal in it', () => {
  it('reads 友商在抢这个单子 / 友商也在跟这个项目 as report content, not the rep\'s deal list', () => {
    for (const said of ['友商在抢这个单子', '对手在抢我们的单子', '友商也在跟这个项目']) {
      expect(matchPainPoints(said), said).to.include('竞品');
      expect(read(said), said).to.equal('report_content');
      expect(read(said, 'fields.nextContactAt'), said).to.not.equal('cmd=my_deals');
    }
  });

  it('still runs the deal list when the rep asks for it, also while a question is pending', () => {
    for (const said of ['看看我的单子', '瞅一眼我的单子', '我手上的单子']) {
      expect(read(said), said).to.equal('cmd=my_deals');
      expect(read(said, 'fields.nextContactAt'), said).to.equal('cmd=my_deals');
    }
  });
});
