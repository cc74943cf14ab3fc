import { expect } from 'chai';
import { listWecomMatches } from '../../../core/wecom-contacts/confirm.js';
import { loadActiveActor } from '../../../core/auth/actor.js';
import { demoAtFixedNow, type GeneratedDemo } from './seed-helpers.js';

describe('seed module: 企业微信客户待确认', function () {
  this.timeout(180_000);
  let demo: GeneratedDemo;
  before(async () => { demo = await demoAtFixedNow(); });

  it('puts the demo rep\'s made-up 客户联系 through the matching: one bound by its mobile, a 是这位联系人吗 and a 新建联系人 asked', async () => {
    const { rows: bound } = await demo.pool.query(`SELECT name FROM contacts WHERE wecom_external_userid = 'wmDemoMobile0001'`);
    expect(bound).to.have.length(1);
    const rep = (await loadActiveActor(demo.pool, { wecomUserid: 'rep.zhao' }))!;
    const { items } = await listWecomMatches(demo.pool, rep, {});
    expect(items.some((m) => m.contactId !== null && m.question.endsWith('是这位联系人吗？'))).to.equal(true);
    expect(items.some((m) => m.contactId === null && m.externalName === '钱晓东')).to.equal(true);
  });
});
