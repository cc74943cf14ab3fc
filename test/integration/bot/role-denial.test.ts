import { expect } from 'chai';
import type pg from 'pg';
import { freshDatabase } from '../../support/database.js';
import { botDepsFor, checkInAtHualian, contactsOfCustomer, draftOf, say } from './bot-helpers.js';

/**
 * Issue #24: a role denied with nobody named instead ("拍板的不是刘伟") is asked about — who has it,
 * as numbered choices with 新建联系人 and 不知道 — and nothing wrong is recorded meanwhile.
 */
describe('the bot asks who has a role the rep denied of someone', () => {
  let pool: pg.Pool;

  beforeEach(async () => {
    ({ pool } = await freshDatabase(8));
  });

  async function noted(actionId: number): Promise<Record<number, string | null>> {
    const { rows: [c] } = await pool.query(
      'SELECT b.state FROM bot_conversations b JOIN users u ON u.id = b.user_id WHERE u.wecom_userid = $1', ['rep.zhao']);
    return Object.fromEntries((c.state.contactUpdates?.[String(actionId)] ?? []).map((u: { contactId: number; buyingRole?: string }) => [u.contactId, u.buyingRole ?? null]));
  }

  it('asks "那决策者是哪一位" with the other contacts, 新建联系人 and 不知道, records nothing of the one denied, and takes the numbered answer', async () => {
    const deps = botDepsFor(pool);
    const actionId = await checkInAtHualian(pool, deps);
    const [denied, ...others] = await contactsOfCustomer(pool, '华联超市总部');

    const asked = await say(deps, 'rep.zhao', `拍板的不是${denied.name}`);
    expect(asked).to.include('那决策者是哪一位？').and.include('新建联系人').and.include('不知道').and.not.include('没太看懂');
    expect(asked).to.not.match(new RegExp(`\\d\\.${denied.name}`));
    expect((await draftOf(pool, actionId))?.fields?.decisionContactId).to.equal(undefined);
    expect(await noted(actionId)).to.deep.equal({});

    const first = others.find((c) => asked.includes(`1.${c.name}`))!;
    expect(await say(deps, 'rep.zhao', '1')).to.include('已记录').and.include(`${first.name}`).and.include('是决策者');
    expect((await draftOf(pool, actionId)).fields).to.include({ decisionContactId: first.id, decisionRole: '决策者' });
    expect(await noted(actionId)).to.deep.equal({ [first.id]: 'decider' });
  });

  it('takes back a role noted earlier in the chat when the rep denies it, asks who instead, and 撤销 puts it back', async () => {
    const deps = botDepsFor(pool);
    const actionId = await checkInAtHualian(pool, deps);
    const [a] = await contactsOfCustomer(pool, '华联超市总部');
    await say(deps, 'rep.zhao', `${a.name}是拍板的人`);
    expect((await draftOf(pool, actionId)).fields).to.include({ decisionContactId: a.id, decisionRole: '决策者' });

    const reply = await say(deps, 'rep.zhao', `不是${a.name}拍板`);
    expect(reply).to.include(`已撤下：${a.name}是决策者`).and.include('那决策者是哪一位？');
    expect((await draftOf(pool, actionId)).fields.decisionRole).to.equal(undefined);
    expect(await noted(actionId)).to.deep.equal({ [a.id]: null });

    expect(await say(deps, 'rep.zhao', '不知道')).to.include('决策者先空着');
    expect((await draftOf(pool, actionId)).fields.decisionRole).to.equal(undefined);

    expect(await say(deps, 'rep.zhao', '撤销')).to.include('已撤销');
    expect((await draftOf(pool, actionId)).fields).to.include({ decisionContactId: a.id, decisionRole: '决策者' });
    expect(await noted(actionId)).to.deep.equal({ [a.id]: 'decider' });
  });

  it('creates the contact the rep names after 新建联系人 and records them with the role', async () => {
    const deps = botDepsFor(pool);
    const actionId = await checkInAtHualian(pool, deps);
    const contacts = await contactsOfCustomer(pool, '华联超市总部');
    const stranger = ['钟岩', '韦航', '邱实', '骆川'].find((n) => !contacts.some((c) => c.name[0] === n[0]))!;

    const asked = await say(deps, 'rep.zhao', '不是他拍板');
    expect(asked).to.include('那决策者是哪一位？');
    const option = /(\d)\.新建联系人/.exec(asked)![1];
    expect(await say(deps, 'rep.zhao', option)).to.include('新联系人叫什么');
    expect(await say(deps, 'rep.zhao', `${stranger}，设备科主任`)).to.include(`已新建联系人${stranger}`).and.include(`${stranger}`).and.include('是决策者');
    const added = (await contactsOfCustomer(pool, '华联超市总部')).find((c) => c.name === stranger)!;
    expect(added.title).to.equal('设备科主任');
    expect((await draftOf(pool, actionId)).fields).to.include({ decisionContactId: added.id, decisionRole: '决策者' });
  });

  it('says that the customer\'s record still gives the denied person the role, and leaves the record to the customer page', async () => {
    const deps = botDepsFor(pool);
    await checkInAtHualian(pool, deps);
    const [a] = await contactsOfCustomer(pool, '华联超市总部');
    await pool.query(`UPDATE contacts SET buying_role = 'decider' WHERE id = $1`, [a.id]);
    const reply = await say(deps, 'rep.zhao', `${a.name}不是拍板的`);
    expect(reply).to.include(`客户资料里${a.name}仍记为决策者`).and.include('那决策者是哪一位？');
    expect((await contactsOfCustomer(pool, '华联超市总部')).find((c) => c.id === a.id)!.buying_role).to.equal('decider');
  });

  it('still records the one named instead when the rep says who it is (拍板的不是X，是Y) without asking', async () => {
    const deps = botDepsFor(pool);
    const actionId = await checkInAtHualian(pool, deps);
    const [a, b] = await contactsOfCustomer(pool, '华联超市总部');
    const reply = await say(deps, 'rep.zhao', `拍板的不是${a.name}，是${b.name}`);
    expect(reply).to.include('已记录').and.include(`${b.name}`).and.include('是决策者').and.not.include('哪一位');
    expect((await draftOf(pool, actionId)).fields).to.include({ decisionContactId: b.id, decisionRole: '决策者' });
  });
});
