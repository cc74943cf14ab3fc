/**
 * The shared second half of every detection. The detection's SQL selects
 * candidates; `stageAlerts` streams them through the kind's pure rule
 * (core/alerts/rules/<kind>.rule.ts), which decides each alert, into the temp
 * table `alert_candidates`; `materializeAlerts` then turns the staged alerts
 * that are new into alerts, their recipients, an 'alert.opened' event each
 * and one outbox card per recipient, all in the caller's transaction. Dedupe
 * keys make every step idempotent: running a detection twice writes nothing
 * the second time.
 *
 *   await createCandidateTable(tx);
 *   await stageAlerts(tx, { text: CANDIDATES_SQL, values }, toSilenceCandidate, silenceRule, rule.params, now);
 *   const r = await materializeAlerts(tx, silenceRule, { now, publicUrl, secret, sendAfter });
 */
import type { Db } from '../db/pool.js';
import { Sql } from '../db/sql.js';
import { enqueueMessagesCte, type OutboxMessage } from '../outbox/enqueue.js';
import { alertLink, buildAlertCard } from './alert-cards.js';
import type { AlertDraft, AlertRuleDefinition } from './rules/alert-rule.js';
import { alertRuleLabel } from './rules/index.js';

export interface MaterializeContext {
  now: Date;
  publicUrl: string;
  /** SESSION_SECRET: signs the card links. */
  secret: string;
  /** Quiet hours: the outbox rows wait until then (null = send at once). */
  sendAfter: Date | null;
}

export interface MaterializeResult {
  /** New alerts (candidates whose dedupe key was already taken are skipped). */
  opened: number;
  recipients: number;
  messages: number;
  alertIds: number[];
}

/** The alerts a detection's rule decided, staged for materializeAlerts; `recipients` is jsonb [{userId, role, notify?}]. */
export async function createCandidateTable(db: Db): Promise<void> {
  await db.query(`
    CREATE TEMP TABLE IF NOT EXISTS alert_candidates (
      dedupe_key    text PRIMARY KEY,
      rule_code     text NOT NULL,
      subject_type  text NOT NULL,
      subject_id    bigint NOT NULL,
      owner_id      bigint,
      department_id bigint,
      window_start  timestamptz,
      severity      text NOT NULL DEFAULT 'warning',
      title         text NOT NULL,
      summary       text NOT NULL DEFAULT '',
      data          jsonb NOT NULL DEFAULT '{}',
      recipients    jsonb NOT NULL DEFAULT '[]',
      alert_id      bigint
    ) ON COMMIT DROP`);
  await db.query('TRUNCATE alert_candidates');
}

/** Candidate rows read and staged per round: bounded memory however big a first run's backlog. */
const STAGE_CHUNK = 5_000;

/**
 * Runs the detection's candidate query (one scan, read through a cursor in
 * chunks), has the rule decide each candidate's alert, and stages them.
 * Returns how many alerts were staged.
 */
export async function stageAlerts<Row, P>(
  db: Db, candidates: { text: string; values: unknown[] }, toRow: (r: any) => Row,
  rule: AlertRuleDefinition<string, any, Row>, params: P, now: Date,
): Promise<number> {
  await db.query(`DECLARE alert_candidate_rows NO SCROLL CURSOR FOR ${candidates.text}`, candidates.values);
  let staged = 0;
  for (;;) {
    const { rows } = await db.query(`FETCH ${STAGE_CHUNK} FROM alert_candidate_rows`);
    if (rows.length === 0) break;
    const drafts = rows.flatMap((r) => rule.check({ row: toRow(r), now }, params as never) ?? []);
    staged += await stageDrafts(db, rule.kind, drafts);
  }
  await db.query('CLOSE alert_candidate_rows');
  return staged;
}

