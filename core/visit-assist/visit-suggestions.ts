/**
 * suggestVisitFields for one action as its assignee sees it: the action's
 * required fields, its customer's active contacts, the pain-point library its
 * keyword rule names, and the rep's last two accepted visits of the customer.
 * Reads only.
 *
 *   const s = await visitFieldSuggestions(db, rep, actionId, transcript, now);
 */
import { z } from 'zod';
import { getActionRowOrThrow, type ActionRow } from '../actions/action-repo.js';
import { loadDefinitionForAction, rulesForAction } from '../actions/definitions.js';
import { assertAssignee } from '../actions/lifecycle.js';
import type { Actor } from '../auth/actor.js';
import { keywordLibrary } from '../config-admin/keyword-libraries.js';
import type { Db } from '../db/pool.js';
import { obstacleTopicReading } from '../understanding/topics/obstacle-topics.setting.js';
import { topicMatcherFor } from '../flow/topic-phrasings.js';
import { readSetting } from '../settings/read.js';
import { memoSuggestions } from './memo-suggestions.setting.js';
import { suggestVisitFields, type LastVisit, type VisitFieldSuggestions } from './suggest-fields.js';

export const SuggestFieldsBodySchema = z.strictObject({
  transcript: z.string().max(5000, '语音文字稿最多5000字'),
});

export const VisitFieldSuggestionsSchema = z.object({
  suggestions: z.array(z.object({
    key: z.string(), label: z.string(), value: z.string(), display: z.string(),
    confidence: z.number(), source: z.enum(['memo', 'last_visit']), words: z.string(),
    also: z.record(z.string(), z.union([z.string(), z.number()])),
  })),
  notes: z.array(z.string()),
  painPoints: z.array(z.string()),
  confidenceBar: z.number(),
});

const visitOf = (r: { created_at: Date; fields: Record<string, unknown> | null } | undefined) => (r ? { at: r.created_at, fields: r.fields ?? {} } : null);

/** The rep's last two accepted reports of the same kind for the action's customer (not this action), newest first. */
export async function lastVisitsOf(
  db: Db, actor: Actor, a: Pick<ActionRow, 'id' | 'customerId' | 'definitionCode'>,
): Promise<{ lastVisit: LastVisit | null; earlierVisit: LastVisit | null }> {
  const { rows } = await db.query(
    `SELECT s.payload->'fields' AS fields, s.created_at FROM submissions s JOIN actions x ON x.id = s.action_id
      WHERE x.customer_id = $1 AND s.submitted_by = $2 AND s.outcome = 'accepted' AND x.definition_code = $3 AND x.id <> $4
      ORDER BY s.id DESC LIMIT 2`, [a.customerId, actor.id, a.definitionCode, a.id]);
  return { lastVisit: visitOf(rows[0]), earlierVisit: visitOf(rows[1]) };
}

export async function visitFieldSuggestions(db: Db, actor: Actor, actionId: number, transcript: string, now: Date): Promise<VisitFieldSuggestions> {
  const a = await getActionRowOrThrow(db, actor, actionId);
  assertAssignee(actor, a);
  const rules = rulesForAction(await loadDefinitionForAction(db, a), a.requirements);
  const fields = rules.flatMap((r) => (r.kind === 'fields.required' ? r.fields : []));
  const keywordRule = rules.find((r) => r.kind === 'voice.keywords.min');
  // one after another: db may be a transaction's single client
  const contacts = await db.query(
    `SELECT ct.id, ct.name, ct.title, ct.department, ct.buying_role, c.name AS customer_name
       FROM customers c LEFT JOIN contacts ct ON ct.customer_id = c.id AND ct.status = 'active' WHERE c.id = $1 ORDER BY ct.id`, [a.customerId]);
  const visits = await lastVisitsOf(db, actor, a);
  const painWords = await keywordLibrary(db, keywordRule?.kind === 'voice.keywords.min' ? keywordRule.library : 'pain_points');
  const { confidenceBar } = await readSetting(db, memoSuggestions);
  return suggestVisitFields(transcript, {
    now, fields, confidenceBar,
    contacts: contacts.rows.filter((r) => r.id !== null).map((r) => ({
      id: Number(r.id), name: r.name, title: r.title, department: r.department, buyingRole: r.buying_role,
    })),
    customerName: contacts.rows[0]?.customer_name,
    matchPainPoints: topicMatcherFor(painWords, (await obstacleTopicReading(db)).phrasings),
    ...visits,
  });
}
