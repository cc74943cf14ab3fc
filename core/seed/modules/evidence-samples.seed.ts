/**
 * 证据复核样例 (#19): so a manager's 证据复核 queue is not empty on first start,
 * a few of their team's open visits are filed today the way a faking rep files
 * them — a colleague's storefront photo forwarded as their own, yesterday's
 * photo of the same door, a check-in from a virtual-location app — beside one
 * honest report (the colleague's, whose photo is then reused). Every file goes
 * through the real upload (EXIF, perceptual hash, duplicate index, speech) and
 * every report through the real submission, so the findings, scores and queue
 * are the product's own verdicts, not rows written to look like them.
 */
import sharp from 'sharp';
import { checkFile } from '../../attachments/receive.js';
import { insertAttachment, storeFile } from '../../attachments/attachments.js';
import { requirementRules } from '../../actions/definitions.js';
import { submitVisitReport } from '../../actions/visit-report.js';
import { loadActiveActor } from '../../auth/actor.js';
import { loadEvidenceThresholds } from '../../evidence-reviews/thresholds.js';
import { RuleSetSchema, type GateRuleConfig } from '../../flow/rules/index.js';
import { loadEvidencePool, POOL_VOICES } from '../evidence/pool.js';
import { buildReport } from '../report-builder.js';
import { defineSeedModule, type SeedCounts } from '../seed-module.js';
import { prng } from '../prng.js';
import { evidenceFile, VOICES_BY_TYPE } from './reports.seed.js';

/** What each sample does to an otherwise compliant report, in filing order (the honest one first: its photo is reused). */
const SAMPLES = ['honest', 'forwarded_colleague_photo', 'old_photo', 'virtual_location'] as const;
type Sample = (typeof SAMPLES)[number];

