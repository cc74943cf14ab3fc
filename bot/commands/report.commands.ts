/**
 * Commands on the report being written: 撤销, 跳过, 提交, 取消, 还差什么,
 * 关联订单, 不关联订单, 同上次. Whether something may be skipped is the rule engine's severity
 * (warnings only), never a list kept here.
 */
import { saveVisitDraft } from '../../core/actions/visit-report.js';
import { gapNames } from '../../core/actions/draft-gaps.js';
import { isAppError } from '../../core/errors.js';
import { reportProgress, sortGaps, submitReport } from '../engine/progress.js';
import { applySameAsLast } from '../engine/same-as-last.js';
import { resolveSession } from '../engine/pick-action.js';
import { gapsOf, openSession, saveDraft } from '../engine/session.js';
import { undoneDraft, type UndoEntry } from '../engine/state.js';
import { undoContactChange } from '../../core/profile/contact-events.js';
import { recordAnswer } from '../../core/understanding/learned/org-examples.js';
import { guarded, lifecycle, say, setPending, type Turn } from '../engine/turn.js';
import { questionFor } from '../replies/templates.js';

/**
 * Takes back the last change. `correcting`: a correction of the learned reader's reading takes it back to apply
 * the corrected one (learned-reading.ts), which it teaches itself and after which it reports progress.
 */
export async function undo(t: Turn, o: { correcting?: boolean } = {}): Promise<void> {
  const st = t.convo.state;
  const entry = st.undo?.pop();
  if (!entry) {
    say(t, '没有可以撤销的内容。');
    return;
  }
  // the learned reader's reading undone: those words were misread, and are not read so again
  if (entry.learned && !o.correcting) {
    await recordAnswer(t.db, {
      text: entry.learned.text, ctx: { now: t.now, contacts: [], asked: entry.learned.asked }, label: 'none', offered: [entry.learned.label],
      source: 'undone', userId: t.actor.id, at: t.now,
    });
  }
  if (entry.contactEventIds) return undoContactEvents(t, entry);
  const s = await openSession(t, entry.actionId);
  if (!s) {
    say(t, '那份报告已经提交或关闭了，不能再撤销。');
    return;
  }
  const before = undoneDraft(s.draft, entry);
  const r = await guarded(t, () => saveVisitDraft(t.db, t.actor, s.row, before, lifecycle(t)), { savepoint: false });
  if (isAppError(r)) {
    st.undo = [...(st.undo ?? []), entry];
    say(t, `没能撤销：${r.message}`);
    return;
  }
  s.draft = before;
  const key = String(entry.actionId);
  if (entry.contactUpdates && st.contactUpdates?.[key]) {
    st.contactUpdates[key] = [
      ...st.contactUpdates[key].filter((u) => !entry.contactUpdates!.some((c) => c.contactId === u.contactId)),
      ...(entry.contactUpdatesBefore ?? []),
    ];
  }
  delete st.lastFilled;
  setPending(t, null);
  t.convo.activeActionId = entry.actionId;
  say(t, `已撤销：${entry.label}。`);
  if (!o.correcting) await reportProgress(t, s);
}

export async function skip(t: Turn): Promise<void> {
  const s = await resolveSession(t, { kind: 'text', text: '跳过' });
  if (!s || s === 'asked') return;
  const slot = t.convo.state.pendingSlot;
  const here = (await gapsOf(t, s)).filter((g) => g.target === slot);
  if (here.length === 0) {
    say(t, '现在没有可以跳过的项目。');
    await reportProgress(t, s);
    return;
  }
  const required = here.filter((g) => g.severity === 'error');
  if (required.length > 0) {
    const key = String(s.row.id);
    const postponed = t.convo.state.postponed?.[key] ?? [];
    const others = (await gapsOf(t, s)).filter((g) => g.severity === 'error' && g.target !== slot && !postponed.includes(g.target));
    // nothing else to fill first: the report needs this answer now
    if (others.length === 0) {
      say(t, `「${gapNames(required)}」是必填项，不能跳过，提交前需要填上。`, questionFor(required[0], s.vocab.fields));
      return;
    }
    t.convo.state.postponed = { ...t.convo.state.postponed, [key]: [...new Set([...postponed, slot!])] };
    delete t.convo.state.pendingSlot;
    say(t, `好的，「${gapNames(required)}」先跳过；这是必填项，其他的填完我再问你。`);
    await reportProgress(t, s);
    return;
  }
  const key = String(s.row.id);
  const skipped = t.convo.state.skipped ?? {};
  skipped[key] = [...new Set([...(skipped[key] ?? []), ...here.map((g) => `${g.target}|${g.code}`)])];
  t.convo.state.skipped = skipped;
  delete t.convo.state.pendingSlot;
  say(t, `好的，跳过「${gapNames(here)}」。`);
  await reportProgress(t, s);
}

