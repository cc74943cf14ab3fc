/**
 * How packs are used: a member reading one (from the pushed card, the app or
 * the bot's link — a reload within the setting's minutes is the same read), saying 用上了
 * (once per pack and deal), and, for the admins who write them, per pack how
 * often it was opened, by how many, how many said it helped and how often it
 * was pushed.
 *
 *   const view = await readPack(tx, rep, packId, { opportunityId: 12, via: 'card' }, now);
 *   await markHelped(tx, rep, packId, { opportunityId: 12 }, now);
 */
import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import type { Db } from '../db/pool.js';
import { AppError } from '../errors.js';
import { recordEvent } from '../resources/events.js';
import { opportunityRowOrThrow } from '../resources/opportunities.js';
import { Id } from '../resources/schemas.js';
import { readSetting } from '../settings/read.js';
import { assertMayAuthor, getPack, PackSchema } from './packs.js';
import { talkTrackReads } from './talk-tracks.setting.js';

export const ReadInputSchema = z.strictObject({
  /** The deal it was sent for (the card's link carries it). */
  opportunityId: Id.optional(),
  via: z.enum(['card', 'app', 'bot'], { message: '来源应为卡片、应用或机器人' }).default('app'),
});
export const HelpedInputSchema = z.strictObject({ opportunityId: Id.optional() });

export const ReaderViewSchema = z.object({
  pack: PackSchema,
  /** The deal the pack was opened for, and why it was pushed for it (null: not pushed). */
  deal: z.object({ id: z.number(), name: z.string(), customerName: z.string(), pushedFor: z.string().nullable() }).nullable(),
  helped: z.boolean(),
  /** How many members have said 用上了 for this pack. */
  helpedCount: z.number(),
});
export type ReaderView = z.infer<typeof ReaderViewSchema>;

export const PackUsageSchema = z.object({
  items: z.array(z.object({
    packId: z.number(), opens: z.number(), readers: z.number(), helped: z.number(), pushes: z.number(),
    /** Pushes whose owner then opened the pack for that deal: whether the cards are read at all. */
    pushesOpened: z.number(),
  })),
});

async function dealOf(db: Db, actor: Actor, opportunityId: number | undefined) {
  if (opportunityId === undefined) return null;
  const o = await opportunityRowOrThrow(db, actor, opportunityId).catch(() => {
    throw new AppError('REFERENCE_INVALID', { opportunityId }, '商机不存在或不在你的权限范围内');
  });
  return { id: Number(o.id), name: o.name as string, customerName: o.customer_name as string };
}

/** The pack as its reader sees it, recording the read. */
export async function readPack(db: Db, actor: Actor, id: number, input: z.output<typeof ReadInputSchema>, now: Date): Promise<ReaderView> {
  const pack = await getPack(db, actor, id);
  const deal = await dealOf(db, actor, input.opportunityId);
  const opp = deal?.id ?? null;
  // a reload, or back and forth between the pack and the deal, is the same read
  const { sameReadMinutes } = await readSetting(db, talkTrackReads);
  const { rowCount } = await db.query(
    `INSERT INTO talk_track_opens (pack_id, user_id, opportunity_id, via, at)
     SELECT $1, $2, $3, $4, $5
      WHERE NOT EXISTS (SELECT 1 FROM talk_track_opens WHERE pack_id = $1 AND user_id = $2 AND opportunity_id IS NOT DISTINCT FROM $3
                           AND at > $5::timestamptz - make_interval(mins => $6))`,
    [id, actor.id, opp, input.via, now, sameReadMinutes]);
  if (rowCount) {
    await recordEvent(db, { actorId: actor.id, entityType: 'talk_track_pack', entityId: id, type: 'talk_track.opened', at: now, data: { opportunityId: opp, via: input.via } });
  }
  const { rows: [r] } = await db.query(`
    SELECT EXISTS (SELECT 1 FROM talk_track_helped WHERE pack_id = $1 AND user_id = $2 AND opportunity_id IS NOT DISTINCT FROM $3) AS helped,
           (SELECT count(*) FROM talk_track_helped WHERE pack_id = $1)::int AS helped_count,
           (SELECT reason FROM talk_track_pushes WHERE pack_id = $1 AND opportunity_id = $3) AS reason`, [id, actor.id, opp]);
  return { pack, deal: deal && { ...deal, pushedFor: r.reason ?? null }, helped: r.helped, helpedCount: r.helped_count };
}

/** 用上了: once per member, pack and deal; saying it again changes nothing. */
export async function markHelped(db: Db, actor: Actor, id: number, input: z.output<typeof HelpedInputSchema>, now: Date): Promise<{ helped: true; helpedCount: number }> {
  await getPack(db, actor, id);
  const deal = await dealOf(db, actor, input.opportunityId);
  const { rowCount } = await db.query(
    `INSERT INTO talk_track_helped (pack_id, user_id, opportunity_id, at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
    [id, actor.id, deal?.id ?? null, now]);
  if (rowCount) {
    await recordEvent(db, { actorId: actor.id, entityType: 'talk_track_pack', entityId: id, type: 'talk_track.helped', at: now, data: { opportunityId: deal?.id ?? null } });
  }
  const { rows: [c] } = await db.query('SELECT count(*)::int AS n FROM talk_track_helped WHERE pack_id = $1', [id]);
  return { helped: true, helpedCount: c.n };
}

/** Per pack, for its authors: opens, distinct readers, 用上了, pushes and how many of those the owner opened. */
export async function packUsage(db: Db, actor: Actor): Promise<z.infer<typeof PackUsageSchema>> {
  assertMayAuthor(actor);
  const { rows } = await db.query(`
    SELECT p.id AS "packId",
           (SELECT count(*) FROM talk_track_opens o WHERE o.pack_id = p.id)::int AS opens,
           (SELECT count(DISTINCT o.user_id) FROM talk_track_opens o WHERE o.pack_id = p.id)::int AS readers,
           (SELECT count(*) FROM talk_track_helped h WHERE h.pack_id = p.id)::int AS helped,
           (SELECT count(*) FROM talk_track_pushes s WHERE s.pack_id = p.id)::int AS pushes,
           (SELECT count(*) FROM talk_track_pushes s WHERE s.pack_id = p.id AND EXISTS (
              SELECT 1 FROM talk_track_opens o WHERE o.pack_id = s.pack_id AND o.user_id = s.user_id AND o.opportunity_id = s.opportunity_id))::int AS "pushesOpened"
      FROM talk_track_packs p ORDER BY p.title`);
  return { items: rows.map((r) => ({ ...r, packId: Number(r.packId) })) };
}
