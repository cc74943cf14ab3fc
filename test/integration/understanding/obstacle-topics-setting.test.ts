import { expect } from 'chai';
import type pg from 'pg';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import { dispatch, lookups } from '../actions/actions-helpers.js';
import { settingsClient } from '../settings/support/settings-client.js';

/**
 * 痛点话题的说法 (keywords.topic-phrasings): admins give each pain-point topic the words reps use for it; the
 * change is previewed (which phrasing goes where, which recent texts move), versioned, and read where pain
 * points are read — here the visit page's 听到的客户痛点.
 */
describe('obstacle topic phrasings as a setting', () => {
  let pool: pg.Pool;
  let api: TestApi;
  let settings: ReturnType<typeof settingsClient>;
  const KEY = 'keywords.topic-phrasings';

  before(async () => {
    ({ pool } = await freshDatabase());
    api = await startTestApi({ pool });
    settings = settingsClient(api);
  });
  after(() => api.close());

  const visitPainPoints = async (transcript: string) => {
    const $ = lookups(pool);
    const a = await dispatch(api, 'mgr.li', { definitionCode: 'visit', customerId: (await $.customer('华联超市总部')).id, assigneeId: await $.userId('rep.zhao'), title: '拜访华联' });
    const r = await api.call('POST', `/api/actions/${a.id}/field-suggestions`, { as: 'rep.zhao', body: { transcript } });
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    return r.body.painPoints as string[];
  };

  it('files a pain said in other words under its topic on the visit page, and a phrasing an admin adds from then on', async () => {
    expect(await visitPainPoints('店长说我们东西太贵了，上次的货还堆着')).to.deep.equal(['价格偏高', '库存积压']);
    expect(await visitPainPoints('老板说这价吃不消')).to.deep.equal([]);

    const value = await settings.value('admin.lin', KEY);
    const price = value.topics.find((t: any) => t.topic === '价格偏高');
    price.phrasings.push('吃不消');
    const preview = await settings.preview('admin.lin', KEY, value);
    expect(preview.status, JSON.stringify(preview.body)).to.equal(200);
    expect(preview.body.lines).to.include('新说法 “吃不消” 会归到『价格偏高』');
    expect(preview.body.summary).to.match(/^近30天\d+条日报障碍和跟进小结中，\d+条归到的话题会变。$/);

    const saved = await settings.save('admin.lin', KEY, value, { comment: '加上吃不消' });
    expect(saved.status, JSON.stringify(saved.body)).to.equal(200);
    expect(await visitPainPoints('老板说这价吃不消')).to.deep.equal(['价格偏高']);
    expect((await settings.versions('admin.lin', KEY)).body.items).to.have.length(1);
  });

  it('refuses a topic that is not in the pain-point library, in Chinese, and changes nothing', async () => {
    const value = await settings.value('admin.lin', KEY);
    const before = JSON.stringify(value);
    value.topics.push({ topic: '天气不好', phrasings: ['下雨'] });
    const r = await settings.save('admin.lin', KEY, value);
    expect(r.status).to.equal(400);
    expect(JSON.stringify(r.body)).to.include('「天气不好」不在客户痛点关键词库里');
    expect(JSON.stringify(await settings.value('admin.lin', KEY))).to.equal(before);
  });

  it('is edited by admins only', async () => {
    const value = await settings.value('rep.zhao', KEY);
    expect((await settings.save('mgr.li', KEY, value)).status).to.equal(403);
    expect((await settings.save('rep.zhao', KEY, value)).status).to.equal(403);
  });
});