/** Stages the drafts of one kind (a repeated dedupe key is staged once). */
export async function stageDrafts(db: Db, kind: string, drafts: readonly AlertDraft[]): Promise<number> {
  if (drafts.length === 0) return 0;
  const rows = drafts.map((d) => ({
    dedupe_key: d.dedupeKey, subject_type: d.subject.type, subject_id: d.subject.id, owner_id: d.ownerId, department_id: d.departmentId,
    window_start: d.windowStart, severity: d.severity, title: d.title, summary: d.summary, data: d.data, recipients: d.recipients,
  }));
  const r = await db.query(
    `INSERT INTO alert_candidates (dedupe_key, rule_code, subject_type, subject_id, owner_id, department_id, window_start,
                                   severity, title, summary, data, recipients)
     SELECT x.dedupe_key, $2, x.subject_type, x.subject_id, x.owner_id, x.department_id, x.window_start,
            x.severity, x.title, x.summary, x.data, x.recipients
       FROM jsonb_to_recordset($1::jsonb) AS x(dedupe_key text, subject_type text, subject_id bigint, owner_id bigint, department_id bigint,
                                              window_start timestamptz, severity text, title text, summary text, data jsonb, recipients jsonb)
     ON CONFLICT (dedupe_key) DO NOTHING`,
    [JSON.stringify(rows), kind],
  );
  return r.rowCount ?? 0;
}

const CARD_CHUNK = 2_000;

export async function materializeAlerts(db: Db, rule: Pick<AlertRuleDefinition, 'cardFacts'>, ctx: MaterializeContext): Promise<MaterializeResult> {
  const { rows: opened } = await db.query<{ id: number }>(
    `WITH ins AS (
       INSERT INTO alerts (rule_code, subject_type, subject_id, dedupe_key, severity, title, summary, data, window_start,
                           owner_id, department_id, opened_at, updated_at)
       SELECT rule_code, subject_type, subject_id, dedupe_key, severity, title, summary, data, window_start,
              owner_id, department_id, $1, $1
         FROM alert_candidates ORDER BY dedupe_key
       ON CONFLICT (dedupe_key) DO NOTHING
       RETURNING id, dedupe_key)
     UPDATE alert_candidates c SET alert_id = ins.id FROM ins WHERE c.dedupe_key = ins.dedupe_key
     RETURNING ins.id`,
    [ctx.now],
  );
  if (opened.length === 0) return { opened: 0, recipients: 0, messages: 0, alertIds: [] };
  // recipients named on the candidate who are active members now
  const recipients = await db.query(
    `INSERT INTO alert_recipients (alert_id, user_id, role_reason)
     SELECT c.alert_id, u.id, r->>'role'
       FROM alert_candidates c CROSS JOIN LATERAL jsonb_array_elements(c.recipients) r
       JOIN users u ON u.id = (r->>'userId')::bigint AND u.active
      WHERE c.alert_id IS NOT NULL
     ON CONFLICT DO NOTHING`,
  );
  await db.query(
    `INSERT INTO events (actor_id, entity_type, entity_id, type, data, at)
     SELECT NULL, 'alert', c.alert_id, 'alert.opened',
            jsonb_build_object('rule', c.rule_code, 'dedupeKey', c.dedupe_key, 'subjectType', c.subject_type,
                               'subjectId', c.subject_id, 'title', c.title, 'recipients', c.recipients), $1
       FROM alert_candidates c WHERE c.alert_id IS NOT NULL ORDER BY c.alert_id`,
    [ctx.now],
  );
  const messages = await writeCards(db, rule, ctx);
  return { opened: opened.length, recipients: recipients.rowCount ?? 0, messages, alertIds: opened.map((r) => r.id) };
}

