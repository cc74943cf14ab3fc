/**
 * What reps answered when the bot asked how to read their words — the
 * organisation's labelled examples for its learned reader (org-reader.ts).
 * The bot records one when a rep picks a reading (1 / 2 / 是) or says 都不是, undoes (撤销) what the
 * learned reader recorded right after it, or corrects it ("不对，她是反对的": recordCorrection);
 * admins list them in 设置 → 机器人学到的说法 and remove a wrong one (kept,
 * marked removed with who and when; 恢复 brings it back).
 *
 *   await recordAnswer(db, { text, ctx, label: 'stance:反对', offered: [...], source: 'chosen', userId, at });
 */
import { z } from 'zod';
import type { Actor } from '../../auth/actor.js';
import { assertCan } from '../../auth/permissions.js';
import type { Db } from '../../db/pool.js';
import { AppError } from '../../errors.js';
import type { FeatureContext } from './features.js';
import { learnedIntent } from '../intent-router.js';
import { orgReaderChanged, patternOf, TOPIC_LABEL } from './org-reader.js';

export interface AnswerExample {
  text: string;
  ctx: FeatureContext;
  label: string;
  offered: readonly string[];
  source: 'chosen' | 'none_of_these' | 'undone' | 'corrected';
  userId: number | null;
  at: Date;
}

export async function recordAnswer(db: Db, a: AnswerExample): Promise<void> {
  await db.query(
    `INSERT INTO understanding_examples (text, pattern, asked, label, offered, source, user_id, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [a.text.slice(0, 1000), patternOf(a.text, a.ctx), a.ctx.asked ?? '-', a.label, [...a.offered], a.source, a.userId, a.at]);
  orgReaderChanged();
}

/**
 * The rep corrected the learned reader's own reading right after it: the words are kept as read the corrected way,
 * and the organisation's earlier examples of the same phrasing read otherwise are removed by that rep (kept,
 * restorable), so neither the memory nor the next retraining reads it the wrong way again.
 */
export async function recordCorrection(db: Db, a: Omit<AnswerExample, 'source'>): Promise<void> {
  const pattern = patternOf(a.text, a.ctx);
  await db.query(
    `UPDATE understanding_examples SET removed_at = $4, removed_by = $5, changed_at = clock_timestamp()
      WHERE pattern = $1 AND asked = $2 AND label <> $3 AND removed_at IS NULL`,
    [pattern, a.ctx.asked ?? '-', a.label, a.at, a.userId]);
  await recordAnswer(db, { ...a, source: 'corrected' });
}

/**
 * The rep's answer to the topic reader's question (这是不是『价格偏高』的问题？): the words are kept with the topic
 * answered ('topic:价格偏高', or 'topic:none' for 不是/都不是), so the same phrasing is read so next time (rememberedTopic).
 */
export async function recordTopicAnswer(db: Db, a: { text: string; topic: string | null; offered: readonly string[]; userId: number | null; at: Date }): Promise<void> {
  await recordAnswer(db, {
    text: a.text, ctx: { now: a.at, contacts: [], asked: '-' }, label: `${TOPIC_LABEL}${a.topic ?? 'none'}`,
    offered: a.offered.map((x) => `${TOPIC_LABEL}${x}`), source: a.topic ? 'chosen' : 'none_of_these', userId: a.userId, at: a.at,
  });
}

export const LearnedExampleSchema = z.object({
  id: z.number(),
  text: z.string(),
  label: z.string(),
  /** The reading in words: 记下联系人变动（离职）, 不记录（业务员说都不是）. */
  reading: z.string(),
  /** The readings the bot offered, in words. */
  offered: z.array(z.string()),
  source: z.enum(['chosen', 'none_of_these', 'undone', 'corrected']),
  userName: z.string().nullable(),
  createdAt: z.string(),
  removedAt: z.string().nullable(),
  removedByName: z.string().nullable(),
});
export type LearnedExample = z.infer<typeof LearnedExampleSchema>;

export function readingName(label: string, source?: string): string {
  if (label.startsWith(TOPIC_LABEL)) {
    const topic = label.slice(TOPIC_LABEL.length);
    return topic === 'none' ? '不记到客户痛点（业务员说都不是）' : `记到客户痛点『${topic}』`;
  }
  if (label !== 'none') return `${learnedIntent(label, 1).describe}${source === 'corrected' ? '（业务员更正了机器人的读法）' : ''}`;
  return source === 'undone' ? '不记录（业务员撤销了机器人的读法）' : '不记录（业务员说都不是）';
}

/** Every example, newest first, removed ones included (marked). Admins only: the words are reps' messages. */
export async function listExamples(db: Db, actor: Actor): Promise<LearnedExample[]> {
  assertCan(actor, 'config', 'update');
  const { rows } = await db.query(
    `SELECT e.id, e.text, e.label, e.offered, e.source, u.name AS user_name, e.created_at, e.removed_at, r.name AS removed_by_name
       FROM understanding_examples e LEFT JOIN users u ON u.id = e.user_id LEFT JOIN users r ON r.id = e.removed_by
      ORDER BY e.id DESC LIMIT 500`);
  return rows.map((r) => ({
    id: Number(r.id), text: r.text, label: r.label, reading: readingName(r.label, r.source), offered: (r.offered as string[]).map((l) => readingName(l)), source: r.source, userName: r.user_name,
    createdAt: (r.created_at as Date).toISOString(), removedAt: r.removed_at ? (r.removed_at as Date).toISOString() : null, removedByName: r.removed_by_name,
  }));
}

/** Takes an example out of training (removed) or puts it back; the row stays with who did it and when. */
export async function setExampleRemoved(db: Db, actor: Actor, id: number, removed: boolean, now: Date): Promise<LearnedExample> {
  assertCan(actor, 'config', 'update');
  const { rowCount } = await db.query(
    `UPDATE understanding_examples SET removed_at = $2, removed_by = $3, changed_at = clock_timestamp() WHERE id = $1`,
    [id, removed ? now : null, removed ? actor.id : null]);
  if (!rowCount) throw new AppError('NOT_FOUND', { exampleId: id }, '这条学到的说法不存在');
  orgReaderChanged();
  return (await listExamples(db, actor)).find((e) => e.id === id)!;
}