export async function submit(t: Turn): Promise<void> {
  const s = await resolveSession(t, { kind: 'text', text: '提交' });
  if (!s || s === 'asked') return;
  const errors = sortGaps((await gapsOf(t, s)).filter((g) => g.severity === 'error'));
  if (errors.length > 0) {
    say(t, `还不能提交，还差：${gapNames(errors)}。`, questionFor(errors[0], s.vocab.fields));
    t.convo.state.pendingSlot = errors[0].target;
    return;
  }
  // the rep asked to file it: no summary to confirm first
  await submitReport(t, s);
}

export function cancel(t: Turn): void {
  const st = t.convo.state;
  const wasDaily = !!st.daily;
  setPending(t, null);
  delete st.daily;
  delete st.pendingSlot;
  delete st.expectPhotoTag;
  say(t, wasDaily ? '好的，日报不写了。' : '好的，先停下。草稿都保存着，随时可以接着说。');
}

export async function status(t: Turn): Promise<void> {
  const s = await resolveSession(t, { kind: 'text', text: '还差什么' });
  if (!s || s === 'asked') return;
  await reportProgress(t, s);
}

export async function linkOrders(t: Turn): Promise<void> {
  const s = await resolveSession(t, { kind: 'text', text: '关联订单' });
  if (!s || s === 'asked') return;
  const gap = (await gapsOf(t, s)).find((g) => g.code === 'ORDERS_NOT_LINKED');
  const required = (gap?.failure.details?.required as string[] | undefined) ?? [];
  if (!gap || required.length === 0) {
    say(t, '这份报告的订单已经关联好了（或不需要关联订单）。');
    await reportProgress(t, s);
    return;
  }
  const ids = [...new Set([...(s.draft.linkedOrderIds ?? []), ...required.map(Number)])];
  if (!(await saveDraft(t, s, { ...s.draft, linkedOrderIds: ids }, `关联订单${required.length}笔`))) return;
  say(t, `已关联最近${required.length}笔订单。`);
  await reportProgress(t, s);
}

/** 不关联订单: the orders preselected with the draft are taken out (the rule says whether that can be filed). */
export async function unlinkOrders(t: Turn): Promise<void> {
  const s = await resolveSession(t, { kind: 'text', text: '不关联订单' });
  if (!s || s === 'asked') return;
  const n = s.draft.linkedOrderIds?.length ?? 0;
  if (n === 0) {
    say(t, '这份报告现在没有关联订单。');
    await reportProgress(t, s);
    return;
  }
  if (!(await saveDraft(t, s, { ...s.draft, linkedOrderIds: [] }, `取消关联订单${n}笔`))) return;
  say(t, `已取消关联${n}笔订单（回复“撤销”可以恢复）。`);
  await reportProgress(t, s);
}

/** 同上次: the fields the last visits of this customer answer, written on the rep's word. */
export async function sameAsLast(t: Turn): Promise<void> {
  const s = await resolveSession(t, { kind: 'text', text: '同上次' });
  if (!s || s === 'asked') return;
  if (!(await applySameAsLast(t, s))) say(t, '上次拜访这家客户时没有可以沿用的内容（或者这些已经填好了）。');
  await reportProgress(t, s);
}

/** 撤销 after "刘伟调岗了…": the recorded changes are taken back, newest first. */
async function undoContactEvents(t: Turn, entry: UndoEntry): Promise<void> {
  const undone: string[] = [];
  for (const id of [...entry.contactEventIds!].reverse()) {
    const r = await guarded(t, () => undoContactChange(t.db, t.actor, id));
    if (isAppError(r)) {
      say(t, `没能撤销：${r.message}`);
      break;
    }
    undone.push(r.summary);
  }
  if (undone.length) say(t, `已撤销：${undone.join('；')}。`);
}
