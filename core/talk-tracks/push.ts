/**
 * A signal that fires on a deal pushes its talk-track packs to the deal's
 * owner: the pack the rule names (赢率信号's 推送的话术包, by title) and every
 * published pack aimed at that signal whose customer types and stages fit the
 * deal. Once per deal and pack — the push row and the WeCom card are written
 * by one statement, so a card is never lost nor sent twice. The scoring
 * calls it wherever a deal is scored by the event, the read or the night.
 *
 *   await scoreOpportunities(tx, [12], now, { onSignals: pushTalkTracks(config.publicUrl) });
 */
import type { Db } from '../db/pool.js';
import { Sql } from '../db/sql.js';
import type { ScoreOptions } from '../scoring/scores.js';
import { enqueueMessagesCte, type OutboxMessage } from '../outbox/enqueue.js';
import { SUB_TITLE_MAX_CHARS, TITLE_MAX_CHARS } from '../wecom/template-card.schema.js';
import { truncate, validated } from '../wecom/template-cards.js';
import type { TemplateCard } from '../wecom/wecom-client.js';

export interface PushablePack {
  id: number;
  title: string;
  summary: string;
  customerTypes: string[];
  stageCodes: string[];
  signalKinds: string[];
}

/** What fired on one deal: each signal's kind, its Chinese reason and its evidence (a rule's `pack`). */
export interface FiredOnDeal {
  opportunityId: number;
  signals: ReadonlyArray<{ kind: string; reason: string; evidence?: Record<string, unknown> }>;
}

export interface PushTarget {
  opportunityId: number;
  packId: number;
  signalKind: string;
  reason: string;
  /** Named by the rule itself: pushed whatever the pack's own targets say. */
  named: boolean;
}

/** The scoring's hook that pushes packs, cards linking under `publicUrl`. */
export function pushTalkTracks(publicUrl: string): NonNullable<ScoreOptions['onSignals']> {
  return async (db, fired, now) => {
    if (!fired.some((d) => d.signals.length)) return;
    const packs = await loadPushablePacks(db);
    if (packs.length) await pushPacks(db, fired, packs, { publicUrl, now });
  };
}

export async function loadPushablePacks(db: Db): Promise<PushablePack[]> {
  const { rows } = await db.query(
    `SELECT id, title, summary, customer_types, stage_codes, signal_kinds FROM talk_track_packs WHERE published ORDER BY id`);
  return rows.map((r) => ({
    id: Number(r.id), title: r.title, summary: r.summary, customerTypes: r.customer_types, stageCodes: r.stage_codes, signalKinds: r.signal_kinds,
  }));
}

/** Pure: the (deal, pack) pairs the fired signals ask for, one per pair (the first signal that asks). */
export function packsToPush(fired: readonly FiredOnDeal[], packs: readonly PushablePack[]): PushTarget[] {
  const out = new Map<string, PushTarget>();
  for (const d of fired) {
    for (const s of d.signals) {
      for (const p of packs) {
        const named = typeof s.evidence?.pack === 'string' && s.evidence.pack === p.title;
        if (!named && !p.signalKinds.includes(s.kind)) continue;
        const key = `${d.opportunityId}:${p.id}`;
        if (!out.has(key)) out.set(key, { opportunityId: d.opportunityId, packId: p.id, signalKind: s.kind, reason: s.reason, named });
      }
    }
  }
  return [...out.values()];
}

export interface PackCardInput {
  packTitle: string;
  summary: string;
  reason: string;
  customerName: string;
  dealName: string;
  url: string;
}

/** The card on the owner's phone: which pack, why now, for which deal; one tap opens the reader. */
export function buildPackCard(i: PackCardInput): TemplateCard {
  return validated({
    card_type: 'text_notice',
    source: { desc: '动作流 · 话术包', desc_color: 3 },
    main_title: { title: truncate(`《${i.packTitle}》`, TITLE_MAX_CHARS), desc: truncate(i.reason, 60) },
    sub_title_text: truncate(i.summary || '点开查看这类客户的谈法和常见异议的应答。', SUB_TITLE_MAX_CHARS),
    horizontal_content_list: [{ keyname: '客户', value: truncate(i.customerName, 30) }, { keyname: '商机', value: truncate(i.dealName, 30) }],
    jump_list: [{ type: 1, title: '打开话术包', url: i.url }],
    card_action: { type: 1, url: i.url },
  });
}

