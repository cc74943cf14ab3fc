/**
 * Pictures sent to the bot before the visit (core/attachments/unfiled-photos.ts), offered to the visit
 * report the rep now opens — "刚才发的照片要用在这次拜访吗" — with the tag each most likely has (the
 * report's required tags no photo has yet, in its shooting order), and the rep's answer recorded: used,
 * they take that tag and the caller adds them to the draft (the bot's undo, the page's own draft); not
 * used, they stay the rep's attachments. One path for the bot and the H5 page.
 *
 *   const offered = await unfiledPhotosToOffer(db, actor, actionId, now); // [{ attachmentId, receivedAt, tag: '门头照' }]
 *   await answerUnfiledPhotos(db, actor, actionId, { use: true, photos: offered }, now);
 */
import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import type { Db } from '../db/pool.js';
import { updateAttachmentTags } from '../attachments/attachments.js';
import { claimUnfiledPhotos, decideUnfiledPhotos } from '../attachments/unfiled-photos.js';
import { OPEN_STATUSES } from '../flow/action-machine.js';
import { nextPhotoTags } from '../flow/photo-retag.js';
import { Id } from '../resources/schemas.js';
import { readSetting } from '../settings/read.js';
import { unfiledPhotoWindow } from './unfiled-photos.setting.js';
import { getActionRowOrThrow, type ActionRow } from './action-repo.js';
import { loadDefinitionForAction, rulesForAction } from './definitions.js';
import { assertAssignee } from './lifecycle.js';
import { draftOf } from './open-work.js';

export const OfferedPhotoSchema = z.object({
  attachmentId: Id,
  receivedAt: z.string(),
  /** The tag it most likely has; null when the report needs no more tagged photos. */
  tag: z.string().nullable(),
});
export type OfferedPhoto = z.infer<typeof OfferedPhotoSchema>;

export const UnfiledPhotosAnswerSchema = z.strictObject({
  /** true: used in this report (tagged as offered); false: not used here, kept. */
  use: z.boolean(),
  photos: z.array(z.strictObject({ attachmentId: Id, tag: z.string().trim().min(1).max(20).nullable() })).min(1).max(20),
});
export type UnfiledPhotosAnswer = z.infer<typeof UnfiledPhotosAnswerSchema>;

/** The photo tags the action's rules require, in the order they list them. */
async function requiredPhotoTags(db: Db, row: ActionRow): Promise<string[]> {
  const rules = rulesForAction(await loadDefinitionForAction(db, row), row.requirements);
  return [...new Set(rules.flatMap((r) => (r.kind === 'attachments.min' && r.attachmentKind !== 'voice' && r.attachmentKind !== 'document'
    ? [...(r.requireTags ?? []), ...(r.tag ? [r.tag] : [])] : [])))];
}

/**
 * The pictures waiting for this report (now offered to it), each with its likely tag; [] for a report
 * that is not an open visit of the actor's. `draftIds`: the photos the draft has, when the caller holds it.
 */
export async function unfiledPhotosToOffer(db: Db, actor: Actor, actionId: number, now: Date, draftIds?: readonly number[]): Promise<OfferedPhoto[]> {
  const row = await getActionRowOrThrow(db, actor, actionId);
  assertAssignee(actor, row);
  if (row.definitionCode !== 'visit' || !OPEN_STATUSES.includes(row.status)) return [];
  const waiting = await claimUnfiledPhotos(db, actor.id, actionId, now, (await readSetting(db, unfiledPhotoWindow)).minutes);
  if (waiting.length === 0) return [];
  const ids = draftIds ?? ((await draftOf(db, actionId))?.attachmentIds as number[] | undefined) ?? [];
  const { rows } = await db.query(`SELECT tags FROM attachments WHERE id = ANY($1::bigint[]) AND kind = 'photo'`, [ids]);
  const tags = nextPhotoTags(waiting.length, await requiredPhotoTags(db, row), rows.flatMap((r) => r.tags as string[]));
  return waiting.map((p, i) => ({ attachmentId: p.attachmentId, receivedAt: p.receivedAt.toISOString(), tag: tags[i] }));
}

/** The rep's answer for pictures offered to this report: the ids it applied to (tagged when used). */
export async function answerUnfiledPhotos(db: Db, actor: Actor, actionId: number, answer: UnfiledPhotosAnswer, now: Date): Promise<number[]> {
  const row = await getActionRowOrThrow(db, actor, actionId);
  assertAssignee(actor, row);
  const decided = await decideUnfiledPhotos(db, actor.id, actionId, answer.photos.map((p) => p.attachmentId), answer.use ? 'attached' : 'declined', now);
  if (answer.use) {
    for (const p of answer.photos) if (p.tag && decided.includes(p.attachmentId)) await updateAttachmentTags(db, actor, p.attachmentId, [p.tag]);
  }
  return decided;
}
