/**
 * 提交与证据: every filing the planned work's stories contain, as the
 * service would have recorded it — the report built from the action's own
 * rules (report-builder.ts) and judged by the real rule engine
 * (core/flow/evaluateRules) against the facts of that moment (the customer's
 * orders and verified prerequisites as they stood then), stored with those
 * facts so a dry-run replays it; its photos, voice memo and documents as
 * attachments; and, for each accepted report, the effective follow-up it
 * counts as (a phone-only completion counts as a non-effective one). A
 * report planned to be accepted that the rules refuse is a generator bug and
 * stops the generation.
 *
 * Evidence files (demo): each visit's photos are copies of the customer's
 * pool photos stamped with that visit's time and place (EXIF), stored
 * content-addressed like any upload; voice memos and documents are the pool's.
 */
import { createHash } from 'node:crypto';
import { FILE_TYPES } from '../../attachments/sniff.js';
import { requirementRules } from '../../actions/definitions.js';
import type { Requirement } from '../../actions/action-schemas.js';
import { transitionAction, type Completion, type Effect } from '../../flow/action-machine.js';
import { evaluateRules } from '../../flow/evaluate-rules.js';
import { gcj02ToWgs84 } from '../../flow/geo.js';
import { shanghaiWall } from '../../flow/time.js';
import { RuleSetSchema, type GateRuleConfig } from '../../flow/rules/index.js';
import type { PrerequisiteAction, ReportAttachment, RuleFailure, VisitFacts } from '../../flow/types.js';
import { loadEvidencePool, type EvidencePool, type PoolFile } from '../evidence/pool.js';
import { stampJpeg } from '../evidence/exif-jpeg.js';
import { buildReport, flawFor, type BuiltReport, type ReportFlaw } from '../report-builder.js';
import { defineSeedModule, type SeedContext, type SeedCounts } from '../seed-module.js';
import { prng } from '../prng.js';

export interface ReportKnobs {
  /** Write each visit's stamped photo files (demo); false: rows point at the pool's files (bench). */
  evidenceFiles: boolean;
  /** Reports built at most (in id order): a large organisation's filings beyond it keep their status without a submission. */
  maxReports: number;
}

/** Which pool memos (POOL_VOICES) a customer of each type would plausibly say: shelves for stores, 耗材编码 for hospitals … */
export const VOICES_BY_TYPE: Record<string, number[]> = { ka: [0, 3, 6], hospital: [2, 6], store: [1, 4], dealer: [5, 7] };

const CAMERAS: Array<[string, string]> = [['Xiaomi', 'Redmi Note 12'], ['HUAWEI', 'nova 11'], ['OPPO', 'Reno10'], ['vivo', 'S17'], ['Apple', 'iPhone 13']];

interface Work {
  id: number; def_code: string; customer_id: number; opportunity_id: number | null; assignee_id: number; department_id: number | null;
  requirements: Requirement[]; plan: string; done_at: Date; redo_at: Date | null; title: string;
  c_name: string; c_type: string; c_lat: number | null; c_lng: number | null; c_coord: 'wgs84' | 'gcj02';
  def_id: number; def_version: number; def_name: string; rules: unknown; dm: boolean | null;
}

interface Attempt { work: Work; at: Date; outcome: 'accepted' | 'rejected'; flaw: ReportFlaw | null; phone: boolean }

interface AttachmentRow {
  id: number; sha256: string; kind: string; mime: string; size: number; filename: string; tags: string[]; captured_at: Date | null;
  uploaded_by: number; department_id: number | null; customer_id: number; action_id: number; created_at: Date;
}

/** The attempts a story holds: a refused report before the accepted one, a second filing after the manager's rejection. */
function attemptsOf(w: Work, rules: readonly GateRuleConfig[]): Attempt[] {
  const ok = (at: Date): Attempt => ({ work: w, at, outcome: 'accepted', flaw: null, phone: w.plan === 'phone' });
  const flaw = flawFor(rules);
  if (w.plan === 'rule_rejected' && flaw) {
    return [{ work: w, at: new Date(w.done_at.getTime() - 35 * 60_000), outcome: 'rejected', flaw, phone: false }, ok(w.done_at)];
  }
  if (w.plan === 'mgr_rejected' && w.redo_at) return [ok(w.done_at), ok(w.redo_at)];
  return [ok(w.done_at)];
}

