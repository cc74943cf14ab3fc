import { expect } from 'chai';
import type pg from 'pg';
import type { BotDeps } from '../../../bot/engine/types.js';
import { fillVisitReport, repChatting, say } from './bot-helpers.js';

const DAY = 24 * 3_600_000;

describe('the bot: 同上次 for what rarely changes between visits of a customer', () => {
  let pool: pg.Pool;
  let zhao: number;
  let hualian: { id: number; lat: number; lng: number };
  let clock: { at: Date };
  let deps: BotDeps;

  beforeEach(async () => ({ pool, zhao, hualian, deps, clock } = await repChatting()));

  it('offers the last visit\'s role and contact as 同上次 on the question, and writes it only when the rep says 同上次', async () => {
    const { dm } = await fillVisitReport(pool, deps, '华联超市总部', clock.at);
    expect(await say(deps, 'rep.zhao', '提交')).to.include('✅ 已提交');
    clock.at = new Date(clock.at.getTime() + 7 * DAY);
    // a week later, at the same customer: a new visit, the role asked with last time's answer beside it
    const asked = await say(deps, 'rep.zhao', { kind: 'location', lat: hualian.lat, lng: hualian.lng, coordSystem: 'gcj02' });
    expect(asked).to.include('已为你新建拜访').and.include('决策链里是什么角色');
    expect(asked).to.match(new RegExp(`上次拜访（\\d+月\\d+日）：${dm.name}[^\\n]*决策者。回复“同上次”就沿用`));
    const { rows: [a] } = await pool.query(`SELECT id FROM actions WHERE assignee_id = $1 AND status = 'in_progress' ORDER BY id DESC LIMIT 1`, [zhao]);
    const draft = async () => (await pool.query('SELECT payload FROM action_drafts WHERE action_id = $1', [a.id])).rows[0].payload;
    expect((await draft()).fields ?? {}, 'nothing filled before the rep says so').to.not.have.property('decisionRole');

    const same = await say(deps, 'rep.zhao', '同上次');
    expect(same).to.include('已记录（同上次）：决策链角色').and.include(dm.name).and.not.include('决策链里是什么角色');
    expect((await draft()).fields).to.include({ decisionRole: '决策者', decisionContactId: dm.id, decisionContactName: dm.name });
    expect(await say(deps, 'rep.zhao', '撤销')).to.include('已撤销：同上次');
    expect((await draft()).fields ?? {}).to.not.have.property('decisionRole');
  });

  it('says there is nothing to repeat at a customer the rep has not visited before', async () => {
    await say(deps, 'rep.zhao', { kind: 'location', lat: hualian.lat, lng: hualian.lng, coordSystem: 'gcj02' });
    expect(await say(deps, 'rep.zhao', '同上次')).to.include('没有可以沿用的内容').and.include('决策链里是什么角色');
  });
});