/** One card per notified recipient, chunked so a first run over a big backlog stays in bounded memory. */
async function writeCards(db: Db, rule: Pick<AlertRuleDefinition, 'cardFacts'>, ctx: MaterializeContext): Promise<number> {
  let written = 0;
  let after: [number, number] = [0, 0];
  for (;;) {
    const { rows } = await db.query(
      `SELECT c.alert_id, c.rule_code, c.title, c.summary, c.severity, c.data, u.id AS user_id, u.wecom_userid
         FROM alert_candidates c CROSS JOIN LATERAL jsonb_array_elements(c.recipients) r
         JOIN users u ON u.id = (r->>'userId')::bigint AND u.active
        WHERE c.alert_id IS NOT NULL AND COALESCE((r->>'notify')::boolean, true)
          AND (c.alert_id, u.id) > ($1::bigint, $2::bigint)
        ORDER BY c.alert_id, u.id LIMIT ${CARD_CHUNK}`,
      after,
    );
    if (rows.length === 0) break;
    const links = new Map<number, { url: string; token: string }>();
    const messages: OutboxMessage[] = rows.map((r) => {
      let link = links.get(r.alert_id);
      if (!link) links.set(r.alert_id, (link = alertLink(ctx.publicUrl, ctx.secret, r.alert_id)));
      const card = buildAlertCard(
        { id: r.alert_id, ruleCode: r.rule_code, title: r.title, summary: r.summary, severity: r.severity, facts: rule.cardFacts(r.data) },
        link.url, r.user_id,
      );
      return {
        dedupeKey: `alert:${r.alert_id}:${r.user_id}`, recipient: r.wecom_userid, msgtype: 'template_card',
        payload: { template_card: card }, alert: { id: r.alert_id, label: alertRuleLabel(r.rule_code) },
      };
    });
    const sql = new Sql();
    enqueueMessagesCte(sql, 'o', messages, { sendAfter: ctx.sendAfter, at: ctx.now, returning: true });
    const inserted = await db.query(sql.unprepared(
      `UPDATE alert_recipients ar SET outbox_id = o.id
         FROM o JOIN unnest(${sql.param(messages.map((m) => m.dedupeKey))}::text[], ${sql.param(rows.map((r) => r.alert_id))}::bigint[],
                            ${sql.param(rows.map((r) => r.user_id))}::bigint[]) AS m(dedupe_key, alert_id, user_id) ON m.dedupe_key = o.dedupe_key
        WHERE ar.alert_id = m.alert_id AND ar.user_id = m.user_id`,
    ));
    written += inserted.rowCount ?? 0;
    await db.query(
      `UPDATE alerts a SET link_token = t.token FROM unnest($1::bigint[], $2::text[]) AS t(id, token) WHERE a.id = t.id`,
      [[...links.keys()], [...links.values()].map((l) => l.token)],
    );
    const last = rows[rows.length - 1];
    after = [last.alert_id, last.user_id];
  }
  // alerts whose recipients all got no card (e.g. only the assignee) still carry a working link
  const { rows: unlinked } = await db.query<{ id: number }>(
    'SELECT c.alert_id AS id FROM alert_candidates c JOIN alerts a ON a.id = c.alert_id WHERE a.link_token IS NULL');
  if (unlinked.length) {
    await db.query(
      `UPDATE alerts a SET link_token = t.token FROM unnest($1::bigint[], $2::text[]) AS t(id, token) WHERE a.id = t.id`,
      [unlinked.map((r) => r.id), unlinked.map((r) => alertLink(ctx.publicUrl, ctx.secret, r.id).token)],
    );
  }
  return written;
}

export interface ResolveInput {
  ids: number[];
  now: Date;
  note: string;
  actorId: number | null;
  via: 'auto' | 'app' | 'card';
}

/**
 * Marks the alerts matching `where` (over alerts `a`, its values given to the
 * builder) resolved, with an 'alert.resolved' event each; returns the ids that changed.
 *
 *   await resolveAlertsWhere(tx, (sql) => `a.subject_id = ANY(${sql.param(ids)}::bigint[])`, { now, note, actorId: null, via: 'auto' });
 */
export async function resolveAlertsWhere(db: Db, where: (sql: Sql) => string, r: Omit<ResolveInput, 'ids'>): Promise<number[]> {
  const sql = new Sql();
  const predicate = where(sql);
  const [at, actor, note] = [sql.param(r.now), sql.param(r.actorId), sql.param(r.note)];
  const { rows } = await db.query<{ id: number }>(sql.unprepared(
    `WITH res AS (
       UPDATE alerts a SET status = 'resolved', resolved_at = ${at}, resolved_by = ${actor},
                           resolution_note = ${note}, updated_at = ${at}
        WHERE a.status <> 'resolved' AND (${predicate})
       RETURNING a.id, a.status)
     INSERT INTO events (actor_id, entity_type, entity_id, type, data, at)
     SELECT ${actor}, 'alert', res.id, 'alert.resolved', jsonb_build_object('note', ${note}::text, 'via', ${sql.param(r.via)}::text), ${at}
       FROM res
     RETURNING entity_id AS id`,
  ));
  return rows.map((x) => x.id);
}