export const reportsSeed = defineSeedModule<ReportKnobs>({
  name: 'reports',
  label: '拜访报告与证据',
  after: ['actions', 'orders'],
  knobs: { demo: { evidenceFiles: true, maxReports: 100_000 }, bench: { evidenceFiles: false, maxReports: 20_000 } },
  async run(ctx, k): Promise<SeedCounts> {
    const works: Work[] = (await ctx.pool.query(`
      SELECT w.id, w.def_code, w.customer_id, w.opportunity_id, w.assignee_id, w.department_id, w.requirements, w.plan, w.done_at, w.redo_at, w.title,
             c.name AS c_name, c.type AS c_type, c.lat AS c_lat, c.lng AS c_lng, c.coord_system AS c_coord,
             d.id AS def_id, d.version AS def_version, d.name AS def_name, d.rules,
             pl.dm
        FROM seed_work w JOIN customers c ON c.id = w.customer_id JOIN action_definitions d ON d.code = w.def_code AND d.active
        LEFT JOIN seed_opp_plan pl ON pl.id = w.opportunity_id
       WHERE w.done_at IS NOT NULL ORDER BY w.id LIMIT $1`, [k.maxReports])).rows;
    if (works.length === 0) return {};
    const customerIds = [...new Set(works.map((w) => w.customer_id))];
    const orders = groupBy((await ctx.pool.query(
      `SELECT id, customer_id, ordered_at FROM orders WHERE customer_id = ANY($1) ORDER BY ordered_at DESC, id DESC`, [customerIds])).rows,
    (r) => r.customer_id);
    const prerequisites = groupBy((await ctx.pool.query(
      `SELECT w.id, w.customer_id, w.opportunity_id, w.def_code, w.due_at, w.done_at, w.verify_at, w.reject_at, w.redo_at
         FROM seed_work w WHERE w.customer_id = ANY($1)`, [customerIds])).rows, (r) => r.customer_id);
    const libraries = Object.fromEntries((await ctx.pool.query('SELECT code, words FROM keyword_libraries')).rows.map((r) => [r.code, r.words]));
    const pool = loadEvidencePool();
    const voicesOf = (type: string) => (VOICES_BY_TYPE[type] ?? [0]).map((i) => pool.voice(i).text);

    const followupsBefore = Number((await ctx.pool.query('SELECT coalesce(max(id), 0) AS m FROM followups')).rows[0].m);
    const nextAttachmentId = await sequenceAllocator(ctx, 'attachments', works.length * 8 + 100);
    const attachments: AttachmentRow[] = [];
    const submissions: unknown[] = [];
    const followups: unknown[] = [];
    const files = new Map<string, Buffer>();
    const ruleSets = new Map<number, GateRuleConfig[]>();
    for (const w of works) {
      if (!ruleSets.has(w.def_id)) ruleSets.set(w.def_id, RuleSetSchema.parse(w.rules) as GateRuleConfig[]);
      const rules = [...ruleSets.get(w.def_id)!, ...requirementRules(w.requirements ?? [])];
      const rand = prng(ctx.seed * 1_000_003 + w.id);
      const picks = new Map<number, number>();
      const pick = (salt: number) => { if (!picks.has(salt)) picks.set(salt, rand()); return picks.get(salt)!; };
      let ids: Map<string, number> | null = null;
      for (const attempt of attemptsOf(w, rules)) {
        const customer = { id: w.customer_id, name: w.c_name, type: w.c_type as never, lat: w.c_lat, lng: w.c_lng, coordSystem: w.c_coord };
        const recentOrderIds = (orders.get(w.customer_id) ?? []).filter((o) => o.ordered_at <= attempt.at).slice(0, 20).map((o) => Number(o.id));
        const satisfied = prerequisitesAt(prerequisites.get(w.customer_id) ?? [], w, attempt.at);
        if (attempt.phone) {
          const note = '电话沟通确认，客户暂不方便见面';
          submissions.push(submissionRow(w, attempt, { note, completionMode: 'phone_only' }, [], 'phone_only'));
          followups.push(followupRow(w, attempt.at, followUpEffect(w, { mode: 'phone_only', note }, attempt.at)));
          continue;
        }
        const built = buildReport(rules, {
          at: attempt.at, customer, recentOrderIds, pick, decisionMaker: Boolean(w.dm), voices: voicesOf(w.c_type), flaw: attempt.flaw,
        });
        // files are uploaded once and reused by a later attempt of the same report
        ids ??= new Map();
        const seen = new Map<string, number>();
        const reportAttachments: ReportAttachment[] = built.attachments.map((a, i) => {
          const kind = `${a.kind}:${a.tags.join(',')}`;
          seen.set(kind, (seen.get(kind) ?? 0) + 1);
          const key = `${kind}:${seen.get(kind)}`;
          let id = ids!.get(key);
          if (id === undefined) {
            const file = evidenceFile(pool, w, a, pick, k.evidenceFiles, built, key);
            id = nextAttachmentId();
            ids!.set(key, id);
            if (k.evidenceFiles) files.set(file.sha256, file.data);
            attachments.push({
              id, sha256: file.sha256, kind: a.kind, mime: mimeOf(file.filename), size: file.data.length, filename: file.filename, tags: a.tags,
              captured_at: a.capturedAt, uploaded_by: w.assignee_id, department_id: w.department_id, customer_id: w.customer_id, action_id: w.id,
              created_at: new Date((a.capturedAt ?? attempt.at).getTime() + 60_000 * (1 + Math.floor(pick(70 + i) * 3))),
            });
          }
          return { id, kind: a.kind, tags: a.tags, capturedAt: a.capturedAt };
        });
        const facts: VisitFacts = {
          now: attempt.at, customer, recentOrderIds, satisfiedPrerequisites: satisfied, keywordLibraries: libraries,
          report: { ...built, attachments: reportAttachments, linkedOrderIds: built.linkedOrderIds },
        };
        const result = evaluateRules(facts, rules);
        const outcome = result.ok ? 'accepted' : 'rejected';
        if (outcome !== attempt.outcome) {
          throw new Error(`seed: ${w.def_code} report of action ${w.id} was planned ${attempt.outcome} but the rules say ${outcome}: ` +
            result.failures.map((f) => f.code).join(', '));
        }
        submissions.push(submissionRow(w, attempt, payloadOf(built, reportAttachments, w, facts), result.failures, 'visit_report'));
        if (outcome === 'accepted') {
          const completion = { mode: 'evidence' as const, definitionName: w.def_name, attachmentCount: reportAttachments.length };
          followups.push(followupRow(w, attempt.at, followUpEffect(w, completion, attempt.at)));
        }
      }
    }
    if (ctx.storage) await putAll(ctx.storage, files);
    const a = await insertJson(ctx, 'attachments', attachments,
      `id, sha256, kind, mime, size, filename, tags, captured_at, uploaded_by, department_id, customer_id, action_id, source, created_at, updated_at`,
      `r.id, r.sha256, r.kind, r.mime, r.size, r.filename, ARRAY(SELECT jsonb_array_elements_text(r.tags)), r.captured_at, r.uploaded_by,
       r.department_id, r.customer_id, r.action_id, 'upload', r.created_at, r.created_at`,
      `id bigint, sha256 text, kind text, mime text, size bigint, filename text, tags jsonb, captured_at timestamptz, uploaded_by bigint,
       department_id bigint, customer_id bigint, action_id bigint, created_at timestamptz`);
    const sub = await insertJson(ctx, 'submissions', submissions,
      `action_id, kind, payload, outcome, failures, definition_id, definition_version, submitted_by, created_at`,
      `r.action_id, r.kind, r.payload, r.outcome, r.failures, r.definition_id, r.definition_version, r.submitted_by, r.created_at`,
      `action_id bigint, kind text, payload jsonb, outcome text, failures jsonb, definition_id bigint, definition_version int, submitted_by bigint, created_at timestamptz`);
    const fu = await insertJson(ctx, 'followups', followups,
      `customer_id, action_id, user_id, department_id, channel, summary, payload, effective, has_evidence, reasons, unmet, at`,
      `r.customer_id, r.action_id, r.user_id, r.department_id, r.channel, r.summary, r.payload, r.effective, r.has_evidence, r.reasons,
       ARRAY(SELECT jsonb_array_elements_text(r.unmet)), r.at`,
      `customer_id bigint, action_id bigint, user_id bigint, department_id bigint, channel text, summary text, payload jsonb, effective boolean,
       has_evidence boolean, reasons jsonb, unmet jsonb, at timestamptz`);
    // the follow-up of an accepted report points at its submission, as the service links them
    await ctx.pool.query(`
      UPDATE followups f SET payload = f.payload || jsonb_build_object('submissionId', s.id)
        FROM submissions s WHERE s.action_id = f.action_id AND s.created_at = f.at AND s.outcome = 'accepted'
         AND f.action_id IN (SELECT id FROM seed_work) AND NOT f.payload ? 'submissionId'`);
    const events = await ctx.exec(`
      INSERT INTO events (at, actor_id, entity_type, entity_id, type, data)
      SELECT f.at, f.user_id, 'customer', f.customer_id, 'followup.recorded',
             jsonb_build_object('followupId', f.id, 'actionId', f.action_id, 'channel', f.channel, 'effective', f.effective, 'unmet', to_jsonb(f.unmet))
        FROM followups f WHERE f.id > $1`, [followupsBefore]);
    return { submissions: sub, attachments: a, followups: fu, files: files.size, events };
  },
});

