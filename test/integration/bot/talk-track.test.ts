import { expect } from 'chai';
import type pg from 'pg';
import { routeIntent } from '../../../core/understanding/intent-router.js';
import { askedTopic } from '../../../core/talk-tracks/ask.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import { botDepsFor, say } from './bot-helpers.js';

/** "质保怎么谈": the bot answers with the pack that fits, its closest objection and answer, and the link to the whole pack. */
describe('the bot: asking how to handle a topic (talk-track packs)', () => {
  let pool: pg.Pool;
  let api: TestApi;
  const ids: Record<string, number> = {};

  before(async () => {
    ({ pool } = await freshDatabase(6));
    api = await startTestApi({ pool });
    const packs = [
      { title: '同类客户质保谈判话术包', keywords: ['质保', '延保'], sections: [{ heading: '先确认顾虑', body: '问清客户担心的是停机还是费用。' }],
        objections: [{ objection: '延保太贵了，能不能送', answer: '可以按年付，先签一年。' }, { objection: '别家质保给三年', answer: '我们两年原厂全包，第三年可以做延保。' }] },
      { title: '价格异议应对话术包', keywords: ['价格', '太贵', '折扣'], sections: [{ heading: '先拆价格', body: '把总价拆成单价、物流和账期。' }],
        objections: [{ objection: '你们的价格比别家贵', answer: '您比较的是出厂价还是到店价？' }] },
    ];
    for (const p of packs) {
      const res = await api.call('POST', '/api/talk-tracks', { as: 'admin.lin', body: p });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      ids[p.title] = res.body.id;
    }
  });
  after(() => api.close());

  it('reads the question out of the ways reps ask it, and leaves other messages alone', () => {
    expect(askedTopic('质保怎么谈')).to.equal('质保');
    expect(askedTopic('价格异议怎么回？')).to.equal('价格异议');
    expect(askedTopic('客户说太贵怎么办')).to.equal('太贵');
    expect(askedTopic('有没有质保的话术')).to.equal('质保');
    expect(askedTopic('今天拜访了华联，客户说价格太贵')).to.equal(null);
    expect(routeIntent('质保怎么谈', { now: new Date() }).best?.kind).to.equal('talk_track');
    expect(routeIntent('今天有啥任务', { now: new Date() }).best?.kind).to.equal('command');
  });

  it('answers 质保怎么谈 with the warranty pack, the objection that names 质保 and the link to the pack', async () => {
    const answer = await say(botDepsFor(pool), 'rep.zhao', '质保怎么谈');
    expect(answer).to.include('《同类客户质保谈判话术包》');
    expect(answer).to.include('客户说：“别家质保给三年”').and.include('我们两年原厂全包');
    expect(answer).to.match(new RegExp(`/talk-tracks/${ids['同类客户质保谈判话术包']}\\?via=bot`));
  });

  it('answers 价格异议怎么回 and 客户说太贵怎么办 with the price pack', async () => {
    for (const q of ['价格异议怎么回', '客户说太贵怎么办']) {
      const answer = await say(botDepsFor(pool), 'rep.zhou', q);
      expect(answer, q).to.include('《价格异议应对话术包》').and.include('您比较的是出厂价还是到店价');
      expect(answer, q).to.include(`/talk-tracks/${ids['价格异议应对话术包']}?via=bot`);
    }
  });

  it('says which packs there are when none fits the question', async () => {
    const answer = await say(botDepsFor(pool), 'rep.zhao', '物流怎么谈');
    expect(answer).to.include('没有找到关于“物流”的话术').and.include('《价格异议应对话术包》、《同类客户质保谈判话术包》');
  });
});
