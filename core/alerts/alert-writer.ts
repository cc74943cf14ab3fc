/**
 * The shared second half of every detection: a rule fills the temp table
 * `alert_candidates` with one set-based INSERT … SELECT, then
 * `materializeAlerts` turns the candidates that are new into alerts, their
 * recipients, an 'alert.opened' event each and one outbox card per
 * recipient, all in the caller's transaction. Dedupe keys make every step
 * idempotent: running a detection twice writes nothing the second time.
 *
 *   await createCandidateTable(tx);
 *   await tx.query(`INSERT INTO alert_candidates (…) SELECT …`);
 *   const r = await materializeAlerts(tx, { now, publicUrl, secret, sendAfter, facts: silenceFacts });
 */
import type { Db } from '../db/pool.js';
import { Sql } from '../db/sql.js';
import { enqueueMessagesCte, type OutboxMessage } from '../outbox/enqueue.js';
import type { WarningFact } from '../wecom/template-cards.js';
import { alertLink, buildAlertCard } from './alert-cards.js';
import { RULE_LABELS } from './rule-settings.js';

export interface MaterializeContext {
  now: Date;
  publicUrl: string;
  /** SESSION_SECRET: signs the card links. */
  secret: string;
  /** Quiet hours: the outbox rows wait until then (null = send at once). */
  sendAfter: Date | null;
  /** The card's facts from the alert's data (one function per rule). */
  facts: (data: any) => WarningFact[];
}

export interface MaterializeResult {
  /** New alerts (candidates whose dedupe key was already taken are skipped). */
  opened: number;
  recipients: number;
  messages: number;
  alertIds: number[];
}

/** Columns a rule fills; `recipients` is jsonb [{userId, role, notify?}]. */
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

const CARD_CHUNK = 2_000;

export async function materializeAlerts(db: Db, ctx: MaterializeContext): Promise<MaterializeResult> {
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
  const messages = await writeCards(db, ctx);
  return { opened: opened.length, recipients: recipients.rowCount ?? 0, messages, alertIds: opened.map((r) => r.id) };
}

/** One card per notified recipient, chunked so a first run over a big backlog stays in bounded memory. */
async function writeCards(db: Db, ctx: MaterializeContext): Promise<number> {
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
        { id: r.alert_id, ruleCode: r.rule_code, title: r.title, summary: r.summary, severity: r.severity, facts: ctx.facts(r.data) },
        link.url, r.user_id,
      );
      return {
        dedupeKey: `alert:${r.alert_id}:${r.user_id}`, recipient: r.wecom_userid, msgtype: 'template_card',
        payload: { template_card: card }, alert: { id: r.alert_id, label: RULE_LABELS[r.rule_code] ?? r.rule_code },
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