/** Stores the files a few at a time: the disk, not one write after another, is the limit. */
async function putAll(storage: NonNullable<SeedContext['storage']>, files: Map<string, Buffer>): Promise<void> {
  const queue = [...files];
  await Promise.all(Array.from({ length: 16 }, async () => {
    for (let next = queue.pop(); next; next = queue.pop()) await storage.put(next[0], next[1]);
  }));
}

function groupBy<T>(rows: T[], key: (r: T) => number): Map<number, T[]> {
  const m = new Map<number, T[]>();
  for (const r of rows) {
    const k = key(r);
    if (!m.has(k)) m.set(k, []);
    m.get(k)!.push(r);
  }
  return m;
}

/** The customer's actions as they stood at `at`, the candidates a prerequisite rule looks at (as visit-facts.ts orders them). */
function prerequisitesAt(rows: any[], w: Work, at: Date): PrerequisiteAction[] {
  const statusAt = (r: any): PrerequisiteAction['status'] => {
    if (r.verify_at && r.verify_at <= at) return 'verified';
    if (r.reject_at && r.reject_at <= at && !(r.redo_at && r.redo_at <= at)) return 'rejected';
    if (r.done_at && r.done_at <= at) return 'submitted';
    return r.due_at < at ? 'overdue' : 'dispatched';
  };
  const rank = (s: string) => (s === 'verified' ? 0 : s === 'submitted' ? 1 : 2);
  return rows
    .filter((r) => r.id !== w.id && (w.opportunity_id === null || r.opportunity_id === null || r.opportunity_id === w.opportunity_id))
    .map((r) => ({ r, status: statusAt(r) }))
    .sort((x, y) => rank(x.status) - rank(y.status) || x.r.due_at - y.r.due_at || y.r.id - x.r.id)
    .map(({ r, status }) => ({ actionId: Number(r.id), definitionCode: r.def_code, status }));
}

