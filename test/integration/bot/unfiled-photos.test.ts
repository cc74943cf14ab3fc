import { expect } from 'chai';
import type pg from 'pg';
import { freshDatabase } from '../../support/database.js';
import { anAttachment, lookups } from '../actions/actions-helpers.js';
import { activeActionOf, botDepsFor, draftOf, say } from './bot-helpers.js';

/**
 * Issue #24: a picture sent with no report open is kept and offered once — "刚才发的照片要用在这次拜访吗",
 * with its likely tag — to the next visit report the rep starts within the setting's window (2 hours by
 * default); never attached without the answer, never lost.
 */
describe('the bot keeps a picture sent before the visit and offers it to the next report', () => {
  let pool: pg.Pool;
  let sun: number;
  let customer: string;
  const clock = { at: new Date('2026-12-09T02:00:00Z') };
  const deps = () => botDepsFor(pool, { now: () => clock.at });

  beforeEach(async () => {
    ({ pool } = await freshDatabase(8));
    clock.at = new Date('2026-12-09T02:00:00Z');
    sun = await lookups(pool).userId('rep.sun');
    const { rows: [c] } = await pool.query('SELECT name FROM customers WHERE owner_id = $1 ORDER BY id LIMIT 1', [sun]);
    customer = c.name;
    const { rows: open } = await pool.query(`SELECT 1 FROM actions WHERE assignee_id = $1 AND status IN ('pending', 'in_progress', 'rejected')`, [sun]);
    expect(open, 'rep.sun starts with no report open').to.have.length(0);
  });

  async function unfiled(attachmentId: number) {
    const { rows: [r] } = await pool.query('SELECT offered_action_id, decided FROM unfiled_photos WHERE attachment_id = $1', [attachmentId]);
    return r ? { offered: r.offered_action_id === null ? null : Number(r.offered_action_id), decided: r.decided } : null;
  }

  it('keeps the picture, asks once when the rep starts a visit, and on 是 adds it to the report as 门头照', async () => {
    const d = deps();
    const photo = await anAttachment(pool, { uploadedBy: sun, kind: 'photo' });
    const kept = await say(d, 'rep.sun', { kind: 'image', attachmentId: photo });
    expect(kept).to.include('收到照片，先保存着：2小时内开始拜访时，我会问你要不要用在那次拜访里').and.include('你现在没有正在填写的报告');
    expect(await unfiled(photo)).to.deep.equal({ offered: null, decided: null });

    clock.at = new Date(clock.at.getTime() + 40 * 60_000);
    const asked = await say(d, 'rep.sun', `我在${customer}`);
    expect(asked).to.include(`已为你新建拜访：${customer}`).and.include(`刚才（10:00）发的1张照片要用在这次拜访（${customer}）吗？按拍摄顺序记为门头照`);
    const actionId = (await activeActionOf(pool, 'rep.sun'))!;
    expect((await draftOf(pool, actionId))?.attachmentIds ?? []).to.not.include(photo);

    expect(await say(d, 'rep.sun', '是')).to.include('已加到这次拜访：照片（门头照）');
    expect((await draftOf(pool, actionId)).attachmentIds).to.include(photo);
    const { rows: [a] } = await pool.query('SELECT tags FROM attachments WHERE id = $1', [photo]);
    expect(a.tags).to.deep.equal(['门头照']);
    expect(await unfiled(photo)).to.deep.equal({ offered: actionId, decided: 'attached' });
  });

  it('on 不是 keeps the picture out of the report and does not ask about it again', async () => {
    const d = deps();
    const photo = await anAttachment(pool, { uploadedBy: sun, kind: 'photo' });
    await say(d, 'rep.sun', { kind: 'image', attachmentId: photo });
    expect(await say(d, 'rep.sun', `我在${customer}`)).to.include('要用在这次拜访');
    const actionId = (await activeActionOf(pool, 'rep.sun'))!;
    expect(await say(d, 'rep.sun', '不是')).to.include('这些照片不用在这次拜访，仍保存着');
    expect((await draftOf(pool, actionId))?.attachmentIds ?? []).to.not.include(photo);
    expect(await unfiled(photo)).to.deep.equal({ offered: actionId, decided: 'declined' });
    expect((await pool.query('SELECT 1 FROM attachments WHERE id = $1', [photo])).rowCount).to.equal(1);
    expect(await say(d, 'rep.sun', '还差什么')).to.not.include('要用在这次拜访');
  });

  it('does not offer a picture kept longer ago than the window (the setting), and keeps it', async () => {
    const d = deps();
    const photo = await anAttachment(pool, { uploadedBy: sun, kind: 'photo' });
    await say(d, 'rep.sun', { kind: 'image', attachmentId: photo });
    clock.at = new Date(clock.at.getTime() + 121 * 60_000);
    const started = await say(d, 'rep.sun', `我在${customer}`);
    expect(started).to.include(`已为你新建拜访：${customer}`).and.not.include('要用在这次拜访');
    expect(await unfiled(photo)).to.deep.equal({ offered: null, decided: null });
    expect((await pool.query('SELECT 1 FROM attachments WHERE id = $1', [photo])).rowCount).to.equal(1);
  });
});