export const evidenceSamplesSeed = defineSeedModule<{ managerLogin: string | null }>({
  name: 'evidence-samples',
  label: '证据复核样例',
  after: ['reports'],
  // the demo's manager persona (README: sign in as mgr.li) sees them; the benchmark's organisation has none
  knobs: { demo: { managerLogin: 'mgr.li' }, bench: { managerLogin: null } },
  async run(ctx, k): Promise<SeedCounts> {
    if (!k.managerLogin || !ctx.storage || !ctx.system) return {};
    const now = ctx.window.now;
    // open visits of the manager's team, each rep's first before anyone's second, reps in a seeded order
    const { rows: chosen } = await ctx.pool.query(`
      SELECT * FROM (
        SELECT a.id, a.assignee_id, a.customer_id, a.requirements, c.name AS c_name, c.type AS c_type, c.lat AS c_lat, c.lng AS c_lng,
               c.coord_system AS c_coord, d.rules,
               row_number() OVER (PARTITION BY a.assignee_id ORDER BY a.due_at, a.id) AS nth, md5(a.assignee_id::text || $3::text) AS draw
          FROM actions a JOIN customers c ON c.id = a.customer_id JOIN action_definitions d ON d.id = a.definition_id
          JOIN departments ad ON ad.id = a.department_id
          JOIN users m ON m.wecom_userid = $1 JOIN departments md ON md.id = m.department_id
         -- work due today stays the rep's to do (every rep starts the demo with some)
         WHERE a.definition_code = 'visit' AND a.status IN ('dispatched', 'in_progress')
           AND (a.due_at AT TIME ZONE 'Asia/Shanghai')::date > ($2::timestamptz AT TIME ZONE 'Asia/Shanghai')::date
           AND c.lat IS NOT NULL AND ad.path LIKE md.path || '%' AND a.assignee_id <> m.id) v
       ORDER BY nth, draw LIMIT $4`, [k.managerLogin, now, ctx.seed, SAMPLES.length]);
    if (chosen.length < 2) return {};

    const pool = loadEvidencePool();
    const deps = { now, publicUrl: ctx.system.config.publicUrl };
    let honestStorefront: Buffer | null = null;
    const memosUsed = new Set<number>();
    // likewise a 合影 no earlier sample used: the same picture at another customer would rightly be PHOTO_REUSED
    const meetingsUsed = new Set<string>();
    // the pool's memos as the upload hears them: only those as long as the organisation asks for make an honest report
    const thresholds = await loadEvidenceThresholds(ctx.pool, {});
    const longMemos = new Set<number>();
    for (const n of POOL_VOICES.keys()) {
      const heard = await storeFile(ctx.storage, checkFile(pool.voice(n).data));
      if ((heard.voice?.durationMs ?? 0) >= thresholds.voiceMinSeconds * 1000) longMemos.add(n);
    }
    let filed = 0;
    let files = 0;
    for (const [i, v] of chosen.entries()) {
      const sample: Sample = SAMPLES[i];
      const actor = await loadActiveActor(ctx.pool, { id: Number(v.assignee_id) });
      if (!actor) continue;
      const rules = [...(RuleSetSchema.parse(v.rules) as GateRuleConfig[]), ...requirementRules(v.requirements ?? [])];
      const rand = prng(ctx.seed * 7_919 + Number(v.id));
      const picks = new Map<number, number>();
      const pick = (salt: number) => { if (!picks.has(salt)) picks.set(salt, rand()); return picks.get(salt)!; };
      const customer = { id: Number(v.customer_id), name: v.c_name, type: v.c_type, lat: v.c_lat, lng: v.c_lng, coordSystem: v.c_coord };
      const { rows: orders } = await ctx.pool.query(
        'SELECT id FROM orders WHERE customer_id = $1 AND ordered_at <= $2 ORDER BY ordered_at DESC, id DESC LIMIT 20', [v.customer_id, now]);
      // a memo no earlier sample used: the same recording twice would rightly be VOICE_REUSED
      const memo = [...(VOICES_BY_TYPE[v.c_type] ?? []), ...POOL_VOICES.keys()].find((n) => longMemos.has(n) && !memosUsed.has(n)) ?? 1;
      memosUsed.add(memo);
      const voices = [pool.voice(memo).text];
      // an hour apart: when one rep files two of them, the trip between the customers is plausible
      const built = buildReport(rules, {
        at: new Date(now.getTime() - (5 + i * 60) * 60_000), customer, recentOrderIds: orders.map((o) => Number(o.id)),
        pick, decisionMaker: false, voices,
      });
      if (!built.checkIn) continue;
      if (sample === 'old_photo') {
        // the same door, photographed the day before: its EXIF says so
        for (const a of built.attachments) if (a.kind === 'photo' && a.capturedAt) a.capturedAt = new Date(a.capturedAt.getTime() - 26 * 3_600_000);
      }
      const work = { id: Number(v.id), customer_id: Number(v.customer_id), c_name: v.c_name, c_type: v.c_type, assignee_id: Number(v.assignee_id) };
      const seen = new Map<string, number>();
      const attachmentIds: number[] = [];
      for (const a of built.attachments) {
        const kind = `${a.kind}:${a.tags.join(',')}`;
        seen.set(kind, (seen.get(kind) ?? 0) + 1);
        let data = a.kind === 'voice' ? pool.voice(memo).data : evidenceFile(pool, work, a, pick, true, built, `${kind}:${seen.get(kind)}`, meetingsUsed).data;
        const storefront = a.kind === 'photo' && a.source === 'storefront';
        if (storefront && sample === 'honest') honestStorefront = data;
        if (storefront && sample === 'forwarded_colleague_photo' && honestStorefront) {
          // what a chat app does to a forwarded picture: re-encoded smaller, EXIF gone
          data = await sharp(honestStorefront).resize({ width: 900 }).jpeg({ quality: 78 }).toBuffer();
        }
        const stored = await storeFile(ctx.storage, checkFile(data));
        const row = await insertAttachment(ctx.pool, actor, stored, { tags: a.tags, actionId: Number(v.id), source: 'upload' });
        attachmentIds.push(row.id);
        files++;
      }
      const checkIn = {
        ...built.checkIn, at: built.checkIn.at.toISOString(),
        // a virtual-location app answers with a perfect fix; a phone never does
        accuracy: sample === 'virtual_location' ? 0 : 15 + Math.round(pick(90) * 30),
      };
      const result = await submitVisitReport(ctx.pool, actor, Number(v.id), {
        fields: built.fields, attachmentIds, checkIn, transcript: built.transcript, transcriptSource: 'typed',
        linkedOrderIds: built.linkedOrderIds, ...(built.checklist ? { checklist: built.checklist } : {}),
      }, deps);
      if (!result.ok) {
        throw new Error(`seed: the ${sample} sample report of action ${v.id} was refused: ${JSON.stringify(result)}`);
      }
      filed++;
    }
    return { evidence_samples: filed, files };
  },
});