/**
 * The file a planned attachment is: a pool file, photos stamped with the EXIF a phone at the check-in writes.
 * `meetingsTaken` (pool files' sha256): 合影 pictures other reports have used, passed over and the one chosen added.
 */
export function evidenceFile(pool: EvidencePool, w: Pick<Work, 'id' | 'customer_id' | 'c_name' | 'c_type' | 'assignee_id'>, a: BuiltReport['attachments'][number], pick: (s: number) => number, stamp: boolean,
  built: BuiltReport, shot: string, meetingsTaken?: Set<string>): PoolFile {
  if (a.kind === 'voice') {
    // the memo the builder transcribed: the same pick among the same list
    const list = VOICES_BY_TYPE[w.c_type] ?? [0];
    return pool.voice(list[Math.floor(pick(60) * list.length)]);
  }
  if (a.kind === 'document') return pool.document(a.tags[0] ?? '会议纪要');
  const base = a.source === 'meeting' ? meetingPhoto(pool, w.customer_id + Math.floor(pick(80) * 3), meetingsTaken)
    : pool.storefront(w.c_name, w.c_type as never, w.customer_id);
  if (!stamp || !a.capturedAt) return base;
  const where = built.checkIn
    ? (built.checkIn.coordSystem === 'gcj02' ? gcj02ToWgs84(built.checkIn.lat, built.checkIn.lng) : built.checkIn)
    : null;
  const data = stampJpeg(base.data, {
    at: a.capturedAt, ...(where ? { lat: where.lat, lng: where.lng } : {}), camera: CAMERAS[w.assignee_id % CAMERAS.length],
    uniqueId: `AF${w.id}:${shot}`,
  });
  const wall = shanghaiWall(a.capturedAt).toISOString().replace(/[-:T]/g, '').slice(0, 15);
  return { data, sha256: sha(data), filename: `IMG_${wall.slice(0, 8)}_${wall.slice(8, 14)}.jpg` };
}