export const pushDedupeKey = (packId: number, opportunityId: number) => `talk-track:${packId}:deal:${opportunityId}`;

/** Records and sends each new (deal, pack) push; a pair pushed before sends nothing. Returns how many were new. */
export async function pushPacks(db: Db, fired: readonly FiredOnDeal[], packs: readonly PushablePack[], o: { publicUrl: string; now: Date }): Promise<number> {
  // in deal order, whatever order the scoring read its deals in: the pushes and cards are numbered the same every time
  const wanted = packsToPush(fired, packs).sort((a, b) => a.opportunityId - b.opportunityId || a.packId - b.packId);
  if (!wanted.length) return 0;
  const { rows: deals } = await db.query(`
    SELECT o.id, o.name, o.owner_id, o.stage_code, u.wecom_userid, c.name AS customer_name, c.type AS customer_type
      FROM opportunities o JOIN users u ON u.id = o.owner_id AND u.active JOIN customers c ON c.id = o.customer_id
     WHERE o.id = ANY($1::bigint[]) AND o.status = 'open'
       AND NOT EXISTS (SELECT 1 FROM talk_track_pushes s WHERE s.opportunity_id = o.id AND s.pack_id = ANY($2::bigint[]))`,
  [[...new Set(wanted.map((w) => w.opportunityId))], [...new Set(wanted.map((w) => w.packId))]]);
  const dealById = new Map(deals.map((d) => [Number(d.id), d]));
  const packById = new Map(packs.map((p) => [p.id, p]));
  const base = o.publicUrl.replace(/\/$/, '');
  const rows: Array<PushTarget & { userId: number }> = [];
  const messages: OutboxMessage[] = [];
  for (const w of wanted) {
    const d = dealById.get(w.opportunityId);
    const p = packById.get(w.packId)!;
    if (!d) continue;
    // a pack aimed at a signal still keeps to its customer types and stages
    if (!w.named && ((p.customerTypes.length && !p.customerTypes.includes(d.customer_type)) || (p.stageCodes.length && !p.stageCodes.includes(d.stage_code)))) continue;
    rows.push({ ...w, userId: Number(d.owner_id) });
    messages.push({
      dedupeKey: pushDedupeKey(p.id, w.opportunityId), recipient: d.wecom_userid, msgtype: 'template_card',
      payload: { template_card: buildPackCard({
        packTitle: p.title, summary: p.summary, reason: w.reason, customerName: d.customer_name, dealName: d.name,
        url: `${base}/talk-tracks/${p.id}?deal=${w.opportunityId}&via=card`,
      }) },
    });
  }
  if (!rows.length) return 0;
  const sql = new Sql();
  sql.with('pushed', `INSERT INTO talk_track_pushes (pack_id, opportunity_id, user_id, signal_kind, reason, pushed_at)
    SELECT x.pack_id, x.opportunity_id, x.user_id, x.signal_kind, x.reason, ${sql.param(o.now)}
      FROM jsonb_to_recordset(${sql.param(JSON.stringify(rows.map((r) => ({
        pack_id: r.packId, opportunity_id: r.opportunityId, user_id: r.userId, signal_kind: r.signalKind, reason: r.reason,
      }))))}::jsonb) AS x(pack_id bigint, opportunity_id bigint, user_id bigint, signal_kind text, reason text)
    ON CONFLICT (pack_id, opportunity_id) DO NOTHING RETURNING pack_id, opportunity_id`);
  // a card only for a push this statement wrote: a pair pushed by a concurrent scoring sends nothing more
  enqueueMessagesCte(sql, 'cards', messages, {
    at: o.now, onlyIf: `EXISTS (SELECT 1 FROM pushed WHERE 'talk-track:' || pushed.pack_id || ':deal:' || pushed.opportunity_id = x.dedupe_key)`,
  });
  const { rows: [n] } = await db.query(sql.unprepared('SELECT count(*)::int AS n FROM pushed'));
  return n.n;
}