/** The pool's `n`th 合影, or the next one none of `taken` is (the `n`th when every one is). */
function meetingPhoto(pool: EvidencePool, n: number, taken?: Set<string>): PoolFile {
  const first = pool.meeting(n);
  let f = first;
  for (let i = 1; taken?.has(f.sha256); i++) {
    f = pool.meeting(n + i);
    if (f.sha256 === first.sha256) break;
  }
  taken?.add(f.sha256);
  return f;
}

function sha(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function mimeOf(filename: string): string {
  const ext = filename.split('.').pop();
  return Object.values(FILE_TYPES).find((t) => t.ext === ext)?.mime ?? 'application/octet-stream';
}

function payloadOf(built: BuiltReport, attachments: ReportAttachment[], w: Work, facts: VisitFacts): Record<string, unknown> {
  return {
    fields: built.fields,
    attachmentIds: attachments.map((a) => a.id),
    ...(built.checkIn ? { checkIn: { ...built.checkIn, at: built.checkIn.at.toISOString() } } : {}),
    ...(built.transcript !== undefined ? { transcript: built.transcript } : {}),
    linkedOrderIds: built.linkedOrderIds,
    ...(built.checklist ? { checklist: built.checklist } : {}),
    attachments: attachments.map((a) => ({ id: a.id, kind: a.kind, tags: a.tags, capturedAt: a.capturedAt?.toISOString() ?? null })),
    requirements: w.requirements ?? [],
    facts: {
      now: facts.now.toISOString(), customer: facts.customer, recentOrderIds: facts.recentOrderIds,
      satisfiedPrerequisites: facts.satisfiedPrerequisites, keywordLibraries: facts.keywordLibraries,
    },
  };
}

function submissionRow(w: Work, a: Attempt, payload: unknown, failures: RuleFailure[], kind: 'visit_report' | 'phone_only') {
  return {
    action_id: w.id, kind, payload, outcome: a.outcome, failures, definition_id: w.def_id, definition_version: w.def_version,
    submitted_by: w.assignee_id, created_at: a.at,
  };
}

type FollowUpEffect = Extract<Effect, { kind: 'follow_up' }>;

/** The 跟进 a filing counts as, as the action state machine decides it (core/flow/action-machine.ts). */
function followUpEffect(w: Work, completion: Completion, at: Date): FollowUpEffect {
  const r = transitionAction({ id: w.id, status: 'in_progress', assigneeId: w.assignee_id }, { type: 'SUBMIT_OK', completion }, at);
  const effect = r.ok ? r.effects.find((e): e is FollowUpEffect => e.kind === 'follow_up') : undefined;
  if (!effect) throw new Error(`seed: the state machine records no follow-up for action ${w.id}`);
  return effect;
}

function followupRow(w: Work, at: Date, f: FollowUpEffect) {
  return {
    customer_id: w.customer_id, action_id: w.id, user_id: w.assignee_id, department_id: w.department_id, channel: f.channel,
    summary: f.note ?? w.title, payload: f.payload, effective: f.effective, has_evidence: f.hasEvidence, reasons: f.reasons, unmet: f.unmet, at,
  };
}

/** `count` ids drawn from a table's sequence, so rows can refer to each other before they are written (unused ones are gaps). */
async function sequenceAllocator(ctx: SeedContext, table: string, count: number): Promise<() => number> {
  const { rows } = await ctx.pool.query(`SELECT nextval(pg_get_serial_sequence($1, 'id')) AS id FROM generate_series(1, $2)`, [table, count]);
  const ids = rows.map((r) => Number(r.id));
  let next = 0;
  return () => {
    if (next >= ids.length) throw new Error(`seed: more ${table} than the ${count} ids drawn`);
    return ids[next++];
  };
}

/** Inserts rows (objects) in chunks through jsonb_to_recordset: one statement per 5,000 rows. */
export async function insertJson(ctx: SeedContext, table: string, rows: unknown[], columns: string, select: string, types: string): Promise<number> {
  let n = 0;
  for (let i = 0; i < rows.length; i += 5000) {
    n += await ctx.exec(`INSERT INTO ${table} (${columns}) SELECT ${select} FROM jsonb_to_recordset($1::jsonb) AS r(${types})`,
      [JSON.stringify(rows.slice(i, i + 5000))]);
  }
  return n;
}
